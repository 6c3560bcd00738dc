package io.github.eksnoderemediator.infra.constructs;

import io.github.eksnoderemediator.infra.CentralViewSettings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.interfaces.events.IRuleRef;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.AlarmStatusWidget;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.IAlarmAction;
import software.amazon.awscdk.services.cloudwatch.IWidget;
import software.amazon.awscdk.services.cloudwatch.LogQueryVisualizationType;
import software.amazon.awscdk.services.cloudwatch.LogQueryWidget;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.TextWidget;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.events.EventBus;
import software.amazon.awscdk.services.events.IRuleTarget;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.RuleTargetConfig;
import software.amazon.awscdk.services.iam.AnyPrincipal;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.logs.CfnLogGroup;
import software.amazon.awscdk.services.logs.FilterPattern;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.MetricFilterOptions;
import software.amazon.awscdk.services.sns.Topic;
import software.constructs.Construct;

/**
 * The central view (docs/central-view.md), for the organization's security or audit account: a bus
 * that only the organization's accounts can put events on, a rule that records every decision event
 * in one log group (the record Logs Insights queries), alarms on failures and tampering anywhere in
 * the organization, and a dashboard. No database: the log group is the record.
 */
public final class CentralView extends Construct {
  /** Where the custom metrics of the central view go. */
  public static final String NAMESPACE = "EksNodeRemediator/Central";

  /** Decisions that failed, anywhere in the organization. */
  public static final String FAILED_METRIC = "DecisionsFailed";

  /** Nodes someone loosened or interfaces someone touched, anywhere in the organization. */
  public static final String TAMPERED_METRIC = "DecisionsTampered";

  /** The Logs Insights queries of the dashboard (and docs/central-view.md), by title. */
  public static final Map<String, String> QUERIES =
      Map.of(
          "Decisions by outcome",
          "stats count(*) as decisions by detail.outcome as outcome | sort decisions desc",
          "Decisions by account",
          "stats count(*) as decisions by account, detail.outcome as outcome"
              + " | sort decisions desc",
          "Decisions by Region",
          "stats count(*) as decisions by region, detail.outcome as outcome"
              + " | sort decisions desc",
          "Latest failures and tampering",
          "filter detail.outcome in [\"failed\", \"tampered\"]"
              + " | fields @timestamp, account, region, detail.cluster, detail.instanceId,"
              + " detail.function, detail.outcome, detail.decision, detail.reason"
              + " | sort @timestamp desc | limit 50");

  private final EventBus bus;
  private final LogGroup log;
  private final Rule record;
  private final Alarm failed;
  private final Alarm tampered;
  private final Alarm undelivered;
  private final Dashboard dashboard;

