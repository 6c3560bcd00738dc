package io.github.eksnoderemediator.harness;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.eksnoderemediator.aws.AwsClients;
import io.github.eksnoderemediator.aws.SdkCanaryCloud;
import io.github.eksnoderemediator.aws.SdkEc2Gateway;
import io.github.eksnoderemediator.aws.SdkEksGateway;
import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.events.EventParser;
import io.github.eksnoderemediator.handler.ImdsHandler;
import io.github.eksnoderemediator.infra.AppSettings;
import io.github.eksnoderemediator.infra.RemediatorApp;
import io.github.eksnoderemediator.metrics.Metrics;
import io.github.eksnoderemediator.report.JsonLinesDecisionLog;
import io.github.eksnoderemediator.testing.Ec2Fixtures;
import io.github.eksnoderemediator.testing.ImdsServices;
import io.github.eksnoderemediator.testing.MotoServer;
import io.github.eksnoderemediator.testing.RecordingProxy;
import io.github.eksnoderemediator.testing.SampleEvents;
import io.github.eksnoderemediator.testing.SqsBatches;
import io.github.eksnoderemediator.wait.BoundedWait;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.RuleState;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.event.ruler.Machine;

/**
 * Plays EventBridge, SQS's event source mapping and Lambda for the moto emulator, so the canary
 * runs end to end with no account. What AWS would deliver is derived from what happens in moto:
 *
 * <ul>
 *   <li>an instance moto has not shown before becomes the {@code pending} and {@code running}
 *       state-change events, and, while a trail logs, the CloudTrail {@code RunInstances} event;
 *   <li>each {@code ModifyInstanceMetadataOptions} the canary sends (seen by the recording proxy in
 *       front of moto's EC2) becomes, while a trail logs, its CloudTrail event with the caller's
 *       identity from STS.
 * </ul>
 *
 * Each event is matched with event-ruler against the patterns of the IMDS rules the CDK app
 * synthesizes; the rules live in moto's EventBridge (named {@code EksNodeRemediator-<logical id>}),
 * and a disabled one delivers nothing. A match is sent to the launch queue in moto's SQS (its
 * dead-letter queue after two receives); the mapping receives batches of up to ten and invokes the
 * IMDS function's handler in-process, deletes what succeeded, and makes failures visible again. The
 * function's decision log goes to its log group in moto's CloudWatch Logs, where the canary reads
 * it. The trail is moto's CloudTrail: delete it or stop its logging and no CloudTrail event flows.
 */
public final class PipelineHarness implements AutoCloseable {
  public static final String STACK = "EksNodeRemediator";
  public static final String LOG_GROUP = "/aws/lambda/EksNodeRemediator-ImdsFunction";
  public static final String TRAIL = "management-events";
  public static final String FUNCTION_ROLE =
      "arn:aws:iam::123456789012:role/" + STACK + "-ImdsFunctionRole";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CANARY_KEY = "AKIDCANARYOPERATOR";

  private final URI moto;
  private final RecordingProxy proxy;
  private final Ec2Client ec2;
  private final EventBridgeClient events;
  private final SqsClient sqs;
  private final CloudWatchLogsClient logs;
  private final CloudTrailClient cloudTrail;
  private final StsClient sts;
  private final String queueUrl;
  private final Map<String, String> rules = new LinkedHashMap<>();
  private final Set<String> seen = new TreeSet<>();
  private final Thread loop;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final ByteArrayOutputStream decisions = new ByteArrayOutputStream();
  private final RequestStreamHandler function;
  private final RemediatorConfig config;
  private volatile boolean functionFails;
  private int callsSeen;
  private final List<String> delivered = new ArrayList<>();

