package io.github.eksnoderemediator.aws;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.eksnoderemediator.check.PermissionsReport;
import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.json.Json;
import io.github.eksnoderemediator.port.MetadataDefaults;
import io.github.eksnoderemediator.verify.DeploymentReader;
import io.github.eksnoderemediator.verify.Facts;
import io.github.eksnoderemediator.verify.Facts.Read;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.CloudFormationException;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.cloudformation.model.StackResourceSummary;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.cloudtrail.model.GetEventSelectorsResponse;
import software.amazon.awssdk.services.cloudtrail.model.GetTrailStatusResponse;
import software.amazon.awssdk.services.cloudtrail.model.Trail;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataResponse;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.DescribeRuleResponse;
import software.amazon.awssdk.services.eventbridge.model.Target;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.GetEventSourceMappingResponse;
import software.amazon.awssdk.services.lambda.model.GetFunctionConfigurationResponse;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.securityhub.SecurityHubClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Gathers the pipeline check's {@link Facts} with the SDK: the stack through CloudFormation
 * (outputs, {@code ListStackResources}), then each resource through its own service. Reads only,
 * except the permissions check's {@code Invoke}, which the caller can replace.
 */
public final class SdkDeploymentReader implements DeploymentReader {
  /** How far back metrics are read: the sweep's last completion, forwarding failures. */
  static final Duration METRICS_WINDOW = Duration.ofHours(24);

  static final String IMDS_ALIAS_OUTPUT = "ImdsAliasArn";
  static final String ENI_ALIAS_OUTPUT = "EniAliasArn";

  private final CloudFormationClient cloudFormation;
  private final EventBridgeClient events;
  private final CloudTrailClient cloudTrail;
  private final LambdaClient lambda;
  private final SqsClient sqs;
  private final CloudWatchClient cloudWatch;
  private final SdkEc2Gateway ec2;
  private final Supplier<SecurityHubClient> securityHub;
  private final PermissionsRunner permissions;
  private final String region;
  private final Clock clock;

  public SdkDeploymentReader(
      CloudFormationClient cloudFormation,
      EventBridgeClient events,
      CloudTrailClient cloudTrail,
      LambdaClient lambda,
      SqsClient sqs,
      CloudWatchClient cloudWatch,
      SdkEc2Gateway ec2,
      Supplier<SecurityHubClient> securityHub,
      Optional<PermissionsRunner> permissions,
      String region,
      Clock clock) {
    this.cloudFormation = cloudFormation;
    this.events = events;
    this.cloudTrail = cloudTrail;
    this.lambda = lambda;
    this.sqs = sqs;
    this.cloudWatch = cloudWatch;
    this.ec2 = ec2;
    this.securityHub = securityHub;
    this.permissions = permissions.orElse(null);
    this.region = region;
    this.clock = clock;
  }

  /**
   * The production reader: clients from the standard AWS environment, built now (only {@code
   * verify} calls this, never a function's INIT), Security Hub's only if the feature is on.
   *
   * @param invokePermissions false for a caller without {@code lambda:InvokeFunction}
   */
  public static SdkDeploymentReader fromEnvironment(boolean invokePermissions) {
    AwsClients.requireRegion();
    String region = new DefaultAwsRegionProviderChain().getRegion().id();
    LambdaClient lambda = AwsClients.lambda();
    return new SdkDeploymentReader(
        AwsClients.cloudFormation(),
        AwsClients.eventBridge(),
        AwsClients.cloudTrail(),
        lambda,
        AwsClients.sqs(),
        AwsClients.cloudWatch(),
        new SdkEc2Gateway(AwsClients.ec2()),
        AwsClients::securityHub,
        invokePermissions ? Optional.of(invoker(lambda)) : Optional.empty(),
        region,
        Clock.systemUTC());
  }

