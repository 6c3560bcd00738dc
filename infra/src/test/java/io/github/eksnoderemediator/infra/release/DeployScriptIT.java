package io.github.eksnoderemediator.infra.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.eksnoderemediator.infra.ProcessRun;
import io.github.eksnoderemediator.testing.MotoServer;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
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
 * The bundle's deploy.sh, run as its README says, with a PATH that holds nothing but the AWS CLI
 * (the real one, found on this machine's PATH, behind a wrapper that records each call) against
 * moto: the README's commands are all it takes.
 *
 * <p>Where moto stops: {@code aws cloudformation deploy} uploads the template and creates the
 * change set, then waits for it, and moto answers that wait with HTTP 500: its template parser
 * fails on the {@code Fn::Select}/{@code Fn::Split} over an {@code AWS::Lambda::Alias}'s {@code
 * Ref} (moto 5.2 resolves that Ref to nothing; every EventInvokeConfig and event source mapping
 * names the alias that way). So the bucket check, the upload (and skipping it the second time), the
 * template's upload into the bucket and the deploy call with its parameters and capabilities are
 * proven here; the stack's creation is not.
 */
class DeployScriptIT {
  private static Path aws;
  private MotoServer moto;

  @BeforeAll
  static void findAwsCli() {
    aws = awsCli().orElse(null);
    assumeTrue(
        aws != null, "no AWS CLI (aws) on PATH: install it (apt-get install awscli) to run this");
  }

  @BeforeEach
  void cleanAccount() {
    moto = MotoServer.shared();
    moto.reset();
  }

  @Test
  void deploy_uploadsTheJarToTheVersionedBucket_andDeploysTheTemplateWithItsVersion(
      @TempDir Path dir) throws Exception {
    Path folder = bundle(dir);
    bucket("artifacts", true);
    Path calls = dir.resolve("calls.log");

    ProcessRun first = deploy(folder, dir, calls, "artifacts");

    String sha256 = ReleaseBundle.sha256(folder.resolve("remediator.jar"));
    String key = "eks-node-remediator/1.2.3/remediator-" + sha256 + ".jar";
    List<ObjectVersion> versions =
        s3().listObjectVersions(r -> r.bucket("artifacts").prefix(key)).versions();
    assertThat(versions).as(first.output()).hasSize(1);
    String versionId = versions.get(0).versionId();
    byte[] stored =
        s3().getObject(
                r -> r.bucket("artifacts").key(key).versionId(versionId),
                ResponseTransformer.toBytes())
            .asByteArray();
    assertThat(stored).isEqualTo(Files.readAllBytes(folder.resolve("remediator.jar")));
    assertThat(
            s3().listObjectsV2(
                    r -> r.bucket("artifacts").prefix("eks-node-remediator/1.2.3/templates/"))
                .contents())
        .as("the template, uploaded by cloudformation deploy")
        .hasSize(1);

    List<String> recorded = Files.readAllLines(calls);
    assertThat(recorded.get(0)).startsWith("s3api get-bucket-versioning --bucket artifacts");
    assertThat(recorded).anySatisfy(c -> assertThat(c).startsWith("s3api put-object"));
    String deployCall = recorded.get(recorded.size() - 1);
    if (first.exitCode() != 0) {
      // moto 5.2's CloudFormation stops here (see the class comment): the last call is the deploy.
      assertThat(deployCall).startsWith("cloudformation deploy");
      assertThat(first.output())
          .contains("Waiting for changeset to be created")
          .contains("500 Internal Server Error");
    } else {
      deployCall =
          recorded.stream().filter(c -> c.startsWith("cloudformation deploy")).findFirst().get();
      assertThat(first.output()).contains("ImdsAliasArn").contains("Next step, verify it");
    }
    assertThat(deployCall)
        .contains("--stack-name EksNodeRemediator --template-file template.json")
        .contains("--s3-bucket artifacts")
        .contains(
            "--parameter-overrides ArtifactBucket=artifacts ArtifactKey="
                + key
                + " ArtifactObjectVersion="
                + versionId)
        .contains("--capabilities CAPABILITY_IAM --no-fail-on-empty-changeset");

    // Again: the jar is already there, so nothing is uploaded and the same version is deployed.
    Files.delete(calls);
    ProcessRun second = deploy(folder, dir, calls, "artifacts");
    assertThat(second.output()).contains("remediator.jar is already at s3://artifacts/" + key);
    assertThat(Files.readAllLines(calls))
        .noneSatisfy(c -> assertThat(c).startsWith("s3api put-object"))
        .anySatisfy(c -> assertThat(c).contains("ArtifactObjectVersion=" + versionId));
    assertThat(s3().listObjectVersions(r -> r.bucket("artifacts").prefix(key)).versions())
        .hasSize(1);
  }

