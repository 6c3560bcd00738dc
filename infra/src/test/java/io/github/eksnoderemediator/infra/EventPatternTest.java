package io.github.eksnoderemediator.infra;

import static io.github.eksnoderemediator.infra.TestStacks.byIdPrefix;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.event.ruler.Machine;
import software.amazon.event.ruler.RuleCompiler;

/**
 * Evaluates the synthesized rules' event patterns against every sample in events/ with event-ruler,
 * the matcher EventBridge itself is built on: the IMDS function's two rules, and the ENI function's
 * state-change and CloudTrail rules (its third rule is a schedule, with no pattern: see {@link
 * EniRulesTest}). A new sample file must be added to {@link #EXPECTED}, so the table and the folder
 * cannot drift.
 */
class EventPatternTest {
  static final String STATE_CHANGE = "state-change rule";
  static final String CLOUDTRAIL = "CloudTrail rule";
  static final String ENI_STATE_CHANGE = "ENI state-change rule";
  static final String ENI_CLOUDTRAIL = "ENI CloudTrail rule";

  /** Which rules must match each file in events/; every other combination must not match. */
  static final Map<String, Set<String>> EXPECTED =
      Map.ofEntries(
          Map.entry("state-change-pending.json", Set.of(STATE_CHANGE)),
          Map.entry("state-change-running.json", Set.of(STATE_CHANGE, ENI_STATE_CHANGE)),
          Map.entry("state-change-stopped.json", Set.of()),
          Map.entry("state-change-terminated.json", Set.of(ENI_STATE_CHANGE)),
          Map.entry(
              "cloudtrail-runinstances-managed-nodegroup.json", Set.of(CLOUDTRAIL, ENI_CLOUDTRAIL)),
          Map.entry(
              "cloudtrail-runinstances-self-managed-two-instances.json",
              Set.of(CLOUDTRAIL, ENI_CLOUDTRAIL)),
          Map.entry("cloudtrail-runinstances-non-eks.json", Set.of(CLOUDTRAIL, ENI_CLOUDTRAIL)),
          Map.entry("cloudtrail-runinstances-failed.json", Set.of()),
          Map.entry("cloudtrail-createfleet-one-instance.json", Set.of(CLOUDTRAIL, ENI_CLOUDTRAIL)),
          Map.entry(
              "cloudtrail-createfleet-several-instances.json", Set.of(CLOUDTRAIL, ENI_CLOUDTRAIL)),
          Map.entry("cloudtrail-terminateinstances.json", Set.of()),
          Map.entry("other-source-eks.json", Set.of()),
          // Reaches the ENI function through the schedule rule, which matches no pattern.
          Map.entry("scheduled-event.json", Set.of()),
          Map.entry("manual-one-instance.json", Set.of()),
          Map.entry("manual-several-instances-dry-run.json", Set.of()),
          Map.entry("manual-check-permissions.json", Set.of()));

  private static Machine machine;

  @BeforeAll
  static void compileSynthesizedRules() throws Exception {
    machine = Machine.builder().build();
    addRule(TestStacks.defaults().template(), STATE_CHANGE, "ImdsRulesStateChange");
    addRule(TestStacks.defaults().template(), CLOUDTRAIL, "ImdsRulesCloudTrailLaunch");
    addRule(TestStacks.eni().template(), ENI_STATE_CHANGE, "EniRulesStateChange");
    addRule(TestStacks.eni().template(), ENI_CLOUDTRAIL, "EniRulesCloudTrailLaunch");
  }

  private static void addRule(JsonNode template, String name, String logicalIdPrefix)
      throws Exception {
    String pattern =
        byIdPrefix(template, "AWS::Events::Rule", logicalIdPrefix)
            .getValue()
            .at("/Properties/EventPattern")
            .toString();
    assertThat(RuleCompiler.check(pattern)).as("event-ruler accepts the " + name).isNull();
    machine.addRule(name, pattern);
  }

  static Stream<Path> sampleEvents() throws IOException {
    try (Stream<Path> files = Files.list(TestStacks.repoRoot().resolve("events"))) {
      return files
          .filter(Files::isRegularFile)
          .filter(f -> f.toString().endsWith(".json"))
          .sorted()
          .toList()
          .stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sampleEvents")
  void rules_matchExactlyTheExpectedSampleEvents(Path file) throws Exception {
    String name = file.getFileName().toString();
    assertThat(EXPECTED)
        .as(
            "events/%s is not in this test's expectation table: add which rules must match it",
            name)
        .containsKey(name);

    List<String> matched =
        machine.rulesForJSONEvent(Files.readString(file, StandardCharsets.UTF_8));

    assertThat(new TreeSet<>(matched)).as(name).isEqualTo(new TreeSet<>(EXPECTED.get(name)));
  }

  @Test
  void expectationTable_namesOnlyFilesThatExist() throws IOException {
    Set<String> present = new TreeSet<>();
    sampleEvents().forEach(f -> present.add(f.getFileName().toString()));

    assertThat(present).containsAll(EXPECTED.keySet());
  }
}
