package io.github.eksnoderemediator.canary;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.eksnoderemediator.json.Json;
import io.github.eksnoderemediator.metrics.Metrics;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The scheduled canary's metrics as one CloudWatch Embedded Metric Format line, without dimensions
 * (one canary per stack): {@value #EXPOSURE} (launch to hardened), {@value #TAMPER_RESPONSE}
 * (loosened to hardened again) and {@value #PATHS_FAILED}, which the {@code
 * RemediationPipelineBroken} alarm watches. A path that was not measured writes no value.
 */
public final class CanaryMetrics {
  public static final String EXPOSURE = "ExposureSeconds";
  public static final String TAMPER_RESPONSE = "TamperResponseSeconds";
  public static final String PATHS_FAILED = "PathsFailed";

  private CanaryMetrics() {}

  /** The EMF line for a run; {@code pathsFailed} counts a run that crashed as one failure. */
  public static String line(
      Instant at, Optional<Duration> exposure, Optional<Duration> tamper, int pathsFailed) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    ObjectNode aws = root.putObject("_aws");
    aws.put("Timestamp", at.toEpochMilli());
    ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
    directive.put("Namespace", Metrics.NAMESPACE);
    directive.putArray("Dimensions").addArray();
    ArrayNode metrics = directive.putArray("Metrics");
    exposure.ifPresent(d -> seconds(root, metrics, EXPOSURE, d));
    tamper.ifPresent(d -> seconds(root, metrics, TAMPER_RESPONSE, d));
    metrics.addObject().put("Name", PATHS_FAILED).put("Unit", "Count");
    root.put(PATHS_FAILED, pathsFailed);
    root.put("Function", "canary");
    return Json.compact(root);
  }

  private static void seconds(ObjectNode root, ArrayNode metrics, String name, Duration d) {
    metrics.addObject().put("Name", name).put("Unit", "Seconds");
    root.put(name, d.toMillis() / 1000.0);
  }
}
