package io.github.eksnoderemediator.verify;

import java.util.Optional;

/**
 * One line of the pipeline check.
 *
 * @param status OK, WARN or FAIL
 * @param item what was checked, e.g. {@code rule ImdsLaunches}
 * @param detail what was found
 * @param fix what to do, for anything not OK
 */
public record Check(Status status, String item, String detail, Optional<String> fix) {

  /** How an item stands. WARN does not fail the check; FAIL does. */
  public enum Status {
    OK,
    WARN,
    FAIL
  }

  public static Check ok(String item, String detail) {
    return new Check(Status.OK, item, detail, Optional.empty());
  }

  public static Check warn(String item, String detail, String fix) {
    return new Check(Status.WARN, item, detail, Optional.of(fix));
  }

  public static Check fail(String item, String detail, String fix) {
    return new Check(Status.FAIL, item, detail, Optional.of(fix));
  }

  /** The printed line: {@code FAIL item: detail. Fix: ...}. */
  public String line() {
    return String.format("%-4s  %s: %s", status, item, detail)
        + fix.map(f -> ". Fix: " + f).orElse("");
  }
}
