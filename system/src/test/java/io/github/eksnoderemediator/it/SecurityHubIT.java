package io.github.eksnoderemediator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.eksnoderemediator.aws.AwsClients;
import io.github.eksnoderemediator.aws.SdkEc2Gateway;
import io.github.eksnoderemediator.aws.SdkFindingsGateway;
import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.events.EventParser;
import io.github.eksnoderemediator.handler.ImdsHandler;
import io.github.eksnoderemediator.iam.IamChecks;
import io.github.eksnoderemediator.iam.IamEnforcement;
import io.github.eksnoderemediator.imds.FindingsResolver;
import io.github.eksnoderemediator.imds.ImdsService;
import io.github.eksnoderemediator.imds.ImdsV1UseCheck;
import io.github.eksnoderemediator.metrics.Metrics;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.report.Decision;
import io.github.eksnoderemediator.report.Report;
import io.github.eksnoderemediator.testing.Ec2Fixtures;
import io.github.eksnoderemediator.testing.FakeSecurityHub;
import io.github.eksnoderemediator.testing.ImdsServices;
import io.github.eksnoderemediator.testing.Instances;
import io.github.eksnoderemediator.testing.MotoServer;
import io.github.eksnoderemediator.testing.RecordingMetrics;
import io.github.eksnoderemediator.testing.RecordingProxy;
import io.github.eksnoderemediator.testing.SampleEvents;
import io.github.eksnoderemediator.testing.SqsBatches;
import io.github.eksnoderemediator.testing.SqsBatches.Message;
import io.github.eksnoderemediator.wait.BoundedWait;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.securityhub.SecurityHubClient;

/**
 * Issue 12's Security Hub path end to end: nodes launched weak in the moto emulator, hardened
 * through the real IMDS service, then their EC2.8 findings resolved over the real SDK. moto 5.2.x
 * has no BatchUpdateFindings and ignores GetFindings filters, so Security Hub is {@link
 * FakeSecurityHub}, written to the Security Hub API Reference. Both sit behind IAM-enforcing
 * proxies evaluating the synthesized IMDS role: every Security Hub call the function makes must be
 * allowed (securityhub:ASFFSyntaxPath keys as the User Guide documents them), and one setting a
 * field the function never sets is refused.
 */
class SecurityHubIT {
  private static final String CONFIG =
      """
      {"clusters": ["prod"],
       "waits": {"notFoundSeconds": 1, "tagSettleSeconds": 1, "appliedSeconds": 1,
                 "firstBackoffMillis": 100}}
      """;

  @RegisterExtension static final IamChecks IAM = new IamChecks();

  private static RecordingProxy ec2Proxy;
  private static IamEnforcement iam;
  private static Ec2Fixtures fixtures;
  private RecordingProxy hubProxy;
  private FakeSecurityHub hub;
  private SecurityHubClient hubClient;
  private final RecordingMetrics metrics = new RecordingMetrics();
  private final List<Object> hubLines = new ArrayList<>();
  private ImdsService service;

  @BeforeAll
  static void startEmulator() throws Exception {
    MotoServer moto = MotoServer.shared();
    moto.reset();
    ec2Proxy = new RecordingProxy(moto.endpoint());
    iam = IAM.enforce(ec2Proxy, moto.endpoint(), CONFIG);
    fixtures = new Ec2Fixtures(moto.endpoint());
  }

  @AfterAll
  static void stopProxy() {
    ec2Proxy.close();
  }

