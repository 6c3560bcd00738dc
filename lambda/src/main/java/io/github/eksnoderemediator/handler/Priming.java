package io.github.eksnoderemediator.handler;

import io.github.eksnoderemediator.port.InstanceId;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.crac.Context;
import org.crac.Resource;

/**
 * SnapStart priming: before Lambda snapshots the initialized function, run the code paths the first
 * event takes (the parser, the service, the report's JSON, the SDK's first request), so a restored
 * function starts with those classes loaded and compiled instead of paying for them on the first
 * launch it handles. Nothing here writes; a failed step is reported and never fails INIT.
 */
final class Priming implements Resource {
  /** An instance id no account has: DescribeInstances answers InvalidInstanceID.NotFound. */
  static final InstanceId NO_SUCH_INSTANCE = new InstanceId("i-00000000000000000");

  /** An event this service has no use for: parsed, answered "ignored", no AWS call. */
  static final byte[] UNSUPPORTED_EVENT =
      ("{\"version\": \"0\", \"id\": \"priming\", \"source\": \"eks-node-remediator.priming\","
              + " \"detail-type\": \"SnapStart priming\", \"detail\": {}}")
          .getBytes(StandardCharsets.UTF_8);

  private final List<Runnable> steps;

  Priming(Runnable... steps) {
    this.steps = List.of(steps);
  }

  @Override
  public void beforeCheckpoint(Context<? extends Resource> context) {
    prime();
  }

  @Override
  public void afterRestore(Context<? extends Resource> context) {}

  /** Runs every step; returns how many completed. */
  int prime() {
    int completed = 0;
    for (Runnable step : steps) {
      try {
        step.run();
        completed++;
      } catch (RuntimeException e) {
        System.err.println(
            "{\"level\":\"WARN\",\"message\":\"priming step failed\",\"error\":\""
                + e.getClass().getSimpleName()
                + "\"}");
      }
    }
    return completed;
  }
}
