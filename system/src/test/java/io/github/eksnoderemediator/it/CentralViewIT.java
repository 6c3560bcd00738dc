package io.github.eksnoderemediator.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.eksnoderemediator.aws.AwsClients;
import io.github.eksnoderemediator.aws.SdkEc2Gateway;
import io.github.eksnoderemediator.aws.SdkEventBus;
import io.github.eksnoderemediator.central.DecisionEvent;
import io.github.eksnoderemediator.central.DecisionEvents;
import io.github.eksnoderemediator.central.PublishingDecisionLog;
import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.events.EventParser;
import io.github.eksnoderemediator.iam.IamChecks;
import io.github.eksnoderemediator.imds.ImdsService;
import io.github.eksnoderemediator.json.Json;
import io.github.eksnoderemediator.metrics.Metrics;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.report.JsonLinesDecisionLog;
import io.github.eksnoderemediator.testing.Ec2Fixtures;
import io.github.eksnoderemediator.testing.ImdsServices;
import io.github.eksnoderemediator.testing.Instances;
import io.github.eksnoderemediator.testing.MotoServer;
import io.github.eksnoderemediator.testing.RecordingMetrics;
import io.github.eksnoderemediator.testing.RecordingProxy;
import io.github.eksnoderemediator.testing.SampleEvents;
import io.github.eksnoderemediator.wait.BoundedWait;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;
import software.amazon.awssdk.services.ec2.model.HttpTokensState;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.Target;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * The central view across two accounts of the emulator: member account A (the emulator's default
 * account, where the IMDS function runs and publishes through the real SDK over HTTP, its PutEvents
 * checked against the role the CDK app synthesizes) and the security account B (entered with STS
 * AssumeRole, which the emulator lets point at any account). A's rule forwards decision events to
 * B's bus, whose rule writes them to B's log group, as the two stacks configure it.
 *
 * <p>Where the emulator is not EventBridge (docs/central-view.md): it checks neither the bus policy
 * nor the forwarding role, and the forwarded event's {@code account} becomes B's. This test
 * therefore proves the wiring and the payload, not IAM across accounts (the IAM simulator tests of
 * the infra module do that for the roles).
 */
class CentralViewIT {
  static final String ACCOUNT_A = "123456789012";
  static final String ACCOUNT_B = "210987654321";
  static final String CENTRAL_BUS_NAME = "eks-node-remediator-decisions";
  static final String CENTRAL_BUS =
      "arn:aws:events:" + MotoServer.REGION + ":" + ACCOUNT_B + ":event-bus/" + CENTRAL_BUS_NAME;
  static final String LOCAL_BUS =
      "arn:aws:events:" + MotoServer.REGION + ":" + ACCOUNT_A + ":event-bus/default";
  static final String LOG_GROUP = "/aws/events/" + CENTRAL_BUS_NAME;
  static final String PATTERN =
      "{\"source\":[\"eks-node-remediator\"],\"detail-type\":[\"EKS Node Remediator Decision\"]}";

  @RegisterExtension static final IamChecks IAM = new IamChecks();

  private static RecordingProxy proxy;
  private static Ec2Fixtures fixtures;
  private static URI moto;
  private static AwsCredentialsProvider accountB;