  /** Starts the harness on a fresh emulator state with the synthesized rules for this config. */
  public PipelineHarness(MotoServer server, String remediatorJson) throws IOException {
    server.reset();
    this.moto = server.endpoint();
    this.proxy = new RecordingProxy(moto);
    this.ec2 = Ec2Fixtures.client(moto);
    this.events = configure(EventBridgeClient.builder()).build();
    this.sqs = configure(SqsClient.builder()).build();
    this.logs = configure(CloudWatchLogsClient.builder()).build();
    this.cloudTrail = configure(CloudTrailClient.builder()).build();
    this.sts = configure(StsClient.builder()).build();
    S3Client s3 = configure(S3Client.builder()).forcePathStyle(true).build();
    s3.createBucket(
        r ->
            r.bucket("trail-bucket")
                .createBucketConfiguration(c -> c.locationConstraint(MotoServer.REGION)));
    cloudTrail.createTrail(
        r -> r.name(TRAIL).s3BucketName("trail-bucket").isMultiRegionTrail(true));
    cloudTrail.startLogging(r -> r.name(TRAIL));
    String dlq = sqs.createQueue(r -> r.queueName(STACK + "-LaunchDeadLetters")).queueUrl();
    String dlqArn =
        sqs.getQueueAttributes(r -> r.queueUrl(dlq).attributeNames(QueueAttributeName.QUEUE_ARN))
            .attributes()
            .get(QueueAttributeName.QUEUE_ARN);
    this.queueUrl =
        sqs.createQueue(
                r ->
                    r.queueName(STACK + "-LaunchQueue")
                        .attributes(
                            Map.of(
                                QueueAttributeName.REDRIVE_POLICY,
                                "{\"deadLetterTargetArn\":\""
                                    + dlqArn
                                    + "\",\"maxReceiveCount\":\"2\"}")))
            .queueUrl();
    logs.createLogGroup(r -> r.logGroupName(LOG_GROUP));
    logs.createLogStream(r -> r.logGroupName(LOG_GROUP).logStreamName("harness"));
    synthesizedRules(remediatorJson)
        .forEach(
            (name, pattern) -> {
              events.putRule(r -> r.name(name).eventPattern(pattern).state(RuleState.ENABLED));
              rules.put(name, pattern);
            });
    this.config = RemediatorConfig.parse(remediatorJson, "harness");
    Clock clock = Clock.systemUTC();
    PrintStream decisionLog = new PrintStream(decisions, true, StandardCharsets.UTF_8);
    ImdsHandler handler =
        new ImdsHandler(
            ImdsServices.of(
                new SdkEc2Gateway(Ec2Fixtures.client(moto)),
                null,
                config,
                BoundedWait.system(),
                clock,
                new JsonLinesDecisionLog(decisionLog, clock),
                Metrics.NONE));
    this.function =
        (in, out, context) -> {
          if (functionFails) {
            throw new IllegalStateException("injected: the function fails every batch");
          }
          handler.handleRequest(in, out, context);
        };
    ec2.describeInstances().reservations().stream()
        .flatMap(r -> r.instances().stream())
        .forEach(i -> seen.add(i.instanceId()));
    this.loop = Thread.ofPlatform().daemon().name("pipeline-harness").start(this::run);
  }

  private <B extends software.amazon.awssdk.awscore.client.builder.AwsClientBuilder<B, ?>>
      B configure(B builder) {
    return builder
        .endpointOverride(moto)
        .region(Region.of(MotoServer.REGION))
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")));
  }

  /** The canary's view of AWS: EC2 through the recording proxy, the rest straight to moto. */
  public SdkCanaryCloud canaryCloud() {
    return new SdkCanaryCloud(
        Ec2Fixtures.client(proxy.endpoint(), CANARY_KEY),
        sts,
        logs,
        cloudTrail,
        events,
        sqs,
        Region.of(MotoServer.REGION));
  }

  /**
   * Runs one scheduled sweep of the IMDS function, on {@code clock} (the sweep terminates canary
   * instances an hour older than that clock's now).
   *
   * @return the instances the sweep terminated as leaked canaries
   */
  public List<String> sweep(Clock clock) {
    var service =
        ImdsServices.of(
            new SdkEc2Gateway(Ec2Fixtures.client(moto)),
            new SdkEksGateway(
                AwsClients.eksBuilder()
                    .endpointOverride(moto)
                    .region(Region.of(MotoServer.REGION))
                    .credentialsProvider(
                        StaticCredentialsProvider.create(
                            AwsBasicCredentials.create("testing", "testing")))
                    .build()),
            config,
            BoundedWait.system(),
            clock,
            (input, eventId, result) -> {},
            Metrics.NONE);
    List<String> before = notTerminated();
    service.handle(EventParser.parse(SampleEvents.read("scheduled-event.json")), false);
    List<String> terminated = new ArrayList<>(before);
    terminated.removeAll(notTerminated());
    return terminated;
  }

  /** A subnet to launch the canary in. */
  public String subnet() {
    return ec2.describeSubnets().subnets().get(0).subnetId();
  }

  public Ec2Client ec2() {
    return ec2;
  }

  public URI ec2Endpoint() {
    return proxy.endpoint();
  }

  /** Fault: deletes the trail (no CloudTrail event is emitted from now on). */
  public void deleteTrail() {
    cloudTrail.deleteTrail(r -> r.name(TRAIL));
  }

