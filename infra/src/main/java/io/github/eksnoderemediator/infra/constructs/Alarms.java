package io.github.eksnoderemediator.infra.constructs;

import io.github.eksnoderemediator.metrics.Metrics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
import software.amazon.awscdk.services.sqs.IQueue;
import software.constructs.Construct;

/**
 * Alarms an operator should see: a function failing, events waiting in the failure queue, nodes
 * that could not be hardened, node groups whose launch templates drift. With {@code alarmEmail} set
 * they notify an SNS topic; without, they have no actions (docs/runbook.md).
 */
public final class Alarms extends Construct {
  private static final Duration PERIOD = Duration.minutes(5);

  private final List<Alarm> alarms = new ArrayList<>();

  public Alarms(Construct scope, String id, IFunction alias, IQueue failureQueue) {
    super(scope, id);

    addFunctionErrors("FunctionErrors", alias, "the IMDS function");

    atLeastOnce(
        "FailureQueueNotEmpty",
        "EKS Node Remediator: events the function could not handle are waiting in the failure"
            + " queue; the nodes they name may still have insecure metadata options.",
        failureQueue.metricApproximateNumberOfMessagesVisible(
            MetricOptions.builder().period(PERIOD).statistic("Maximum").build()));

    // The functions' EMF lines (docs/runbook.md, "Metrics"); the dimensionless series is the
    // fleet total across clusters.
    atLeastOnce(
        "FailedRemediations",
        "EKS Node Remediator: at least one node or interface could not be fixed in 5"
            + " minutes (NodesFailed + EnisFailed); filter result.decision = \"failed\" in"
            + " the functions' log groups.",
        MathExpression.Builder.create()
            .expression("FILL(nodes, 0) + FILL(enis, 0)")
            .usingMetrics(failedRemediationsMetrics())
            .label("failed remediations")
            .period(PERIOD)
            .build());
    atLeastOnce(
        "DriftingNodeGroups",
        "EKS Node Remediator: a node group's launch template launches nodes the policy"
            + " must change; run {\"report\": \"drift\"} and fix the template"
            + " (docs/runbook.md).",
        fleetMetric(Metrics.DRIFTING_NODE_GROUPS, "Maximum", Duration.hours(1)));
    addDeferredNodes();
    atLeastOnce(
        "LoosenedNodes",
        "EKS Node Remediator: someone other than the function loosened a node's metadata"
            + " options (ModifyInstanceMetadataOptions); filter result.caller.principal in"
            + " the IMDS function's log group for who, from where and with what"
            + " (docs/runbook.md).",
        fleetMetric(Metrics.NODES_LOOSENED, "Sum", PERIOD));
  }

  /**
   * Adds the alarm on nodes left with optional tokens because something on them still calls IMDSv1
   * (mode {@code defer}): it stays in alarm while any node is deferred, until its clients are
   * fixed.
   */
  private void addDeferredNodes() {
    atLeastOnce(
        "DeferredNodes",
        "EKS Node Remediator: nodes still allow IMDSv1 because their MetadataNoToken metric"
            + " shows IMDSv1 calls and their imdsV1Usage is defer; filter"
            + " result.decision = \"deferred\" in the IMDS function's log group, fix those"
            + " clients, then enforce (docs/brownfield.md).",
        fleetMetric(Metrics.NODES_DEFERRED, "Maximum", Duration.hours(1)));
  }

  /**
   * The failed-remediations expression's metrics, in a fixed order: CDK writes them into the
   * template in the map's iteration order, and {@code Map.of}'s changes from one JVM to the next.
   */
  static Map<String, IMetric> failedRemediationsMetrics() {
    Map<String, IMetric> metrics = new LinkedHashMap<>();
    metrics.put("nodes", fleetMetric(Metrics.NODES_FAILED, "Sum", PERIOD));
    metrics.put("enis", fleetMetric(Metrics.ENIS_FAILED, "Sum", PERIOD));
    return metrics;
  }