  @BeforeEach
  void start() throws Exception {
    hub = FakeSecurityHub.start();
    hubProxy = new RecordingProxy(hub.endpoint());
    hubProxy.gate(iam);
    hubClient =
        AwsClients.securityHubBuilder()
            .endpointOverride(hubProxy.endpoint())
            .region(Region.of(MotoServer.REGION))
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(Ec2Fixtures.IMDS_ACCESS_KEY, "test")))
            .build();
    service = service(CONFIG);
  }

  private ImdsService service(String json) {
    RemediatorConfig config = RemediatorConfig.parse(json, "test");
    Clock clock = Clock.systemUTC();
    return ImdsServices.of(
        new SdkEc2Gateway(Ec2Fixtures.client(ec2Proxy.endpoint())),
        null,
        config,
        BoundedWait.system(),
        clock,
        (input, eventId, result) -> {},
        metrics,
        ImdsV1UseCheck.none(clock),
        new FindingsResolver(
            config.securityHub(),
            () -> new SdkFindingsGateway(hubClient),
            metrics,
            (level, message, detail) -> hubLines.add(message),
            clock));
  }

  @AfterEach
  void stop() {
    hubClient.close();
    hubProxy.close();
    hub.close();
  }

  private Report handle(String json) {
    return service.handle(EventParser.parse(json.getBytes(StandardCharsets.UTF_8)), false);
  }

  private static String instances(List<InstanceId> ids, boolean dryRun) {
    return "{\"instanceIds\": ["
        + String.join(", ", ids.stream().map(i -> "\"" + i.value() + "\"").toList())
        + "], \"dryRun\": "
        + dryRun
        + "}";
  }

  private ObjectNode finding(InstanceId id) {
    ObjectNode f = FakeSecurityHub.ec2_8Finding(MotoServer.REGION, "123456789012", id.value());
    hub.importFindings(f);
    return f;
  }

  @Test
  void hardenedNodes_findingsResolvedWithANote_othersLeftAlone() {
    hub.enable();
    List<InstanceId> weak = fixtures.launch(3, Instances.MANAGED_PROD, "optional", 1);
    InstanceId compliant = fixtures.launch(Instances.MANAGED_PROD, "required", 2);
    List<ObjectNode> weakFindings = weak.stream().map(this::finding).toList();
    ObjectNode compliantFinding = finding(compliant);
    // Someone already suppressed one of them: the function never overrides that.
    ObjectNode suppressed =
        FakeSecurityHub.ec2_8Finding(MotoServer.REGION, "123456789012", weak.get(0).value());
    suppressed.put("Id", suppressed.get("Id").asText() + "/suppressed");
    hub.importFindings(suppressed);
    hub.setWorkflowStatus(suppressed.get("Id").asText(), "SUPPRESSED");
    List<InstanceId> all = new ArrayList<>(weak);
    all.add(compliant);

    Report report = handle(instances(all, false));

    assertThat(report.results()).filteredOn(r -> r.decision() == Decision.CHANGED).hasSize(3);
    for (ObjectNode f : weakFindings) {
      JsonNode now = hub.finding(f.get("Id").asText());
      assertThat(now.at("/Workflow/Status").asText()).isEqualTo("RESOLVED");
      assertThat(now.at("/Note/UpdatedBy").asText()).isEqualTo("eks-node-remediator");
      assertThat(now.at("/Note/Text").asText())
          .startsWith("EKS Node Remediator required IMDSv2")
          .contains("HttpTokens optional -> required")
          .contains("HttpPutResponseHopLimit 1 -> 1");
    }
    assertThat(hub.finding(compliantFinding.get("Id").asText()).at("/Workflow/Status").asText())
        .isEqualTo("NEW");
    assertThat(hub.finding(suppressed.get("Id").asText()).at("/Workflow/Status").asText())
        .isEqualTo("SUPPRESSED");
    // One read for the three hardened nodes, the administrator check before the environment's
    // first update, one update for their shared note.
    assertThat(hub.requests())
        .containsExactly("POST /findings", "GET /members", "PATCH /findings/batchupdate");
    assertThat(hubLines).containsExactly("security hub findings resolved");
    metrics.flush();
    assertThat(metrics.flushed("prod", Metrics.FINDINGS_RESOLVED)).isEqualTo(3);
  }

  @Test
  void queueBatch_findingsOfEveryHardenedNodeResolved_inOneReadAndOneUpdate() {
    hub.enable();
    List<InstanceId> weak = fixtures.launch(4, Instances.MANAGED_PROD, "optional", 2);
    List<ObjectNode> findings = weak.stream().map(this::finding).toList();
    List<Message> batch = new ArrayList<>();
    for (InstanceId id : weak) {
      batch.add(
          new Message(
              "m-" + batch.size(),
              SampleEvents.withIds(
                  "state-change-running.json", Map.of("i-0a1b2c3d4e5f60001", id.value())),
              1));
    }

    List<String> again = SqsBatches.invoke(new ImdsHandler(service), batch);

    assertThat(again).isEmpty();
    for (ObjectNode f : findings) {
      assertThat(hub.finding(f.get("Id").asText()).at("/Workflow/Status").asText())
          .isEqualTo("RESOLVED");
      assertThat(hub.finding(f.get("Id").asText()).at("/Note/Text").asText())
          .contains("HttpPutResponseHopLimit 2 -> 2");
    }
    assertThat(hub.requests())
        .containsExactly("POST /findings", "GET /members", "PATCH /findings/batchupdate");
  }

  @Test
  void dryRun_andCompliantNodes_neverCallSecurityHub() {
    hub.enable();
    List<InstanceId> weak = fixtures.launch(2, Instances.MANAGED_PROD, "optional", 1);
    weak.forEach(this::finding);
    InstanceId compliant = fixtures.launch(Instances.MANAGED_PROD, "required", 2);
    finding(compliant);

    handle(instances(weak, true));
    handle(instances(List.of(compliant), false));

    assertThat(hub.requests()).isEmpty();
    assertThat(hubLines).isEmpty();
  }

  @Test
  void securityHubNotEnabled_theNodeIsStillHardened_andSecurityHubIsAskedOnce() {
    InstanceId first = fixtures.launch(Instances.MANAGED_PROD, "optional", 1);
    InstanceId second = fixtures.launch(Instances.MANAGED_PROD, "optional", 1);

    Report one = handle(instances(List.of(first), false));
    Report two = handle(instances(List.of(second), false));

    assertThat(one.results().get(0).decision()).isEqualTo(Decision.CHANGED);
    assertThat(two.results().get(0).decision()).isEqualTo(Decision.CHANGED);
    assertThat(fixtures.options(second)).isEqualTo("required/1/enabled");
    assertThat(hub.requests()).containsExactly("POST /findings");
    assertThat(hubLines).containsExactly("security hub not enabled");
  }

  @Test
  void theRole_refusesAnUpdateThatSetsMoreThanTheStatusAndNote() {
    hub.enable();
    InstanceId node = fixtures.launch(Instances.MANAGED_PROD, "optional", 1);
    ObjectNode f = finding(node);
    iam.expect(r -> r.action().equals("securityhub:BatchUpdateFindings"));

    assertThatThrownBy(
            () ->
                hubClient.batchUpdateFindings(
                    r ->
                        r.findingIdentifiers(
                                i ->
                                    i.id(f.get("Id").asText())
                                        .productArn(f.get("ProductArn").asText()))
                            .workflow(w -> w.status("RESOLVED"))
                            .severity(s -> s.label("INFORMATIONAL"))
                            .note(n -> n.text("quiet").updatedBy("eks-node-remediator"))))
        .hasMessageContaining("not authorized to perform: securityhub:BatchUpdateFindings");
    assertThat(iam.refusals())
        .singleElement()
        .satisfies(r -> assertThat(r.decision()).contains("ExplicitlyDenied"));
    assertThat(hub.finding(f.get("Id").asText()).at("/Workflow/Status").asText()).isEqualTo("NEW");
    assertThat(hub.requests()).isEmpty();
  }

  @Test
  void administratorAccount_nodesHardened_findingsLeftOpen_loggedOnceAndCounted() {
    hub.enable();
    hub.addMember("111122223333", "Enabled");
    List<InstanceId> weak = fixtures.launch(2, Instances.MANAGED_PROD, "optional", 1);
    List<ObjectNode> findings = weak.stream().map(this::finding).toList();
    InstanceId later = fixtures.launch(Instances.MANAGED_PROD, "optional", 1);
    ObjectNode laterFinding = finding(later);

    Report first = handle(instances(weak, false));
    Report second = handle(instances(List.of(later), false));

    assertThat(first.results()).allMatch(r -> r.decision() == Decision.CHANGED);
    assertThat(second.results()).allMatch(r -> r.decision() == Decision.CHANGED);
    assertThat(fixtures.options(later)).isEqualTo("required/1/enabled");
    for (ObjectNode f : List.of(findings.get(0), findings.get(1), laterFinding)) {
      JsonNode now = hub.finding(f.get("Id").asText());
      assertThat(now.at("/Workflow/Status").asText()).isEqualTo("NEW");
      assertThat(now.has("Note")).isFalse();
    }
    // ListMembers once per execution environment, allowed by the synthesized role; no update.
    assertThat(hub.requests()).containsExactly("POST /findings", "GET /members", "POST /findings");
    assertThat(hubLines)
        .containsExactly("security hub findings left open in an administrator account");
    metrics.flush();
    assertThat(metrics.flushed("prod", Metrics.FINDINGS_LEFT_IN_ADMINISTRATOR_ACCOUNT))
        .isEqualTo(3);
    assertThat(metrics.flushed("prod", Metrics.FINDINGS_RESOLVED)).isZero();
  }

  @Test
  void administratorAccount_allowed_findingsResolved_withoutAskingForMembers() {
    hub.enable();
    hub.addMember("111122223333", "Enabled");
    service =
        service(
            CONFIG.replace(
                "\"clusters\": [\"prod\"],",
                "\"clusters\": [\"prod\"], \"securityHub\": {\"allowInAdministratorAccount\": true},"));
    InstanceId node = fixtures.launch(Instances.MANAGED_PROD, "optional", 1);
    ObjectNode f = finding(node);

    handle(instances(List.of(node), false));

    assertThat(hub.finding(f.get("Id").asText()).at("/Workflow/Status").asText())
        .isEqualTo("RESOLVED");
    assertThat(hub.requests()).containsExactly("POST /findings", "PATCH /findings/batchupdate");
    assertThat(hubLines).containsExactly("security hub findings resolved");
  }
}
