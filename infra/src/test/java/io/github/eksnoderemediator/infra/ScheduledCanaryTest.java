package io.github.eksnoderemediator.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.eksnoderemediator.canary.Canary;
import io.github.eksnoderemediator.config.ConfigException;
import io.github.eksnoderemediator.infra.RoleChecks.Call;
import io.github.eksnoderemediator.infra.RoleChecks.Expect;
import io.github.eksnoderemediator.infra.iam.IamRequest;
import io.github.eksnoderemediator.infra.iam.IamSimulator;
import io.github.eksnoderemediator.infra.iam.RolePolicies;
import io.github.eksnoderemediator.node.NodeTags;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;

/**
 * The scheduled canary ({@code remediator-deployment.verify}): its settings, what the stack gets,
 * and its role evaluated by the IAM policy simulator: it can launch only canary-tagged instances of
 * the configured types in the configured subnet with no instance profile, and touch only
 * canary-tagged instances.
 */
class ScheduledCanaryTest {
  static final String SUBNET = "subnet-0a1b2c3d4e5f60718";
  static final String VERIFY =
      "{\"schedule\": \"rate(1 day)\", \"subnetId\": \""
          + SUBNET
          + "\", \"instanceTypes\": [\"t4g.nano\", \"t3.nano\"], \"cluster\": \"prod\"}";

  private static TestStacks.Synthesized stack;

