package io.github.eksnoderemediator.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.assertions.Template;

/**
 * The real, pinned CDK CLI on the central view's app, as docs/central-view.md says to run it:
 * {@code cdk --app "sh infra/central-view-app.sh" --context central-view=…}. Needs
 * infra/target/cdk-app.classpath, which {@code mvn verify} has built by now (no function jar).
 */
class CentralViewSynthIT {
  private static final String APP = "sh infra/central-view-app.sh";

  private static List<String> synth(Path out, String centralView) {
    Path root = TestStacks.repoRoot();
    return List.of(
        root.resolve("node_modules/.bin/cdk").toString(),
        "synth",
        "--quiet",
        "--app",
        APP,
        "--output",
        out.toString(),
        "--context",
        "central-view=" + centralView);
  }

  @Test
  void synth_writesTheCentralStack_withTheOrganizationInTheBusPolicy(@TempDir Path out)
      throws Exception {
    List<String> command = synth(out, "{\"organizationId\":\"o-z9y8x7w6v5\"}");

    ProcessRun run =
        ProcessRun.run(
            command, TestStacks.repoRoot(), CdkCliSynthIT.cliEnvironment(), Duration.ofMinutes(5));

    assertThat(run.exitCode()).as(run.describe(command)).isZero();
    Path file = out.resolve(CentralViewApp.STACK_NAME + ".template.json");
    assertThat(file).isRegularFile();
    Template template = Template.fromString(Files.readString(file));
    template.hasResourceProperties(
        "AWS::Events::EventBusPolicy",
        Map.of(
            "Statement",
            Map.of(
                "Condition",
                Map.of("StringEquals", Map.of("aws:PrincipalOrgID", "o-z9y8x7w6v5")))));
    template.resourceCountIs("AWS::Events::Rule", 1);
    template.resourceCountIs("AWS::CloudWatch::Dashboard", 1);
    template.resourceCountIs("AWS::Lambda::Function", 0);
  }

  @Test
  void synth_withoutAnOrganization_failsOnOneLineWithoutAStackTrace(@TempDir Path out)
      throws Exception {
    List<String> command = synth(out, "{\"busName\":\"decisions\"}");

    ProcessRun run =
        ProcessRun.run(
            command, TestStacks.repoRoot(), CdkCliSynthIT.cliEnvironment(), Duration.ofMinutes(5));

    assertThat(run.exitCode()).as(run.describe(command)).isNotZero();
    assertThat(run.output().lines())
        .as(run.describe(command))
        .contains(
            "error: context \"central-view\" organizationId: missing: the organization's id (o-…)")
        .noneMatch(line -> line.contains("Exception") || line.startsWith("\tat "));
  }
}
