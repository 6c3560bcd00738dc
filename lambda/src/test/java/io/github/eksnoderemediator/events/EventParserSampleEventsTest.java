package io.github.eksnoderemediator.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.eksnoderemediator.events.Input.LaunchCall;
import io.github.eksnoderemediator.events.Input.ManualRequest;
import io.github.eksnoderemediator.events.Input.StateChange;
import io.github.eksnoderemediator.events.Input.Unsupported;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.testing.SampleEvents;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file in the repository's {@code events/} folder, against what {@code events/README.md} says
 * it is. A sample added without a row here, or a row whose file is gone, fails the build.
 */
class EventParserSampleEventsTest {

  private static final Map<String, Input> EXPECTED =
      Map.ofEntries(
          Map.entry(
              "state-change-pending.json",
              new StateChange("7bf73129-1428-4cd3-a780-95db273d1602", id(1), "pending")),
          Map.entry(
              "state-change-running.json",
              new StateChange("0bd3a3f6-5f2c-7b3e-9d0e-3c4f1f0a2b11", id(1), "running")),
          Map.entry(
              "state-change-stopped.json",
              new StateChange("1d8a4a52-2c61-b4d3-07e5-9f2e6b1c4d22", id(1), "stopped")),
          Map.entry(
              "state-change-terminated.json",
              new StateChange("5e2f0c31-8a17-4f0b-a6d2-7c9e1b3f5a33", id(1), "terminated")),
          Map.entry(
              "cloudtrail-runinstances-managed-nodegroup.json",
              launch("d1c8a2e4-77aa-4f7e-9a31-7a6b5c4d3e21", "RunInstances", id(2))),
          Map.entry(
              "cloudtrail-runinstances-self-managed-two-instances.json",
              launch("d1c8a2e4-77aa-4f7e-9a31-8b7c6d5e4f32", "RunInstances", id(3), id(4))),
          Map.entry(
              "cloudtrail-runinstances-non-eks.json",
              launch("d1c8a2e4-77aa-4f7e-9a31-9c8d7e6f5a43", "RunInstances", id(5))),
          Map.entry(
              "cloudtrail-runinstances-failed.json",
              new LaunchCall(
                  "d1c8a2e4-77aa-4f7e-9a31-0d9e8f7a6b54",
                  "RunInstances",
                  List.of(),
                  Optional.of("Server.InsufficientInstanceCapacity"))),
          Map.entry(
              "cloudtrail-createfleet-one-instance.json",
              launch("e2d9b3f5-88bb-4a8f-8b42-1e0f9a8b7c65", "CreateFleet", id(6))),
          Map.entry(
              "cloudtrail-createfleet-several-instances.json",
              launch("e2d9b3f5-88bb-4a8f-8b42-2f1a0b9c8d76", "CreateFleet", id(7), id(8), id(9))),
          Map.entry(
              "cloudtrail-terminateinstances.json",
              new Unsupported(
                  "f3eac4a6-99cc-4b9a-9c53-6e91cf241d8c",
                  "CloudTrail call TerminateInstances is not handled")),
          Map.entry(
              "other-source-eks.json",
              new Unsupported(
                  "a8c2e1f0-3b4d-4e5f-8a9b-0c1d2e3f4a5b",
                  "source aws.eks, detail type \"EKS Nodegroup Update\" is not handled")),
          Map.entry(
              "scheduled-event.json", new Input.Scheduled("53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa")),
          Map.entry("manual-one-instance.json", new ManualRequest(List.of(id(2)), false)),
          Map.entry(
              "manual-several-instances-dry-run.json",
              new ManualRequest(List.of(id(2), id(6), id(5)), true)),
          Map.entry(
              "manual-check-permissions.json",
              new ManualRequest(new ManualRequest.Target.PermissionsCheck(), false)));

  /** For each file in {@code events/invalid/}: what its one-line error must mention. */
  private static final Map<String, List<String>> INVALID =
      Map.of(
          "truncated-state-change.json",
          List.of("input is not valid JSON", "line "),
          "state-change-missing-instance-id.json",
          List.of("detail.instance-id: is required"),
          "manual-wrong-id-kind.json",
          List.of("instanceId: must be an EC2 instance id", "\"vol-0a1b2c3d4e5f60001\""),
          "manual-misspelled-field.json",
          List.of("dryrun: unknown field", "dryRun"));

  @ParameterizedTest(name = "{0}")
  @MethodSource("sampleFiles")
  void parse_everySampleEvent_succeeds(String name) {
    assertThatCode(() -> EventParser.parse(SampleEvents.read(name))).doesNotThrowAnyException();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sampleFiles")
  void parse_everySampleEvent_givesTheDocumentedResult(String name) {
    assertThat(EXPECTED)
        .as("events/%s has no expected result in this test; add one", name)
        .containsKey(name);

    assertThat(EventParser.parse(SampleEvents.read(name))).isEqualTo(EXPECTED.get(name));
  }

  @Test
  void expectedResults_listExactlyTheSampleFiles() throws IOException {
    assertThat(sampleFiles()).containsExactlyInAnyOrderElementsOf(EXPECTED.keySet());
  }

  @Test
  void readme_describesEverySampleFile() throws IOException {
    String readme = SampleEvents.readString("README.md");

    assertThat(sampleFiles()).allSatisfy(name -> assertThat(readme).contains("`" + name + "`"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidFiles")
  void parse_everyInvalidSample_isRejectedWithOneLineNamingTheField(String name) {
    assertThat(INVALID)
        .as("events/invalid/%s has no expected error in this test; add one", name)
        .containsKey(name);

    InvalidInputException e =
        catchThrowableOfType(
            InvalidInputException.class,
            () -> EventParser.parse(SampleEvents.read("invalid/" + name)));

    assertThat(e).as("events/invalid/%s must be rejected", name).isNotNull();
    assertThat(e.getMessage()).doesNotContain("\n", "\r");
    for (String part : INVALID.get(name)) {
      assertThat(e.getMessage()).contains(part);
    }
  }

  @Test
  void expectedErrors_listExactlyTheInvalidFiles() throws IOException {
    assertThat(invalidFiles()).containsExactlyInAnyOrderElementsOf(INVALID.keySet());
  }

  static List<String> sampleFiles() throws IOException {
    return filesIn(SampleEvents.eventsDir()).stream()
        .filter(name -> !name.equals("README.md"))
        .toList();
  }

  static List<String> invalidFiles() throws IOException {
    return filesIn(SampleEvents.eventsDir().resolve("invalid"));
  }

  private static List<String> filesIn(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(Files::isRegularFile)
          .map(file -> file.getFileName().toString())
          .sorted()
          .toList();
    }
  }

  /** The placeholder ids the samples use: {@code i-0a1b2c3d4e5f6000N}. */
  private static InstanceId id(int n) {
    return new InstanceId("i-0a1b2c3d4e5f6000" + n);
  }

  private static LaunchCall launch(String eventId, String eventName, InstanceId... ids) {
    return new LaunchCall(eventId, eventName, List.of(ids), Optional.empty());
  }
}
