package io.github.eksnoderemediator.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.eksnoderemediator.central.DecisionEvent;
import io.github.eksnoderemediator.infra.RoleChecks.Call;
import io.github.eksnoderemediator.infra.RoleChecks.Expect;
import io.github.eksnoderemediator.infra.constructs.DecisionEvents;
import io.github.eksnoderemediator.infra.iam.IamRequest;
import io.github.eksnoderemediator.infra.iam.IamSimulator;
import io.github.eksnoderemediator.infra.iam.RolePolicies;
import io.github.eksnoderemediator.json.Json;
import io.github.eksnoderemediator.report.InstanceResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.event.ruler.Machine;

/**
 * The member side of the central view: with {@code centralEventBusArn} set (the "centralMember"
 * stack), both functions may publish decision events to the account's default bus and nothing else,
 * and one rule forwards exactly those to the central bus.
 */
class DecisionEventsMemberTest {
  static final String CENTRAL_BUS =
      "arn:aws:events:eu-west-1:999999999999:event-bus/eks-node-remediator-decisions";

  static final String DEFAULT_BUS =
      "arn:aws:events:" + IamSimulator.REGION + ":" + IamSimulator.ACCOUNT + ":event-bus/default";

  private static List<JsonNode> resources(TestStacks.Synthesized stack, String type) {
    List<JsonNode> found = new ArrayList<>();
    stack
        .template()
        .path("Resources")
        .forEach(
            r -> {
              if (type.equals(r.path("Type").asText())) {
                found.add(r);
              }
            });
    return found;
  }

  private static List<JsonNode> forwardRules(TestStacks.Synthesized stack) {
    return resources(stack, "AWS::Events::Rule").stream()
        .filter(r -> r.at("/Properties/EventBusName").asText().equals("default"))
        .toList();
  }

  @Test
  void lambdaAndInfra_agreeOnSourceAndDetailType() {
    assertThat(DecisionEvents.SOURCE).isEqualTo(DecisionEvent.SOURCE);
    assertThat(DecisionEvents.DETAIL_TYPE).isEqualTo(DecisionEvent.DETAIL_TYPE);
  }