  @Override
  public Optional<Facts> read(String stackName) {
    Stack stack;
    try {
      stack = cloudFormation.describeStacks(r -> r.stackName(stackName)).stacks().get(0);
    } catch (CloudFormationException e) {
      // CloudFormation answers a missing stack with ValidationError ("Stack with id X does not
      // exist"), its only code for it.
      if ("ValidationError".equals(e.awsErrorDetails().errorCode())) {
        return Optional.empty();
      }
      throw e;
    }
    Map<String, String> outputs = new LinkedHashMap<>();
    stack.outputs().forEach(o -> outputs.put(o.outputKey(), o.outputValue()));
    List<StackResourceSummary> resources = new ArrayList<>();
    cloudFormation
        .listStackResourcesPaginator(r -> r.stackName(stackName))
        .stackResourceSummaries()
        .forEach(resources::add);
    Instant changed =
        stack.lastUpdatedTime() != null ? stack.lastUpdatedTime() : stack.creationTime();

    List<Facts.Rule> rules = of(resources, "AWS::Events::Rule").stream().map(this::rule).toList();
    List<Facts.Mapping> mappings =
        of(resources, "AWS::Lambda::EventSourceMapping").stream().map(this::mapping).toList();
    List<Facts.Queue> queues = of(resources, "AWS::SQS::Queue").stream().map(this::queue).toList();
    List<Facts.FunctionAlias> aliases = new ArrayList<>();
    Optional<String> imdsAlias = Optional.ofNullable(outputs.get(IMDS_ALIAS_OUTPUT));
    imdsAlias.ifPresent(a -> aliases.add(alias("IMDS", a)));
    Optional.ofNullable(outputs.get(ENI_ALIAS_OUTPUT)).ifPresent(a -> aliases.add(alias("ENI", a)));

    Instant now = clock.instant();
    List<Facts.Forwarding> forwarding = new ArrayList<>();
    for (Facts.Rule rule : rules) {
      rule.targets().stream()
          .filter(t -> t.contains(":event-bus/"))
          .findFirst()
          .ifPresent(
              bus ->
                  forwarding.add(
                      new Facts.Forwarding(
                          rule.name(),
                          bus,
                          rule.state(),
                          read(() -> failedInvocations(rule, now)),
                          METRICS_WINDOW)));
    }
    List<Facts.Permissions> checks = new ArrayList<>();
    if (permissions != null) {
      imdsAlias.ifPresent(a -> checks.add(new Facts.Permissions("IMDS", permissions.run(a))));
      Optional.ofNullable(outputs.get(ENI_ALIAS_OUTPUT))
          .ifPresent(a -> checks.add(new Facts.Permissions("ENI", permissions.run(a))));
    }
    return Optional.of(
        new Facts(
            stackName,
            region,
            changed,
            now,
            outputs,
            rules,
            read(this::trails),
            mappings,
            queues,
            aliases,
            read(() -> sweep(rules, imdsAlias, now)),
            read(ec2::accountMetadataDefaults),
            securityHubOn(imdsAlias) ? Optional.of(read(this::securityHub)) : Optional.empty(),
            forwarding,
            checks));
  }

  private static List<StackResourceSummary> of(List<StackResourceSummary> all, String type) {
    return all.stream()
        .filter(r -> type.equals(r.resourceType()) && r.physicalResourceId() != null)
        .toList();
  }

  /** A read, or the one line saying why it failed (an access refusal is a finding). */
  private static <T> Read<T> read(Supplier<T> call) {
    try {
      return Read.of(call.get());
    } catch (RuntimeException e) {
      // SDK errors, Ec2CallException from the EC2 gateway, a missing sweep rule.
      return Read.failed(oneLine(e));
    }
  }

  private static String oneLine(Exception e) {
    if (e instanceof io.github.eksnoderemediator.port.Ec2CallException c) {
      String message =
          c.getMessage() == null || c.getMessage().isBlank() ? "" : ": " + c.getMessage();
      return (c.errorCode() == null ? "EC2 call failed (" + c.kind() + ")" : c.errorCode())
          + message.lines().findFirst().orElse("");
    }
    String message = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
    return e.getClass().getSimpleName() + ": " + message;
  }

