package io.github.eksnoderemediator.infra.constructs;

import io.github.eksnoderemediator.canary.Canary;
import io.github.eksnoderemediator.canary.CanaryMetrics;
import io.github.eksnoderemediator.config.HopLimitBand;
import io.github.eksnoderemediator.infra.DeploymentSettings;
import io.github.eksnoderemediator.infra.VerifySettings;
import io.github.eksnoderemediator.metrics.Metrics;
import io.github.eksnoderemediator.node.NodeTags;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyDocument;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

/**
 * The scheduled end-to-end canary ({@code remediator-deployment.verify}, opt-in): the canary of
 * {@code verify --end-to-end} as a small function of its own (same jar, its own handler), run by a
 * schedule rule, with a role that can launch only canary-tagged instances of the configured types
 * in the configured subnet, with no instance profile (no {@code iam:PassRole} at all), and loosen
 * and terminate only canary-tagged instances. Its metrics {@code ExposureSeconds} and {@code
 * TamperResponseSeconds} are on a dashboard; the alarm {@code RemediationPipelineBroken} fires when
 * a path fails.
 */
public final class ScheduledCanary extends Construct {
  public static final String HANDLER =
      "io.github.eksnoderemediator.handler.CanaryHandler::handleRequest";

  /** Launch, loosen, wait for both paths and terminate, within Lambda's limit. */
  static final int TIMEOUT_SECONDS = 900;

  private final Alarm alarm;

  /**
   * @param imdsLogGroup the IMDS function's log group: the canary reads its decisions
   * @param band the hop-limit band of the canary's cluster
   */
  public ScheduledCanary(
      Construct scope,
      String id,
      Code code,
      DeploymentSettings deployment,
      VerifySettings verify,
      HopLimitBand band,
      software.amazon.awscdk.services.logs.ILogGroup imdsLogGroup) {
    super(scope, id);
    String stackName = Aws.STACK_NAME;
    Role role =
        Role.Builder.create(this, "Role")
            .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
            .description("EKS Node Remediator scheduled canary: launches and ends canary instances")
            .inlinePolicies(
                Map.of(
                    "Canary",
                    PolicyDocument.Builder.create()
                        .statements(statements(verify, imdsLogGroup.getLogGroupArn()))
                        .build()))
            .build();
    NagReasons.canaryRole(role);
    LogGroup logs =
        LogGroup.Builder.create(this, "Logs").retention(RetentionDays.ONE_MONTH).build();
    logs.grantWrite(role);
    Map<String, String> env = new LinkedHashMap<>();
    env.put("CANARY_SUBNET", verify.subnetId());
    env.put("CANARY_INSTANCE_TYPE", verify.instanceTypes().get(0));
    env.put("CANARY_CLUSTER", verify.cluster());
    env.put("CANARY_STACK", stackName);
    env.put("CANARY_LOG_GROUP", imdsLogGroup.getLogGroupName());
    env.put("CANARY_HOP_LIMIT", band.min() + "-" + band.max());
    env.put("JAVA_TOOL_OPTIONS", "-XX:+TieredCompilation -XX:TieredStopAtLevel=1");
    Function function =
        Function.Builder.create(this, "Function")
            .description("EKS Node Remediator scheduled end-to-end canary (docs/deploy.md)")
            .runtime(Runtime.JAVA_21)
            .handler(HANDLER)
            .code(code)
            .architecture(RemediatorFunction.architecture(deployment))
            .memorySize(512)
            .timeout(Duration.seconds(TIMEOUT_SECONDS))
            .role(role)
            .logGroup(logs)
            .environment(env)
            .build();
    NagReasons.lambdaRuntime(function);
    Rule.Builder.create(this, "Schedule")
        .description("Runs the EKS Node Remediator canary")
        .schedule(Schedule.expression(verify.schedule()))
        .targets(List.of(LambdaFunction.Builder.create(function).retryAttempts(0).build()))
        .build();

    Metric failed = metric(CanaryMetrics.PATHS_FAILED, "Maximum");
    this.alarm =
        Alarm.Builder.create(this, "RemediationPipelineBroken")
            .alarmName(stackName + "-RemediationPipelineBroken")
            .alarmDescription(
                "EKS Node Remediator: the scheduled canary found a path of the remediation"
                    + " pipeline broken; the canary function's log names the path and the cause"
                    + " (docs/runbook.md).")
            .metric(failed)
            .threshold(1)
            .evaluationPeriods(1)
            .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
            .treatMissingData(TreatMissingData.NOT_BREACHING)
            .build();
    Dashboard dashboard =
        Dashboard.Builder.create(this, "Dashboard").dashboardName(stackName + "-Canary").build();
    dashboard.addWidgets(
        GraphWidget.Builder.create()
            .title("Exposure window: launch to hardened (s)")
            .left(List.of(metric(CanaryMetrics.EXPOSURE, "Maximum")))
            .build(),
        GraphWidget.Builder.create()
            .title("Tamper response: loosened to hardened again (s)")
            .left(List.of(metric(CanaryMetrics.TAMPER_RESPONSE, "Maximum")))
            .build(),
        GraphWidget.Builder.create().title("Canary paths failed").left(List.of(failed)).build());
  }

  public Alarm alarm() {
    return alarm;
  }

  private static Metric metric(String name, String statistic) {
    return Metric.Builder.create()
        .namespace(Metrics.NAMESPACE)
        .metricName(name)
        .statistic(statistic)
        .period(Duration.hours(1))
        .build();
  }

