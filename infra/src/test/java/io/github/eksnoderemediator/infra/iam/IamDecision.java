package io.github.eksnoderemediator.infra.iam;

import java.util.List;

/**
 * What IAM decided, and which statements decided it.
 *
 * @param allowedBy the Sids of the Allow statements that matched
 * @param deniedBy the Sids of the Deny statements that matched
 * @param ignoredContextKeys keys the request gave that the Service Authorization Reference does not
 *     list for this action and resource: AWS would not supply them, so they played no part
 */
public record IamDecision(
    Outcome outcome,
    List<String> allowedBy,
    List<String> deniedBy,
    List<String> ignoredContextKeys) {

  /** IAM's three outcomes. */
  public enum Outcome {
    Allowed,
    ExplicitlyDenied,
    ImplicitlyDenied
  }

  public boolean allowed() {
    return outcome == Outcome.Allowed;
  }

  @Override
  public String toString() {
    return outcome
        + (allowedBy.isEmpty() ? "" : " allowed by " + allowedBy)
        + (deniedBy.isEmpty() ? "" : " denied by " + deniedBy);
  }
}
