package io.github.eksnoderemediator.handler;

import io.github.eksnoderemediator.eni.EniReport;
import io.github.eksnoderemediator.eni.EniService;

/**
 * The ENI function ({@code io.github.eksnoderemediator.handler.EniHandler::handleRequest}):
 * EventBridge events, schedules and manual payloads in, a JSON {@link EniReport} out; the contract
 * is {@link FunctionHandler}'s.
 */
public final class EniHandler extends FunctionHandler<EniReport> {

  /** Lambda INIT: production wiring, built once, and primed before a SnapStart snapshot. */
  public EniHandler() {
    this(Wiring.eni(System.getenv()));
  }

  private EniHandler(Wiring.Eni eni) {
    super(eni.service()::handle, eni.primeSdk());
  }

  EniHandler(EniService service) {
    super(service::handle, null);
  }
}
