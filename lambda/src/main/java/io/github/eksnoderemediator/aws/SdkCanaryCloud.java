package io.github.eksnoderemediator.aws;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.eksnoderemediator.canary.CanaryCloud;
import io.github.eksnoderemediator.json.Json;
import io.github.eksnoderemediator.port.Ec2CallException;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.port.MetadataDefaults;
import io.github.eksnoderemediator.port.TemplateOptions;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.cloudtrail.model.Trail;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceMetadataOptionsResponse;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.Rule;
import software.amazon.awssdk.services.eventbridge.model.RuleState;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * {@link CanaryCloud} over the SDK. The canary runs with whoever's credentials start it (the
 * operator's, or the scheduled canary's narrow role), so every call here is one that role allows.
 */
public final class SdkCanaryCloud implements CanaryCloud {
  static final String AMI_PARAMETER =
      "/aws/service/ami-amazon-linux-latest/al2023-ami-minimal-kernel-default-";

  private final Ec2Client ec2;
  private final StsClient sts;
  private final CloudWatchLogsClient logs;
  private final CloudTrailClient cloudTrail;
  private final EventBridgeClient events;
  private final SqsClient sqs;
  private final Region region;

  public SdkCanaryCloud(
      Ec2Client ec2,
      StsClient sts,
      CloudWatchLogsClient logs,
      CloudTrailClient cloudTrail,
      EventBridgeClient events,
      SqsClient sqs,
      Region region) {
    this.ec2 = ec2;
    this.sts = sts;
    this.logs = logs;
    this.cloudTrail = cloudTrail;
    this.events = events;
    this.sqs = sqs;
    this.region = region;
  }

  /** Clients for the standard AWS environment (Region, credentials, endpoint). */
  public static SdkCanaryCloud fromEnvironment() {
    AwsClients.requireRegion();
    ClientOverrideConfiguration overrides =
        ClientOverrideConfiguration.builder()
            .retryStrategy(
                AwsRetryStrategy.standardRetryStrategy().toBuilder()
                    .maxAttempts(AwsClients.MAX_ATTEMPTS)
                    .build())
            .apiCallTimeout(Duration.ofSeconds(60))
            .build();
    var http =
        UrlConnectionHttpClient.builder()
            .connectionTimeout(Duration.ofSeconds(3))
            .socketTimeout(Duration.ofSeconds(20));
    Ec2Client ec2 =
        AwsClients.ec2Builder().httpClientBuilder(http).overrideConfiguration(overrides).build();
    return new SdkCanaryCloud(
        ec2,
        StsClient.builder().httpClientBuilder(http).overrideConfiguration(overrides).build(),
        CloudWatchLogsClient.builder()
            .httpClientBuilder(http)
            .overrideConfiguration(overrides)
            .build(),
        CloudTrailClient.builder().httpClientBuilder(http).overrideConfiguration(overrides).build(),
        EventBridgeClient.builder()
            .httpClientBuilder(http)
            .overrideConfiguration(overrides)
            .build(),
        SqsClient.builder().httpClientBuilder(http).overrideConfiguration(overrides).build(),
        ec2.serviceClientConfiguration().region());
  }

  /**
   * Unknown (all empty) when EC2 will not say, for example to a role without the permission or on
   * an emulator without the call: the launch's own answer then tells whether IMDSv1 is refused.
   */
  @Override
  public MetadataDefaults imdsDefaults() {
    try {
      return new SdkEc2Gateway(ec2).accountMetadataDefaults();
    } catch (Ec2CallException e) {
      return new MetadataDefaults(
          new TemplateOptions(Optional.empty(), Optional.empty(), Optional.empty()),
          Optional.empty(),
          Optional.empty());
    }
  }

  @Override
  public String architectureOf(String instanceType) {
    var types = ec2.describeInstanceTypes(r -> r.instanceTypesWithStrings(instanceType));
    if (types.instanceTypes().isEmpty()) {
      throw io.github.eksnoderemediator.config.ConfigException.of(
          "--instance-type: EC2 does not offer " + instanceType + " in " + region);
    }
    List<String> archs =
        types.instanceTypes().get(0).processorInfo().supportedArchitecturesAsStrings();
    return archs.contains("arm64") ? "arm64" : "x86_64";
  }

