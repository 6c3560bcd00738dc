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
 * the matcher EventBridge itself is built on. A new sample file must be added to {@link #EXPECTED},
 * so the table and the folder cannot drift.
 */
class EventPatternTest {
  static final String STATE_CHANGE = "state-change rule";
  static final String CLOUDTRAIL = "CloudTrail rule";

  /** Which rules must match each file in events/; every other combination must not match. */
  static final Map<String, Set<String>> EXPECTED =
      Map.ofEntries(
          Map.entry("state-change-pending.json", Set.of(STATE_CHANGE)),
          Map.entry("state-change-running.json", Set.of(STATE_CHANGE)),
          Map.entry("state-change-stopped.json", Set.of()),
          Map.entry("state-change-terminated.json", Set.of()),
          Map.entry("cloudtrail-runinstances-managed-nodegroup.json", Set.of(CLOUDTRAIL)),
          Map.entry("cloudtrail-runinstances-self-managed-two-instances.json", Set.of(CLOUDTRAIL)),
          Map.entry("cloudtrail-runinstances-non-eks.json", Set.of(CLOUDTRAIL)),
          Map.entry("cloudtrail-runinstances-failed.json", Set.of()),
          Map.entry("cloudtrail-createfleet-one-instance.json", Set.of(CLOUDTRAIL)),
          Map.entry("cloudtrail-createfleet-several-instances.json", Set.of(CLOUDTRAIL)),
          Map.entry("cloudtrail-terminateinstances.json", Set.of()),
          Map.entry("other-source-eks.json", Set.of()),
          Map.entry("scheduled-event.json", Set.of()),
          Map.entry("manual-one-instance.json", Set.of()),
          Map.entry("manual-several-instances-dry-run.json", Set.of()));

  private static Machine machine;

  @BeforeAll
  static void compileSynthesizedRules() throws Exception {
    JsonNode template = TestStacks.defaults().template();
    machine = Machine.builder().build();
    for (Map.Entry<String, String> rule :
        Map.of(STATE_CHANGE, "ImdsRulesStateChange", CLOUDTRAIL, "ImdsRulesCloudTrailLaunch")
            .entrySet()) {
      String pattern =
          byIdPrefix(template, "AWS::Events::Rule", rule.getValue())
              .getValue()
              .at("/Properties/EventPattern")
              .toString();
      assertThat(RuleCompiler.check(pattern))
          .as("event-ruler accepts the " + rule.getKey())
          .isNull();
      machine.addRule(rule.getKey(), pattern);
    }
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