  static synchronized TestStacks.Synthesized stack() {
    if (stack == null) {
      try {
        Map<String, Object> overrides = new LinkedHashMap<>();
        overrides.put(
            AppSettings.DEPLOYMENT_KEY,
            TestStacks.JSON.readValue("{\"verify\": " + VERIFY + "}", Object.class));
        stack =
            TestStacks.synthesize(
                "CanaryStack", overrides, Files.createTempDirectory("remediator-canary"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return stack;
  }

  static RolePolicies role() {
    return RolePolicies.fromTemplate(stack().template(), "CanaryRole");
  }

  @Test
  void verify_parses_withOneLineErrors() {
    DeploymentSettings d =
        DeploymentSettings.parse("{\"verify\": " + VERIFY + "}", "remediator-deployment");
    assertThat(d.verify())
        .hasValue(
            new VerifySettings("rate(1 day)", SUBNET, List.of("t4g.nano", "t3.nano"), "prod"));
    assertThat(DeploymentSettings.parse("{}", "x").verify()).isEmpty();

    assertThatThrownBy(
            () ->
                DeploymentSettings.parse(
                    "{\"verify\": {\"schedule\": \"every day\"}}", "remediator-deployment"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("verify.schedule")
        .hasMessageContaining("must be an EventBridge schedule such as rate(1 day)");
    assertThatThrownBy(
            () ->
                DeploymentSettings.parse(
                    "{\"verify\": {\"schedule\": \"rate(1 day)\", \"cluster\": \"prod\"}}", "d"))
        .hasMessageContaining("verify.subnetId")
        .hasMessageContaining("is required");
    assertThatThrownBy(
            () ->
                DeploymentSettings.parse(
                    "{\"verify\": {\"schedule\": \"rate(1 day)\", \"subnetId\": \""
                        + SUBNET
                        + "\", \"cluster\": \"prod\", \"instanceTypes\": [\"huge\"]}}",
                    "d"))
        .hasMessageContaining("verify.instanceTypes[0]")
        .hasMessageContaining("must be an instance type such as t4g.nano");
    assertThatThrownBy(
            () -> DeploymentSettings.parse("{\"verify\": {\"schedul\": \"rate(1 day)\"}}", "d"))
        .hasMessageContaining("verify.schedul")
        .hasMessageContaining("unknown field");
  }

  @Test
  void stack_getsTheCanaryFunction_itsSchedule_andTheAlarm_onlyWhenAskedFor() {
    var t = stack().assertions();
    t.hasResourceProperties(
        "AWS::Lambda::Function",
        Map.of(
            "Handler",
            "io.github.eksnoderemediator.handler.CanaryHandler::handleRequest",
            "Timeout",
            900,
            "Environment",
            Map.of(
                "Variables",
                Match.objectLike(
                    Map.of(
                        "CANARY_SUBNET", SUBNET,
                        "CANARY_INSTANCE_TYPE", "t4g.nano",
                        "CANARY_CLUSTER", "prod",
                        "CANARY_HOP_LIMIT", "1-2")))));
    t.hasResourceProperties(
        "AWS::Events::Rule", Map.of("ScheduleExpression", "rate(1 day)", "State", "ENABLED"));
    t.hasResourceProperties(
        "AWS::CloudWatch::Alarm",
        Map.of(
            "MetricName",
            "PathsFailed",
            "Namespace",
            "EksNodeRemediator",
            "Threshold",
            1,
            "AlarmName",
            Match.objectLike(Map.of())));
    assertThat(stack().template().toString())
        .contains("-RemediationPipelineBroken")
        .contains("ExposureSeconds")
        .contains("TamperResponseSeconds");
    assertThat(stack().findings()).isEmpty();
    assertThat(TestStacks.defaults().template().toString())
        .doesNotContain("CanaryHandler")
        .doesNotContain("RemediationPipelineBroken");
  }

  private static IamRequest launch(String resource) {
    return IamRequest.of("ec2:RunInstances", IamRequest.ec2Arn(resource))
        .with("ec2:Region", IamSimulator.REGION);
  }

  /** Every authorization one RunInstances makes, as the canary sends it. */
  private static List<IamRequest> canaryLaunch(
      Map<String, String> tags, String type, String subnet, boolean instanceProfile) {
    IamRequest instance = launch("instance/i-0c0ffee0c0ffee001").with("ec2:InstanceType", type);
    IamRequest volume = launch("volume/vol-0c0ffee0c0ffee001");
    for (var e : tags.entrySet()) {
      instance = instance.with("aws:RequestTag/" + e.getKey(), e.getValue());
      volume = volume.with("aws:RequestTag/" + e.getKey(), e.getValue());
    }
    if (instanceProfile) {
      instance =
          instance.with(
              "ec2:InstanceProfile",
              "arn:aws:iam::" + IamSimulator.ACCOUNT + ":instance-profile/admin");
    }
    String subnetArn = IamRequest.ec2Arn("subnet/" + subnet);
    return List.of(
        instance,
        volume,
        launch("subnet/" + subnet),
        launch("network-interface/eni-0c0ffee0c0ffee001").with("ec2:Subnet", subnetArn),
        launch("security-group/sg-0a1b2c3d4e5f60718"),
        IamRequest.of(
                "ec2:RunInstances",
                "arn:aws:ec2:" + IamSimulator.REGION + "::image/ami-069e86854ff1917d2")
            .with("ec2:Owner", "amazon"));
  }

  private static Call call(String what, Expect expect, List<IamRequest> requests) {
    return new Call(what, requests, expect);
  }

  @Test
  void canaryRole_launchesOnlyCanaryInstances_ofTheTypes_inTheSubnet_withoutAProfile() {
    Map<String, String> tags = Canary.tags("prod");
    Map<String, String> untagged = new LinkedHashMap<>(tags);
    untagged.remove(Canary.CANARY_TAG);
    Map<String, String> otherGroup = new LinkedHashMap<>(tags);
    otherGroup.put(NodeTags.MANAGED_NODE_GROUP, "general");
    List<Call> calls = new ArrayList<>();
    calls.add(
        call("the canary's launch", Expect.ALLOWED, canaryLaunch(tags, "t4g.nano", SUBNET, false)));
    calls.add(
        call("the second type", Expect.ALLOWED, canaryLaunch(tags, "t3.nano", SUBNET, false)));
    calls.add(
        call(
            "without the canary tag",
            Expect.REFUSED,
            canaryLaunch(untagged, "t4g.nano", SUBNET, false)));
    calls.add(
        call(
            "in another node group",
            Expect.REFUSED,
            canaryLaunch(otherGroup, "t4g.nano", SUBNET, false)));
    calls.add(
        call("another type", Expect.REFUSED, canaryLaunch(tags, "m7i.48xlarge", SUBNET, false)));
    calls.add(
        call(
            "another subnet",
            Expect.REFUSED,
            canaryLaunch(tags, "t4g.nano", "subnet-0fffffffffffffff0", false)));
    calls.add(
        call(
            "with an instance profile",
            Expect.EXPLICITLY_DENIED,
            canaryLaunch(tags, "t4g.nano", SUBNET, true)));
    calls.add(
        call(
            "an image not owned by Amazon",
            Expect.REFUSED,
            List.of(
                IamRequest.of(
                        "ec2:RunInstances",
                        "arn:aws:ec2:" + IamSimulator.REGION + "::image/ami-0123456789abcdef0")
                    .with("ec2:Owner", "111122223333"))));
    calls.add(
        Call.of(
            "iam:PassRole",
            Expect.REFUSED,
            IamRequest.of("iam:PassRole", "arn:aws:iam::" + IamSimulator.ACCOUNT + ":role/admin")));

    assertThat(RoleChecks.violations(role(), calls)).isEmpty();
  }

  @Test
  void canaryRole_loosensAndTerminatesOnlyCanaryInstances() {
    String instance = IamRequest.ec2Arn("instance/i-0c0ffee0c0ffee001");
    Map<String, String> node = new LinkedHashMap<>(Canary.tags("prod"));
    node.remove(Canary.CANARY_TAG);
    node.put(NodeTags.MANAGED_NODE_GROUP, "general");
    List<Call> calls = new ArrayList<>();
    for (String action : List.of("ec2:ModifyInstanceMetadataOptions", "ec2:TerminateInstances")) {
      IamRequest r = IamRequest.of(action, instance).with("ec2:Region", IamSimulator.REGION);
      calls.add(
          Call.of(action + " a canary", Expect.ALLOWED, r.withResourceTags(Canary.tags("prod"))));
      calls.add(Call.of(action + " a node", Expect.REFUSED, r.withResourceTags(node)));
      calls.add(Call.of(action + " an untagged instance", Expect.REFUSED, r));
    }
    calls.add(
        Call.of(
            "ec2:CreateTags after launch",
            Expect.REFUSED,
            IamRequest.of("ec2:CreateTags", instance).withResourceTags(node)));
    calls.add(
        Call.of(
            "ec2:CreateTags at launch",
            Expect.ALLOWED,
            IamRequest.of("ec2:CreateTags", instance).with("ec2:CreateAction", "RunInstances")));

    assertThat(RoleChecks.violations(role(), calls)).isEmpty();
  }
}
