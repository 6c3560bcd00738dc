package io.github.eksnoderemediator.report;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What happened to one instance. */
public enum Decision {
  /** Options were changed (or, in a dry run, would be). */
  CHANGED,
  /** Already as the policy wants: no write. */
  COMPLIANT,
  /**
   * Would change, but held back: the node still has IMDSv1 callers and its mode is {@code defer}.
   * Nothing written.
   */
  DEFERRED,
  /** Out of scope: not touched. */
  SKIPPED,
  /** Something went wrong; the reason says what and whether a retry can help. */
  FAILED;

  @JsonValue
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