  @Test
  void deploy_refusesAnUnversionedBucket_onOneLine_andUploadsNothing(@TempDir Path dir)
      throws Exception {
    Path folder = bundle(dir);
    bucket("plain", false);
    Path calls = dir.resolve("calls.log");

    ProcessRun run = deploy(folder, dir, calls, "plain");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.output().strip())
        .isEqualTo(
            "deploy.sh: s3://plain is not versioned; the stack runs the jar by object version."
                + " Turn it on: aws s3api put-bucket-versioning --bucket plain"
                + " --versioning-configuration Status=Enabled");
    assertThat(Files.readAllLines(calls)).hasSize(1);
    assertThat(s3().listObjectsV2(r -> r.bucket("plain")).contents()).isEmpty();
  }

  @Test
  void deploy_withoutABucket_printsItsUsage(@TempDir Path dir) throws Exception {
    Path folder = bundle(dir);

    ProcessRun run = deploy(folder, dir, dir.resolve("calls.log"), null);

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.output().strip()).isEqualTo("usage: ./deploy.sh BUCKET [STACK_NAME]");
  }

  private static Path bundle(Path dir) throws Exception {
    return ReleaseBundle.build(
        ReleaseBundleTest.input(dir, ReleaseBundleTest.CONFIG), dir.resolve("dist"));
  }

  /**
   * Runs {@code ./deploy.sh} from the bundle folder with only {@code aws} on PATH: a wrapper that
   * records its arguments and runs the real CLI with this machine's PATH (the CLI's own needs).
   */
  private ProcessRun deploy(Path folder, Path dir, Path calls, String bucket) throws Exception {
    Path bin = dir.resolve("only-aws");
    Files.createDirectories(bin);
    Path wrapper = bin.resolve("aws");
    Files.writeString(
        wrapper,
        "#!/bin/sh\n"
            + "printf '%s\\n' \"$*\" >> '"
            + calls
            + "'\n"
            + "PATH='"
            + System.getenv("PATH")
            + "' HOME='"
            + System.getProperty("user.home")
            + "' exec '"
            + aws
            + "' \"$@\"\n");
    Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwx------"));
    Files.writeString(calls, "", java.nio.file.StandardOpenOption.CREATE);
    Map<String, String> env = new TreeMap<>();
    env.put("PATH", bin.toString());
    // moto's CloudFormation reads a TemplateURL's bucket from the path only when the host is
    // "localhost"; the CLI builds that URL from the endpoint.
    env.put("AWS_ENDPOINT_URL", "http://localhost:" + moto.endpoint().getPort());
    env.put("AWS_REGION", MotoServer.REGION);
    env.put("AWS_DEFAULT_REGION", MotoServer.REGION);
    env.put("AWS_ACCESS_KEY_ID", "testing");
    env.put("AWS_SECRET_ACCESS_KEY", "testing");
    env.put("AWS_CONFIG_FILE", dir.resolve("no-config").toString());
    env.put("AWS_SHARED_CREDENTIALS_FILE", dir.resolve("no-credentials").toString());
    env.put("HOME", dir.toString());
    List<String> command = bucket == null ? List.of("./deploy.sh") : List.of("./deploy.sh", bucket);
    return run(command, folder, env);
  }

  /** Runs with exactly {@code env}: nothing of this JVM's environment leaks into deploy.sh. */
  private static ProcessRun run(List<String> command, Path folder, Map<String, String> env)
      throws Exception {
    Path log = Files.createTempFile("deploy-sh", ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(folder.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().clear();
    builder.environment().putAll(env);
    long start = System.nanoTime();
    Process process = builder.start();
    if (!process.waitFor(3, java.util.concurrent.TimeUnit.MINUTES)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      throw new AssertionError(command + " did not finish:\n" + Files.readString(log));
    }
    String output = Files.readString(log);
    Files.delete(log);
    return new ProcessRun(process.exitValue(), output, Duration.ofNanos(System.nanoTime() - start));
  }

  private S3Client s3() {
    return S3Client.builder()
        .region(Region.of(MotoServer.REGION))
        .endpointOverride(moto.endpoint())
        .forcePathStyle(true)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .build();
  }

  private void bucket(String name, boolean versioned) {
    s3().createBucket(
            r ->
                r.bucket(name)
                    .createBucketConfiguration(
                        c -> c.locationConstraint(BucketLocationConstraint.EU_WEST_1)));
    if (versioned) {
      s3().putBucketVersioning(
              r ->
                  r.bucket(name)
                      .versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
    }
  }

  /** The AWS CLI on this machine's PATH, v1 or v2. */
  static Optional<Path> awsCli() {
    for (String entry : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(entry.isEmpty() ? "." : entry, "aws");
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate.toAbsolutePath());
      }
    }
    return Optional.empty();
  }
}