  /** Fault: disables the rule whose name ends with {@code logicalIdPrefix...}. */
  public String disableRule(String logicalIdPrefix) {
    String name =
        rules.keySet().stream()
            .filter(n -> n.startsWith(STACK + "-" + logicalIdPrefix))
            .findFirst()
            .orElseThrow();
    events.disableRule(r -> r.name(name));
    return name;
  }

  /** Fault: the function throws on every batch from now on. */
  public void failEveryBatch() {
    functionFails = true;
  }

  /** The instances in moto that are not terminated. */
  public List<String> notTerminated() {
    return ec2.describeInstances().reservations().stream()
        .flatMap(r -> r.instances().stream())
        .filter(i -> !"terminated".equals(i.state().nameAsString()))
        .map(Instance::instanceId)
        .toList();
  }

  /** The events the harness sent to the queue, by rule: {@code rule <- detail-type}. */
  public synchronized List<String> delivered() {
    return List.copyOf(delivered);
  }

  private void run() {
    while (running.get()) {
      try {
        tick();
        Thread.sleep(100);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        if (running.get()) {
          System.err.println("harness: " + e);
        }
      }
    }
  }

  private void tick() {
    boolean trail = trailLogging();
    for (Instance i :
        ec2.describeInstances().reservations().stream()
            .flatMap(r -> r.instances().stream())
            .toList()) {
      if (seen.add(i.instanceId())) {
        Map<String, String> id = Map.of("i-0a1b2c3d4e5f60001", i.instanceId());
        route(SampleEvents.withIds("state-change-pending.json", id));
        route(SampleEvents.withIds("state-change-running.json", id));
        if (trail) {
          route(
              SampleEvents.withIds(
                  "cloudtrail-runinstances-managed-nodegroup.json",
                  Map.of("i-0a1b2c3d4e5f60002", i.instanceId())));
        }
      }
    }
    List<RecordingProxy.Call> calls = proxy.calls("ModifyInstanceMetadataOptions");
    for (int n = callsSeen; n < calls.size(); n++) {
      if (trail) {
        route(tamper(calls.get(n)));
      }
    }
    callsSeen = calls.size();
    deliverBatches();
  }

  private boolean trailLogging() {
    return cloudTrail.describeTrails(r -> r.includeShadowTrails(true)).trailList().stream()
        .anyMatch(t -> cloudTrail.getTrailStatus(r -> r.name(t.name())).isLogging());
  }

