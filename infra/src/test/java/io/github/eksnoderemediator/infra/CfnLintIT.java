package io.github.eksnoderemediator.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * cfn-lint (pinned in requirements-dev.txt) on the synthesized templates: the default stack, the
 * one with clusters, overrides and non-default deployment settings, and the two with ENI profiles.
 */
class CfnLintIT {
  /** cfn-lint's exit code is a bitmask. */
  static final int ERROR = 2;

  static final int WARNING = 4;

  private static Path cfnLint;

  @BeforeAll
  static void findCfnLint() {
    String toolsDir = System.getProperty("tools.dir");
    if (toolsDir != null && Files.isExecutable(Path.of(toolsDir, "venv", "bin", "cfn-lint"))) {
      cfnLint = Path.of(toolsDir, "venv", "bin", "cfn-lint");
      return;
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "cfn-lint"))) {
        cfnLint = Path.of(dir, "cfn-lint");
        return;
      }
    }
    throw new AssertionError(
        "cfn-lint not found in " + toolsDir + "/venv/bin nor on PATH; install it with ./dev setup");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "defaults",
        "clusters",
        "eni",
        "eniClusters",
        "central",
        "centralMember",
        "release",
        "releaseEni"
      })
  void cfnLint_findsNoErrorsAndNoWarnings(String stack) throws Exception {
    TestStacks.Synthesized synthesized = TestStacks.named(stack);
    List<String> command =
        List.of(
            cfnLint.toString(),
            "--regions",
            "eu-west-1",
            "us-east-1",
            "--",
            synthesized.templateFile().toString());

    ProcessRun run =
        ProcessRun.run(command, TestStacks.repoRoot(), Map.of(), Duration.ofMinutes(3));

    assertThat(run.exitCode() & ERROR).as(run.describe(command)).isZero();
    // Warnings are fixed in the stack, or silenced on the one resource with a written reason
    // (see ImdsFunction): a new one should be looked at, not scroll past.
    assertThat(run.exitCode() & WARNING).as(run.describe(command)).isZero();
  }
}
