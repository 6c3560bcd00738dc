package io.github.eksnoderemediator.handler;

import io.github.eksnoderemediator.eni.EniReport;
import io.github.eksnoderemediator.eni.EniService;

/**
 * The ENI function ({@code io.github.eksnoderemediator.handler.EniHandler::handleRequest}):
 * EventBridge events, schedules and manual payloads in, a JSON {@link EniReport} out; launch and
 * state-change events from its queue in batches, each message handled as if invoked alone (every
 * step is per instance and idempotent); the contract is {@link FunctionHandler}'s.
 */
public final class EniHandler extends FunctionHandler<EniReport> {

  /** Lambda INIT: production wiring, built once, and primed before a SnapStart snapshot. */
  public EniHandler() {
    this(Wiring.eni(System.getenv()));
  }

  private EniHandler(Wiring.Eni eni) {
    this(eni.service(), eni.primeSdk());
  }

  private EniHandler(EniService service, Runnable primeSdk) {
    super(service::handle, oneByOne(service::handle), primeSdk);
  }

  /** For tests and tools: a handler over a service built elsewhere, not primed. */
  public EniHandler(EniService service) {
    this(service, null);
  }
}
