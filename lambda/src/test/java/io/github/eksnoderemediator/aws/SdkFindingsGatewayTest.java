package io.github.eksnoderemediator.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.eksnoderemediator.port.FindingsGateway;
import io.github.eksnoderemediator.port.FindingsGateway.Finding;
import io.github.eksnoderemediator.port.FindingsGateway.Unprocessed;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.testing.FakeSecurityHub;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.securityhub.SecurityHubClient;
import software.amazon.awssdk.services.securityhub.model.AwsSecurityFinding;

/**
 * The Security Hub calls over the wire: the production client configuration (its Apache 5 HTTP
 * client, which can send BatchUpdateFindings' PATCH) against {@link FakeSecurityHub}, written to
 * the Security Hub API Reference because moto has no BatchUpdateFindings and ignores GetFindings'
 * filters.
 */
class SdkFindingsGatewayTest {
  static final String REGION = "eu-west-1";
  static final String ACCOUNT = "123456789012";

  private FakeSecurityHub hub;
  private SecurityHubClient client;
  private SdkFindingsGateway gateway;

  @BeforeEach
  void start() {
    hub = FakeSecurityHub.start();
    client =
        AwsClients.securityHubBuilder()
            .endpointOverride(hub.endpoint())
            .region(Region.of(REGION))
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
            .build();
    gateway = new SdkFindingsGateway(client);
  }

  @AfterEach
  void stop() {
    client.close();
    hub.close();
  }

  private ObjectNode imported(String instanceId) {
    ObjectNode f = FakeSecurityHub.ec2_8Finding(REGION, ACCOUNT, instanceId);
    importFindings(List.of(f));
    return f;
  }

  private void importFindings(List<ObjectNode> findings) {
    List<AwsSecurityFinding> sdk = new ArrayList<>();
    for (ObjectNode f : findings) {
      sdk.add(
          AwsSecurityFinding.builder()
              .schemaVersion(f.get("SchemaVersion").asText())
              .id(f.get("Id").asText())
              .productArn(f.get("ProductArn").asText())
              .generatorId(f.get("GeneratorId").asText())
              .awsAccountId(ACCOUNT)
              .types(f.get("Types").get(0).asText())
              .createdAt(f.get("CreatedAt").asText())
              .updatedAt(f.get("UpdatedAt").asText())
              .severity(s -> s.label(f.get("Severity").get("Label").asText()))
              .title(f.get("Title").asText())
              .description(f.get("Description").asText())
              .resources(
                  r ->
                      r.type("AwsEc2Instance")
                          .id(f.get("Resources").get(0).get("Id").asText())
                          .partition("aws")
                          .region(REGION))
              .compliance(
                  c ->
                      c.status(f.get("Compliance").get("Status").asText())
                          .securityControlId(f.get("Compliance").get("SecurityControlId").asText()))
              .build());
    }
    client.batchImportFindings(r -> r.findings(sdk));
  }

  @Test
  void everyCall_answersNotEnabled_whenSecurityHubIsNotEnabled() {
    assertThatThrownBy(
            () -> gateway.openImdsFindings(List.of(new InstanceId("i-0123456789abcdef0"))))
        .isInstanceOf(FindingsGateway.NotEnabledException.class)
        .hasMessageContaining("not subscribed");
    Finding f = new Finding("id", "arn:aws:securityhub:eu-west-1::product/aws/securityhub", null);
    assertThatThrownBy(() -> gateway.resolve(List.of(f), "note"))
        .isInstanceOf(FindingsGateway.NotEnabledException.class);
    assertThatThrownBy(() -> gateway.administersMembers())
        .isInstanceOf(FindingsGateway.NotEnabledException.class);
  }

  @Test
  void administersMembers_falseWithoutMembers_trueWithAnyMemberWhateverItsStatus() {
    hub.enable();
    assertThat(gateway.administersMembers()).isFalse();

    // Only invited: ListMembers' default (OnlyAssociated=true) would not list it.
    hub.addMember("111122223333", "Invited");
    assertThat(client.listMembers(r -> {}).members()).isEmpty();
    assertThat(gateway.administersMembers()).isTrue();
    assertThat(hub.requests()).containsOnly("GET /members");
  }

  @Test
  void theFakesListMembers_pagesWithNextToken_andFiltersOnlyAssociated_asDocumented() {
    hub.enable();
    List<String> accounts = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      String account = String.format("1111222233%02d", i);
      accounts.add(account);
      hub.addMember(account, i % 2 == 0 ? "Enabled" : "Invited");
    }

    List<String> all = new ArrayList<>();
    client
        .listMembersPaginator(r -> r.onlyAssociated(false).maxResults(3))
        .members()
        .forEach(m -> all.add(m.accountId()));
    List<String> associated = new ArrayList<>();
    client
        .listMembersPaginator(r -> r.maxResults(2))
        .members()
        .forEach(m -> associated.add(m.accountId()));