  public CentralView(Construct scope, String id, CentralViewSettings settings) {
    super(scope, id);
    this.bus =
        EventBus.Builder.create(this, "Bus")
            .eventBusName(settings.busName())
            .description("Decision events of the EKS Node Remediator, from the whole organization")
            .build();
    // The organization's accounts, and no one else: members forward through a rule of their own
    // whose role's account must be in the organization (AWS::Events::EventBusPolicy).
    bus.addToResourcePolicy(
        PolicyStatement.Builder.create()
            .sid("OrganizationPutsDecisionEvents")
            .effect(Effect.ALLOW)
            .principals(List.of(new AnyPrincipal()))
            .actions(List.of("events:PutEvents"))
            .resources(List.of(bus.getEventBusArn()))
            .conditions(
                Map.of("StringEquals", Map.of("aws:PrincipalOrgID", settings.organizationId())))
            .build());

    this.log =
        LogGroup.Builder.create(this, "Decisions")
            .logGroupName("/aws/events/" + settings.busName())
            // The record of what happened across the organization outlives the stack.
            .removalPolicy(RemovalPolicy.RETAIN)
            .build();
    // The settings hold a value CloudWatch Logs accepts (validated), set as is.
    ((CfnLogGroup) log.getNode().getDefaultChild()).setRetentionInDays(settings.logRetentionDays());
    CheckovSkips.skip(log, CheckovSkips.LOG_GROUP);
    String logTargetArn =
        Stack.of(this)
            .formatArn(
                ArnComponents.builder()
                    .service("logs")
                    .resource("log-group")
                    .arnFormat(ArnFormat.COLON_RESOURCE_NAME)
                    .resourceName(log.getLogGroupName())
                    .build());
    this.record =
        Rule.Builder.create(this, "Record")
            .description("Every decision event of the organization into the central log group")
            .eventBus(bus)
            .eventPattern(DecisionEvents.pattern())
            .build();
    addWritePolicy();
    // The L2 CloudWatchLogGroup target would add a Lambda-backed custom resource to write the
    // same resource policy; the policy is plain CloudFormation here.
    record.addTarget(
        new IRuleTarget() {
          @Override
          public RuleTargetConfig bind(IRuleRef rule) {
            return RuleTargetConfig.builder().arn(logTargetArn).build();
          }

          @Override
          public RuleTargetConfig bind(IRuleRef rule, String targetId) {
            return bind(rule);
          }
        });

    IAlarmAction action =
        settings
            .alarmTopicArn()
            .<IAlarmAction>map(a -> new SnsAction(Topic.fromTopicArn(this, "AlarmTopic", a)))
            .orElse(null);
    this.failed =
        countAlarm(
            "Failed",
            FAILED_METRIC,
            "{ $.detail.decision = \"failed\" }",
            "A remediator function failed on a node somewhere in the organization: see the"
                + " dashboard's latest failures (account, Region, instance, reason)",
            action);
    this.tampered =
        countAlarm(
            "Tampered",
            TAMPERED_METRIC,
            "{ $.detail.outcome = \"tampered\" }",
            "Someone loosened a node's metadata options or touched a remediator interface"
                + " somewhere in the organization: see the dashboard's latest tampering",
            action);
    // Events that matched but could not be written to the log group (its policy removed, say).
    this.undelivered =
        Alarm.Builder.create(this, "RecordFailed")
            .alarmDescription(
                "EventBridge could not write decision events to the central log group")
            .metric(eventsMetric("FailedInvocations"))
            .threshold(1)
            .evaluationPeriods(1)
            .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
            // EventBridge sends FailedInvocations only when it is not zero.
            .treatMissingData(TreatMissingData.NOT_BREACHING)
            .build();
    if (action != null) {
      undelivered.addAlarmAction(action);
    }

    this.dashboard =
        Dashboard.Builder.create(this, "Dashboard")
            .dashboardName(settings.busName())
            .widgets(widgets())
            .build();
  }

  /**
   * EventBridge writes to CloudWatch Logs under the log group's resource policy, never a role
   * ("Using resource-based policies for Amazon EventBridge", CloudWatch Logs permissions). Each
   * service principal only on behalf of this account, the confused-deputy guard AWS recommends
   * ("Cross-service confused deputy prevention in Amazon EventBridge"): for a rule's target,
   * EventBridge's {@code aws:SourceArn} is the rule's ARN, so events.amazonaws.com may write only
   * for the record rule. delivery.logs.amazonaws.com (which AWS's examples of this policy add) is
   * held to this account: its source ARN for an EventBridge target is not documented.
   */
  private void addWritePolicy() {
    String account = Stack.of(this).getAccount();
    List<String> actions = List.of("logs:CreateLogStream", "logs:PutLogEvents");
    Map<String, Object> ruleOnly = new LinkedHashMap<>();
    ruleOnly.put("StringEquals", Map.of("aws:SourceAccount", account));
    ruleOnly.put("ArnEquals", Map.of("aws:SourceArn", record.getRuleArn()));
    log.addToResourcePolicy(
        PolicyStatement.Builder.create()
            .sid("RecordRuleWritesDecisionEvents")
            .effect(Effect.ALLOW)
            .principals(List.of(new ServicePrincipal("events.amazonaws.com")))
            .actions(actions)
            .resources(List.of(log.getLogGroupArn()))
            .conditions(ruleOnly)
            .build());
    log.addToResourcePolicy(
        PolicyStatement.Builder.create()
            .sid("LogDeliveryForThisAccountOnly")
            .effect(Effect.ALLOW)
            .principals(List.of(new ServicePrincipal("delivery.logs.amazonaws.com")))
            .actions(actions)
            .resources(List.of(log.getLogGroupArn()))
            .conditions(Map.of("StringEquals", Map.of("aws:SourceAccount", account)))
            .build());
  }