  /** The CloudTrail record of the canary's own call, as the caller STS says it is. */
  private byte[] tamper(RecordingProxy.Call call) {
    try {
      ObjectNode event =
          (ObjectNode)
              JSON.readTree(
                  SampleEvents.read("cloudtrail-modifyinstancemetadataoptions-by-user.json"));
      ObjectNode detail = (ObjectNode) event.get("detail");
      String arn = sts.getCallerIdentity().arn();
      ObjectNode who = (ObjectNode) detail.get("userIdentity");
      who.put("arn", arn);
      who.put("accessKeyId", CANARY_KEY);
      ObjectNode request =
          (ObjectNode) detail.get("requestParameters").get("ModifyInstanceMetadataOptionsRequest");
      request.put("InstanceId", call.param("InstanceId"));
      request.put("HttpTokens", call.param("HttpTokens"));
      request.put(
          "HttpPutResponseHopLimit", Integer.parseInt(call.param("HttpPutResponseHopLimit")));
      event.put(
          "time", Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
      detail.put("eventTime", event.get("time").asText());
      return JSON.writeValueAsBytes(event);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** EventBridge: every enabled rule whose pattern matches sends the event to the queue. */
  private void route(byte[] event) {
    String json = new String(event, StandardCharsets.UTF_8);
    for (Map.Entry<String, String> rule : rules.entrySet()) {
      if (events.describeRule(r -> r.name(rule.getKey())).state() != RuleState.ENABLED) {
        continue;
      }
      try {
        Machine machine = new Machine();
        machine.addRule(rule.getKey(), rule.getValue());
        if (!machine.rulesForJSONEvent(json).isEmpty()) {
          sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(json));
          synchronized (this) {
            delivered.add(
                rule.getKey() + " <- " + JSON.readTree(json).path("detail-type").asText());
          }
        }
      } catch (Exception e) {
        throw new IllegalStateException("rule " + rule.getKey() + ": " + e.getMessage(), e);
      }
    }
  }

  /** The event source mapping: batches of up to ten, failures visible again at once. */
  private void deliverBatches() {
    while (true) {
      List<Message> batch =
          sqs.receiveMessage(
                  r ->
                      r.queueUrl(queueUrl)
                          .maxNumberOfMessages(10)
                          .visibilityTimeout(30)
                          .messageSystemAttributeNamesWithStrings("ApproximateReceiveCount"))
              .messages();
      if (batch.isEmpty()) {
        return;
      }
      List<SqsBatches.Message> messages =
          batch.stream()
              .map(
                  m ->
                      new SqsBatches.Message(
                          m.messageId(), m.body().getBytes(StandardCharsets.UTF_8), 1))
              .toList();
      List<String> failed;
      try {
        failed = SqsBatches.invoke(function, messages);
      } catch (RuntimeException e) {
        failed = messages.stream().map(SqsBatches.Message::messageId).toList();
      }
      shipDecisions();
      for (Message m : batch) {
        if (failed.contains(m.messageId())) {
          sqs.changeMessageVisibility(
              r -> r.queueUrl(queueUrl).receiptHandle(m.receiptHandle()).visibilityTimeout(0));
        } else {
          sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
        }
      }
    }
  }

  /** Lambda's log delivery: the function's lines to its log group. */
  private void shipDecisions() {
    String text;
    synchronized (decisions) {
      text = decisions.toString(StandardCharsets.UTF_8);
      decisions.reset();
    }
    List<InputLogEvent> lines =
        text.lines()
            .filter(l -> !l.isBlank())
            .map(
                l ->
                    InputLogEvent.builder()
                        .timestamp(System.currentTimeMillis())
                        .message(l)
                        .build())
            .toList();
    if (!lines.isEmpty()) {
      logs.putLogEvents(r -> r.logGroupName(LOG_GROUP).logStreamName("harness").logEvents(lines));
    }
  }

  /** The IMDS rules with an event pattern, as the CDK app synthesizes them for this config. */
  static Map<String, String> synthesizedRules(String remediatorJson) {
    try {
      Map<String, Object> context = new LinkedHashMap<>();
      @SuppressWarnings("unchecked")
      Map<String, Object> cdkJson =
          JSON.readValue(SampleEvents.root().resolve("cdk.json").toFile(), Map.class);
      @SuppressWarnings("unchecked")
      Map<String, Object> fromFile =
          (Map<String, Object>) cdkJson.getOrDefault("context", Map.of());
      context.putAll(fromFile);
      context.put(AppSettings.REMEDIATOR_KEY, JSON.readValue(remediatorJson, Object.class));
      Path out = Files.createTempDirectory("remediator-harness");
      App app = App.Builder.create().context(context).outdir(out.toString()).build();
      var stack = RemediatorApp.stack(app, STACK, Code.fromAsset(stubJar(out).toString()));
      JsonNode template = JSON.valueToTree(Template.fromStack(stack).toJSON());
      Map<String, String> found = new LinkedHashMap<>();
      template
          .path("Resources")
          .properties()
          .forEach(
              e -> {
                JsonNode r = e.getValue();
                if ("AWS::Events::Rule".equals(r.path("Type").asText())
                    && r.path("Properties").has("EventPattern")
                    && e.getKey().startsWith("ImdsRules")) {
                  found.put(
                      STACK + "-" + e.getKey(),
                      resolve(r.path("Properties").path("EventPattern")).toString());
                }
              });
      return found;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The function role's ARN in place of its {@code Fn::GetAtt}, as CloudFormation resolves it. */
  private static JsonNode resolve(JsonNode node) {
    if (node.isObject() && node.has("Fn::GetAtt")) {
      return JSON.getNodeFactory().textNode(FUNCTION_ROLE);
    }
    if (node.isObject()) {
      ObjectNode copy = JSON.createObjectNode();
      node.properties().forEach(e -> copy.set(e.getKey(), resolve(e.getValue())));
      return copy;
    }
    if (node.isArray()) {
      var copy = JSON.createArrayNode();
      node.forEach(n -> copy.add(resolve(n)));
      return copy;
    }
    return node;
  }

  private static Path stubJar(Path dir) throws IOException {
    Path jar = dir.resolve("stub.jar");
    try (OutputStream out = Files.newOutputStream(jar);
        ZipOutputStream zip = new ZipOutputStream(out)) {
      zip.putNextEntry(new ZipEntry("README"));
      zip.write("stub\n".getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
    }
    return jar;
  }

  @Override
  public void close() {
    running.set(false);
    loop.interrupt();
    try {
      loop.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    proxy.close();
  }
}
