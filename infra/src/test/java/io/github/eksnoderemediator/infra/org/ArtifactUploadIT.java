package io.github.eksnoderemediator.infra.org;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.eksnoderemediator.infra.EksNodeRemediator;
import io.github.eksnoderemediator.testing.MotoServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketLocationConstraint;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.ObjectVersion;

/**
 * {@code ./dev upload}'s program, run as {@code ./dev} runs it (a JVM in the repository root, the
 * SDK's usual credentials and {@code AWS_ENDPOINT_URL}), against versioned buckets in moto.
 */
class ArtifactUploadIT {
  static final List<String> REGIONS = List.of("eu-west-1", "us-east-1");
  static final String PREFIX = "acme-eks-node-remediator";

  private MotoServer moto;

  @BeforeEach
  void cleanAccount() {
    moto = MotoServer.shared();
    moto.reset();
  }

  @Test
  void upload_putsTheJarIntoEveryRegionsBucket_andPrintsTheKeyAndEachVersionId(@TempDir Path root)
      throws Exception {
    repository(root, "jar bytes, version one");
    buckets(true);

    Run run = upload(root);

    assertThat(run.exitCode()).as(run.output()).isZero();
    String sha256 = ArtifactUpload.sha256(root.resolve(ArtifactUpload.JAR));
    String key =
        "eks-node-remediator/" + EksNodeRemediator.VERSION + "/remediator-" + sha256 + ".jar";
    Map<String, String> printed = printedVersions(run.output());
    assertThat(printed.keySet()).containsExactlyElementsOf(REGIONS);
    for (String region : REGIONS) {
      List<ObjectVersion> versions =
          s3(region).listObjectVersions(r -> r.bucket(PREFIX + "-" + region)).versions();
      assertThat(versions)
          .singleElement()
          .satisfies(
              v -> {
                assertThat(v.key()).isEqualTo(key);
                assertThat(v.versionId()).isEqualTo(printed.get(region));
              });
      byte[] stored =
          s3(region)
              .getObject(
                  r -> r.bucket(PREFIX + "-" + region).key(key).versionId(printed.get(region)),
                  ResponseTransformer.toBytes())
              .asByteArray();
      assertThat(stored).isEqualTo(Files.readAllBytes(root.resolve(ArtifactUpload.JAR)));
    }
    assertThat(run.output()).contains("\"key\" : \"" + key + "\"");
    // The printed object is what the organization settings accept.
    OrganizationSettings.parse(settingsWith(run.output()));
  }

  @Test
  void upload_again_writesNothing_andPrintsTheSameVersions(@TempDir Path root) throws Exception {
    repository(root, "jar bytes");
    buckets(true);
    Run first = upload(root);

    Run second = upload(root);

    assertThat(second.exitCode()).as(second.output()).isZero();
    assertThat(printedVersions(second.output())).isEqualTo(printedVersions(first.output()));
    assertThat(second.output()).contains("(already there)").doesNotContain("(uploaded)");
    for (String region : REGIONS) {
      assertThat(s3(region).listObjectVersions(r -> r.bucket(PREFIX + "-" + region)).versions())
          .hasSize(1);
    }
  }

  @Test
  void upload_aNewJar_addsANewKeyBesideTheOld(@TempDir Path root) throws Exception {
    repository(root, "jar one");
    buckets(true);
    Run first = upload(root);
    Files.writeString(root.resolve(ArtifactUpload.JAR), "jar two");

    Run second = upload(root);

    assertThat(second.exitCode()).as(second.output()).isZero();
    List<String> keys =
        s3("eu-west-1").listObjectVersions(r -> r.bucket(PREFIX + "-eu-west-1")).versions().stream()
            .map(ObjectVersion::key)
            .toList();
    assertThat(keys).hasSize(2).doesNotHaveDuplicates();
    assertThat(printedVersions(second.output())).isNotEqualTo(printedVersions(first.output()));
  }

  @Test
  void upload_withoutTheBucket_saysWhichStackToDeploy_andWritesNothing(@TempDir Path root)
      throws Exception {
    repository(root, "jar");

    Run run = upload(root);

    assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
    assertThat(run.output().strip())
        .isEqualTo(
            "error: bucket acme-eks-node-remediator-eu-west-1 not found in eu-west-1; deploy it"
                + " first: ./dev cdk-org deploy EksNodeRemediatorArtifacts-eu-west-1");
  }

