package io.github.eksnoderemediator.canary;

import java.time.Duration;
import java.util.Optional;

/**
 * One row of the canary's table.
 *
 * @param path what was exercised, e.g. {@code (a) launch -> hardened}
 * @param result OK, FAIL or SKIP
 * @param took how long it took, where it was measured
 * @param check what to look at (for a failure: the cause found and the fix), or a note
 */
public record PathResult(String path, Result result, Optional<Duration> took, String check) {
  /** A path's outcome. */
  public enum Result {
    OK,
    FAIL,
    SKIP
  }

  /** Seconds with one decimal, as the table prints them; {@code -} when not measured. */
  public String seconds() {
    return took.map(d -> String.format(java.util.Locale.ROOT, "%.1f", d.toMillis() / 1000.0))
        .orElse("-");
  }

  static PathResult ok(String path, Duration took, String check) {
    return new PathResult(path, Result.OK, Optional.of(took), check);
  }

  static PathResult fail(String path, String check) {
    return new PathResult(path, Result.FAIL, Optional.empty(), check);
  }

  static PathResult skip(String path, String check) {
    return new PathResult(path, Result.SKIP, Optional.empty(), check);
  }
}
