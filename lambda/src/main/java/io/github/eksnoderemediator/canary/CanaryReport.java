package io.github.eksnoderemediator.canary;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What one canary run found.
 *
 * @param instance the instance it launched, or empty when the launch itself failed
 * @param paths one row per path, in the order they ran
 * @param exposure launch to hardened (path a), when it was hardened
 * @param tamperResponse loosened to hardened again (path b), when it was
 */
public record CanaryReport(
    String instance,
    List<PathResult> paths,
    Optional<Duration> exposure,
    Optional<Duration> tamperResponse) {
  public CanaryReport {
    paths = List.copyOf(paths);
  }

  /** True when any path failed: the command exits non-zero and the alarm's metric counts it. */
  public boolean failed() {
    return paths.stream().anyMatch(p -> p.result() == PathResult.Result.FAIL);
  }

  /** The table the command prints: path, result, seconds, what to check. */
  public String table() {
    int pathWidth = "path".length();
    for (PathResult p : paths) {
      pathWidth = Math.max(pathWidth, p.path().length());
    }
    StringBuilder out = new StringBuilder();
    String format = "%-" + pathWidth + "s  %-6s  %7s  %s%n";
    out.append(String.format(java.util.Locale.ROOT, format, "path", "result", "seconds", "check"));
    for (PathResult p : paths) {
      out.append(
          String.format(
              java.util.Locale.ROOT, format, p.path(), p.result(), p.seconds(), p.check()));
    }
    return out.toString();
  }
}
