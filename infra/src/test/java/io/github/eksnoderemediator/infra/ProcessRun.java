package io.github.eksnoderemediator.infra;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command to completion for the integration tests, stdout and stderr together. Public for
 * the system module's OwnCdkAppIT.
 */
public record ProcessRun(int exitCode, String output, Duration took) {

  public static ProcessRun run(
      List<String> command, Path directory, Map<String, String> environment, Duration timeout)
      throws IOException, InterruptedException {
    Path log = Files.createTempFile("remediator-process", ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(directory.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().putAll(environment);
    long start = System.nanoTime();
    Process process = builder.start();
    if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      throw new AssertionError(
          String.join(" ", command)
              + " did not finish in "
              + timeout
              + ":\n"
              + Files.readString(log));
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    String output = Files.readString(log, StandardCharsets.UTF_8);
    Files.deleteIfExists(log);
    return new ProcessRun(process.exitValue(), output, took);
  }

  /** For assertion messages. */
  public String describe(List<String> command) {
    return String.join(" ", command)
        + " exited "
        + exitCode
        + " after "
        + took.toMillis()
        + " ms:\n"
        + output;
  }
}