  /**
   * EC2 resolves the public parameter itself at launch ({@code resolve:ssm:}, "Use a Systems
   * Manager parameter instead of an AMI ID", EC2 User Guide): no SSM client in the jar (19 MB).
   */
  @Override
  public String latestAmi(String architecture) {
    return "resolve:ssm:" + AMI_PARAMETER + architecture;
  }

  @Override
  public LaunchOutcome launch(LaunchSpec spec) {
    List<Tag> tags = new ArrayList<>();
    spec.tags().forEach((k, v) -> tags.add(Tag.builder().key(k).value(v).build()));
    try {
      Instance instance =
          ec2.runInstances(
                  r ->
                      r.imageId(spec.ami())
                          .instanceType(spec.instanceType())
                          .subnetId(spec.subnet().value())
                          .minCount(1)
                          .maxCount(1)
                          .tagSpecifications(
                              TagSpecification.builder()
                                  .resourceType(ResourceType.INSTANCE)
                                  .tags(tags)
                                  .build(),
                              TagSpecification.builder()
                                  .resourceType(ResourceType.VOLUME)
                                  .tags(tags)
                                  .build())
                          .metadataOptions(
                              m ->
                                  m.httpTokens(spec.tokensRequired() ? "required" : "optional")
                                      .httpPutResponseHopLimit(spec.hopLimit())
                                      .httpEndpoint("enabled")))
              .instances()
              .get(0);
      return new Launched(new InstanceId(instance.instanceId()));
    } catch (AwsServiceException e) {
      if (e.awsErrorDetails() == null || e.statusCode() >= 500) {
        throw e;
      }
      return new Refused(e.awsErrorDetails().errorCode(), e.awsErrorDetails().errorMessage());
    }
  }

