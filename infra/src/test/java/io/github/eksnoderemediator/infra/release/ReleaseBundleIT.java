package io.github.eksnoderemediator.infra.release;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.eksnoderemediator.infra.ProcessRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./dev release}'s program in fresh JVMs, as {@code ./dev} runs it: two runs give the same
 * bytes (each JVM iterates hash-ordered maps in its own order, so this is where an unsorted map
 * reaching a file would show), and a wrong {@code --config} ends it with one line and nothing
 * written.
 */
class ReleaseBundleIT {

  private static ProcessRun release(Path repo, List<String> args) throws Exception {
    Path classpath = Path.of("target", "cdk-app.classpath");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(
        Path.of("target", "classes").toAbsolutePath()
            + java.io.File.pathSeparator
            + Files.readString(classpath).strip());
    command.add(ReleaseBundle.class.getName());
    command.addAll(args);
    return ProcessRun.run(command, repo, Map.of(), Duration.ofMinutes(3));
  }

  @Test
  void twoRuns_giveTheSameBytes(@TempDir Path dir) throws Exception {
    Path jar = ReleaseBundleTest.stubJar(dir);
    Files.writeString(dir.resolve("config.json"), ReleaseBundleTest.CONFIG);
    List<String> args =
        List.of("--config", "config.json", "--jar", jar.toString(), "--out", "dist-a");

    ProcessRun first = release(dir, args);
    ProcessRun second =
        release(
            dir, List.of("--config", "config.json", "--jar", jar.toString(), "--out", "dist-b"));

    assertThat(first.exitCode()).as(first.output()).isZero();
    assertThat(second.exitCode()).as(second.output()).isZero();
    Path a = onlyFolder(dir.resolve("dist-a"));
    Path b = onlyFolder(dir.resolve("dist-b"));
    assertThat(a.getFileName()).isEqualTo(b.getFileName());
    for (String file : List.of("SHA256SUMS", "template.json", "deploy.sh", "README.md")) {
      assertThat(Files.readAllBytes(b.resolve(file)))
          .as(file)
          .isEqualTo(Files.readAllBytes(a.resolve(file)));
    }
  }

  @Test
  void aWrongConfig_endsItOnOneLine_andWritesNothing(@TempDir Path dir) throws Exception {
    Files.writeString(
        dir.resolve("config.json"), "{\"remediator\": {\"imds\": {\"hopLimit\": 70}}}");

    ProcessRun run =
        release(
            dir,
            List.of(
                "--config",
                "config.json",
                "--jar",
                ReleaseBundleTest.stubJar(dir).toString(),
                "--out",
                "dist"));

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.output().strip().lines().filter(l -> !l.startsWith("[jsii")).toList())
        .singleElement()
        .satisfies(
            line ->
                assertThat(line)
                    .startsWith("error: --config config.json \"remediator\" imds.hopLimit"));
    assertThat(dir.resolve("dist")).doesNotExist();
  }

  private static Path onlyFolder(Path dist) throws Exception {
    try (var folders = Files.list(dist)) {
      List<Path> all = folders.toList();
      assertThat(all).hasSize(1);
      return all.get(0);
    }
  }
}
