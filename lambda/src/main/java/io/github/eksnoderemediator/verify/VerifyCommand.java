package io.github.eksnoderemediator.verify;

import io.github.eksnoderemediator.config.ConfigException;
import java.io.PrintStream;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code java -jar remediator.jar verify [--stack-name NAME] [--region R]}: the pipeline check. It
 * reads the deployed stack through CloudFormation with the operator's credentials, launches
 * nothing, and prints one line per item (OK, WARN or FAIL, with the fix for anything not OK), then
 * a summary.
 *
 * <p>Exit codes as the local command's: 0 every item OK (warnings allowed); 1 some item FAILED, or
 * the check itself could not run (no credentials); 2 bad command line, no Region, or no such stack.
 */
public final class VerifyCommand {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int BAD_INPUT = 2;

  /** The standalone app's stack name ({@code RemediatorApp.STACK_NAME}). */
  public static final String DEFAULT_STACK_NAME = "EksNodeRemediator";

  static final String USAGE =
      "usage: java -jar remediator.jar verify [--stack-name NAME] [--region R]";

  private final Function<Optional<String>, DeploymentReader> readers;

  /**
   * @param readers builds the reader for a Region given on the command line (empty: the standard
   *     AWS environment's), only once the command line is known to be good
   */
  public VerifyCommand(Function<Optional<String>, DeploymentReader> readers) {
    this.readers = readers;
  }

  /** The command line parsed: which stack, which Region. */
  record Arguments(String stackName, Optional<String> region) {}

  /** The parsed arguments, or the one line saying what is wrong. */
  static Object parse(List<String> args) {
    String stack = DEFAULT_STACK_NAME;
    Optional<String> region = Optional.empty();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      switch (a) {
        case "--end-to-end" -> {
          // Main hands a command line with --end-to-end to the canary (canary.EndToEnd) instead.
          return "verify --end-to-end is the canary, not the pipeline check; run it through"
              + " java -jar remediator.jar verify --end-to-end";
        }
        case "--stack-name", "--region" -> {
          if (i + 1 >= args.size()
              || args.get(i + 1).isBlank()
              || args.get(i + 1).startsWith("--")) {
            return a + " needs a value; " + USAGE;
          }
          String value = args.get(++i);
          if (a.equals("--stack-name")) {
            stack = value;
          } else {
            region = Optional.of(value);
          }
        }
        default -> {
          return "unknown argument " + a + "; " + USAGE;
        }
      }
    }
    return new Arguments(stack, region);
  }

  /**
   * Runs the check.
   *
   * @param args what follows {@code verify} on the command line
   */
  public int run(List<String> args, PrintStream out, PrintStream err) {
    Object parsed = parse(args);
    if (parsed instanceof String problem) {
      err.println("error: " + problem);
      return BAD_INPUT;
    }
    Arguments arguments = (Arguments) parsed;
    Optional<Facts> facts;
    try {
      facts = readers.apply(arguments.region()).read(arguments.stackName());
    } catch (ConfigException e) {
      err.println("error: " + e.getMessage());
      return BAD_INPUT;
    } catch (RuntimeException e) {
      // For example no credentials: the SDK says which.
      err.println("error: " + e.getClass().getSimpleName() + ": " + firstLine(e.getMessage()));
      return FAILED;
    }
    if (facts.isEmpty()) {
      err.println(
          "error: no stack "
              + arguments.stackName()
              + " in this account and Region (--stack-name, --region, AWS_REGION)");
      return BAD_INPUT;
    }
    List<Check> checks = Verdicts.judge(facts.get());
    checks.forEach(c -> out.println(c.line()));
    out.println(summary(facts.get(), checks));
    return Verdicts.failed(checks) ? FAILED : OK;
  }

  /** The last line: where, and how many of each. */
  static String summary(Facts facts, List<Check> checks) {
    return String.format(
        "verify %s in %s: %d OK, %d WARN, %d FAIL",
        facts.stackName(),
        facts.region(),
        count(checks, Check.Status.OK),
        count(checks, Check.Status.WARN),
        count(checks, Check.Status.FAIL));
  }

  private static long count(List<Check> checks, Check.Status status) {
    return checks.stream().filter(c -> c.status() == status).count();
  }

  private static String firstLine(String message) {
    return message == null ? "" : message.lines().findFirst().orElse("");
  }
}
