package io.github.eksnoderemediator.handler;

import io.github.eksnoderemediator.aws.AwsClients;
import io.github.eksnoderemediator.config.ConfigException;
import io.github.eksnoderemediator.events.EventParser;
import io.github.eksnoderemediator.json.Json;
import io.github.eksnoderemediator.json.JsonInputException;
import io.github.eksnoderemediator.report.Report;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * The local command: runs the handler code Lambda runs on one input file, against whatever AWS
 * endpoint and credentials the standard environment names, and prints the JSON report.
 *
 * <pre>
 * java -jar remediator.jar handle &lt;event-or-payload.json&gt; [--dry-run]
 * </pre>
 *
 * Exit codes: 0 the input was processed (ignored and skipped included); 1 some instance failed; 2
 * the input, the configuration, the Region or the command line is wrong (one line on stderr).
 */
public final class Main {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int BAD_INPUT = 2;

  static final String USAGE =
      "usage: java -jar remediator.jar handle <event-or-payload.json> [--dry-run]";

  private Main() {}

  public static void main(String[] args) {
    System.exit(
        run(
            List.of(args),
            System.out,
            System.err,
            () -> {
              AwsClients.requireRegion();
              return new ImdsHandler();
            }));
  }

  /** Builds the handler lazily, so a usage error never needs AWS configuration. */
  interface HandlerFactory {
    ImdsHandler create();
  }

  static int run(List<String> args, PrintStream out, PrintStream err, HandlerFactory handlers) {
    boolean wellFormed =
        (args.size() == 2 || (args.size() == 3 && "--dry-run".equals(args.get(2))))
            && "handle".equals(args.get(0));
    if (!wellFormed) {
      err.println(USAGE);
      return BAD_INPUT;
    }
    boolean dryRun = args.size() == 3;
    byte[] input;
    try {
      input = Files.readAllBytes(Path.of(args.get(1)));
    } catch (NoSuchFileException e) {
      err.println("error: no such file: " + args.get(1));
      return BAD_INPUT;
    } catch (IOException e) {
      err.println("error: cannot read " + args.get(1) + ": " + e.getMessage());
      return BAD_INPUT;
    }
    try {
      // Reject bad input before building AWS clients, so it is reported even with no AWS setup.
      EventParser.parse(input);
      Report report = handlers.create().process(input, dryRun);
      out.println(Json.pretty(report));
      if (!report.failures().isEmpty()) {
        err.println("error: " + report.failureSummary());
        return FAILED;
      }
      return OK;
    } catch (JsonInputException | ConfigException e) {
      err.println("error: " + e.getMessage());
      return BAD_INPUT;
    } catch (RuntimeException e) {
      // For example no credentials: the SDK says which.
      err.println("error: " + e.getClass().getSimpleName() + ": " + firstLine(e.getMessage()));
      return FAILED;
    }
  }

  private static String firstLine(String message) {
    return message == null ? "" : message.lines().findFirst().orElse("");
  }
}
