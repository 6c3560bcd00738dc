package io.github.eksnoderemediator.infra;

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
import software.amazon.awscdk.assertions.Template;
import software.amazon.event.ruler.Machine;
import software.amazon.event.ruler.RuleCompiler;

/**
 * Evaluates the synthesized rules' event patterns against every sample in events/ with event-ruler,
 * the matcher EventBridge itself is built on: the IMDS function's two rules, and the ENI function's
 * state-change and CloudTrail rules (its third rule is a schedule, with no pattern: see {@link
 * EniRulesTest}), the member rule that forwards decision events and the central view's record rule
 * ({@link CentralViewTest}). A new sample file must be added to {@link #EXPECTED}, so the table and
 * the folder cannot drift.
 */
class EventPatternTest {
  static final String STATE_CHANGE = "state-change rule";
  static final String CLOUDTRAIL = "CloudTrail rule";
  static final String ENI_STATE_CHANGE = "ENI state-change rule";
  static final String ENI_CLOUDTRAIL = "ENI CloudTrail rule";
  static final String TAMPER = "IMDS tamper rule";
  static final String ENI_TAMPER = "ENI tamper rule";
  static final String FORWARD = "member decision forwarding rule";
  static final String RECORD = "central record rule";

  /** The ENI role's ARN, as the ENI function's own CloudTrail records name it. */
  static final String ENI_ROLE_ARN =
      "arn:aws:iam::123456789012:role/EksNodeRemediator-EniPermissionsRole9C8D7E6F-1A2B3C4D5E6F";

