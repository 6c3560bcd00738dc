package io.github.eksnoderemediator.handler;

import io.github.eksnoderemediator.check.PermissionsReport;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The IMDS function's deploy-time permissions check ({@code
 * io.github.eksnoderemediator.handler.ImdsPermissionsCheckHandler::handleRequest}), run with the
 * IMDS function's role; see {@link PermissionsCheckHandler}.
 */
public final class ImdsPermissionsCheckHandler extends PermissionsCheckHandler {

  /** Lambda INIT: the IMDS function's production wiring. */
  public ImdsPermissionsCheckHandler() {
    this(Wiring.imdsPermissionsCheck(System.getenv())::check, BETWEEN_ATTEMPTS);
  }

  ImdsPermissionsCheckHandler(Supplier<PermissionsReport> check, Duration pause) {
    super(check, pause);
  }
}
