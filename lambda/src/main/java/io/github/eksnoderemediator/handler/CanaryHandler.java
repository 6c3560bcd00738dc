package io.github.eksnoderemediator.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.github.eksnoderemediator.aws.SdkCanaryCloud;
import io.github.eksnoderemediator.canary.Canary;
import io.github.eksnoderemediator.canary.CanaryCloud;
import io.github.eksnoderemediator.canary.CanaryMetrics;
import io.github.eksnoderemediator.canary.CanaryReport;
import io.github.eksnoderemediator.canary.CanarySettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The scheduled canary: the same canary as {@code verify --end-to-end}, run by a schedule rule with
 * a role that can launch, loosen and terminate only canary-tagged instances. Writes the table and
 * one EMF line ({@link CanaryMetrics}) to its log; a failed path is a metric, not an error, so the
 * {@code RemediationPipelineBroken} alarm is the one signal.
 *
 * <p>Its settings come from the environment the stack sets: {@value #SUBNET}, {@value
 * #INSTANCE_TYPE}, {@value #CLUSTER}, {@value #STACK}, {@value #LOG_GROUP}, {@value #HOP_LIMIT}.
 */
public final class CanaryHandler implements RequestStreamHandler {
  static final String SUBNET = "CANARY_SUBNET";
  static final String INSTANCE_TYPE = "CANARY_INSTANCE_TYPE";
  static final String CLUSTER = "CANARY_CLUSTER";
  static final String STACK = "CANARY_STACK";
  static final String LOG_GROUP = "CANARY_LOG_GROUP";
  static final String HOP_LIMIT = "CANARY_HOP_LIMIT";

  /** Both waits plus the caller check fit in Lambda's 15 minutes. */
  static final Duration LAUNCH_TIMEOUT = Duration.ofMinutes(4);

  static final Duration TAMPER_TIMEOUT = Duration.ofMinutes(8);

  private final CanarySettings settings;
  private final Supplier<CanaryCloud> clouds;
  private final PrintStream log;
  private final Clock clock;
  private final Duration poll;

  public CanaryHandler() {
    this(
        settings(System.getenv()),
        SdkCanaryCloud::fromEnvironment,
        System.out,
        Clock.systemUTC(),
        Duration.ofSeconds(2));
  }

  CanaryHandler(
      CanarySettings settings,
      Supplier<CanaryCloud> clouds,
      PrintStream log,
      Clock clock,
      Duration poll) {
    this.settings = settings;
    this.clouds = clouds;
    this.log = log;
    this.clock = clock;
    this.poll = poll;
  }

  /** The canary's settings from the function's environment (one-line error when one is bad). */
  static CanarySettings settings(Map<String, String> env) {
    List<String> args = new ArrayList<>();
    add(args, "--subnet", env.get(SUBNET));
    add(args, "--instance-type", env.get(INSTANCE_TYPE));
    add(args, "--cluster", env.get(CLUSTER));
    add(args, "--stack", env.get(STACK));
    add(args, "--log-group", env.get(LOG_GROUP));
    add(args, "--hop-limit", env.get(HOP_LIMIT));
    args.addAll(
        List.of(
            "--timeout-seconds",
            String.valueOf(LAUNCH_TIMEOUT.toSeconds()),
            "--tamper-timeout-seconds",
            String.valueOf(TAMPER_TIMEOUT.toSeconds())));
    return CanarySettings.parse(args);
  }

  private static void add(List<String> args, String flag, String value) {
    if (value != null && !value.isBlank()) {
      args.add(flag);
      args.add(value);
    }
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    input.readAllBytes();
    Canary canary = new Canary(clouds.get(), settings, clock, d -> Thread.sleep(d), poll);
    String answer;
    try {
      CanaryReport report = canary.run();
      log.print(report.table());
      int failed =
          (int)
              report.paths().stream()
                  .filter(
                      p -> p.result() == io.github.eksnoderemediator.canary.PathResult.Result.FAIL)
                  .count();
      log.println(
          CanaryMetrics.line(clock.instant(), report.exposure(), report.tamperResponse(), failed));
      answer = failed == 0 ? "ok" : failed + " path(s) failed";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      canary.cleanUp();
      throw new IOException("interrupted; the canary instance was terminated", e);
    } catch (RuntimeException e) {
      canary.cleanUp();
      log.println("canary failed before measuring: " + e);
      log.println(CanaryMetrics.line(clock.instant(), Optional.empty(), Optional.empty(), 1));
      answer = "failed: " + e.getClass().getSimpleName();
    }
    output.write(("\"" + answer + "\"").getBytes(StandardCharsets.UTF_8));
  }
}
