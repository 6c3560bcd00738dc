package io.github.eksnoderemediator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.eksnoderemediator.aot.AotTraining;
import io.github.eksnoderemediator.testing.LocalCommand;
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

/**
 * {@code bin/remediator}, the launcher of the local command: the same arguments, output and exit
 * codes as {@code java -jar}; the AOT cache beside the jar when it fits this JDK and this jar; a
 * plain start with at most one line on stderr when it does not. Each test runs the launcher on a
 * copy of the shipped jar in a folder of its own ({@code REMEDIATOR_JAR}), so no test sees
 * another's cache or the one {@code ./dev build} trained.
 */
class LauncherIT {
  private static final String JAVA_HOME = System.getProperty("java.home");

  @TempDir Path dir;
  private Path jar;

  /** What a command did. */
  record Run(int exit, String stdout, String stderr) {}

  @BeforeEach
  void copyJar() throws IOException {
    jar = dir.resolve("remediator.jar");
    Files.copy(LocalCommand.JAR, jar);
  }

  private Run launcher(Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(LocalCommand.LAUNCHER.toString()));
    command.addAll(List.of(args));
    return run(command, env);
  }

  private Run javaJar(String... args) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(Path.of(JAVA_HOME, "bin", "java").toString(), "-jar", jar.toString()));
    command.addAll(List.of(args));
    return run(command, Map.of());
  }

  private Run run(List<String> command, Map<String, String> extraEnv) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command);
    Map<String, String> env = pb.environment();
    env.keySet()
        .removeIf(
            k -> k.startsWith("AWS_") || k.startsWith("JDK_JAVA") || k.startsWith("JAVA_TOOL"));
    env.put("REMEDIATOR_JAR", jar.toString());
    env.put("JAVA_HOME", JAVA_HOME);
    env.putAll(extraEnv);
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("finished: " + command).isTrue();
    return new Run(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  @Test
  void launcher_passesArgumentsOutputAndExitCodesThrough_withoutACache() throws Exception {
    for (String[] args :
        List.of(
            new String[] {"no-such-verb"},
            new String[] {"handle", dir.resolve("missing.json").toString()},
            new String[] {"invoke", "{\"instanceId\": \"not-an-id\"}"},
            new String[] {})) {
      Run expected = javaJar(args);
      Run actual = launcher(Map.of(), args);
      assertThat(actual.exit()).as(String.join(" ", args)).isEqualTo(expected.exit()).isEqualTo(2);
      assertThat(actual.stdout()).isEqualTo(expected.stdout());
      assertThat(actual.stderr())
          .as("no line of its own without a cache")
          .isEqualTo(expected.stderr());
    }
  }

  @Test
  void launcher_withACacheForAnotherJar_saysSoOnceAndStartsPlain() throws Exception {
    Path cache = AotTraining.cacheFor(jar);
    Files.writeString(cache, "not a cache");
    Files.writeString(
        AotTraining.stampFor(cache),
        Path.of(JAVA_HOME, "bin", "java") + "\n" + (Files.size(jar) + 1) + ":0\n");

    Run expected = javaJar("no-such-verb");
    Run actual = launcher(Map.of(), "no-such-verb");

    assertThat(actual.exit()).isEqualTo(2);
    assertThat(actual.stderr().lines())
        .hasSize((int) expected.stderr().lines().count() + 1)
        .first()
        .asString()
        .startsWith("remediator: the AOT cache is older than the jar");
  }

  @Test
  void launcher_withACacheOfAnotherJdk_saysSoOnceAndRunsTheJdkItIsGiven() throws Exception {
    Path cache = AotTraining.cacheFor(jar);
    Files.writeString(cache, "not a cache");
    Files.writeString(
        AotTraining.stampFor(cache),
        "/nonexistent/jdk/bin/java\n"
            + Files.size(jar)
            + ":"
            + Files.getLastModifiedTime(jar).to(TimeUnit.SECONDS)
            + "\n");

    Run actual = launcher(Map.of(), "no-such-verb");

    assertThat(actual.exit()).isEqualTo(2);
    assertThat(actual.stderr().lines().toList())
        .hasSize(2)
        .first()
        .asString()
        .startsWith("remediator: the AOT cache was trained with /nonexistent/jdk/bin/java");
  }

  @Test
  void launcher_startsFromATrainedCache_onJdk25OrNewer() throws Exception {
    assumeTrue(Runtime.version().feature() >= 25, "AOT caches need JDK 25 or newer");
    Path cache = AotTraining.cacheFor(jar);
    // A small cache, trained on the usage path: enough to see the launcher hand it to the JVM.
    Run training =
        run(
            List.of(
                Path.of(JAVA_HOME, "bin", "java").toString(),
                "-XX:AOTCacheOutput=" + cache,
                "-jar",
                jar.toString(),
                "no-such-verb"),
            Map.of());
    assertThat(cache).as(training.stderr()).exists();
    Files.writeString(
        AotTraining.stampFor(cache),
        Path.of(JAVA_HOME, "bin", "java")
            + "\n"
            + Files.size(jar)
            + ":"
            + Files.getLastModifiedTime(jar).to(TimeUnit.SECONDS)
            + "\n");
    Path log = dir.resolve("aot.log");

    Run actual = launcher(Map.of("JDK_JAVA_OPTIONS", "-Xlog:aot:file=" + log), "no-such-verb");

    assertThat(actual.exit()).isEqualTo(2);
    assertThat(actual.stderr()).doesNotContain("remediator:");
    assertThat(Files.readString(log)).contains("Opened AOT cache " + cache);
  }
}
