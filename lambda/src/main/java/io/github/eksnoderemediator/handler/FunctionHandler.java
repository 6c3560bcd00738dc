package io.github.eksnoderemediator.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.github.eksnoderemediator.events.EventParser;
import io.github.eksnoderemediator.events.Input;
import io.github.eksnoderemediator.events.InvalidInputException;
import io.github.eksnoderemediator.events.QueuedInput;
import io.github.eksnoderemediator.json.Json;
import io.github.eksnoderemediator.report.BatchReport;
import io.github.eksnoderemediator.report.InvocationReport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What both functions' handlers do: raw bytes in, one parser, the function's service, a JSON report
 * out. Malformed input throws {@link io.github.eksnoderemediator.events.InvalidInputException} (one
 * line, nothing written). An EventBridge-delivered event with a failed instance throws {@link
 * RemediationFailedException} so Lambda retries it; a sweep's failures are left to the next sweep,
 * and a manual invocation returns the report with the failure in it.
 *
 * <p>A stream handler on purpose: EventBridge events and manual payloads go through one parser into
 * one request type, so every path runs the same code. Lambda allows one handler per function, and
 * the same function takes launch events from its queue's event source mapping: an SQS batch is told
 * apart by its shape ({@link QueueBatches}), read with AWS's serialization library, and each
 * message body, the EventBridge event the rule sent, goes through the same parser. The answer is an
 * {@code SQSBatchResponse} naming the messages to deliver again: those that failed, and those the
 * batch's deadline did not reach. A body that does not parse is named too, so after the queue's
 * receive limit it lands in the dead-letter queue where an operator sees it.
 */
abstract class FunctionHandler<R extends InvocationReport> implements RequestStreamHandler {
  /** Stop starting new work this long before Lambda's timeout, to report in time. */
  static final Duration SAFETY_MARGIN = Duration.ofSeconds(20);

  /** A function's service, as the handler calls it. */
  @FunctionalInterface
  interface Service<R> {
    R handle(Input input, boolean forceDryRun, Instant deadline);
  }

  /** A function's handling of a queue batch. */
  @FunctionalInterface
  interface BatchService<R extends InvocationReport> {
    /**
     * @param forceDryRun write nothing (the local command's {@code --dry-run})
     * @param deadline when to stop starting work; what is not reached by then is returned
     * @return the ids of the messages to deliver again, and the reports of the work
     */
    BatchReport<R> handle(List<QueuedInput> batch, boolean forceDryRun, Instant deadline);
  }

  /**
   * A batch handled one message at a time, each as if it had been invoked alone: for a function
   * with nothing to gain from handling instances together.
   */
  static <R extends InvocationReport> BatchService<R> oneByOne(Service<R> service) {
    return (batch, forceDryRun, deadline) -> {
      Set<String> again = new LinkedHashSet<>();
      List<R> reports = new ArrayList<>();
      for (QueuedInput item : batch) {
        if (!Instant.now().isBefore(deadline)) {
          again.add(item.messageId());
          continue;
        }
        R report = service.handle(item.input(), forceDryRun, deadline);
        reports.add(report);
        if (report.retryFailures()) {
          again.add(item.messageId());
        }
      }
      return new BatchReport<>(again, reports);
    };
  }

  /**
   * A batch as the handler answered it: the messages to deliver again, in batch order (the {@code
   * SQSBatchResponse}), and the reports of the work, which only the local command prints.
   */
  record Batch<R>(List<String> again, List<R> reports) {}

  private final Service<R> service;
  private final BatchService<R> batches;

  /** Held strongly: CRaC keeps only weak references to registered resources. */
  private final Priming priming;

  /**
   * @param primeSdk the SDK call to prime before a SnapStart snapshot, or null for none (tests)
   */
  FunctionHandler(Service<R> service, BatchService<R> batches, Runnable primeSdk) {
    this.service = service;
    this.batches = batches;
    if (primeSdk == null) {
      this.priming = null;
    } else {
      this.priming =
          new Priming(
              primeSdk,
              () -> Json.compact(process(Priming.UNSUPPORTED_EVENT, true)),
              // The queue path: SQSEvent deserialization, the batch service and the answer, on a
              // batch of that same event, which needs no AWS call.
              () -> QueueBatches.answer(handleBatch(primingBatch(), false, Instant.MAX).again()));
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
    byte[] bytes = input.readAllBytes();
    if (QueueBatches.isBatch(bytes)) {
      output.write(
          QueueBatches.answer(handleBatch(QueueBatches.read(bytes), false, deadline).again()));
      return;
    }
    R report = service.handle(EventParser.parse(bytes), false, deadline);
    if (report.retryFailures()) {
      throw new RemediationFailedException(report.failureSummary());
    }
    output.write(Json.compact(report).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Parses every message of a batch and hands the ones that parse to the function's batch service.
   *
   * @return the ids of the messages SQS must deliver again, in batch order, and the reports
   */
  Batch<R> handleBatch(SQSEvent event, boolean forceDryRun, Instant deadline) {
    List<QueuedInput> parsed = new ArrayList<>();
    Set<String> again = new LinkedHashSet<>();
    for (SQSEvent.SQSMessage message : event.getRecords()) {
      try {
        parsed.add(
            new QueuedInput(
                message.getMessageId(),
                EventParser.parse(message.getBody().getBytes(StandardCharsets.UTF_8))));
      } catch (InvalidInputException e) {
        // One line, like every other error; the message goes back and, after the queue's receive
        // limit, to the dead-letter queue.
        System.err.println(
            Json.compact(Map.of("messageId", message.getMessageId(), "invalid", e.getMessage())));
        again.add(message.getMessageId());
      }
    }
    BatchReport<R> handled = batches.handle(parsed, forceDryRun, deadline);
    again.addAll(handled.again());
    List<String> ordered = new ArrayList<>();
    event.getRecords().stream()
        .map(SQSEvent.SQSMessage::getMessageId)
        .filter(again::contains)
        .forEach(ordered::add);
    return new Batch<>(ordered, handled.reports());
  }

  private static SQSEvent primingBatch() {
    SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
    message.setMessageId("priming");
    message.setBody(new String(Priming.UNSUPPORTED_EVENT, StandardCharsets.UTF_8));
    SQSEvent event = new SQSEvent();
    event.setRecords(List.of(message));
    return QueueBatches.read(QueueBatches.write(event));
  }

  /** Parses and handles one input with no deadline: what the local command runs. */
  public R process(byte[] input, boolean forceDryRun) {
    return service.handle(EventParser.parse(input), forceDryRun, Instant.MAX);
  }

  /**
   * Reads and handles an SQS batch with no deadline, exactly as {@link #handleRequest} does: what
   * the local command runs for a batch.
   *
   * @throws InvalidInputException when the input is not a batch Lambda could send
   */
  Batch<R> processBatch(byte[] input, boolean forceDryRun) {
    return handleBatch(QueueBatches.readChecked(input), forceDryRun, Instant.MAX);
  }
}
