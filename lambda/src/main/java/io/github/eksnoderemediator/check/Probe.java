package io.github.eksnoderemediator.check;

import io.github.eksnoderemediator.port.DryRunAnswer;

/**
 * One row of a permissions check: a request sent with {@code DryRun=true}, what the role should
 * answer, what EC2 answered, and the verdict.
 *
 * @param probe what the row proves, e.g. {@code harden a managed-node-group node}
 * @param call the EC2 action and its values, e.g. {@code ModifyInstanceMetadataOptions
 *     required/2/enabled}
 * @param resource the instance or interface it names
 * @param expected {@code allowed} or {@code refused}
 * @param answer what EC2 answered, e.g. {@code refused (UnauthorizedOperation)}
 * @param verdict how the answer compares with the expectation
 * @param meaning what the verdict means for the function, for a reader of the report
 */
public record Probe(
    String probe,
    String call,
    String resource,
    String expected,
    String answer,
    Verdict verdict,
    String meaning) {

  /** How an answer compares with the expectation. */
  public enum Verdict {
    /** As expected. */
    ok,
    /** Not as expected, and the function cannot be trusted with its job: the check fails. */
    FAIL,
    /** Not as expected, but the function still works: worth reading. */
    warn
  }

  /** What to expect of one request. */
  public enum Expect {
    ALLOWED,
    REFUSED
  }

  /**
   * Compares {@code answer} with {@code expected}.
   *
   * @param whenUnexpected the verdict when the role answers the other way ({@link Verdict#FAIL} or
   *     {@link Verdict#warn}); an answer that is neither allowed nor refused is always a warning
   * @param meaningWhenUnexpected the sentence for that case
   */
  public static Probe of(
      String probe,
      String call,
      String resource,
      Expect expected,
      DryRunAnswer answer,
      Verdict whenUnexpected,
      String meaningWhenUnexpected) {
    boolean asExpected =
        switch (expected) {
          case ALLOWED -> answer.outcome() == DryRunAnswer.Outcome.ALLOWED;
          case REFUSED -> answer.outcome() == DryRunAnswer.Outcome.REFUSED;
        };
    Verdict verdict;
    String meaning;
    if (asExpected) {
      verdict = Verdict.ok;
      meaning = "";
    } else if (answer.outcome() == DryRunAnswer.Outcome.OTHER) {
      verdict = Verdict.warn;
      meaning = "EC2 answered neither allowed nor refused: " + answer.message();
    } else {
      verdict = whenUnexpected;
      meaning =
          meaningWhenUnexpected
              + (answer.outcome() == DryRunAnswer.Outcome.REFUSED
                  ? " EC2 said: " + answer.message()
                  : "");
    }
    return new Probe(
        probe,
        call,
        resource,
        expected.name().toLowerCase(java.util.Locale.ROOT),
        answer.summary(),
        verdict,
        meaning);
  }
}
