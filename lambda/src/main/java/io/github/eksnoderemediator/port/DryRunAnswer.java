package io.github.eksnoderemediator.port;

/**
 * What EC2 answered a request sent with {@code DryRun=true}: it checks the caller's permissions and
 * does nothing else.
 *
 * @param outcome {@link Outcome#ALLOWED} for {@code DryRunOperation}, {@link Outcome#REFUSED} for
 *     {@code UnauthorizedOperation}, {@link Outcome#OTHER} for any other answer
 * @param code EC2's error code, e.g. {@code DryRunOperation}
 * @param message EC2's message, one line (for a refusal it names the action and resource)
 */
public record DryRunAnswer(Outcome outcome, String code, String message) {

  /** The three answers that matter to a permissions check. */
  public enum Outcome {
    ALLOWED,
    REFUSED,
    OTHER
  }

  /** As the report shows it, e.g. {@code refused (UnauthorizedOperation)}. */
  public String summary() {
    return outcome.name().toLowerCase(java.util.Locale.ROOT) + " (" + code + ")";
  }
}
