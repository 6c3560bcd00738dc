package io.github.eksnoderemediator.handler;

import io.github.eksnoderemediator.check.PermissionsReport;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The ENI function's deploy-time permissions check ({@code
 * io.github.eksnoderemediator.handler.EniPermissionsCheckHandler::handleRequest}), run with the ENI
 * function's role; see {@link PermissionsCheckHandler}.
 */
public final class EniPermissionsCheckHandler extends PermissionsCheckHandler {

  /** Lambda INIT: the ENI function's production wiring. */
  public EniPermissionsCheckHandler() {
    this(Wiring.eniPermissionsCheck(System.getenv())::check, BETWEEN_ATTEMPTS);
  }

  EniPermissionsCheckHandler(Supplier<PermissionsReport> check, Duration pause) {
    super(check, pause);
  }
}
