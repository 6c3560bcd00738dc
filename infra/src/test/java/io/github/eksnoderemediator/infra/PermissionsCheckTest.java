package io.github.eksnoderemediator.infra;

import static io.github.eksnoderemediator.infra.TestStacks.getAttOf;
import static io.github.eksnoderemediator.infra.TestStacks.idOf;
import static org.assertj.core.api.Assertions.assertThat;
import static software.amazon.awscdk.assertions.Match.arrayWith;
import static software.amazon.awscdk.assertions.Match.stringLikeRegexp;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awscdk.assertions.Capture;
import software.amazon.awscdk.assertions.Template;

/**
 * The deploy-time permissions check ({@code checkPermissionsOnDeploy}, on by default): a trigger
 * per function runs that function's check, as that function's own role, after the function exists.
 */
class PermissionsCheckTest {

  @Test
  void byDefault_aTriggerRunsTheImdsCheckAsTheImdsRole_afterTheFunctionExists() {
    Template template = TestStacks.defaults().assertions();
    Capture config = new Capture();
    template.hasResourceProperties(
        "AWS::Lambda::Function",
        Map.of(
            "Handler",
            ImdsFunctionTest.HANDLER,
            "Environment",
            Map.of("Variables", Map.of("REMEDIATOR_CONFIG", config))));

    template.hasResourceProperties(
        "AWS::Lambda::Function",
        Map.of(
            "Handler",
            "io.github.eksnoderemediator.handler.ImdsPermissionsCheckHandler::handleRequest",
            "Runtime",
            "java21",
            "Timeout",
            300,
            "Role",
            getAttOf(idOf(template, "AWS::IAM::Role", "ImdsPermissionsRole"), "Arn"),
            "Environment",
            Map.of("Variables", Map.of("REMEDIATOR_CONFIG", config.asString()))));
    template.resourceCountIs("Custom::Trigger", 1);
    template.hasResource(
        "Custom::Trigger",
        Map.of(
            // The trigger invokes the check's current version: a new jar or configuration runs it
            // again.
            "Properties",
            Map.of(
                "HandlerArn",
                Map.of("Ref", stringLikeRegexp("^ImdsPermissionsCheckFunctionCurrentVersion")),
                "ExecuteOnHandlerChange",
                true),
            "DependsOn",
            arrayWith(
                List.of(
                    template.getResourceId(
                        "AWS::Lambda::Function", ImdsFunctionTest.IMDS_FUNCTION)))));
  }

  @Test
  void withEniProfiles_theEniFunctionIsCheckedAsItsOwnRole() {
    Template template = TestStacks.eni().assertions();

    template.resourceCountIs("Custom::Trigger", 2);
    template.hasResourceProperties(
        "AWS::Lambda::Function",
        Map.of(
            "Handler",
            "io.github.eksnoderemediator.handler.EniPermissionsCheckHandler::handleRequest",
            "Role",
            getAttOf(idOf(template, "AWS::IAM::Role", "EniPermissionsRole"), "Arn")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"clusters", "eniClusters"})
  void turnedOff_noCheckIsDeployed(String stack) {
    TestStacks.named(stack).assertions().resourceCountIs("Custom::Trigger", 0);
    assertThat(TestStacks.named(stack).template().get("Resources").properties())
        .noneMatch(e -> TestStacks.permissionsCheck(e.getKey()));
  }

  /**
   * aws-cdk-lib's trigger provider is the one role in the stack with an AWS managed policy (the
   * basic execution role, for its own logs); it only invokes the check functions. The functions'
   * roles have none.
   */
  static void assertOnlyTheTriggerProviderHasAManagedPolicy(Template template) {
    template
        .findResources("AWS::IAM::Role")
        .forEach(
            (id, resource) -> {
              JsonNode role = TestStacks.JSON.valueToTree(resource);
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