  static String ec2Arn(String resource) {
    return "arn:" + Aws.PARTITION + ":ec2:" + Aws.REGION + ":" + Aws.ACCOUNT_ID + ":" + resource;
  }

  /** The canary role's statements: what it may launch, touch and read, and nothing else. */
  static List<PolicyStatement> statements(VerifySettings verify, String imdsLogGroupArn) {
    String instances = ec2Arn("instance/*");
    List<PolicyStatement> s = new ArrayList<>();
    Map<String, Object> launchTags = new LinkedHashMap<>();
    launchTags.put("aws:RequestTag/" + Canary.CANARY_TAG, "true");
    launchTags.put("aws:RequestTag/" + NodeTags.MANAGED_NODE_GROUP, Canary.NODE_GROUP);
    launchTags.put("ec2:InstanceType", verify.instanceTypes());
    s.add(
        allow(
            "LaunchOnlyCanaryInstancesOfTheConfiguredTypes",
            List.of("ec2:RunInstances"),
            List.of(instances),
            Map.of("StringEquals", launchTags)));
    s.add(
        allow(
            "LaunchOnlyCanaryVolumes",
            List.of("ec2:RunInstances"),
            List.of(ec2Arn("volume/*")),
            Map.of("StringEquals", Map.of("aws:RequestTag/" + Canary.CANARY_TAG, "true"))));
    String subnet = ec2Arn("subnet/" + verify.subnetId());
    s.add(allow("LaunchOnlyInTheConfiguredSubnet", List.of("ec2:RunInstances"), List.of(subnet)));
    s.add(
        allow(
            "ItsInterfaceOnlyInTheConfiguredSubnet",
            List.of("ec2:RunInstances"),
            List.of(ec2Arn("network-interface/*")),
            Map.of("StringEquals", Map.of("ec2:Subnet", subnet))));
    s.add(
        allow(
            "WithTheSubnetsSecurityGroups",
            List.of("ec2:RunInstances"),
            List.of(ec2Arn("security-group/*"))));
    s.add(
        allow(
            "FromAmazonsImagesOnly",
            List.of("ec2:RunInstances"),
            List.of("arn:" + Aws.PARTITION + ":ec2:" + Aws.REGION + "::image/*"),
            Map.of("StringEquals", Map.of("ec2:Owner", "amazon"))));
    s.add(
        allow(
            "TagOnlyAtLaunch",
            List.of("ec2:CreateTags"),
            List.of(instances, ec2Arn("volume/*")),
            Map.of("StringEquals", Map.of("ec2:CreateAction", "RunInstances"))));
    Map<String, Object> canary = new LinkedHashMap<>();
    canary.put("aws:ResourceTag/" + Canary.CANARY_TAG, "true");
    canary.put("aws:ResourceTag/" + NodeTags.MANAGED_NODE_GROUP, Canary.NODE_GROUP);
    s.add(
        allow(
            "LoosenAndTerminateOnlyCanaryInstances",
            List.of("ec2:ModifyInstanceMetadataOptions", "ec2:TerminateInstances"),
            List.of(instances),
            Map.of("StringEquals", canary)));
    s.add(
        PolicyStatement.Builder.create()
            .sid("NeverLaunchWithAnInstanceProfile")
            .effect(Effect.DENY)
            .actions(List.of("ec2:RunInstances"))
            .resources(List.of(instances))
            .conditions(Map.of("Null", Map.of("ec2:InstanceProfile", "false")))
            .build());
    s.add(
        allow(
            "ReadInstancesAndCauses",
            List.of(
                "ec2:DescribeInstances",
                "ec2:DescribeInstanceTypes",
                "ec2:GetInstanceMetadataDefaults",
                "cloudtrail:DescribeTrails",
                "cloudtrail:GetTrailStatus",
                "cloudtrail:GetEventSelectors",
                "events:ListRules",
                "sqs:ListQueues"),
            // None of these supports resource-level permissions for the calls made here.
            List.of("*")));
    s.add(
        allow(
            "ReadTheStacksQueueDepths",
            List.of("sqs:GetQueueAttributes"),
            List.of(
                "arn:"
                    + Aws.PARTITION
                    + ":sqs:"
                    + Aws.REGION
                    + ":"
                    + Aws.ACCOUNT_ID
                    + ":"
                    + Aws.STACK_NAME
                    + "-*")));
    s.add(
        allow(
            "ReadTheImdsFunctionsDecisions",
            List.of("logs:FilterLogEvents"),
            List.of(imdsLogGroupArn)));
    s.add(
        allow(
            "ResolveThePublicAmiParameter",
            List.of("ssm:GetParameters"),
            List.of(
                "arn:"
                    + Aws.PARTITION
                    + ":ssm:"
                    + Aws.REGION
                    + "::parameter/aws/service/ami-amazon-linux-latest/*")));
    return s;
  }

  private static PolicyStatement allow(String sid, List<String> actions, List<String> resources) {
    return PolicyStatement.Builder.create()
        .sid(sid)
        .effect(Effect.ALLOW)
        .actions(actions)
        .resources(resources)
        .build();
  }

  private static PolicyStatement allow(
      String sid, List<String> actions, List<String> resources, Map<String, Object> conditions) {
    return PolicyStatement.Builder.create()
        .sid(sid)
        .effect(Effect.ALLOW)
        .actions(actions)
        .resources(resources)
        .conditions(conditions)
        .build();
  }
}
