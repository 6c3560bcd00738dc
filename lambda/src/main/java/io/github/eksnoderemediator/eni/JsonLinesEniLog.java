package io.github.eksnoderemediator.eni;

import io.github.eksnoderemediator.node.ScopeDecision.SkipReason;
import io.github.eksnoderemediator.report.JsonLinesDecisionLog;

/**
 * The ENI function's decisions as JSON lines, in the shape the IMDS function uses ({@code message}
 * {@code "eni <decision>"}, the instance result under {@code result}), so one Logs Insights query
 * reads both: {@code filter result.decision = "failed"}.
 */
public final class JsonLinesEniLog implements EniDecisionLog {
  private final JsonLinesDecisionLog lines;

  public JsonLinesEniLog(JsonLinesDecisionLog lines) {
    this.lines = lines;
  }

  @Override
  public void record(String input, String eventId, EniInstanceResult result) {
    String level =
        switch (result.decision()) {
          case FAILED -> "ERROR";
          // An opt-out is an operator's deliberate exception: make it stand out.
          case SKIPPED -> result.skippedBecause() == SkipReason.OPTED_OUT ? "WARN" : "INFO";
          // Profiles that leave the VPC CNI no slot: pods will not get addresses (docs/eni.md).
          default -> result.vpcCni() != null && result.vpcCni().warning() != null ? "WARN" : "INFO";
        };
    lines.write(level, "eni " + result.decision().label(), input, eventId, result);
  }

  /** An instance type whose profiles leave the VPC CNI no slot: WARN, with the figures. */
  @Override
  public void cniCapacity(String input, CniCapacityReport.Row row) {
    lines.write("WARN", "eni vpc cni left no slot", input, null, row);
  }

  /** Someone touched an interface: a security event, logged at WARN with who and what. */
  @Override
  public void touched(
      String input,
      String eventId,
      io.github.eksnoderemediator.report.Attribution by,
      String what) {
    java.util.Map<String, Object> result = new java.util.LinkedHashMap<>();
    result.put("caller", by);
    result.put("touched", what);
    lines.write("WARN", "eni interface touched", input, eventId, result);
  }
}
