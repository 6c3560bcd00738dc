package io.github.eksnoderemediator.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.github.eksnoderemediator.events.EventParser;
import io.github.eksnoderemediator.events.Input;
import io.github.eksnoderemediator.json.Json;
import io.github.eksnoderemediator.report.InvocationReport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/**
 * What both functions' handlers do: raw bytes in, one parser, the function's service, a JSON report
 * out. Malformed input throws {@link io.github.eksnoderemediator.events.InvalidInputException} (one
 * line, nothing written). An EventBridge-delivered event with a failed instance throws {@link
 * RemediationFailedException} so Lambda retries it; a sweep's failures are left to the next sweep,
 * and a manual invocation returns the report with the failure in it.
 *
 * <p>A stream handler on purpose: EventBridge events and manual payloads go through one parser into
 * one request type, so every path runs the same code.
 */
abstract class FunctionHandler<R extends InvocationReport> implements RequestStreamHandler {
  /** Stop starting new work this long before Lambda's timeout, to report in time. */
  static final Duration SAFETY_MARGIN = Duration.ofSeconds(20);

  /** A function's service, as the handler calls it. */
  @FunctionalInterface
  interface Service<R> {
    R handle(Input input, boolean forceDryRun, Instant deadline);
  }

  private final Service<R> service;

  /** Held strongly: CRaC keeps only weak references to registered resources. */
  private final Priming priming;

  /**
   * @param primeSdk the SDK call to prime before a SnapStart snapshot, or null for none (tests)
   */
  FunctionHandler(Service<R> service, Runnable primeSdk) {
    this.service = service;
    if (primeSdk == null) {
      this.priming = null;
    } else {
      this.priming =
          new Priming(primeSdk, () -> Json.compact(process(Priming.UNSUPPORTED_EVENT, true)));
      org.crac.Core.getGlobalContext().register(priming);
    }
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    Instant deadline =
        context == null
            ? Instant.MAX
            : Instant.now().plusMillis(context.getRemainingTimeInMillis()).minus(SAFETY_MARGIN);
    R report = service.handle(EventParser.parse(input.readAllBytes()), false, deadline);
    if (report.retryFailures()) {
      throw new RemediationFailedException(report.failureSummary());
    }
    output.write(Json.compact(report).getBytes(StandardCharsets.UTF_8));
  }

  /** Parses and handles one input with no deadline: what the local command runs. */
  public R process(byte[] input, boolean forceDryRun) {
    return service.handle(EventParser.parse(input), forceDryRun, Instant.MAX);
  }
}