  private Facts.Rule rule(StackResourceSummary r) {
    // A rule on another bus has the physical id "bus|name".
    String id = r.physicalResourceId();
    int bar = id.indexOf('|');
    String bus = bar < 0 ? "default" : id.substring(0, bar);
    String name = bar < 0 ? id : id.substring(bar + 1);
    DescribeRuleResponse rule;
    try {
      rule = events.describeRule(q -> q.name(name).eventBusName(bus));
    } catch (software.amazon.awssdk.services.eventbridge.model.ResourceNotFoundException e) {
      return new Facts.Rule(
          r.logicalResourceId(),
          name,
          bus,
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          List.of());
    }
    List<String> targets =
        events.listTargetsByRule(q -> q.rule(name).eventBusName(bus)).targets().stream()
            .map(Target::arn)
            .toList();
    return new Facts.Rule(
        r.logicalResourceId(),
        name,
        bus,
        Optional.ofNullable(rule.stateAsString()),
        Optional.ofNullable(rule.eventPattern()),
        Optional.ofNullable(rule.scheduleExpression()),
        targets);
  }

  private List<Facts.Trail> trails() {
    List<Facts.Trail> trails = new ArrayList<>();
    for (Trail t : cloudTrail.describeTrails(r -> r.includeShadowTrails(true)).trailList()) {
      String arn = t.trailARN();
      Optional<Boolean> logging = Optional.empty();
      Optional<String> deliveryError = Optional.empty();
      Optional<String> statusError = Optional.empty();
      List<Facts.BasicSelector> basic = new ArrayList<>();
      List<Facts.AdvancedSelector> advanced = new ArrayList<>();
      try {
        GetTrailStatusResponse status = cloudTrail.getTrailStatus(r -> r.name(arn));
        logging = Optional.ofNullable(status.isLogging());
        deliveryError = Optional.ofNullable(status.latestDeliveryError()).filter(s -> !s.isBlank());
        GetEventSelectorsResponse selectors = cloudTrail.getEventSelectors(r -> r.trailName(arn));
        selectors
            .eventSelectors()
            .forEach(
                s ->
                    basic.add(
                        new Facts.BasicSelector(
                            s.readWriteTypeAsString(),
                            !Boolean.FALSE.equals(s.includeManagementEvents()))));
        selectors
            .advancedEventSelectors()
            .forEach(
                s ->
                    advanced.add(
                        new Facts.AdvancedSelector(
                            s.name(),
                            s.fieldSelectors().stream()
                                .map(
                                    f ->
                                        new Facts.FieldSelector(
                                            f.field(), f.equalsValue(), f.notEquals()))
                                .toList())));
      } catch (SdkException e) {
        // Unknown, not "stopped": a member account may not read an organization trail's status.
        logging = Optional.empty();
        statusError = Optional.of(oneLine(e));
      }
      trails.add(
          new Facts.Trail(
              t.name(),
              arn,
              t.homeRegion(),
              Boolean.TRUE.equals(t.isMultiRegionTrail()),
              Boolean.TRUE.equals(t.isOrganizationTrail()),
              logging,
              statusError,
              deliveryError,
              basic,
              advanced));
    }
    return trails;
  }

  private Facts.Mapping mapping(StackResourceSummary r) {
    String uuid = r.physicalResourceId();
    try {
      GetEventSourceMappingResponse m = lambda.getEventSourceMapping(q -> q.uuid(uuid));
      return new Facts.Mapping(
          r.logicalResourceId(),
          uuid,
          Optional.ofNullable(m.state()),
          Optional.ofNullable(m.eventSourceArn()),
          Optional.ofNullable(m.functionArn()));
    } catch (software.amazon.awssdk.services.lambda.model.ResourceNotFoundException e) {
      return new Facts.Mapping(
          r.logicalResourceId(), uuid, Optional.empty(), Optional.empty(), Optional.empty());
    }
  }