    assertThat(all).isEqualTo(accounts);
    assertThat(associated)
        .containsExactly(accounts.get(0), accounts.get(2), accounts.get(4), accounts.get(6));
    assertThat(hub.requests()).hasSize(3 + 2);
    assertThatThrownBy(() -> client.listMembers(r -> r.maxResults(51)))
        .hasMessageContaining("MaxResults must be from 1 to 50");
  }

  @Test
  void openImdsFindings_findsOnlyTheOpenActiveEc2_8FindingsOfTheAskedInstances() {
    client.enableSecurityHub(r -> r.enableDefaultStandards(false));
    ObjectNode wanted = imported("i-0123456789abcdef0");
    imported("i-0fedcba9876543210"); // not asked
    ObjectNode otherControl = FakeSecurityHub.ec2_8Finding(REGION, ACCOUNT, "i-0123456789abcdef0");
    otherControl.put("Id", otherControl.get("Id").asText() + "-ssm");
    ((ObjectNode) otherControl.get("Compliance")).put("SecurityControlId", "SSM.1");
    // An 8-character id is a prefix of longer ids: only an exact ARN suffix counts.
    ObjectNode longer = FakeSecurityHub.ec2_8Finding(REGION, ACCOUNT, "i-12345678abcdef012");
    importFindings(List.of(otherControl, longer));
    ObjectNode resolved = imported("i-0aaaaaaaaaaaaaaaa");
    gateway.resolve(
        List.of(
            new Finding(
                resolved.get("Id").asText(),
                resolved.get("ProductArn").asText(),
                new InstanceId("i-0aaaaaaaaaaaaaaaa"))),
        "already handled");

    List<Finding> found =
        gateway.openImdsFindings(
            List.of(
                new InstanceId("i-0123456789abcdef0"),
                new InstanceId("i-12345678"),
                new InstanceId("i-0aaaaaaaaaaaaaaaa")));

    assertThat(found)
        .containsExactly(
            new Finding(
                wanted.get("Id").asText(),
                wanted.get("ProductArn").asText(),
                new InstanceId("i-0123456789abcdef0")));
  }

  @Test
  void openImdsFindings_readsEveryPage() {
    client.enableSecurityHub(r -> r.enableDefaultStandards(false));
    List<ObjectNode> many = new ArrayList<>();
    // Security Hub makes one finding per standard when consolidated control findings are off.
    for (int standard = 0; standard < 150; standard++) {
      ObjectNode f = FakeSecurityHub.ec2_8Finding(REGION, ACCOUNT, "i-0123456789abcdef0");
      f.put("Id", f.get("Id").asText() + "/" + standard);
      many.add(f);
    }
    importFindings(many.subList(0, 100));
    importFindings(many.subList(100, 150));

    assertThat(gateway.openImdsFindings(List.of(new InstanceId("i-0123456789abcdef0"))))
        .hasSize(150);
    assertThat(hub.requests()).filteredOn("POST /findings"::equals).hasSize(2);
  }

  @Test
  void openImdsFindings_refusesMoreInstancesThanOneFilterTakes() {
    List<InstanceId> ids =
        IntStream.range(0, FindingsGateway.MAX_INSTANCES_PER_QUERY + 1)
            .mapToObj(i -> new InstanceId(String.format("i-%017x", i)))
            .toList();

    assertThatThrownBy(() -> gateway.openImdsFindings(ids))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(hub.requests()).isEmpty();
  }

  @Test
  void resolve_setsResolvedAndTheNote_andReturnsWhatSecurityHubDidNotTake() {
    client.enableSecurityHub(r -> r.enableDefaultStandards(false));
    ObjectNode f = imported("i-0123456789abcdef0");
    Finding known =
        new Finding(
            f.get("Id").asText(),
            f.get("ProductArn").asText(),
            new InstanceId("i-0123456789abcdef0"));
    Finding gone =
        new Finding(
            "arn:gone", f.get("ProductArn").asText(), new InstanceId("i-0fedcba987654321f"));

    List<Unprocessed> unprocessed = gateway.resolve(List.of(known, gone), "hardened");

    assertThat(unprocessed)
        .containsExactly(new Unprocessed(gone, "FindingNotFound", "Finding Not Found"));
    assertThat(hub.finding(known.id()).at("/Workflow/Status").asText()).isEqualTo("RESOLVED");
    assertThat(hub.finding(known.id()).at("/Note/Text").asText()).isEqualTo("hardened");
    assertThat(hub.finding(known.id()).at("/Note/UpdatedBy").asText())
        .isEqualTo(FindingsGateway.NOTE_AUTHOR);
    assertThat(hub.requests()).contains("PATCH /findings/batchupdate");
  }

  @Test
  void throttling_isRetriedByTheSdk() {
    client.enableSecurityHub(r -> r.enableDefaultStandards(false));
    imported("i-0123456789abcdef0");
    hub.throttleNext(2);

    assertThat(gateway.openImdsFindings(List.of(new InstanceId("i-0123456789abcdef0")))).hasSize(1);
  }
}
