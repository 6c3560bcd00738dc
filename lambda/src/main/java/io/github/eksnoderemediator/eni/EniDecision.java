package io.github.eksnoderemediator.eni;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What happened to one profile's interface on one instance (or, in a sweep, to one interface). */
public enum EniDecision {
  /** An interface was created and attached (in a dry run: would be). */
  CREATED,
  /** An existing interface of ours was attached. */
  ATTACHED,
  /** Ours was attached already; its DeleteOnTermination, check or spares were corrected. */
  UPDATED,
  /** Ours is attached at the profile's slot, as configured: no write. */
  ALREADY_PRESENT,
  /** An interface of ours was deleted (instance gone, or no longer matching a profile). */
  DELETED,
  /** Not touched; the reason says why. */
  SKIPPED,
  /** Something went wrong; {@code retryable} says whether trying again can help. */
  FAILED;

  @JsonValue
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