  @Override
  public Optional<Observed> observe(InstanceId id) {
    try {
      return ec2.describeInstances(r -> r.instanceIds(id.value())).reservations().stream()
          .flatMap(r -> r.instances().stream())
          .findFirst()
          .map(
              i -> {
                InstanceMetadataOptionsResponse m = i.metadataOptions();
                return new Observed(
                    i.state().nameAsString(),
                    "required".equals(m.httpTokensAsString()),
                    m.httpPutResponseHopLimit() == null ? 1 : m.httpPutResponseHopLimit());
              });
    } catch (AwsServiceException e) {
      if (e.awsErrorDetails() != null
          && "InvalidInstanceID.NotFound".equals(e.awsErrorDetails().errorCode())) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @Override
  public void loosen(InstanceId id, boolean tokensRequired, int hopLimit) {
    ec2.modifyInstanceMetadataOptions(
        r ->
            r.instanceId(id.value())
                .httpTokens(tokensRequired ? "required" : "optional")
                .httpPutResponseHopLimit(hopLimit)
                .httpEndpoint("enabled"));
  }

  @Override
  public void terminate(List<InstanceId> ids) {
    if (!ids.isEmpty()) {
      ec2.terminateInstances(r -> r.instanceIds(ids.stream().map(InstanceId::value).toList()));
    }
  }

  @Override
  public String callerArn() {
    return sts.getCallerIdentity(r -> {}).arn();
  }

  @Override
  public List<LoggedDecision> decisions(String logGroup, InstanceId id, Instant since) {
    List<LoggedDecision> found = new ArrayList<>();
    for (FilteredLogEvent e :
        logs.filterLogEventsPaginator(
                r ->
                    r.logGroupName(logGroup)
                        .filterPattern("\"" + id.value() + "\"")
                        .startTime(since.toEpochMilli()))
            .events()) {
      decision(e.message(), id).ifPresent(found::add);
    }
    return found;
  }

  /** A decision log line (or a decision event) about {@code id}, leniently read. */
  static Optional<LoggedDecision> decision(String message, InstanceId id) {
    JsonNode line;
    try {
      line = Json.MAPPER.readTree(message);
    } catch (IOException e) {
      return Optional.empty();
    }
    if (line == null || !line.isObject()) {
      return Optional.empty();
    }
    JsonNode result = line.has("detail") ? line.path("detail") : line.path("result");
    if (!id.value().equals(result.path("instanceId").asText())) {
      return Optional.empty();
    }
    String principal = result.path("caller").path("principal").asText("");
    return Optional.of(
        new LoggedDecision(
            line.path("input").asText(line.path("detail-type").asText("")),
            result.path("decision").asText(""),
            principal.isEmpty() ? Optional.empty() : Optional.of(principal)));
  }

  @Override
  public Causes causes() {
    return new Causes() {
      @Override
      public Optional<String> trailProblem() {
        return SdkCanaryCloud.this.trailProblem();
      }

      @Override
      public List<String> disabledRules(String prefix) {
        Set<String> disabled = new TreeSet<>();
        String next = null;
        do {
          String token = next;
          var page = events.listRules(r -> r.namePrefix(prefix).nextToken(token));
          for (Rule rule : page.rules()) {
            if (rule.state() == RuleState.DISABLED) {
              disabled.add(rule.name());
            }
          }
          next = page.nextToken();
        } while (next != null);
        return List.copyOf(disabled);
      }

      @Override
      public Map<String, Integer> deadLetters(String prefix) {
        Map<String, Map<QueueAttributeName, String>> queues = new TreeMap<>();
        for (String url : sqs.listQueuesPaginator(r -> r.queueNamePrefix(prefix)).queueUrls()) {
          queues.put(
              url,
              sqs.getQueueAttributes(
                      r ->
                          r.queueUrl(url)
                              .attributeNames(
                                  QueueAttributeName.QUEUE_ARN,
                                  QueueAttributeName.REDRIVE_POLICY,
                                  QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                  .attributes());
        }
        Set<String> targets = new TreeSet<>();
        for (Map<QueueAttributeName, String> a : queues.values()) {
          String policy = a.get(QueueAttributeName.REDRIVE_POLICY);
          if (policy != null) {
            try {
              targets.add(Json.MAPPER.readTree(policy).path("deadLetterTargetArn").asText());
            } catch (IOException e) {
              // Not JSON: SQS wrote it, so this does not happen; the queue is simply not counted.
            }
          }
        }
        Map<String, Integer> full = new TreeMap<>();
        queues.forEach(
            (url, a) -> {
              int depth =
                  Integer.parseInt(
                      a.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "0"));
              if (targets.contains(a.get(QueueAttributeName.QUEUE_ARN)) && depth > 0) {
                full.put("dead-letter queue " + url.substring(url.lastIndexOf('/') + 1), depth);
              }
            });
        return full;
      }
    };
  }

  /**
   * The small trail check: some trail that covers this Region is logging and records management
   * write events. The full check is {@code verify}'s.
   */
  Optional<String> trailProblem() {
    List<Trail> trails = cloudTrail.describeTrails(r -> r.includeShadowTrails(true)).trailList();
    List<Trail> here =
        trails.stream()
            .filter(
                t ->
                    Boolean.TRUE.equals(t.isMultiRegionTrail())
                        || region.id().equals(t.homeRegion()))
            .toList();
    if (here.isEmpty()) {
      return Optional.of("no CloudTrail trail covers " + region.id());
    }
    List<String> notLogging = new ArrayList<>();
    for (Trail t : here) {
      String name = t.trailARN() != null ? t.trailARN() : t.name();
      if (!Boolean.TRUE.equals(cloudTrail.getTrailStatus(r -> r.name(name)).isLogging())) {
        notLogging.add(t.name());
        continue;
      }
      if (recordsWrites(name)) {
        return Optional.empty();
      }
    }
    return Optional.of(
        notLogging.isEmpty()
            ? "no CloudTrail trail in " + region.id() + " records management write events"
            : "CloudTrail trail " + String.join(", ", notLogging) + " is not logging");
  }

  private boolean recordsWrites(String trail) {
    var selectors = cloudTrail.getEventSelectors(r -> r.trailName(trail));
    if (!selectors.eventSelectors().isEmpty()) {
      return selectors.eventSelectors().stream()
          .anyMatch(
              s ->
                  !Boolean.FALSE.equals(s.includeManagementEvents())
                      && !"ReadOnly".equals(s.readWriteTypeAsString()));
    }
    if (!selectors.advancedEventSelectors().isEmpty()) {
      return selectors.advancedEventSelectors().stream()
          .anyMatch(
              s ->
                  s.fieldSelectors().stream()
                          .anyMatch(
                              f ->
                                  "eventCategory".equals(f.field())
                                      && f.equalsValue().contains("Management"))
                      && s.fieldSelectors().stream()
                          .noneMatch(
                              f ->
                                  "readOnly".equals(f.field())
                                      && f.equalsValue().contains("true")));
    }
    // A trail always has one kind of selector; none at all reads as the default (all management).
    return true;
  }
}