  @Test
  void upload_toAnUnversionedBucket_refuses(@TempDir Path root) throws Exception {
    repository(root, "jar");
    buckets(false);

    Run run = upload(root);

    assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
    assertThat(run.output().strip())
        .startsWith(
            "error: bucket acme-eks-node-remediator-eu-west-1 in eu-west-1 is not versioned");
    assertThat(s3("eu-west-1").listObjectVersions(r -> r.bucket(PREFIX + "-eu-west-1")).versions())
        .isEmpty();
  }

  // ---- helpers ---------------------------------------------------------------------------------

  record Run(int exitCode, String output) {}

  /** A repository root with cdk.json's organization settings and a function jar. */
  private static void repository(Path root, String jarContent) throws IOException {
    Files.writeString(
        root.resolve("cdk.json"),
        """
        {"app": "unused", "context": {"remediator-organization": {
          "organizationId": "o-a1b2c3d4e5", "homeRegion": "eu-west-1",
          "regions": ["eu-west-1", "us-east-1"], "organizationalUnits": ["r-ab12"],
          "artifactBucketPrefix": "acme-eks-node-remediator",
          "functionJar": {"key": "stale", "versions": {}}}}}
        """);
    Files.createDirectories(root.resolve(ArtifactUpload.JAR).getParent());
    Files.writeString(root.resolve(ArtifactUpload.JAR), jarContent);
  }

  private void buckets(boolean versioned) {
    for (String region : REGIONS) {
      S3Client s3 = s3(region);
      String bucket = PREFIX + "-" + region;
      if ("us-east-1".equals(region)) {
        s3.createBucket(r -> r.bucket(bucket));
      } else {
        s3.createBucket(
            r ->
                r.bucket(bucket)
                    .createBucketConfiguration(
                        c -> c.locationConstraint(BucketLocationConstraint.fromValue(region))));
      }
      if (versioned) {
        s3.putBucketVersioning(
            r ->
                r.bucket(bucket)
                    .versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
      }
    }
  }

  private S3Client s3(String region) {
    return S3Client.builder()
        .region(Region.of(region))
        .endpointOverride(moto.endpoint())
        .forcePathStyle(true)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .build();
  }

  /** The program in a JVM of its own, on the classpath ./dev upload uses. */
  private Run upload(Path root) throws Exception {
    Path infra = OrgStacks.repoRoot().resolve("infra");
    String classpath =
        infra.resolve("target/classes")
            + java.io.File.pathSeparator
            + Files.readString(infra.resolve("target/cdk-app.classpath")).strip();
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                classpath,
                "io.github.eksnoderemediator.infra.org.ArtifactUpload"));
    Path log = Files.createTempFile("artifact-upload", ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(root.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    Map<String, String> env = builder.environment();
    env.put("AWS_ENDPOINT_URL", moto.endpoint().toString());
    env.put("AWS_ACCESS_KEY_ID", "test");
    env.put("AWS_SECRET_ACCESS_KEY", "test");
    env.put("AWS_EC2_METADATA_DISABLED", "true");
    env.remove("AWS_PROFILE");
    Process p = builder.start();
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("ArtifactUpload did not finish: " + Files.readString(log));
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    Files.deleteIfExists(log);
    return new Run(p.exitValue(), output);
  }

  /** The "versions" object of the printed functionJar. */
  private static Map<String, String> printedVersions(String output) {
    var versions =
        OrgStacks.tree(output.substring(output.indexOf('{'))).at("/functionJar/versions");
    Map<String, String> byRegion = new java.util.LinkedHashMap<>();
    versions.properties().forEach(e -> byRegion.put(e.getKey(), e.getValue().asText()));
    return byRegion;
  }

  private static String settingsWith(String output) {
    var jar = OrgStacks.tree(output.substring(output.indexOf('{'))).get("functionJar");
    var settings =
        (com.fasterxml.jackson.databind.node.ObjectNode)
            OrgStacks.tree(
                """
                {"organizationId": "o-a1b2c3d4e5", "homeRegion": "eu-west-1",
                 "regions": ["eu-west-1", "us-east-1"], "organizationalUnits": ["r-ab12"],
                 "artifactBucketPrefix": "acme-eks-node-remediator"}
                """);
    settings.set("functionJar", jar);
    return settings.toString();
  }
}
