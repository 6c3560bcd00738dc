package io.github.eksnoderemediator.handler;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.eksnoderemediator.testing.SampleEvents;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MainTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return Main.run(
        List.of(args),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        verb -> {
          throw new AssertionError("no handler (and no AWS client) may be built for bad input");
        });
  }

  private String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void run_printsUsage_forAWrongCommandLine() {
    assertThat(run()).isEqualTo(Main.BAD_INPUT);
    assertThat(run("handle")).isEqualTo(Main.BAD_INPUT);
    assertThat(run("handle", "a.json", "--wet-run")).isEqualTo(Main.BAD_INPUT);
    assertThat(run("remediate", "a.json")).isEqualTo(Main.BAD_INPUT);
    assertThat(run("handle-eni")).isEqualTo(Main.BAD_INPUT);
    assertThat(run("handle-eni", "a.json", "--dryrun")).isEqualTo(Main.BAD_INPUT);
    assertThat(stderr().lines()).allMatch(l -> l.equals(Main.USAGE));
  }

  @Test
  void run_saysWhichFileIsMissing() {
    assertThat(run("handle", "/nonexistent/event.json")).isEqualTo(Main.BAD_INPUT);
    assertThat(stderr())
        .isEqualTo("error: no such file: /nonexistent/event.json" + System.lineSeparator());
  }

  @Test
  void run_rejectsMalformedInput_withOneLine_beforeBuildingAnyAwsClient() {
    String file =
        SampleEvents.eventsDir().resolve("invalid/truncated-state-change.json").toString();
    assertThat(run("handle", file)).isEqualTo(Main.BAD_INPUT);
    assertThat(stderr().lines().toList()).hasSize(1);
    assertThat(stderr()).startsWith("error: ").contains("not valid JSON");
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void run_handleEni_rejectsMalformedInput_withOneLine_beforeBuildingAnyAwsClient() {
    String file =
        SampleEvents.eventsDir().resolve("invalid/manual-misspelled-field.json").toString();
    assertThat(run("handle-eni", file, "--dry-run")).isEqualTo(Main.BAD_INPUT);
    assertThat(stderr().lines().toList()).hasSize(1);
    assertThat(stderr()).startsWith("error: ");
  }

  @Test
  void run_handleEni_runsTheEniHandler_andExitsOneWhenAnInstanceFailed() {
    String file = SampleEvents.eventsDir().resolve("manual-one-instance.json").toString();
    List<String> verbs = new java.util.ArrayList<>();
    int exit =
        Main.run(
            List.of("handle-eni", file),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            verb -> {
              verbs.add(verb);
              return (input, dryRun) ->
                  new Main.Outcome(
                      java.util.Map.of("dryRun", dryRun), true, "1 instance(s) failed: x");
            });

    assertThat(verbs).containsExactly("handle-eni");
    assertThat(exit).isEqualTo(Main.FAILED);
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"dryRun\" : false");
    assertThat(stderr()).isEqualTo("error: 1 instance(s) failed: x" + System.lineSeparator());
  }

  @Test
  void run_invoke_takesTheInlinePayload_andRejectsABadOneBeforeBuildingAnyAwsClient() {
    assertThat(run("invoke", "{\"cluster\": \"prod\", \"nodeGroup\": \"a\", \"nodePool\": \"b\"}"))
        .isEqualTo(Main.BAD_INPUT);
    assertThat(stderr())
        .isEqualTo(
            "error: names both a node group and a node pool; give one" + System.lineSeparator());
  }

  @Test
  void run_invoke_runsTheImdsHandler_andInvokeEniTheEniHandler() {
    java.util.List<String> verbs = new java.util.ArrayList<>();
    Main.HandlerFactory recording =
        verb -> {
          verbs.add(verb);
          return (input, dryRun) -> new Main.Outcome(java.util.Map.of("dryRun", dryRun), false, "");
        };
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

    assertThat(
            Main.run(
                List.of("invoke", "{\"cluster\": \"prod\"}", "--dry-run"), quiet, quiet, recording))
        .isZero();
    assertThat(
            Main.run(
                List.of("invoke-eni", "{\"instanceId\": \"i-0a1b2c3d4e5f60002\"}"),
                quiet,
                quiet,
                recording))
        .isZero();

    assertThat(verbs).containsExactly("invoke", "invoke-eni");
  }
}
