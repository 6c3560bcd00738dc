package io.github.eksnoderemediator.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.eksnoderemediator.config.ConfigException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The command line, the printed lines and the exit codes, with facts from a stand-in reader. */
class VerifyCommandTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final List<String> readStacks = new ArrayList<>();
  private final List<Optional<String>> regions = new ArrayList<>();

  private int run(Optional<Facts> facts, String... args) {
    VerifyCommand command =
        new VerifyCommand(
            region -> {
              regions.add(region);
              return stack -> {
                readStacks.add(stack);
                return facts;
              };
            });
    return command.run(
        List.of(args),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String stdout() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void run_healthy_printsOneLinePerItemAndASummary_exit0() {
    int exit = run(Optional.of(VerdictsTest.healthy(b -> b)));

    assertThat(exit).isZero();
    assertThat(readStacks).containsExactly(VerifyCommand.DEFAULT_STACK_NAME);
    List<String> lines = stdout().lines().toList();
    assertThat(lines.subList(0, lines.size() - 1)).allMatch(l -> l.startsWith("OK    "));
    assertThat(lines.get(lines.size() - 1))
        .matches("verify EksNodeRemediator in eu-west-1: \\d+ OK, 0 WARN, 0 FAIL");
    assertThat(stderr()).isEmpty();
  }

  @Test
  void run_aWarning_stillExits0_aFailureExits1() {
    int warned =
        run(
            Optional.of(
                VerdictsTest.healthy(
                    b -> {
                      b.queues =
                          List.of(
                              VerdictsTest.queue(
                                  "imds-launches", 0, Optional.of(VerdictsTest.DLQ_ARN)),
                              VerdictsTest.queue("imds-dlq", 1, Optional.empty()));
                      return b;
                    })));
    int failed =
        run(
            Optional.of(
                VerdictsTest.healthy(
                    b -> {
                      b.trails = Facts.Read.of(List.of());
                      return b;
                    })));

    assertThat(warned).isZero();
    assertThat(failed).isEqualTo(1);
    assertThat(stdout()).contains("FAIL  cloudtrail: no trail records write management events");
  }

  @Test
  void run_stackAndRegionArguments_reachTheReader() {
    run(Optional.of(VerdictsTest.healthy(b -> b)), "--stack-name", "Mine", "--region", "us-east-2");

    assertThat(readStacks).containsExactly("Mine");
    assertThat(regions).containsExactly(Optional.of("us-east-2"));
  }

  @Test
  void run_noSuchStack_oneLine_exit2() {
    int exit = run(Optional.empty(), "--stack-name", "Gone");

    assertThat(exit).isEqualTo(2);
    assertThat(stdout()).isEmpty();
    assertThat(stderr().lines())
        .containsExactly(
            "error: no stack Gone in this account and Region (--stack-name, --region,"
                + " AWS_REGION)");
  }

  @Test
  void run_badArguments_oneLine_exit2_withoutReadingAnything() {
    assertThat(run(Optional.empty(), "--stack-name")).isEqualTo(2);
    assertThat(run(Optional.empty(), "--frobnicate")).isEqualTo(2);
    assertThat(run(Optional.empty(), "--end-to-end")).isEqualTo(2);

    assertThat(readStacks).isEmpty();
    assertThat(regions).isEmpty();
    assertThat(stderr().lines())
        .containsExactly(
            "error: --stack-name needs a value; " + VerifyCommand.USAGE,
            "error: unknown argument --frobnicate; " + VerifyCommand.USAGE,
            "error: verify --end-to-end is the canary, not the pipeline check; run it through"
                + " java -jar remediator.jar verify --end-to-end");
  }

  @Test
  void run_noRegion_exit2_noCredentials_exit1() {
    VerifyCommand noRegion =
        new VerifyCommand(
            r -> {
              throw ConfigException.of("no AWS Region configured: set AWS_REGION");
            });
    VerifyCommand noCredentials =
        new VerifyCommand(
            r ->
                stack -> {
                  throw new IllegalStateException("Unable to load credentials\nfrom any provider");
                });
    PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);

    assertThat(noRegion.run(List.of(), o, e)).isEqualTo(2);
    assertThat(noCredentials.run(List.of(), o, e)).isEqualTo(1);
    assertThat(stderr().lines())
        .containsExactly(
            "error: no AWS Region configured: set AWS_REGION",
            "error: IllegalStateException: Unable to load credentials");
  }
}
