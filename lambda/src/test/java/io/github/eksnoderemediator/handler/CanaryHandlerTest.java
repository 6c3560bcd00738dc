package io.github.eksnoderemediator.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.eksnoderemediator.canary.CanaryCloud;
import io.github.eksnoderemediator.canary.CanarySettings;
import io.github.eksnoderemediator.config.ConfigException;
import io.github.eksnoderemediator.json.Json;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.port.MetadataDefaults;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CanaryHandlerTest {
  private final ByteArrayOutputStream log = new ByteArrayOutputStream();

  /** A cloud whose every RunInstances is refused: path (a) fails before anything is launched. */
  private static final class RefusingCloud implements CanaryCloud {
    @Override
    public MetadataDefaults imdsDefaults() {
      return new MetadataDefaults(
          new io.github.eksnoderemediator.port.TemplateOptions(
              Optional.empty(), Optional.empty(), Optional.empty()),
          Optional.empty(),
          Optional.empty());
    }

    @Override
    public String architectureOf(String instanceType) {
      return "arm64";
    }

    @Override
    public String latestAmi(String architecture) {
      return "ami-" + architecture;
    }

    @Override
    public LaunchOutcome launch(LaunchSpec spec) {
      return new Refused("UnauthorizedOperation", "not allowed");
    }

    @Override
    public Optional<Observed> observe(InstanceId id) {
      return Optional.empty();
    }

    @Override
    public void loosen(InstanceId id, boolean tokensRequired, int hopLimit) {}

    @Override
    public void terminate(List<InstanceId> ids) {}

    @Override
    public String callerArn() {
      return "arn:aws:sts::123456789012:assumed-role/canary/run";
    }

    @Override
    public List<LoggedDecision> decisions(String logGroup, InstanceId id, Instant since) {
      return List.of();
    }

    @Override
    public Causes causes() {
      throw new AssertionError("not reached");
    }
  }

  @Test
  void settings_comeFromTheEnvironment_withTheScheduledWaits() {
    CanarySettings s =
        CanaryHandler.settings(
            Map.of(
                CanaryHandler.SUBNET, "subnet-0a1b2c3d",
                CanaryHandler.INSTANCE_TYPE, "t3.nano",
                CanaryHandler.CLUSTER, "prod",
                CanaryHandler.HOP_LIMIT, "1-2",
                CanaryHandler.LOG_GROUP, "/aws/lambda/imds"));

    assertThat(s.type()).isEqualTo("t3.nano");
    assertThat(s.cluster()).isEqualTo("prod");
    assertThat(s.band().max()).isEqualTo(2);
    assertThat(s.logGroup()).hasValue("/aws/lambda/imds");
    assertThat(s.launchTimeout().plus(s.tamperTimeout())).isLessThan(Duration.ofMinutes(14));
    assertThatThrownBy(() -> CanaryHandler.settings(Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("--subnet is required");
  }

  @Test
  void aFailedRun_writesTheTableAndOneEmfLine_countingTheFailedPath() throws Exception {
    CanaryHandler handler =
        new CanaryHandler(
            CanarySettings.parse(List.of("--subnet", "subnet-0a1b2c3d")),
            RefusingCloud::new,
            new PrintStream(log, true, StandardCharsets.UTF_8),
            Clock.systemUTC(),
            Duration.ofMillis(1));
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    handler.handleRequest(
        new ByteArrayInputStream("{}".getBytes(StandardCharsets.UTF_8)), out, null);

    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("\"1 path(s) failed\"");
    List<String> lines = log.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines.get(1))
        .contains("FAIL")
        .contains("RunInstances refused: UnauthorizedOperation");
    var emf = Json.MAPPER.readTree(lines.get(lines.size() - 1));
    assertThat(emf.path("PathsFailed").asInt()).isEqualTo(1);
    assertThat(emf.has("ExposureSeconds")).isFalse();
  }
}