  private Alarm countAlarm(
      String id, String metricName, String pattern, String description, IAlarmAction action) {
    Metric metric =
        log.addMetricFilter(
                id + "Filter",
                MetricFilterOptions.builder()
                    .filterPattern(FilterPattern.literal(pattern))
                    .metricNamespace(NAMESPACE)
                    .metricName(metricName)
                    .metricValue("1")
                    .build())
            .metric()
            .with(
                software.amazon.awscdk.services.cloudwatch.MetricOptions.builder()
                    .statistic("Sum")
                    .period(Duration.minutes(5))
                    .build());
    Alarm alarm =
        Alarm.Builder.create(this, id)
            .alarmDescription(description)
            .metric(metric)
            .threshold(1)
            .evaluationPeriods(1)
            .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
            .treatMissingData(TreatMissingData.NOT_BREACHING)
            .build();
    if (action != null) {
      alarm.addAlarmAction(action);
    }
    return alarm;
  }

  /** A metric of the record rule on the custom bus: both dimensions, as EventBridge sends them. */
  private Metric eventsMetric(String name) {
    return Metric.Builder.create()
        .namespace("AWS/Events")
        .metricName(name)
        .dimensionsMap(ruleDimensions())
        .statistic("Sum")
        .period(Duration.minutes(5))
        .build();
  }

  /** The record rule's dimensions, in a fixed order: the template gets the map's order. */
  private Map<String, String> ruleDimensions() {
    Map<String, String> dimensions = new LinkedHashMap<>();
    dimensions.put("EventBusName", bus.getEventBusName());
    dimensions.put("RuleName", record.getRuleName());
    return dimensions;
  }

  private List<List<IWidget>> widgets() {
    List<String> logGroups = List.of(log.getLogGroupName());
    return List.of(
        List.of(
            TextWidget.Builder.create()
                .markdown(
                    "# EKS Node Remediator, organization view\n"
                        + "Decisions that changed, deferred, failed or found tampering, from every"
                        + " member account and Region. Compliant and out-of-scope nodes are not"
                        + " sent. Remediation itself runs in each account.")
                .width(24)
                .height(2)
                .build()),
        List.of(
            query("Decisions by outcome", logGroups, LogQueryVisualizationType.PIE, 8),
            query("Decisions by account", logGroups, LogQueryVisualizationType.TABLE, 8),
            query("Decisions by Region", logGroups, LogQueryVisualizationType.TABLE, 8)),
        List.of(
            GraphWidget.Builder.create()
                .title("Failures and tampering")
                .left(List.of(failed.getMetric(), tampered.getMetric()))
                .width(12)
                .height(6)
                .build(),
            GraphWidget.Builder.create()
                .title("Decision events received and recorded")
                .left(List.of(eventsMetric("MatchedEvents"), eventsMetric("FailedInvocations")))
                .width(12)
                .height(6)
                .build()),
        List.of(
            query("Latest failures and tampering", logGroups, LogQueryVisualizationType.TABLE, 24)),
        List.of(
            AlarmStatusWidget.Builder.create()
                .title("Alarms")
                .alarms(List.of(failed, tampered, undelivered))
                .width(24)
                .height(3)
                .build()));
  }

  private static LogQueryWidget query(
      String title, List<String> logGroups, LogQueryVisualizationType view, int width) {
    return LogQueryWidget.Builder.create()
        .title(title)
        .logGroupNames(logGroups)
        .queryString(QUERIES.get(title))
        .view(view)
        .width(width)
        .height(6)
        .build();
  }

  public EventBus bus() {
    return bus;
  }

  public LogGroup logGroup() {
    return log;
  }

  public Rule recordRule() {
    return record;
  }

  public Dashboard dashboard() {
    return dashboard;
  }
}
