package io.github.eksnoderemediator.handler;

import io.github.eksnoderemediator.imds.ImdsService;
import io.github.eksnoderemediator.report.Report;

/**
 * The IMDS function ({@code io.github.eksnoderemediator.handler.ImdsHandler::handleRequest}):
 * EventBridge events, schedules and manual payloads in, a JSON {@link Report} out; launch events
 * from its queue in batches, handled together by {@link ImdsService#handleBatch}; the contract is
 * {@link FunctionHandler}'s.
 */
public final class ImdsHandler extends FunctionHandler<Report> {

  /** Lambda INIT: production wiring, built once, and primed before a SnapStart snapshot. */
  public ImdsHandler() {
    this(Wiring.imds(System.getenv()));
  }

  private ImdsHandler(Wiring.Imds imds) {
    super(imds.service()::handle, imds.service()::handleBatch, imds.primeSdk());
  }

  /** For tests and tools: a handler over a service built elsewhere, not primed. */
  public ImdsHandler(ImdsService service) {
    super(service::handle, service::handleBatch, null);
  }
}
