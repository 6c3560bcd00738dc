package io.github.eksnoderemediator.infra;

import static io.github.eksnoderemediator.infra.TestStacks.byIdPrefix;
import static io.github.eksnoderemediator.infra.TestStacks.resources;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The deploy-time permissions check ({@code checkPermissionsOnDeploy}, on by default): a trigger
 * per function runs that function's check, as that function's own role, after the function exists.
 */
class PermissionsCheckTest {

  @Test
  void byDefault_aTriggerRunsTheImdsCheckAsTheImdsRole_afterTheFunctionExists() {
    JsonNode template = TestStacks.defaults().template();

    var check = byIdPrefix(template, "AWS::Lambda::Function", "ImdsPermissionsCheckFunction");
    JsonNode p = check.getValue().get("Properties");
    assertThat(p.get("Handler").asText())
        .isEqualTo(
            "io.github.eksnoderemediator.handler.ImdsPermissionsCheckHandler::handleRequest");
    assertThat(p.get("Runtime").asText()).isEqualTo("java21");
    assertThat(p.get("Timeout").asInt()).isEqualTo(300);
    assertThat(p.at("/Role/Fn::GetAtt/0").asText())
        .isEqualTo(byIdPrefix(template, "AWS::IAM::Role", "ImdsPermissionsRole").getKey());
    assertThat(p.at("/Environment/Variables/REMEDIATOR_CONFIG").asText())
        .isEqualTo(
            byIdPrefix(template, "AWS::Lambda::Function", "ImdsFunction")
                .getValue()
                .at("/Properties/Environment/Variables/REMEDIATOR_CONFIG")
                .asText());

    Map<String, JsonNode> triggers = resources(template, "Custom::Trigger");
    assertThat(triggers).hasSize(1);
    JsonNode trigger = triggers.values().iterator().next();
    // The trigger invokes the check's current version: a new jar or configuration runs it again.
    assertThat(trigger.at("/Properties/HandlerArn/Ref").asText())
        .startsWith("ImdsPermissionsCheckFunctionCurrentVersion");
    assertThat(trigger.at("/Properties/ExecuteOnHandlerChange").asText()).isEqualTo("true");
    assertThat(trigger.get("DependsOn").toString())
        .contains(byIdPrefix(template, "AWS::Lambda::Function", "ImdsFunction").getKey());
  }

  @Test
  void withEniProfiles_theEniFunctionIsCheckedAsItsOwnRole() {
    JsonNode template = TestStacks.eni().template();

    assertThat(resources(template, "Custom::Trigger")).hasSize(2);
    JsonNode p =
        byIdPrefix(template, "AWS::Lambda::Function", "EniPermissionsCheckFunction")
            .getValue()
            .get("Properties");
    assertThat(p.get("Handler").asText())
        .isEqualTo("io.github.eksnoderemediator.handler.EniPermissionsCheckHandler::handleRequest");
    assertThat(p.at("/Role/Fn::GetAtt/0").asText())
        .isEqualTo(byIdPrefix(template, "AWS::IAM::Role", "EniPermissionsRole").getKey());
  }

  @ParameterizedTest
  @ValueSource(strings = {"clusters", "eniClusters"})
  void turnedOff_noCheckIsDeployed(String stack) {
    JsonNode template = TestStacks.named(stack).template();

    assertThat(resources(template, "Custom::Trigger")).isEmpty();
    assertThat(template.get("Resources").properties())
        .noneMatch(e -> TestStacks.permissionsCheck(e.getKey()));
  }

  /**
   * aws-cdk-lib's trigger provider is the one role in the stack with an AWS managed policy (the
   * basic execution role, for its own logs); it only invokes the check functions. The functions'
   * roles have none.
   */
  static void assertOnlyTheTriggerProviderHasAManagedPolicy(JsonNode template) {
    resources(template, "AWS::IAM::Role")
        .forEach(
            (id, role) -> {
              JsonNode managed = role.at("/Properties/ManagedPolicyArns");
              if (id.startsWith("AWSCDKTrigger")) {
                assertThat(managed.toString()).contains("AWSLambdaBasicExecutionRole");
                assertThat(managed.size()).isEqualTo(1);
                assertThat(role.at("/Properties/Policies").toString())
                    .contains("lambda:InvokeFunction")
                    .doesNotContain("ec2:");
              } else {
                assertThat(managed.isMissingNode()).as(id).isTrue();
              }
            });
  }

  /** True for the grant that lets a function's role write the check function's log group. */
  static boolean writesTheChecksLogGroup(JsonNode statement, String checkId) {
    return statement.at("/Resource/Fn::GetAtt/0").asText().startsWith(checkId + "Logs")
        && ImdsPermissionsTest.actions(statement)
            .equals(List.of("logs:CreateLogStream", "logs:PutLogEvents"));
  }
}
