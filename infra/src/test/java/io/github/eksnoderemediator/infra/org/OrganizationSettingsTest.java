package io.github.eksnoderemediator.infra.org;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.eksnoderemediator.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OrganizationSettingsTest {
  static final String MINIMAL =
      """
      {"organizationId": "o-a1b2c3d4e5", "homeRegion": "eu-west-1", "regions": ["eu-west-1"],
       "organizationalUnits": ["r-ab12"], "artifactBucketPrefix": "acme-remediator"}
      """;

  @Test
  void parse_minimal_takesTheDocumentedDefaults() {
    OrganizationSettings s = OrganizationSettings.parse(MINIMAL);

    assertThat(s.functionJar()).isEmpty();
    assertThat(s.stackSetName()).isEqualTo("EksNodeRemediator");
    assertThat(s.callAs()).isEqualTo(OrganizationSettings.CallAs.SELF);
    assertThat(s.retainStacksOnAccountRemoval()).isFalse();
    assertThat(s.failureTolerancePercentage()).isZero();
    assertThat(s.maxConcurrentPercentage()).isEqualTo(25);
    assertThat(s.regionConcurrency()).isEqualTo(OrganizationSettings.RegionConcurrency.SEQUENTIAL);
    assertThat(s.concurrencyMode())
        .isEqualTo(OrganizationSettings.ConcurrencyMode.STRICT_FAILURE_TOLERANCE);
    assertThat(s.overrides()).isEmpty();
    assertThat(s.bucketName("eu-west-1")).isEqualTo("acme-remediator-eu-west-1");
  }

  @Test
  void parse_full_readsEveryField() {
    OrganizationSettings s = OrganizationSettings.parse(OrgStacks.ORGANIZATION);

    assertThat(s.regions()).containsExactly("eu-west-1", "us-east-1");
    assertThat(s.functionJar().orElseThrow().key()).isEqualTo(OrgStacks.JAR_KEY);
    assertThat(s.functionJar().orElseThrow().versions()).containsOnlyKeys("eu-west-1", "us-east-1");
    assertThat(s.callAs()).isEqualTo(OrganizationSettings.CallAs.DELEGATED_ADMIN);
    assertThat(s.overrides())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.name()).isEqualTo("Telco");
              assertThat(o.organizationalUnits()).containsExactly("ou-ab12-33333333");
            });
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "organizationId|\"acme\"|cdk.json context \"remediator-organization\" organizationId: must be o- and 10 to 32 letters or digits, got \"acme\"",
        "regions|[\"eu-west-1\", \"eu-west-1\"]|cdk.json context \"remediator-organization\" regions[1]: \"eu-west-1\" is listed twice",
        "regions|[]|cdk.json context \"remediator-organization\" regions: must name at least one Region",
        "regions|[\"Ireland\"]|cdk.json context \"remediator-organization\" regions[0]: must be a Region name such as eu-west-1, got the string \"Ireland\"",
        "organizationalUnits|[\"123456789012\"]|cdk.json context \"remediator-organization\" organizationalUnits[0]: must be an OU id (ou-...) or the root id (r-...), got the string \"123456789012\"",
        "artifactBucketPrefix|\"Acme_Bucket\"|cdk.json context \"remediator-organization\" artifactBucketPrefix: must be 3 to 42 lowercase letters, digits and hyphens, starting and ending with a letter or digit, got \"Acme_Bucket\"",
        "callAs|\"ADMIN\"|cdk.json context \"remediator-organization\" callAs: must be SELF or DELEGATED_ADMIN, got \"ADMIN\"",
        "maxConcurrentPercentage|0|cdk.json context \"remediator-organization\" maxConcurrentPercentage: must be an integer from 1 to 100, got 0",
        "failureTolerancePercentage|101|cdk.json context \"remediator-organization\" failureTolerancePercentage: must be an integer from 0 to 100, got 101",
        "regionConcurrency|\"ALL\"|cdk.json context \"remediator-organization\" regionConcurrency: must be SEQUENTIAL or PARALLEL, got \"ALL\"",
        "regoins|[]|cdk.json context \"remediator-organization\" regoins: unknown field (expected one of artifactBucketPrefix, callAs, concurrencyMode, failureTolerancePercentage, functionJar, homeRegion, maxConcurrentPercentage, organizationId, organizationalUnits, overrides, regionConcurrency, regions, retainStacksOnAccountRemoval, stackSetName)",
        "functionJar|{\"key\": \"remediator.jar\", \"versions\": {}}|cdk.json context \"remediator-organization\" functionJar.key: must be a key ./dev upload printed (eks-node-remediator/<version>/remediator-<sha256>.jar), got \"remediator.jar\"",
      })
  void parse_badField_failsOnOneLineNamingIt(String field, String json, String message) {
    ObjectNode settings = (ObjectNode) OrgStacks.tree(MINIMAL);
    settings.set(field, OrgStacks.tree(json));

    assertThatThrownBy(() -> OrganizationSettings.parse(settings.toString()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(message);
  }

  @Test
  void parse_missingOrganizationId_saysItIsRequired() {
    ObjectNode settings = (ObjectNode) OrgStacks.tree(MINIMAL);
    settings.remove("organizationId");

    assertThatThrownBy(() -> OrganizationSettings.parse(settings.toString()))
        .hasMessage(
            "cdk.json context \"remediator-organization\" organizationId: is required: o- and 10"
                + " to 32 letters or digits");
  }

  @Test
  void parse_jarWithoutARegionsVersion_saysToUpload() {
    ObjectNode settings = (ObjectNode) OrgStacks.tree(OrgStacks.ORGANIZATION);
    ((ObjectNode) settings.at("/functionJar/versions")).remove("us-east-1");

    assertThatThrownBy(() -> OrganizationSettings.parse(settings.toString()))
        .hasMessage(
            "cdk.json context \"remediator-organization\" functionJar.versions.us-east-1: is"
                + " missing: every Region in regions needs the jar; run ./dev upload");
  }

  @Test
  void parse_jarVersionForARegionNotDeployed_isRejected() {
    ObjectNode settings = (ObjectNode) OrgStacks.tree(OrgStacks.ORGANIZATION);
    ((ObjectNode) settings.at("/functionJar/versions")).put("ap-south-1", "abc");

    assertThatThrownBy(() -> OrganizationSettings.parse(settings.toString()))
        .hasMessageStartingWith(
            "cdk.json context \"remediator-organization\" functionJar.versions.ap-south-1: unknown"
                + " field");
  }

  @Test
  void parse_overrideOnABaseOu_isRejected_soNoAccountGetsTwoRemediators() {
    ObjectNode settings = (ObjectNode) OrgStacks.tree(OrgStacks.ORGANIZATION);
    ((ObjectNode) settings.at("/overrides/0"))
        .set("organizationalUnits", OrgStacks.tree("[\"ou-ab12-22222222\"]"));

    assertThatThrownBy(() -> OrganizationSettings.parse(settings.toString()))
        .hasMessage(
            "cdk.json context \"remediator-organization\" overrides[0].organizationalUnits:"
                + " ou-ab12-22222222 is also in organizationalUnits: two StackSets would put two"
                + " remediators into its accounts");
  }

  @Test
  void parse_sameOuInTwoOverrides_isRejected_namingBoth() {
    ObjectNode settings = (ObjectNode) OrgStacks.tree(OrgStacks.ORGANIZATION);
    ((com.fasterxml.jackson.databind.node.ArrayNode) settings.get("overrides"))
        .add(
            OrgStacks.tree(
                """
                {"name": "Edge", "organizationalUnits": ["ou-ab12-44444444", "ou-ab12-33333333"],
                 "remediator": {"clusters": ["edge"]}}
                """));

    assertThatThrownBy(() -> OrganizationSettings.parse(settings.toString()))
        .hasMessage(
            "cdk.json context \"remediator-organization\" overrides[1].organizationalUnits:"
                + " ou-ab12-33333333 is also in overrides[0].organizationalUnits: two StackSets"
                + " would put two remediators into its accounts");
  }

  @Test
  void parse_rootInTheBase_withAnOverride_isRejected() {
    ObjectNode settings = (ObjectNode) OrgStacks.tree(OrgStacks.ORGANIZATION);
    settings.set("organizationalUnits", OrgStacks.tree("[\"r-ab12\"]"));

    assertThatThrownBy(() -> OrganizationSettings.parse(settings.toString()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "cdk.json context \"remediator-organization\" overrides[0].organizationalUnits: the"
                + " base organizationalUnits target the root r-ab12, which holds every account:"
                + " an override would put a second remediator into its accounts");
  }

  @Test
  void parse_rootInAnOverride_isRejected() {
    ObjectNode settings = (ObjectNode) OrgStacks.tree(OrgStacks.ORGANIZATION);
    ((ObjectNode) settings.at("/overrides/0"))
        .set("organizationalUnits", OrgStacks.tree("[\"ou-ab12-33333333\", \"r-ab12\"]"));

    assertThatThrownBy(() -> OrganizationSettings.parse(settings.toString()))
        .hasMessage(
            "cdk.json context \"remediator-organization\" overrides[0].organizationalUnits:"
                + " r-ab12 is the root, which holds every account, the base organizationalUnits'"
                + " too: their accounts would get two remediators");
  }

  @Test
  void parse_rootAlone_withoutOverrides_isAccepted() {
    assertThat(OrganizationSettings.parse(MINIMAL).organizationalUnits()).containsExactly("r-ab12");
  }

  @Test
  void parse_overrideWithoutRemediator_isRejected() {
    ObjectNode settings = (ObjectNode) OrgStacks.tree(OrgStacks.ORGANIZATION);
    ((ObjectNode) settings.at("/overrides/0")).remove("remediator");

    assertThatThrownBy(() -> OrganizationSettings.parse(settings.toString()))
        .hasMessage(
            "cdk.json context \"remediator-organization\" overrides[0].remediator: is required:"
                + " a JSON object merged over the base remediator configuration");
  }

  @Test
  void mergePatch_mergesObjects_replacesArrays_andNullRemoves() {
    var base =
        OrgStacks.tree(
            "{\"clusters\": [\"a\"], \"imds\": {\"hopLimit\": {\"min\": 2, \"max\": 2},"
                + " \"httpEndpoint\": \"enabled\"}, \"optOutTagKey\": \"x\"}");
    var patch =
        OrgStacks.tree(
            "{\"clusters\": [\"b\", \"c\"], \"imds\": {\"hopLimit\": {\"max\": 3},"
                + " \"httpEndpoint\": null}}");

    assertThat(OrganizationSettings.mergePatch(base, patch))
        .isEqualTo(
            OrgStacks.tree(
                "{\"clusters\": [\"b\", \"c\"], \"imds\": {\"hopLimit\": {\"min\": 2, \"max\":"
                    + " 3}}, \"optOutTagKey\": \"x\"}"));
    assertThat(base.at("/clusters/0").asText()).as("the base is not changed").isEqualTo("a");
  }
}