  /**
   * The IMDS role's ARN as CloudFormation would resolve it, and as the function's own CloudTrail
   * records name it in {@code events/cloudtrail-modifyinstancemetadataoptions-by-remediator.json}.
   */
  static final String OWN_ROLE_ARN =
      "arn:aws:iam::123456789012:role/EksNodeRemediator-ImdsPermissionsRole5E6F7A8B-0A1B2C3D4E5F";

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
          Map.entry("cloudtrail-modifyinstancemetadataoptions-by-user.json", Set.of(TAMPER)),
          Map.entry("cloudtrail-modifyinstancemetadataoptions-by-other-role.json", Set.of(TAMPER)),
          // The function's own write: the pattern itself leaves it out, so it cannot loop.
          Map.entry("cloudtrail-modifyinstancemetadataoptions-by-remediator.json", Set.of()),
          Map.entry("cloudtrail-modifyinstancemetadataoptions-failed.json", Set.of()),
          Map.entry("cloudtrail-detachnetworkinterface-by-user.json", Set.of(ENI_TAMPER)),
          Map.entry("cloudtrail-deletenetworkinterface-by-user.json", Set.of(ENI_TAMPER)),
          Map.entry(
              "cloudtrail-modifynetworkinterfaceattribute-by-other-role.json", Set.of(ENI_TAMPER)),
          Map.entry("cloudtrail-detachnetworkinterface-by-eni-function.json", Set.of()),
          Map.entry("other-source-eks.json", Set.of()),
          // Reaches the ENI function through the schedule rule, which matches no pattern.
          Map.entry("scheduled-event.json", Set.of()),
          Map.entry("manual-one-instance.json", Set.of()),
          Map.entry("manual-several-instances-dry-run.json", Set.of()),
          Map.entry("manual-check-permissions.json", Set.of()),
          Map.entry("manual-eni-capacity.json", Set.of()),
          Map.entry("decision-imds-tampered.json", Set.of(FORWARD, RECORD)),
          Map.entry("decision-eni-failed.json", Set.of(FORWARD, RECORD)));

  private static Machine machine;

  @BeforeAll
  static void compileSynthesizedRules() throws Exception {
    machine = Machine.builder().build();
    addRule(TestStacks.defaults(), STATE_CHANGE, "ImdsRulesStateChange");
    addRule(TestStacks.defaults(), CLOUDTRAIL, "ImdsRulesCloudTrailLaunch");
    addRule(TestStacks.defaults(), TAMPER, "ImdsRulesMetadataOptionsChanged");
    addRule(TestStacks.eni(), ENI_STATE_CHANGE, "EniRulesStateChange");
    addRule(TestStacks.eni(), ENI_TAMPER, "EniRulesInterfaceTouched");
    addRule(TestStacks.eni(), ENI_CLOUDTRAIL, "EniRulesCloudTrailLaunch");
    addRule(TestStacks.centralMember(), FORWARD, "DecisionEventsForward");
    addRule(TestStacks.central(), RECORD, "CentralViewRecord");
  }

  private static void addRule(TestStacks.Synthesized stack, String name, String logicalIdPrefix)
      throws Exception {
    String pattern = ownRoleResolved(stack, eventPattern(stack, logicalIdPrefix));
    assertThat(RuleCompiler.check(pattern)).as("event-ruler accepts the " + name).isNull();
    machine.addRule(name, pattern);
  }

  /** The event pattern of the rule whose logical id starts with the prefix, as JSON text. */
  private static String eventPattern(TestStacks.Synthesized stack, String logicalIdPrefix) {
    Template template = stack.assertions();
    return TestStacks.JSON
        .valueToTree(
            template
                .findResources("AWS::Events::Rule")
                .get(TestStacks.idOf(template, "AWS::Events::Rule", logicalIdPrefix)))
        .at("/Properties/EventPattern")
        .toString();
  }

  /**
   * The tamper rule names the IMDS role by {@code Fn::GetAtt}; CloudFormation resolves it to the
   * role's ARN at deploy. Check it is the IMDS function's own role, then resolve it as AWS would.
   */
  static String ownRoleResolved(TestStacks.Synthesized stack, String pattern) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("\\{\"Fn::GetAtt\":\\[\"([A-Za-z0-9]+)\",\"Arn\"\\]\\}")
            .matcher(pattern);
    if (!m.find()) {
      return pattern;
    }
    Map<String, String> arnOfRole = new java.util.HashMap<>();
    // The functions themselves (the permissions checks share their roles).
    Map<String, Map<String, Object>> functions =
        stack.assertions().findResources("AWS::Lambda::Function");
    TestStacks.remediatorIds(stack.assertions(), "AWS::Lambda::Function").stream()
        .<JsonNode>map(id -> TestStacks.JSON.valueToTree(functions.get(id)))
        .forEach(
            f ->
                arnOfRole.put(
                    f.at("/Properties/Role/Fn::GetAtt/0").asText(),
                    f.at("/Properties/Handler").asText().contains("EniHandler")
                        ? ENI_ROLE_ARN
                        : OWN_ROLE_ARN));
    assertThat(arnOfRole)
        .as("the pattern excludes one of the functions' own roles")
        .containsKey(m.group(1));
    return m.replaceAll("\"" + arnOfRole.get(m.group(1)) + "\"");
  }

  @Test
  void tamperRule_excludesTheFunctionsOwnRoleBySessionIssuer_andKeepsPrincipalsWithoutOne()
      throws Exception {
    Machine own = Machine.builder().build();
    own.addRule(
        TAMPER,
        ownRoleResolved(
            TestStacks.defaults(),
            eventPattern(TestStacks.defaults(), "ImdsRulesMetadataOptionsChanged")));
    String ours =
        Files.readString(
            TestStacks.repoRoot()
                .resolve("events/cloudtrail-modifyinstancemetadataoptions-by-remediator.json"));

    assertThat(ours).contains(OWN_ROLE_ARN);
    assertThat(own.rulesForJSONEvent(ours)).as("our own write").isEmpty();
    // A role whose name merely starts like ours is someone else.
    assertThat(own.rulesForJSONEvent(ours.replace(OWN_ROLE_ARN, OWN_ROLE_ARN + "-other")))
        .containsExactly(TAMPER);
    // Our role's STS session ARN appears in userIdentity.arn too; excluding by it would be
    // fragile. An impostor who names a session after our role still has its own issuer.
    String impostor =
        ours.replace(
            "\"arn\": \"" + OWN_ROLE_ARN + "\"",
            "\"arn\": \"arn:aws:iam::123456789012:role/someone-else\"");
    assertThat(own.rulesForJSONEvent(impostor)).containsExactly(TAMPER);
    // Root and service principals have no session issuer at all.
    String root =
        Files.readString(
                TestStacks.repoRoot()
                    .resolve("events/cloudtrail-modifyinstancemetadataoptions-by-user.json"))
            .replace("\"type\": \"IAMUser\"", "\"type\": \"Root\"");
    assertThat(own.rulesForJSONEvent(root)).containsExactly(TAMPER);
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