  @BeforeAll
  static void twoAccounts() throws Exception {
    moto = MotoServer.shared().endpoint();
    proxy = new RecordingProxy(moto);
    IAM.enforce(proxy, moto, "{}", "{\"centralEventBusArn\": \"" + CENTRAL_BUS + "\"}");
    fixtures = new Ec2Fixtures(moto);

    // Account B: the security account. Its bus, its log group, its record rule.
    try (StsClient sts =
        StsClient.builder()
            .endpointOverride(moto)
            .region(Region.of(MotoServer.REGION))
            .credentialsProvider(staticKey("AKIDTESTSETUP"))
            .build()) {
      Credentials c =
          sts.assumeRole(
                  r ->
                      r.roleArn("arn:aws:iam::" + ACCOUNT_B + ":role/central-view-admin")
                          .roleSessionName("central-view-it"))
              .credentials();
      accountB =
          StaticCredentialsProvider.create(
              AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken()));
    }
    try (EventBridgeClient b = events(accountB);
        CloudWatchLogsClient logs = logs(accountB)) {
      b.createEventBus(r -> r.name(CENTRAL_BUS_NAME));
      logs.createLogGroup(r -> r.logGroupName(LOG_GROUP));
      b.putRule(r -> r.name("record").eventBusName(CENTRAL_BUS_NAME).eventPattern(PATTERN));
      b.putTargets(
          r ->
              r.rule("record")
                  .eventBusName(CENTRAL_BUS_NAME)
                  .targets(
                      Target.builder()
                          .id("log")
                          .arn(
                              "arn:aws:logs:"
                                  + MotoServer.REGION
                                  + ":"
                                  + ACCOUNT_B
                                  + ":log-group:"
                                  + LOG_GROUP)
                          .build()));
      assertThat(b.describeEventBus(r -> r.name(CENTRAL_BUS_NAME)).arn()).isEqualTo(CENTRAL_BUS);
    }
    // Account A: the member. The forwarding rule on its default bus, as DecisionEvents makes it.
    try (EventBridgeClient a = events(staticKey("AKIDTESTSETUP"))) {
      a.putRule(r -> r.name("forward-decisions").eventBusName("default").eventPattern(PATTERN));
      a.putTargets(
          r ->
              r.rule("forward-decisions")
                  .eventBusName("default")
                  .targets(
                      Target.builder()
                          .id("central")
                          .arn(CENTRAL_BUS)
                          .roleArn("arn:aws:iam::" + ACCOUNT_A + ":role/forward-decisions")
                          .build()));
    }
  }

  @AfterAll
  static void stopProxy() {
    proxy.close();
  }

  private static StaticCredentialsProvider staticKey(String key) {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create(key, "testing"));
  }

  private static EventBridgeClient events(AwsCredentialsProvider credentials) {
    return AwsClients.eventBridgeBuilder()
        .endpointOverride(moto)
        .region(Region.of(MotoServer.REGION))
        .credentialsProvider(credentials)
        .build();
  }

  private static CloudWatchLogsClient logs(AwsCredentialsProvider credentials) {
    return CloudWatchLogsClient.builder()
        .endpointOverride(moto)
        .region(Region.of(MotoServer.REGION))
        .credentialsProvider(credentials)
        .overrideConfiguration(c -> c.addExecutionInterceptor(new IntegerTimestamps()))
        .build();
  }

  /**
   * The emulator writes the epoch milliseconds of an event EventBridge delivered to a log group as
   * floats ({@code 1764245000123.456}), where CloudWatch Logs answers integers and the SDK refuses
   * anything else: this reads them as integers.
   */
  private static final class IntegerTimestamps
      implements software.amazon.awssdk.core.interceptor.ExecutionInterceptor {
    private static final java.util.regex.Pattern FLOAT_MILLIS =
        java.util.regex.Pattern.compile("(\"(?:timestamp|ingestionTime)\": ?\\d+)\\.\\d+");

    @Override
    public java.util.Optional<java.io.InputStream> modifyHttpResponseContent(
        software.amazon.awssdk.core.interceptor.Context.ModifyHttpResponse context,
        software.amazon.awssdk.core.interceptor.ExecutionAttributes attributes) {
      return context
          .responseBody()
          .map(
              in -> {
                try (in) {
                  String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                  return new java.io.ByteArrayInputStream(
                      FLOAT_MILLIS.matcher(body).replaceAll("$1").getBytes(StandardCharsets.UTF_8));
                } catch (java.io.IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
    }
  }

  /** The IMDS function as production wires it, its AWS calls through the IAM-enforcing proxy. */
  private static ImdsService function(RecordingMetrics metrics, ByteArrayOutputStream err) {
    Clock clock = Clock.systemUTC();
    PrintStream out = new PrintStream(err, true, StandardCharsets.UTF_8);
    DecisionEvents events =
        new DecisionEvents(
            new SdkEventBus(
                LOCAL_BUS,
                () ->
                    AwsClients.eventBridgeBuilder()
                        .endpointOverride(proxy.endpoint())
                        .region(Region.of(MotoServer.REGION))
                        .credentialsProvider(staticKey(Ec2Fixtures.IMDS_ACCESS_KEY))
                        .build()),
            metrics,
            out,
            clock);
    return ImdsServices.of(
        new SdkEc2Gateway(Ec2Fixtures.client(proxy.endpoint())),
        null,
        RemediatorConfig.DEFAULT,
        BoundedWait.system(),
        clock,
        new PublishingDecisionLog(new JsonLinesDecisionLog(out, clock), events),
        metrics);
  }

  /** Every event B's log group holds about {@code instance}, oldest first. */
  private static List<JsonNode> recorded(InstanceId instance) throws Exception {
    List<JsonNode> found = new ArrayList<>();
    try (CloudWatchLogsClient logs = logs(accountB)) {
      for (FilteredLogEvent e : logs.filterLogEvents(r -> r.logGroupName(LOG_GROUP)).events()) {
        JsonNode event = Json.MAPPER.readTree(e.message());
        if (instance.value().equals(event.at("/detail/instanceId").asText())) {
          found.add(event);
        }
      }
    }
    return found;
  }

  @Test
  void aMembersDecisions_reachTheCentralLogGroupInAnotherAccount_asTheFunctionSentThem()
      throws Exception {
    RecordingMetrics metrics = new RecordingMetrics();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ImdsService service = function(metrics, err);
    InstanceId weak = fixtures.launch(Instances.MANAGED_PROD, "optional", 2);
    InstanceId compliant = fixtures.launch(Instances.MANAGED_PROD, "required", 2);

    for (InstanceId id : List.of(weak, compliant)) {
      service.handle(
          EventParser.parse(
              SampleEvents.withIds(
                  "state-change-running.json", Map.of("i-0a1b2c3d4e5f60001", id.value()))),
          false);
    }

    assertThat(fixtures.options(weak)).isEqualTo("required/2/enabled");
    List<JsonNode> changed = recorded(weak);
    assertThat(changed).hasSize(1);
    JsonNode event = changed.get(0);
    assertThat(event.path("source").asText()).isEqualTo(DecisionEvent.SOURCE);
    assertThat(event.path("detail-type").asText()).isEqualTo(DecisionEvent.DETAIL_TYPE);
    assertThat(event.path("region").asText()).isEqualTo(MotoServer.REGION);
    JsonNode detail = event.path("detail");
    assertThat(detail.path("outcome").asText()).isEqualTo("changed");
    assertThat(detail.path("function").asText()).isEqualTo("imds");
    assertThat(detail.path("cluster").asText()).isEqualTo("prod");
    assertThat(detail.path("nodeGroup").asText()).isEqualTo("general");
    assertThat(detail.at("/before/httpTokens").asText()).isEqualTo("optional");
    assertThat(detail.at("/after/httpTokens").asText()).isEqualTo("required");
    // Compliant nodes are not sent: the central view carries what someone should look at.
    assertThat(recorded(compliant)).isEmpty();
    assertThat(metrics.flushed("prod", Metrics.DECISION_EVENTS_PUBLISHED)).isEqualTo(1);
    assertThat(metrics.flushed("prod", Metrics.DECISION_EVENTS_UNSENT)).isZero();
    assertThat(proxy.calls()).anyMatch(c -> c.body().contains("\"EventBusName\":\"" + LOCAL_BUS));
  }

  @Test
  void aNodeSomeoneLoosened_arrivesCentrallyAsTampered_namingWhoDidIt() throws Exception {
    RecordingMetrics metrics = new RecordingMetrics();
    ImdsService service = function(metrics, new ByteArrayOutputStream());
    InstanceId node = fixtures.launch(Instances.MANAGED_PROD, "required", 2);
    fixtures
        .ec2()
        .modifyInstanceMetadataOptions(
            r ->
                r.instanceId(node.value())
                    .httpTokens(HttpTokensState.OPTIONAL)
                    .httpPutResponseHopLimit(3)
                    .httpEndpoint("enabled"));

    service.handle(
        EventParser.parse(
            SampleEvents.withIds(
                "cloudtrail-modifyinstancemetadataoptions-by-user.json",
                Map.of("i-0a1b2c3d4e5f60002", node.value()))),
        false);

    List<JsonNode> events = recorded(node);
    assertThat(events).hasSize(1);
    JsonNode detail = events.get(0).path("detail");
    assertThat(detail.path("outcome").asText()).isEqualTo("tampered");
    assertThat(detail.path("decision").asText()).isEqualTo("changed");
    assertThat(detail.at("/by/principal").asText())
        .isEqualTo("arn:aws:iam::123456789012:user/alice");
  }

  @Test
  void aBusThatRefusesEverything_costsALogLineAndAMetric_notTheRemediation() throws Exception {
    RecordingMetrics metrics = new RecordingMetrics();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Clock clock = Clock.systemUTC();
    PrintStream out = new PrintStream(err, true, StandardCharsets.UTF_8);
    // A bus the role may not put events on: IAM refuses every call, as AWS would.
    DecisionEvents events =
        new DecisionEvents(
            new SdkEventBus(
                LOCAL_BUS.replace("event-bus/default", "event-bus/not-ours"),
                () ->
                    AwsClients.eventBridgeBuilder()
                        .endpointOverride(proxy.endpoint())
                        .region(Region.of(MotoServer.REGION))
                        .credentialsProvider(staticKey(Ec2Fixtures.IMDS_ACCESS_KEY))
                        .build()),
            metrics,
            out,
            clock);
    IAM.enforcement().expect(r -> r.action().equals("events:PutEvents"));
    ImdsService service =
        ImdsServices.of(
            new SdkEc2Gateway(Ec2Fixtures.client(proxy.endpoint())),
            null,
            RemediatorConfig.DEFAULT,
            BoundedWait.system(),
            clock,
            new PublishingDecisionLog(new JsonLinesDecisionLog(out, clock), events),
            metrics);
    InstanceId weak = fixtures.launch(Instances.MANAGED_PROD, "optional", 2);

    service.handle(
        EventParser.parse(
            SampleEvents.withIds(
                "state-change-running.json", Map.of("i-0a1b2c3d4e5f60001", weak.value()))),
        false);

    assertThat(fixtures.options(weak)).isEqualTo("required/2/enabled");
    assertThat(recorded(weak)).isEmpty();
    assertThat(metrics.flushed("prod", Metrics.NODES_REMEDIATED)).isEqualTo(1);
    assertThat(metrics.flushed("prod", Metrics.DECISION_EVENTS_UNSENT)).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("\"message\":\"decision events not published\"")
        .contains("AccessDenied")
        .contains(weak.value());
  }
}
