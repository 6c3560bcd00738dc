package io.github.eksnoderemediator.handler;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.eksnoderemediator.aws.AwsClients;
import io.github.eksnoderemediator.aws.SdkDeploymentReader;
import io.github.eksnoderemediator.canary.EndToEnd;
import io.github.eksnoderemediator.config.ConfigException;
import io.github.eksnoderemediator.events.EventParser;
import io.github.eksnoderemediator.json.Json;
import io.github.eksnoderemediator.json.JsonInputException;
import io.github.eksnoderemediator.report.InvocationReport;
import io.github.eksnoderemediator.verify.VerifyCommand;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The local command: runs the handler code Lambda runs on one input file, against whatever AWS
 * endpoint and credentials the standard environment names, and prints the JSON report. The input
 * may be an EventBridge event, a manual payload, or an SQS batch as a launch queue's event source
 * mapping sends it ({@code {"Records": [...]}}): a batch is handled exactly as the deployed
 * function handles it, and the command prints its reports beside the {@code SQSBatchResponse}.
 *
 * <pre>
 * java -jar remediator.jar handle &lt;event-or-payload.json&gt; [--dry-run]       (IMDS function)
 * java -jar remediator.jar handle-eni &lt;event-or-payload.json&gt; [--dry-run]   (ENI function)
 * java -jar remediator.jar invoke '{"cluster": "prod", "dryRun": true}'       (inline payload)
 * java -jar remediator.jar invoke-eni '{"instanceId": "i-..."}'
 * java -jar remediator.jar verify [--stack-name NAME] [--region R]       (pipeline check)
 * java -jar remediator.jar verify --end-to-end --subnet subnet-... (the canary: EndToEnd)
 * </pre>
 *
 * Exit codes: 0 the input was processed (ignored and skipped included); 1 some instance failed (for
 * a batch: some message would be delivered again); 2 the input, the configuration, the Region or
 * the command line is wrong (one line on stderr).
 */
public final class Main {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int BAD_INPUT = 2;

  static final String HANDLE = "handle";
  static final String HANDLE_ENI = "handle-eni";
  static final String INVOKE = "invoke";
  static final String INVOKE_ENI = "invoke-eni";
  static final String VERIFY = "verify";
  static final String END_TO_END = "--end-to-end";

  static final String USAGE =
      "usage: java -jar remediator.jar handle|handle-eni <event, payload or SQS batch .json>"
          + " [--dry-run] | invoke|invoke-eni '<event, payload or SQS batch JSON>' [--dry-run]"
          + " | verify [--stack-name NAME] [--region R]"
          + " | verify --end-to-end --subnet SUBNET [--instance-type T] [--cluster C]";

  private Main() {}

  public static void main(String[] args) {
    if (args.length > 0 && VERIFY.equals(args[0])) {
      List<String> rest = List.of(args).subList(1, args.length);
      System.exit(
          rest.contains(END_TO_END)
              ? EndToEnd.run(rest, System.out, System.err)
              : verify().run(rest, System.out, System.err));
    }
    System.exit(
        run(
            List.of(args),
            System.out,
            System.err,
            verb -> {
              AwsClients.requireRegion();
              return HANDLE_ENI.equals(verb) || INVOKE_ENI.equals(verb)
                  ? local(new EniHandler())
                  : local(new ImdsHandler());
            }));
  }

  /**
   * The pipeline check, with the operator's credentials: a Region on the command line wins over the
   * environment's (the SDK's provider chain reads {@code aws.region} first).
   */
  static VerifyCommand verify() {
    return new VerifyCommand(
        region -> {
          region.ifPresent(r -> System.setProperty("aws.region", r));
          return SdkDeploymentReader.fromEnvironment(true);
        });
  }

  /** What the command prints and how it exits, whichever function's handler ran. */
  record Outcome(Object report, boolean failed, String failureSummary) {}

  /** One function's handler, as the command runs it. */
  @FunctionalInterface
  interface LocalHandler {
    Outcome process(byte[] input, boolean forceDryRun);
  }

  /**
   * Builds the handler for a verb ({@value #HANDLE} or {@value #HANDLE_ENI}) lazily, so a usage
   * error never needs AWS configuration.
   */
  @FunctionalInterface
  interface HandlerFactory {
    LocalHandler create(String verb);
  }

  /**
   * Either function's handler, as the command runs it. An SQS batch from a launch queue goes the
   * queue's way, exactly as the deployed function takes it; anything else goes to the parser.
   */
  static LocalHandler local(FunctionHandler<?> handler) {
    return (input, dryRun) -> {
      if (QueueBatches.isBatch(input)) {
        return batchOutcome(handler.processBatch(input, dryRun));
      }
      var report = handler.process(input, dryRun);
      return new Outcome(report, report.hasFailures(), report.failureSummary());
    };
  }

  /**
   * What the command prints for a batch: the reports of the work, and the function's answer to SQS
   * byte for byte as the deployed function returns it.
   *
   * @param reports one for a batch the function handles together (IMDS), one per message otherwise
   * @param batchResponse the {@code SQSBatchResponse}: the messages SQS would deliver again
   */
  record BatchOutput(List<? extends InvocationReport> reports, JsonNode batchResponse) {}

  private static Outcome batchOutcome(FunctionHandler.Batch<? extends InvocationReport> batch) {
    JsonNode answer = Json.parse(QueueBatches.answer(batch.again()), "the batch response");
    List<String> failures = new ArrayList<>();
    if (!batch.again().isEmpty()) {
      failures.add(
          batch.again().size()
              + " message(s) to deliver again: "
              + String.join(", ", batch.again()));
    }
    batch.reports().stream()
        .filter(InvocationReport::hasFailures)
        .forEach(r -> failures.add(r.failureSummary()));
    return new Outcome(
        new BatchOutput(batch.reports(), answer),
        !batch.again().isEmpty(),
        String.join("; ", failures));
  }

  static int run(List<String> args, PrintStream out, PrintStream err, HandlerFactory handlers) {
    boolean wellFormed =
        (args.size() == 2 || (args.size() == 3 && "--dry-run".equals(args.get(2))))
            && List.of(HANDLE, HANDLE_ENI, INVOKE, INVOKE_ENI).contains(args.get(0));
    if (!wellFormed) {
      err.println(USAGE);
      return BAD_INPUT;
    }
    boolean dryRun = args.size() == 3;
    boolean inline = INVOKE.equals(args.get(0)) || INVOKE_ENI.equals(args.get(0));
    byte[] input;
    try {
      input =
          inline
              ? args.get(1).getBytes(java.nio.charset.StandardCharsets.UTF_8)
              : Files.readAllBytes(Path.of(args.get(1)));
    } catch (NoSuchFileException e) {
      err.println("error: no such file: " + args.get(1));
      return BAD_INPUT;
    } catch (IOException e) {
      err.println("error: cannot read " + args.get(1) + ": " + e.getMessage());
      return BAD_INPUT;
    }
    try {
      // Reject bad input before building AWS clients, so it is reported even with no AWS setup.
      if (QueueBatches.isBatch(input)) {
        QueueBatches.readChecked(input);
      } else {
        EventParser.parse(input);
      }
      Outcome outcome = handlers.create(args.get(0)).process(input, dryRun);
      out.println(Json.pretty(outcome.report()));
      if (outcome.failed()) {
        err.println("error: " + outcome.failureSummary());
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
