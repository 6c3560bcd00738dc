package io.github.eksnoderemediator.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.github.eksnoderemediator.events.EventParser;
import io.github.eksnoderemediator.imds.ImdsService;
import io.github.eksnoderemediator.json.Json;
import io.github.eksnoderemediator.report.Report;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/**
 * The IMDS function: EventBridge events and manual payloads in, a JSON {@link Report} out.
 *
 * <p>A stream handler on purpose: EventBridge events and manual payloads go through one parser into
 * one request type, so both paths run the same code.
 *
 * <p>Malformed input throws {@link io.github.eksnoderemediator.events.InvalidInputException} (one
 * line, nothing written). An EventBridge-delivered invocation with a failed instance throws {@link
 * RemediationFailedException} so Lambda retries it; a manual invocation returns the report with the
 * failure in it.
 */
public final class ImdsHandler implements RequestStreamHandler {
  /** A sweep stops starting new nodes this long before Lambda's timeout, to report in time. */
  static final Duration SAFETY_MARGIN = Duration.ofSeconds(20);

  private final ImdsService service;

  /** Held strongly: CRaC keeps only weak references to registered resources. */
  private final Priming priming;

  /** Lambda INIT: production wiring, built once, and primed before a SnapStart snapshot. */
  public ImdsHandler() {
    this(Wiring.imds(System.getenv()));
  }

  private ImdsHandler(Wiring.Imds imds) {
    this.service = imds.service();
    this.priming =
        new Priming(imds.primeSdk(), () -> Json.compact(process(Priming.UNSUPPORTED_EVENT, true)));
    org.crac.Core.getGlobalContext().register(priming);
  }

  ImdsHandler(ImdsService service) {
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
    Report report = process(input.readAllBytes(), false, deadline);
    if (report.retryFailures()) {
      throw new RemediationFailedException(report.failureSummary());
    }
    output.write(Json.compact(report).getBytes(StandardCharsets.UTF_8));
  }

  /** Parses and handles one input: what Lambda runs, and what the local command runs. */
  public Report process(byte[] input, boolean forceDryRun) {
    return process(input, forceDryRun, Instant.MAX);
  }

  private Report process(byte[] input, boolean forceDryRun, Instant deadline) {
    return service.handle(EventParser.parse(input), forceDryRun, deadline);
  }
}
