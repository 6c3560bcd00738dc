package io.github.eksnoderemediator.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.eksnoderemediator.iam.IamChecks;
import io.github.eksnoderemediator.iam.IamEnforcement;
import io.github.eksnoderemediator.json.Json;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.testing.Ec2Fixtures;
import io.github.eksnoderemediator.testing.Instances;
import io.github.eksnoderemediator.testing.LocalCommand;
import io.github.eksnoderemediator.testing.LocalCommand.Run;
import io.github.eksnoderemediator.testing.MotoServer;
import io.github.eksnoderemediator.testing.RecordingProxy;
import io.github.eksnoderemediator.testing.SampleEvents;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local command exactly as an operator runs it: {@code java -jar lambda/target/remediator.jar
 * handle <file>}, configured only through the standard AWS environment and {@code
 * REMEDIATOR_CONFIG}, against the emulator behind a recording proxy.
 */
class LocalCommandIT {
  private static final String CONFIG =
      "{\"waits\": {\"notFoundSeconds\": 1, \"firstBackoffMillis\": 200}}";
  private static RecordingProxy proxy;

  /** The synthesized roles must allow every call the test's code makes (reading B). */
  @RegisterExtension static final IamChecks IAM = new IamChecks();

  private static IamEnforcement iam;
  private static Ec2Fixtures fixtures;

  @TempDir Path dir;

  @BeforeAll
  static void startEmulator() throws Exception {
    assertThat(LocalCommand.JAR).as("the shaded jar (built by mvn package)").exists();
    MotoServer moto = MotoServer.shared();
    proxy = new RecordingProxy(moto.endpoint());
    iam = IAM.enforce(proxy, MotoServer.shared().endpoint(), CONFIG);
    fixtures = new Ec2Fixtures(moto.endpoint());
  }

  @AfterAll
  static void stopProxy() {
    proxy.close();
  }

  @BeforeEach
  void clearCalls() {
    proxy.clear();
  }

  private Run run(byte[] input, String... extra) throws Exception {
    return LocalCommand.run("handle", input, proxy.endpoint(), CONFIG, dir, extra);
  }

  @Test
  void handle_remediatesEveryKindOfNode_fromRealShapedEvents() throws Exception {
    InstanceId managed = fixtures.launch(Instances.MANAGED_PROD, "optional", 1);
    InstanceId karpenter = fixtures.launch(Instances.KARPENTER_PROD, "optional", 1);
    InstanceId selfManaged = fixtures.launch(Instances.SELF_MANAGED_PROD, "optional", 1);

    Run a =
        run(
            SampleEvents.withIds(
                "cloudtrail-runinstances-managed-nodegroup.json",
                Map.of("i-0a1b2c3d4e5f60002", managed.value())));
    Run b =
        run(
            SampleEvents.withIds(
                "cloudtrail-createfleet-one-instance.json",
                Map.of("i-0a1b2c3d4e5f60006", karpenter.value())));
    Run c =
        run(
            SampleEvents.withIds(
                "state-change-pending.json", Map.of("i-0a1b2c3d4e5f60001", selfManaged.value())));

    for (Run r : List.of(a, b, c)) {
      assertThat(r.exit()).as(r.stderr()).isZero();
      // One SLF4J binding in the shaded jar: SLF4J has nothing to warn about.
      assertThat(r.stderr()).doesNotContain("SLF4J");
      assertThat(r.report().path("results").get(0).path("decision").asText()).isEqualTo("changed");
    }
    assertThat(a.report().path("results").get(0).path("nodeKind").asText())
        .isEqualTo("managed-node-group");
    assertThat(b.report().path("results").get(0).path("nodeKind").asText()).isEqualTo("karpenter");
    assertThat(c.report().path("results").get(0).path("nodeKind").asText())
        .isEqualTo("self-managed");
    // Launched with hop limit 1, as Karpenter v1 and AL2023 do: the default band leaves it at 1.
    for (InstanceId id : List.of(managed, karpenter, selfManaged)) {
      assertThat(fixtures.options(id)).isEqualTo("required/1/enabled");
    }
    // The decision log goes to stderr, one JSON object per line, one line per decision, next to
    // the CloudWatch EMF metric lines.
    assertThat(a.stderr()).contains("\"_aws\"").contains("\"NodesRemediated\"");
    assertThat(a.stderr().lines().filter(l -> l.contains("\"message\":\"imds ")).toList())
        .hasSize(1)
        .allSatisfy(
            l ->
                assertThat(Json.MAPPER.readTree(l).path("result").path("instanceId").asText())
                    .isEqualTo(managed.value()));
  }

