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
        () -> {
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
}
