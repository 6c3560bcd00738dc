package io.github.eksnoderemediator.report;

import io.github.eksnoderemediator.json.Json;
import io.github.eksnoderemediator.node.ScopeDecision.SkipReason;
import java.io.PrintStream;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes one JSON object per line: in Lambda the line lands in CloudWatch Logs as is, where Logs
 * Insights can filter on its fields ({@code filter decision = "failed"}).
 */
public final class JsonLinesDecisionLog implements DecisionLog {
  private final PrintStream out;
  private final Clock clock;

  public JsonLinesDecisionLog(PrintStream out, Clock clock) {
    this.out = out;
    this.clock = clock;
  }

  @Override
  public void record(String input, String eventId, InstanceResult result) {
    write(level(result), "imds " + result.decision().label(), input, eventId, result);
  }

  /**
   * Writes one line {@code {"timestamp", "level", "message", "input", "eventId", "result"}}: the
   * shape every function's decisions share, whatever its result type.
   */
  public void write(String level, String message, String input, String eventId, Object result) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("timestamp", clock.instant().toString());
    line.put("level", level);
    line.put("message", message);
    line.put("input", input);
    if (eventId != null) {
      line.put("eventId", eventId);
    }
    line.put("result", result);
    String json = Json.compact(line);
    synchronized (out) {
      out.println(json);
    }
  }

  private static String level(InstanceResult result) {
    if (result.caller() != null
        && "ModifyInstanceMetadataOptions".equals(result.caller().action())
        && result.decision() != Decision.COMPLIANT) {
      // Someone loosened a node: a security event, whatever the remediator then did.
      return result.decision() == Decision.FAILED ? "ERROR" : "WARN";
    }
    return switch (result.decision()) {
      case FAILED -> "ERROR";
      // An opt-out is an operator's deliberate exception to a security control: make it stand out.
      case SKIPPED -> result.skippedBecause() == SkipReason.OPTED_OUT ? "WARN" : "INFO";
      // A node left weak on purpose, until its IMDSv1 clients are fixed.
      case DEFERRED -> "WARN";
      default -> "INFO";
    };
  }
}