  private Facts.Queue queue(StackResourceSummary r) {
    String url = r.physicalResourceId();
    try {
      Map<QueueAttributeName, String> a =
          sqs.getQueueAttributes(q -> q.queueUrl(url).attributeNames(QueueAttributeName.ALL))
              .attributes();
      return new Facts.Queue(
          r.logicalResourceId(),
          url,
          a.getOrDefault(QueueAttributeName.QUEUE_ARN, ""),
          Long.parseLong(a.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "0")),
          Long.parseLong(
              a.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE, "0")),
          Optional.ofNullable(a.get(QueueAttributeName.REDRIVE_POLICY))
              .map(SdkDeploymentReader::deadLetterTarget),
          Optional.empty());
    } catch (SdkException e) {
      return new Facts.Queue(
          r.logicalResourceId(), url, "", 0, 0, Optional.empty(), Optional.of(oneLine(e)));
    }
  }

  private static String deadLetterTarget(String redrivePolicy) {
    try {
      return Json.MAPPER.readTree(redrivePolicy).path("deadLetterTargetArn").asText("");
    } catch (IOException e) {
      return "";
    }
  }

  private Facts.FunctionAlias alias(String function, String aliasArn) {
    AliasName a = AliasName.of(aliasArn);
    try {
      String version =
          lambda.getAlias(q -> q.functionName(a.function()).name(a.alias())).functionVersion();
      GetFunctionConfigurationResponse c =
          lambda.getFunctionConfiguration(q -> q.functionName(a.function()).qualifier(version));
      return new Facts.FunctionAlias(
          function,
          a.function(),
          a.alias(),
          Optional.ofNullable(version),
          Optional.ofNullable(c.stateAsString()),
          Optional.ofNullable(c.lastUpdateStatusAsString()),
          Optional.ofNullable(c.lastUpdateStatusReason()),
          Optional.ofNullable(c.snapStart()).map(s -> s.applyOnAsString()),
          Optional.ofNullable(c.snapStart()).map(s -> s.optimizationStatusAsString()),
          Optional.empty());
    } catch (SdkException e) {
      return new Facts.FunctionAlias(
          function,
          a.function(),
          a.alias(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.of(oneLine(e)));
    }
  }

  /** A function name and alias from {@code arn:aws:lambda:region:account:function:name:alias}. */
  record AliasName(String function, String alias) {
    static AliasName of(String aliasArn) {
      String[] parts = aliasArn.split(":");
      return parts.length >= 8
          ? new AliasName(parts[6], parts[7])
          : new AliasName(aliasArn, "live");
    }
  }

  /** Whether the IMDS function's configuration turns Security Hub updates on. */
  private boolean securityHubOn(Optional<String> imdsAlias) {
    if (imdsAlias.isEmpty()) {
      return false;
    }
    AliasName a = AliasName.of(imdsAlias.get());
    try {
      GetFunctionConfigurationResponse c =
          lambda.getFunctionConfiguration(q -> q.functionName(a.function()).qualifier(a.alias()));
      String json =
          c.environment() == null
              ? null
              : c.environment().variables().get(RemediatorConfig.ENV_VAR);
      return json != null
          && RemediatorConfig.parse(json, "the IMDS function's " + RemediatorConfig.ENV_VAR)
              .securityHub()
              .updateFindings();
    } catch (RuntimeException e) {
      // Unreadable: the alias line already says why; Security Hub is then not judged.
      return false;
    }
  }

  private Facts.SecurityHub securityHub() {
    SecurityHubClient hub = securityHub.get();
    try {
      hub.describeHub(r -> {});
    } catch (software.amazon.awssdk.services.securityhub.model.InvalidAccessException
        | software.amazon.awssdk.services.securityhub.model.ResourceNotFoundException e) {
      // Security Hub answers InvalidAccessException when the account is not subscribed.
      return new Facts.SecurityHub(false, Map.of());
    }
    Map<String, String> associations = new LinkedHashMap<>();
    hub.listStandardsControlAssociationsPaginator(r -> r.securityControlId("EC2.8"))
        .standardsControlAssociationSummaries()
        .forEach(s -> associations.put(s.standardsArn(), s.associationStatusAsString()));
    return new Facts.SecurityHub(true, associations);
  }

  /** The IMDS sweep: its schedule rule (the scheduled rule targeting the IMDS alias). */
  private Facts.Sweep sweep(List<Facts.Rule> rules, Optional<String> imdsAlias, Instant now) {
    Facts.Rule rule =
        rules.stream()
            .filter(r -> r.schedule().isPresent())
            .filter(r -> imdsAlias.isEmpty() || r.targets().contains(imdsAlias.get()))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("the stack has no sweep schedule rule"));
    Instant start = now.minus(METRICS_WINDOW);
    GetMetricDataResponse data =
        cloudWatch.getMetricData(
            r ->
                r.startTime(start)
                    .endTime(now)
                    .metricDataQueries(
                        query(
                            "completed",
                            io.github.eksnoderemediator.metrics.Metrics.NAMESPACE,
                            io.github.eksnoderemediator.metrics.Metrics.SWEEPS_COMPLETED,
                            List.of()),
                        query(
                            "failed",
                            "AWS/Events",
                            "FailedInvocations",
                            List.of(
                                Dimension.builder().name("RuleName").value(rule.name()).build()))));
    return new Facts.Sweep(
        rule.name(),
        rule.schedule().get(),
        last(data, "completed"),
        last(data, "failed"),
        METRICS_WINDOW);
  }

  private long failedInvocations(Facts.Rule rule, Instant now) {
    GetMetricDataResponse data =
        cloudWatch.getMetricData(
            r ->
                r.startTime(now.minus(METRICS_WINDOW))
                    .endTime(now)
                    .metricDataQueries(
                        query(
                            "failed",
                            "AWS/Events",
                            "FailedInvocations",
                            List.of(
                                Dimension.builder().name("RuleName").value(rule.name()).build()))));
    return data.metricDataResults().stream()
        .filter(d -> "failed".equals(d.id()))
        .flatMap(d -> d.values().stream())
        .mapToLong(Double::longValue)
        .sum();
  }

  private static MetricDataQuery query(
      String id, String namespace, String metric, List<Dimension> dimensions) {
    return MetricDataQuery.builder()
        .id(id)
        .metricStat(
            s ->
                s.metric(m -> m.namespace(namespace).metricName(metric).dimensions(dimensions))
                    .period(300)
                    .stat("Sum"))
        .returnData(true)
        .build();
  }

  /** The latest timestamp with a value above zero. */
  private static Optional<Instant> last(GetMetricDataResponse data, String id) {
    Optional<Instant> latest = Optional.empty();
    for (MetricDataResult d : data.metricDataResults()) {
      if (!id.equals(d.id())) {
        continue;
      }
      for (int i = 0; i < d.timestamps().size() && i < d.values().size(); i++) {
        Instant t = d.timestamps().get(i);
        if (d.values().get(i) > 0 && (latest.isEmpty() || t.isAfter(latest.get()))) {
          latest = Optional.of(t);
        }
      }
    }
    return latest;
  }

  /**
   * The permissions check through Lambda: invokes the alias with {@code {"check": "permissions"}}
   * and reads the {@code permissions} table of the report it returns.
   */
  public static PermissionsRunner invoker(LambdaClient lambda) {
    return aliasArn -> {
      try {
        InvokeResponse response =
            lambda.invoke(
                r ->
                    r.functionName(aliasArn)
                        .payload(SdkBytes.fromUtf8String("{\"check\": \"permissions\"}")));
        String body = response.payload() == null ? "" : response.payload().asUtf8String();
        return permissionsReport(response.functionError(), body);
      } catch (SdkException e) {
        return Read.failed(oneLine(e));
      }
    };
  }

  /** The table from an {@code Invoke} answer, or why there is none. */
  static Read<PermissionsReport> permissionsReport(String functionError, String body) {
    try {
      JsonNode json = Json.MAPPER.readTree(body);
      if (functionError != null) {
        return Read.failed(
            "the function failed ("
                + functionError
                + "): "
                + json.path("errorMessage").asText(body));
      }
      JsonNode table = json.path("permissions");
      if (table.isMissingNode() || table.isNull()) {
        return Read.failed("the answer has no permissions table: " + body);
      }
      return Read.of(Json.MAPPER.treeToValue(table, PermissionsReport.class));
    } catch (IOException e) {
      return Read.failed("the answer is not a report: " + body);
    }
  }

  /** The account's IMDS defaults, for callers of this reader's EC2 side. */
  MetadataDefaults imdsDefaults() {
    return ec2.accountMetadataDefaults();
  }
}
