package io.github.eksnoderemediator.canary;

import java.util.OptionalLong;

/**
 * One row of the canary's table.
 *
 * @param path what was exercised, e.g. {@code (a) launch -> hardened}
 * @param result OK, FAIL or SKIP
 * @param seconds how long it took, where it was measured
 * @param check what to look at (for a failure: the cause found and the fix), or a note
 */
public record PathResult(String path, Result result, OptionalLong seconds, String check) {
  /** A path's outcome. */
  public enum Result {
    OK,
    FAIL,
    SKIP
  }

  static PathResult ok(String path, long seconds, String check) {
    return new PathResult(path, Result.OK, OptionalLong.of(seconds), check);
  }

  static PathResult fail(String path, String check) {
    return new PathResult(path, Result.FAIL, OptionalLong.empty(), check);
  }

  static PathResult skip(String path, String check) {
    return new PathResult(path, Result.SKIP, OptionalLong.empty(), check);
  }
}