  /**
   * The shaded jar holds exactly one SLF4J binding, slf4j-simple: the SDK's warnings go to stderr,
   * which Lambda sends to the function's log group. A second binding (such as the CDK app's
   * slf4j-nop, which did reach the demo's classpath) would make SLF4J print "multiple SLF4J
   * bindings" on every start.
   */
  @Test
  void theShippedJar_hasExactlyOneSlf4jBinding_slf4jSimple() throws Exception {
    List<String> bindings = new ArrayList<>();
    List<String> staticBinders = new ArrayList<>();
    List<String> providers = new ArrayList<>();
    try (JarFile jar = new JarFile(LocalCommand.JAR.toFile())) {
      jar.stream()
          .map(JarEntry::getName)
          .forEach(
              name -> {
                if (name.equals("org/slf4j/impl/StaticLoggerBinder.class")) {
                  staticBinders.add(name);
                }
                if (name.equals("META-INF/services/org.slf4j.spi.SLF4JServiceProvider")) {
                  providers.add(name);
                }
                for (String binding : SLF4J_BINDINGS) {
                  if (name.endsWith("/" + binding + "/pom.properties")) {
                    bindings.add(binding);
                  }
                }
              });
    }

    assertThat(bindings).containsExactly("slf4j-simple");
    assertThat(staticBinders).hasSize(1);
    assertThat(providers).isEmpty();
  }

  /** Every SLF4J 1.x and 2.x binding (provider) artifact SLF4J's documentation names. */
  private static final List<String> SLF4J_BINDINGS =
      List.of(
          "slf4j-simple",
          "slf4j-nop",
          "slf4j-jdk14",
          "slf4j-jdk-platform-logging",
          "slf4j-log4j12",
          "slf4j-reload4j",
          "slf4j-jcl",
          "logback-classic",
          "log4j-slf4j-impl",
          "log4j-slf4j2-impl");

  @Test
  void handle_leavesNonEksAndCompliantInstancesWithoutAModifyCall() throws Exception {
    InstanceId bastion = fixtures.launch(Map.of("Name", "bastion"), "optional", 1);
    InstanceId compliant = fixtures.launch(Instances.MANAGED_PROD, "required", 2);

    Run r =
        run(
            ("{\"instanceIds\": [\"" + bastion + "\", \"" + compliant + "\"]}")
                .getBytes(StandardCharsets.UTF_8));

    assertThat(r.exit()).isZero();
    assertThat(r.report().path("results").get(0).path("decision").asText()).isEqualTo("skipped");
    assertThat(r.report().path("results").get(1).path("decision").asText()).isEqualTo("compliant");
    assertThat(proxy.calls("ModifyInstanceMetadataOptions")).isEmpty();
    assertThat(fixtures.options(bastion)).isEqualTo("optional/1/enabled");
  }

  @Test
  void handle_dryRunFlag_writesNothing() throws Exception {
    InstanceId node = fixtures.launch(Instances.MANAGED_PROD, "optional", 1);

    Run r =
        run(
            SampleEvents.withIds(
                "manual-one-instance.json", Map.of("i-0a1b2c3d4e5f60002", node.value())),
            "--dry-run");

    assertThat(r.exit()).isZero();
    assertThat(r.report().path("dryRun").asBoolean()).isTrue();
    assertThat(r.report().path("results").get(0).path("reason").asText())
        .startsWith("dry run, would change:");
    assertThat(proxy.calls("ModifyInstanceMetadataOptions")).isEmpty();
    assertThat(fixtures.options(node)).isEqualTo("optional/1/enabled");
  }

  @Test
  void handle_rejectsMalformedInput_withOneLine_andNoAwsCall() throws Exception {
    for (String bad :
        List.of(
            "invalid/truncated-state-change.json",
            "invalid/manual-wrong-id-kind.json",
            "invalid/manual-misspelled-field.json",
            "invalid/state-change-missing-instance-id.json")) {
      Run r = run(SampleEvents.read(bad));
      assertThat(r.exit()).as(bad).isEqualTo(2);
      assertThat(r.stderr().lines().toList()).as(bad).hasSize(1);
      assertThat(r.stderr()).as(bad).startsWith("error: ");
      assertThat(r.stdout()).as(bad).isEmpty();
    }
    assertThat(proxy.calls()).isEmpty();
  }

  @Test
  void handle_ignoresAnEventItHasNoUseFor_withExitZero() throws Exception {
    Run r = run(SampleEvents.read("cloudtrail-terminateinstances.json"));

    assertThat(r.exit()).isZero();
    assertThat(r.report().path("ignored").asText())
        .isEqualTo("CloudTrail call TerminateInstances is not handled");
    assertThat(proxy.calls()).isEmpty();
  }

  @Test
  void handle_exitsOne_whenAnInstanceFailed() throws Exception {
    Run r = run("{\"instanceId\": \"i-00000000000000000\"}".getBytes(StandardCharsets.UTF_8));

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.report().path("results").get(0).path("decision").asText()).isEqualTo("failed");
    assertThat(r.stderr().lines().filter(l -> l.startsWith("error: ")).toList()).hasSize(1);
  }
}
