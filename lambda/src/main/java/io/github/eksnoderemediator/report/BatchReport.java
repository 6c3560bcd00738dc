package io.github.eksnoderemediator.report;

import java.util.List;
import java.util.Set;

/**
 * What a function did with one batch from its launch queue: the messages SQS must deliver again
 * (the handler's {@code SQSBatchResponse}) and the reports of the work, which the local command
 * prints beside that answer.
 *
 * @param again the ids of the messages to deliver again
 * @param reports one report for a batch handled together (the IMDS function), one per message for a
 *     batch handled a message at a time (the ENI function)
 */
public record BatchReport<R extends InvocationReport>(Set<String> again, List<R> reports) {
  public BatchReport {
    again = java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(again));
    reports = List.copyOf(reports);
  }
}
