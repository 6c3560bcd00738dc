package io.github.eksnoderemediator.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.github.eksnoderemediator.eni.EniReport;
import io.github.eksnoderemediator.eni.EniService;
import io.github.eksnoderemediator.events.EventParser;
import io.github.eksnoderemediator.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/**
 * The ENI function ({@code io.github.eksnoderemediator.handler.EniHandler::handleRequest}):
 * EventBridge events, schedules and manual payloads in, a JSON {@link EniReport} out. The same
 * contract as {@link ImdsHandler}: malformed input throws {@link
 * io.github.eksnoderemediator.events.InvalidInputException} before any AWS call; an
 * EventBridge-delivered event with a failed instance throws {@link RemediationFailedException} so
 * Lambda retries it (a sweep's failures are left to the next sweep); a manual invocation returns
 * the report with the failure in it.
 */
public final class EniHandler implements RequestStreamHandler {
  /** Stop starting new instances this long before Lambda's timeout, to report in time. */
  static final Duration SAFETY_MARGIN = Duration.ofSeconds(20);

  private final EniService service;

  /** Held strongly: CRaC keeps only weak references to registered resources. */
  private final Priming priming;

  /** Lambda INIT: production wiring, built once, and primed before a SnapStart snapshot. */
  public EniHandler() {
    this(Wiring.eni(System.getenv()));
  }

  private EniHandler(Wiring.Eni eni) {
    this.service = eni.service();
    this.priming =
        new Priming(eni.primeSdk(), () -> Json.compact(process(Priming.UNSUPPORTED_EVENT, true)));
    org.crac.Core.getGlobalContext().register(priming);
  }

  EniHandler(EniService service) {
    this.service = service;
    this.priming = null;
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    Instant deadline =
        context == null
            ? Instant.MAX
            : Instant.now().plusMillis(context.getRemainingTimeInMillis()).minus(SAFETY_MARGIN);
    EniReport report = process(input.readAllBytes(), false, deadline);
    if (report.retryFailures()) {
      throw new RemediationFailedException(report.failureSummary());
    }
    output.write(Json.compact(report).getBytes(StandardCharsets.UTF_8));
  }

  /** Parses and handles one input: what Lambda runs, and what the local command runs. */
  public EniReport process(byte[] input, boolean forceDryRun) {
    return process(input, forceDryRun, Instant.MAX);
  }

  private EniReport process(byte[] input, boolean forceDryRun, Instant deadline) {
    return service.handle(EventParser.parse(input), forceDryRun, deadline);
  }
}
