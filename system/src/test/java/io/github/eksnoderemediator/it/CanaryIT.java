package io.github.eksnoderemediator.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.eksnoderemediator.canary.Canary;
import io.github.eksnoderemediator.canary.EndToEnd;
import io.github.eksnoderemediator.harness.PipelineHarness;
import io.github.eksnoderemediator.testing.LocalCommand;
import io.github.eksnoderemediator.testing.MotoServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.Filter;

/**
 * {@code verify --end-to-end} against the emulator, through {@link PipelineHarness}'s EventBridge,
 * SQS and Lambda: every path works, and each fault ends with the right path FAIL naming its cause,
 * and nothing left running.
 */
class CanaryIT {
  static final String CONFIG =
      """
      {"clusters": ["prod"],
       "waits": {"notFoundSeconds": 2, "tagSettleSeconds": 1, "appliedSeconds": 1,
                 "firstBackoffMillis": 100}}
      """;

  private PipelineHarness harness;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeEach
  void start() throws Exception {
    harness = new PipelineHarness(MotoServer.shared(), CONFIG);
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  private int canary(String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--end-to-end",
                "--subnet",
                harness.subnet(),
                "--cluster",
                "prod",
                "--log-group",
                PipelineHarness.LOG_GROUP,
                "--stack",
                PipelineHarness.STACK,
                "--timeout-seconds",
                "15",
                "--tamper-timeout-seconds",
                "8"));
    args.addAll(List.of(extra));
    int exit =
        EndToEnd.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            harness::canaryCloud,
            Duration.ofMillis(200),
            false);
    System.out.print(out.toString(StandardCharsets.UTF_8));
    return exit;
  }

  private String row(String path) {
    return out.toString(StandardCharsets.UTF_8)
        .lines()
        .filter(l -> l.startsWith(path))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no row " + path + " in\n" + out));
  }

  @Test
  void everyPathWorks_exposureAndTamperMeasured_callerNamed_nothingLeftRunning() {
    int exit = canary();

    assertThat(exit).as("%s%s", out, err).isZero();
    assertThat(row("(a) launch -> hardened")).contains(" OK ");
    assertThat(row("(b) loosened -> hardened again")).contains(" OK ");
    assertThat(row("(b) decision names you as the caller"))
        .contains(" OK ")
        .contains("named arn:aws:sts::123456789012:user/moto");
    assertThat(row("canary instance terminated")).contains(" OK ");
    assertThat(harness.delivered())
        .anyMatch(d -> d.startsWith("EksNodeRemediator-ImdsRulesStateChange"))
        .anyMatch(d -> d.startsWith("EksNodeRemediator-ImdsRulesMetadataOptionsChanged"));
    assertThat(harness.notTerminated()).isEmpty();
  }

  @Test
  void trailMissing_failsTheTamperPath_namingTheTrail() {
    harness.deleteTrail();

    int exit = canary();

    assertThat(exit).isEqualTo(1);
    assertThat(row("(a) launch -> hardened")).contains(" OK ");
    assertThat(row("(b) loosened -> hardened again"))
        .contains(" FAIL ")
        .contains("no CloudTrail trail covers eu-west-1: the tamper and CloudTrail launch rules");
    assertThat(harness.notTerminated()).isEmpty();
  }

  @Test
  void tamperRuleDisabled_failsTheTamperPath_namingTheRule() {
    String rule = harness.disableRule("ImdsRulesMetadataOptionsChanged");

    int exit = canary();

    assertThat(exit).isEqualTo(1);
    assertThat(row("(b) loosened -> hardened again"))
        .contains(" FAIL ")
        .contains("rule " + rule + " is DISABLED: aws events enable-rule --name " + rule);
    assertThat(harness.notTerminated()).isEmpty();
  }

  @Test
  void functionFailingEveryBatch_failsTheLaunchPath_namingTheDeadLetters() {
    harness.failEveryBatch();

    int exit = canary();

    assertThat(exit).isEqualTo(1);
    assertThat(row("(a) launch -> hardened"))
        .contains(" FAIL ")
        .contains("dead-letter queue EksNodeRemediator-LaunchDeadLetters holds")
        .contains("the function failed: read the IMDS function's log group");
    assertThat(harness.notTerminated()).isEmpty();
  }

  @Test
  void canaryKilledMidway_leavesItsInstance_whichTheSweepTerminatesAfterAnHour() throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(
                "java",
                "-jar",
                LocalCommand.JAR.toString(),
                "verify",
                "--end-to-end",
                "--subnet",
                harness.subnet(),
                "--cluster",
                "prod",
                "--timeout-seconds",
                "600")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("AWS_ENDPOINT_URL", harness.ec2Endpoint().toString());
    pb.environment().put("AWS_REGION", MotoServer.REGION);
    pb.environment().put("AWS_ACCESS_KEY_ID", "testing");
    pb.environment().put("AWS_SECRET_ACCESS_KEY", "testing");
    Process canary = pb.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (harness.notTerminated().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    canary.destroyForcibly().waitFor();
    List<String> leaked = harness.notTerminated();
    assertThat(leaked).hasSize(1);
    assertThat(
            harness
                .ec2()
                .describeInstances(
                    r ->
                        r.filters(
                            Filter.builder()
                                .name("tag:" + Canary.CANARY_TAG)
                                .values("true")
                                .build()))
                .reservations())
        .hasSize(1);

    // A sweep now leaves it alone (a canary may be mid-run); the sweep an hour later ends it.
    assertThat(harness.sweep(Clock.systemUTC())).isEmpty();
    assertThat(harness.sweep(Clock.offset(Clock.systemUTC(), Duration.ofMinutes(61))))
        .containsExactlyElementsOf(leaked);
    assertThat(harness.notTerminated()).isEmpty();
  }
}