  private static Metric fleetMetric(String name, String statistic, Duration period) {
    return Metric.Builder.create()
        .namespace(Metrics.NAMESPACE)
        .metricName(name)
        .statistic(statistic)
        .period(period)
        .build();
  }

  /**
   * Adds an alarm that fires when {@code metric} reaches 1 in one period. Missing data is not
   * breaching: the EMF metrics exist only once something happened, and SQS publishes no metrics for
   * a queue that has been empty and unused for six hours.
   */
  private void atLeastOnce(String id, String description, IMetric metric) {
    alarms.add(
        Alarm.Builder.create(this, id)
            .alarmDescription(description)
            .metric(metric)
            .threshold(1)
            .evaluationPeriods(1)
            .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
            .treatMissingData(TreatMissingData.NOT_BREACHING)
            .build());
  }

  /** Adds an alarm built elsewhere (the scheduled canary's), so {@link #notify} covers it. */
  public void add(Alarm alarm) {
    alarms.add(alarm);
  }

  /**
   * Sends every alarm added so far to a new SNS topic with {@code email} subscribed: call it after
   * the last alarm is added. The topic is not KMS-encrypted: CloudWatch cannot publish to a topic
   * under the AWS managed SNS key, and alarm notifications carry no secrets.
   */
  public Topic notify(String email) {
    Topic topic =
        Topic.Builder.create(this, "Notifications")
            .displayName("EKS Node Remediator alarms")
            .enforceSsl(true)
            .build();
    CheckovSkips.skip(topic, CheckovSkips.TOPIC);
    topic.addSubscription(new EmailSubscription(email));
    SnsAction action = new SnsAction(topic);
    alarms.forEach(a -> a.addAlarmAction(action));
    return topic;
  }

  /**
   * Adds the alarm on interfaces of ours that someone other than the ENI function detached, deleted
   * or changed (only with ENI profiles).
   */
  public void addTouchedInterfaces() {
    atLeastOnce(
        "TouchedInterfaces",
        "EKS Node Remediator: someone other than the ENI function detached, deleted or"
            + " changed a secondary interface of ours; filter message = \"eni interface"
            + " touched\" in the ENI function's log group for who and what"
            + " (docs/runbook.md).",
        fleetMetric(Metrics.INTERFACES_TOUCHED, "Sum", PERIOD));
  }

  /**
   * Adds an alarm on a launch queue's dead-letter queue: at least one message visible. Those are
   * launch events that failed {@value LaunchQueue#MAX_RECEIVE_COUNT} times; docs/runbook.md says
   * how to redrive them.
   *
   * @param which how the description names the function, e.g. {@code the ENI function}
   */
  public void addDeadLetters(String id, IQueue deadLetters, String which) {
    atLeastOnce(
        id,
        "EKS Node Remediator: launch events that "
            + which
            + " failed "
            + LaunchQueue.MAX_RECEIVE_COUNT
            + " times are in its dead-letter queue; the nodes they name may still need"
            + " remediation. Fix the cause, then redrive (docs/runbook.md).",
        deadLetters.metricApproximateNumberOfMessagesVisible(
            MetricOptions.builder().period(PERIOD).statistic("Maximum").build()));
  }

  /**
   * Adds an alarm on one function's errors: at least one in 5 minutes.
   *
   * @param alias the alias EventBridge invokes, whose {@code Errors} metric is watched
   * @param which how the description names the function, e.g. {@code the ENI function}
   */
  public void addFunctionErrors(String id, IFunction alias, String which) {
    atLeastOnce(
        id,
        "EKS Node Remediator: "
            + which
            + " failed at least once in 5 minutes; see its"
            + " log group. Lambda retries, then sends the event to the failure queue.",
        alias.metricErrors(MetricOptions.builder().period(PERIOD).statistic("Sum").build()));
  }
}
