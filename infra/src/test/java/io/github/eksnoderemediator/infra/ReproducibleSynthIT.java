package io.github.eksnoderemediator.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Same {@code cdk.json}, same bytes: each of the three apps synthesized twice through the pinned
 * CDK CLI, each time in a JVM of its own, gives byte-identical templates and asset manifests (and,
 * for the organization app, member templates too large to go inline). Iteration order that varies
 * from one JVM to the next ({@code Map.of}, {@code Set.of}) would change them; in the organization
 * app a changed member template is a StackSet update that rolls through every account and Region.
 */
class ReproducibleSynthIT {
  private static final Duration TIMEOUT = Duration.ofMinutes(5);

  /** The standalone app with both functions and a central view bus: every construct it has. */
  @Test
  void remediatorApp_synthesizedTwice_givesTheSameBytes(@TempDir Path first, @TempDir Path second)
      throws Exception {
    List<String> context =
        List.of(
            "--context",
            "remediator=" + TestStacks.JSON.readTree(TestStacks.ENI_REMEDIATOR),
            "--context",
            "remediator-deployment=" + deploymentWithCentralBus());

    assertSameBytes(synth(List.of(), context, first), synth(List.of(), context, second));
  }

  @Test
  void organizationApp_synthesizedTwice_givesTheSameBytes(@TempDir Path first, @TempDir Path second)
      throws Exception {
    List<String> app = List.of("--app", "sh infra/org-app.sh");
    List<String> context =
        List.of(
            "--context",
            "remediator-organization="
                + TestStacks.JSON.readTree(OrganizationCdkCliIT.ORGANIZATION));

    assertSameBytes(synth(app, context, first), synth(app, context, second));
  }

  @Test
  void centralViewApp_synthesizedTwice_givesTheSameBytes(@TempDir Path first, @TempDir Path second)
      throws Exception {
    List<String> app = List.of("--app", "sh infra/central-view-app.sh");
    List<String> context =
        List.of("--context", "central-view=" + TestStacks.JSON.readTree(TestStacks.CENTRAL_VIEW));

    assertSameBytes(synth(app, context, first), synth(app, context, second));
  }

  /** cdk.json's remediator-deployment, with the central view's bus (DecisionEvents' policy). */
  private static String deploymentWithCentralBus() throws IOException {
    var deployment =
        (com.fasterxml.jackson.databind.node.ObjectNode)
            TestStacks.JSON
                .readTree(TestStacks.repoRoot().resolve("cdk.json").toFile())
                .at("/context/" + AppSettings.DEPLOYMENT_KEY)
                .deepCopy();
    deployment.setAll(
        (com.fasterxml.jackson.databind.node.ObjectNode)
            TestStacks.JSON.readTree(TestStacks.CENTRAL_MEMBER_DEPLOYMENT));
    return deployment.toString();
  }

  /** One CLI synth into {@code out}, in its own processes (node, then the app's JVM). */
  private static Path synth(List<String> app, List<String> context, Path out) throws Exception {
    Path root = TestStacks.repoRoot();
    List<String> command = new ArrayList<>();
    command.add(root.resolve("node_modules/.bin/cdk").toString());
    command.addAll(app);
    command.addAll(List.of("synth", "--quiet", "--output", out.toString()));
    command.addAll(context);
    ProcessRun run = ProcessRun.run(command, root, CdkCliSynthIT.cliEnvironment(), TIMEOUT);
    assertThat(run.exitCode()).as(run.describe(command)).isZero();
    return out;
  }

  /**
   * Every template, asset manifest and JSON file asset (a member template by TemplateURL) of the
   * two assemblies, by name: the same names, and byte for byte the same content.
   */
  private static void assertSameBytes(Path first, Path second) throws IOException {
    TreeMap<String, byte[]> a = compared(first);
    TreeMap<String, byte[]> b = compared(second);
    assertThat(a.keySet()).as("the files of the two assemblies").isNotEmpty();
    assertThat(b.keySet()).as("the files of the two assemblies").isEqualTo(a.keySet());
    for (String name : a.keySet()) {
      assertThat(new String(b.get(name), java.nio.charset.StandardCharsets.UTF_8))
          .as("%s of two syntheses in separate JVMs", name)
          .isEqualTo(new String(a.get(name), java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  private static TreeMap<String, byte[]> compared(Path assembly) throws IOException {
    TreeMap<String, byte[]> files = new TreeMap<>();
    try (Stream<Path> all = Files.list(assembly)) {
      for (Path file : all.toList()) {
        String name = file.getFileName().toString();
        boolean template = name.endsWith(".template.json");
        boolean manifest = name.endsWith(".assets.json");
        boolean jsonAsset = name.startsWith("asset.") && name.endsWith(".json");
        if (template || manifest || jsonAsset) {
          files.put(name, Files.readAllBytes(file));
        }
      }
    }
    return files;
  }
}