  @ParameterizedTest
  @ValueSource(strings = {"centralMember"})
  void everyFunction_isToldTheDefaultBus_andTheRuleForwardsToTheCentralBus_withItsOwnRole(
      String name) {
    TestStacks.Synthesized stack = TestStacks.named(name);
    List<JsonNode> functions =
        TestStacks.remediatorIds(stack.assertions(), "AWS::Lambda::Function").stream()
            .map(id -> stack.template().path("Resources").path(id))
            .toList();
    assertThat(functions).isNotEmpty();
    for (JsonNode f : functions) {
      String bus =
          f.at("/Properties/Environment/Variables/" + DecisionEvents.BUS_ENV_VAR).toString();
      assertThat(bus).as(f.at("/Properties/Handler").asText()).contains(":event-bus/default");
    }

    List<JsonNode> rules = forwardRules(stack);
    assertThat(rules).hasSize(1);
    JsonNode rule = rules.get(0).path("Properties");
    assertThat(rule.path("Targets")).hasSize(1);
    JsonNode target = rule.path("Targets").get(0);
    assertThat(target.path("Arn").asText()).isEqualTo(CENTRAL_BUS);
    assertThat(target.at("/RoleArn/Fn::GetAtt/0").asText()).startsWith("DecisionEventsForwardRole");
    assertThat(target.at("/DeadLetterConfig/Arn/Fn::GetAtt/0").asText()).startsWith("Failures");

    // The forwarding role may put events on the central bus, and nothing else.
    RolePolicies forwarder =
        RolePolicies.fromTemplate(stack.template(), "DecisionEventsForwardRole");
    assertThat(forwarder.documents().values().toString()).contains("events:PutEvents");
    assertThat(
            IamSimulator.shared()
                .evaluate(forwarder, IamRequest.of("events:PutEvents", CENTRAL_BUS))
                .allowed())
        .isTrue();
    assertThat(
            IamSimulator.shared()
                .evaluate(forwarder, IamRequest.of("events:PutEvents", DEFAULT_BUS))
                .allowed())
        .isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"defaults", "clusters", "eni", "eniClusters"})
  void withoutTheSetting_nothingIsPublished_norForwarded(String name) {
    TestStacks.Synthesized stack = TestStacks.named(name);
    assertThat(forwardRules(stack)).isEmpty();
    assertThat(stack.template().toString())
        .doesNotContain(DecisionEvents.BUS_ENV_VAR)
        .doesNotContain("events:PutEvents");
  }

  private static IamRequest putEvents(String bus, String source, String detailType) {
    return IamRequest.of("events:PutEvents", bus)
        .with("events:source", source)
        .with("events:detail-type", detailType);
  }

  @ParameterizedTest(name = "{0} role in {1}")
  @CsvSource({"ImdsPermissionsRole, centralMember", "EniPermissionsRole, centralMember"})
  void functionRoles_mayPublishDecisionEvents_onlyToTheDefaultBus_onlyAsTheRemediator(
      String role, String stack) {
    RolePolicies policies = RolePolicies.fromTemplate(TestStacks.named(stack).template(), role);
    List<Call> calls =
        List.of(
            Call.of(
                "PutEvents of a decision event on the account's default bus",
                Expect.ALLOWED,
                putEvents(DEFAULT_BUS, DecisionEvents.SOURCE, DecisionEvents.DETAIL_TYPE)),
            Call.of(
                "PutEvents of a batch whose entries are all decision events",
                Expect.ALLOWED,
                IamRequest.of("events:PutEvents", DEFAULT_BUS)
                    .with("events:source", DecisionEvents.SOURCE, DecisionEvents.SOURCE)
                    .with("events:detail-type", DecisionEvents.DETAIL_TYPE)),
            Call.of(
                "PutEvents of a batch with one entry of another source",
                Expect.REFUSED,
                IamRequest.of("events:PutEvents", DEFAULT_BUS)
                    .with("events:source", DecisionEvents.SOURCE, "com.example.other")
                    .with("events:detail-type", DecisionEvents.DETAIL_TYPE)),
            Call.of(
                "PutEvents without source or detail-type in the request context",
                Expect.REFUSED,
                IamRequest.of("events:PutEvents", DEFAULT_BUS)),
            Call.of(
                "PutEvents with another source",
                Expect.REFUSED,
                putEvents(DEFAULT_BUS, "aws.ec2", DecisionEvents.DETAIL_TYPE)),
            Call.of(
                "PutEvents with another detail-type",
                Expect.REFUSED,
                putEvents(
                    DEFAULT_BUS, DecisionEvents.SOURCE, "EC2 Instance State-change Notification")),
            Call.of(
                "PutEvents straight to the central bus (the rule forwards; the function does not)",
                Expect.REFUSED,
                putEvents(CENTRAL_BUS, DecisionEvents.SOURCE, DecisionEvents.DETAIL_TYPE)),
            Call.of(
                "PutEvents on another bus of the account",
                Expect.REFUSED,
                putEvents(
                    DEFAULT_BUS.replace("event-bus/default", "event-bus/other"),
                    DecisionEvents.SOURCE,
                    DecisionEvents.DETAIL_TYPE)));
    assertThat(RoleChecks.violations(policies, calls)).isEmpty();
  }

  @Test
  void functionRoles_withoutTheSetting_mayNotPublish() {
    RolePolicies policies =
        RolePolicies.fromTemplate(TestStacks.defaults().template(), "ImdsPermissionsRole");
    assertThat(
            RoleChecks.violations(
                policies,
                List.of(
                    Call.of(
                        "PutEvents of a decision event",
                        Expect.REFUSED,
                        putEvents(
                            DEFAULT_BUS, DecisionEvents.SOURCE, DecisionEvents.DETAIL_TYPE)))))
        .isEmpty();
  }

  /**
   * What the function really sends, in the envelope EventBridge wraps it in, matches the member's
   * forwarding rule and the central record rule; an event from anyone else does not.
   */
  @Test
  void anEventTheFunctionSends_isForwardedAndRecorded_otherEventsAreNot() throws Exception {
    Machine machine = Machine.builder().build();
    machine.addRule(
        "forward", pattern(TestStacks.centralMember(), forwardRules(TestStacks.centralMember())));
    machine.addRule(
        "record",
        pattern(TestStacks.central(), resources(TestStacks.central(), "AWS::Events::Rule")));

    InstanceResult failed =
        InstanceResult.of(
                new io.github.eksnoderemediator.port.InstanceId("i-0a1b2c3d4e5f60002"), null, false)
            .fail(true, "throttled");
    DecisionEvent event = DecisionEvent.of("manual request", null, failed).orElseThrow();
    Map<String, Object> envelope = new LinkedHashMap<>();
    envelope.put("version", "0");
    envelope.put("id", "1");
    envelope.put("detail-type", DecisionEvent.DETAIL_TYPE);
    envelope.put("source", DecisionEvent.SOURCE);
    envelope.put("account", "111122223333");
    envelope.put("time", "2026-11-27T12:00:00Z");
    envelope.put("region", "eu-west-1");
    envelope.put("resources", List.of());
    envelope.put("detail", Json.MAPPER.valueToTree(event));
    String sent = Json.compact(envelope);

    assertThat(machine.rulesForJSONEvent(sent)).containsExactlyInAnyOrder("forward", "record");
    assertThat(machine.rulesForJSONEvent(sent.replace("\"eks-node-remediator\"", "\"spoofer\"")))
        .isEmpty();
  }

  private static String pattern(TestStacks.Synthesized stack, List<JsonNode> rules) {
    assertThat(rules).hasSize(1);
    return rules.get(0).at("/Properties/EventPattern").toString();
  }
}
