package io.github.eksnoderemediator.infra.org;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.eksnoderemediator.infra.ProcessRun;
import io.github.eksnoderemediator.json.Json;
import io.github.eksnoderemediator.testing.MotoServer;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.organizations.OrganizationsClient;
import software.amazon.awssdk.services.organizations.model.OrganizationFeatureSet;

/**
 * {@code ./dev org-check}'s program, run as {@code ./dev} runs it (a JVM in the repository root,
 * the SDK's usual credentials and {@code AWS_ENDPOINT_URL}), against an organization in moto:
 *
 * <pre>
 * root
 * ├── Workloads          (the base StackSet's OU)
 * │   └── Telco          (nested: targeted by the base already)
 * └── Sandbox
 * </pre>
 */
class OrganizationCheckIT {
  private MotoServer moto;
  private String organizationId;
  private String root;
  private String workloads;
  private String telco;
  private String sandbox;

  @BeforeEach
  void organization() {
    moto = MotoServer.shared();
    moto.reset();
    try (OrganizationsClient organizations = organizations()) {
      organizationId =
          organizations
              .createOrganization(r -> r.featureSet(OrganizationFeatureSet.ALL))
              .organization()
              .id();
      root = organizations.listRoots(r -> {}).roots().get(0).id();
      workloads = ou(organizations, root, "Workloads");
      telco = ou(organizations, workloads, "Telco");
      sandbox = ou(organizations, root, "Sandbox");
    }
  }

  @Test
  void check_overrideBesideTheBase_printsEachPath_andExitsZero(@TempDir Path repo)
      throws Exception {
    settings(repo, organizationId, List.of(workloads), List.of(sandbox));

    ProcessRun run = check(repo);

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output().lines())
        .containsExactly(
            "ok: %s (organizationalUnits, StackSet EksNodeRemediator): %s / %s"
                .formatted(workloads, root, workloads),
            "ok: %s (overrides[0].organizationalUnits, StackSet EksNodeRemediator-Telco): %s / %s"
                .formatted(sandbox, root, sandbox),
            "no overlap: every account is targeted by one StackSet at most");
  }

  @Test
  void check_overrideNestedInsideABaseOu_isAnOverlap_onOneLine_exitOne(@TempDir Path repo)
      throws Exception {
    settings(repo, organizationId, List.of(workloads), List.of(telco));

    ProcessRun run = check(repo);

    assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
    assertThat(run.output().lines())
        .contains(
            "ok: %s (overrides[0].organizationalUnits, StackSet EksNodeRemediator-Telco): %s / %s / %s"
                .formatted(telco, root, workloads, telco),
            ("overlap: %s (overrides[0].organizationalUnits, StackSet EksNodeRemediator-Telco) is"
                    + " inside %s (organizationalUnits, StackSet EksNodeRemediator): its accounts"
                    + " would get two remediators")
                .formatted(telco, workloads))
        .noneMatch(line -> line.startsWith("no overlap"));
  }

  @Test
  void check_baseOuNestedInsideAnOverride_isAnOverlapToo(@TempDir Path repo) throws Exception {
    settings(repo, organizationId, List.of(telco), List.of(workloads));

    ProcessRun run = check(repo);

    assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
    assertThat(run.output().lines())
        .contains(
            ("overlap: %s (organizationalUnits, StackSet EksNodeRemediator) is inside %s"
                    + " (overrides[0].organizationalUnits, StackSet EksNodeRemediator-Telco): its"
                    + " accounts would get two remediators")
                .formatted(telco, workloads));
  }

  @Test
  void check_anOuOutsideTheOrganization_isBadInput_exitTwo(@TempDir Path repo) throws Exception {
    settings(repo, organizationId, List.of(workloads), List.of("ou-zz99-zzzzzzzz"));

    ProcessRun run = check(repo);

    assertThat(run.exitCode()).as(run.output()).isEqualTo(2);
    assertThat(run.output().lines())
        .last()
        .isEqualTo(
            "error: cdk.json context \"remediator-organization\""
                + " overrides[0].organizationalUnits: ou-zz99-zzzzzzzz is not an OU of this"
                + " organization");
  }

  @Test
  void check_credentialsOfAnotherOrganization_areRefused_exitTwo(@TempDir Path repo)
      throws Exception {
    settings(repo, "o-aaaaaaaaaa", List.of(workloads), List.of(sandbox));

    ProcessRun run = check(repo);

    assertThat(run.exitCode()).as(run.output()).isEqualTo(2);
    assertThat(run.output().strip())
        .isEqualTo(
            ("error: cdk.json context \"remediator-organization\" organizationId: o-aaaaaaaaaa,"
                    + " but these credentials are in %s; use the management or delegated-admin"
                    + " account's")
                .formatted(organizationId));
  }

  @Test
  void check_settingsRefusedOffline_sayWhy_beforeAnyCall_exitTwo(@TempDir Path repo)
      throws Exception {
    settings(repo, organizationId, List.of(root), List.of(sandbox));

    ProcessRun run = check(repo);

    assertThat(run.exitCode()).as(run.output()).isEqualTo(2);
    assertThat(run.output().strip())
        .isEqualTo(
            ("error: cdk.json context \"remediator-organization\""
                    + " overrides[0].organizationalUnits: the base organizationalUnits target the"
                    + " root %s, which holds every account: an override would put a second"
                    + " remediator into its accounts")
                .formatted(root));
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private static String ou(OrganizationsClient organizations, String parent, String name) {
    return organizations
        .createOrganizationalUnit(r -> r.parentId(parent).name(name))
        .organizationalUnit()
        .id();
  }

  private OrganizationsClient organizations() {
    return OrganizationsClient.builder()
        .region(Region.AWS_GLOBAL)
        .endpointOverride(moto.endpoint())
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .build();
  }

  /** A repository root whose cdk.json has a base StackSet and one override. */
  private static void settings(
      Path repo, String organizationId, List<String> base, List<String> override) throws Exception {
    Files.writeString(
        repo.resolve("cdk.json"),
        """
        {"app": "unused", "context": {"remediator-organization": {
          "organizationId": "%s", "homeRegion": "eu-west-1", "regions": ["eu-west-1"],
          "organizationalUnits": %s, "artifactBucketPrefix": "acme-eks-node-remediator",
          "overrides": [{"name": "Telco", "organizationalUnits": %s,
                         "remediator": {"clusters": ["cnf"]}}]}}}
        """
            .formatted(organizationId, json(base), json(override)));
  }

  private static String json(List<String> ids) {
    return Json.compact(ids);
  }

  /** The program in a JVM of its own, on the classpath ./dev org-check uses. */
  private ProcessRun check(Path repo) throws Exception {
    Path infra = OrgStacks.repoRoot().resolve("infra");
    String classpath =
        infra.resolve("target/classes")
            + File.pathSeparator
            + Files.readString(infra.resolve("target/cdk-app.classpath")).strip();
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            classpath,
            "io.github.eksnoderemediator.infra.org.OrganizationCheck");
    return ProcessRun.run(
        command,
        repo,
        Map.of(
            "AWS_ENDPOINT_URL", moto.endpoint().toString(),
            "AWS_ACCESS_KEY_ID", "test",
            "AWS_SECRET_ACCESS_KEY", "test",
            "AWS_EC2_METADATA_DISABLED", "true"),
        Duration.ofMinutes(2));
  }
}
