package io.github.eksnoderemediator.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.eksnoderemediator.json.Json;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the shipped jar's local command as an operator would: a separate JVM, configured only by the
 * standard AWS environment (pointed at {@code endpoint}) and {@code REMEDIATOR_CONFIG}.
 */
public final class LocalCommand {
  public static final Path JAR = SampleEvents.root().resolve("lambda/target/remediator.jar");

  /** The launcher operators run instead of {@code java -jar}: the jar's AOT cache when it fits. */
  public static final Path LAUNCHER = SampleEvents.root().resolve("bin/remediator");

  private LocalCommand() {}

  /** What the command did. */
  public record Run(int exit, String stdout, String stderr) {
    /** stdout as the JSON report. */
    public JsonNode report() {
      try {
        return Json.MAPPER.readTree(stdout);
      } catch (IOException e) {
        throw new AssertionError("stdout is not a JSON report: " + stdout, e);
      }
    }
  }

  /**
   * Runs the local command once in a separate JVM and waits for it.
   *
   * @param verb {@code handle} or {@code handle-eni}: {@code input} is written to a file in {@code
   *     dir} and named on the command line
   * @param config the {@code REMEDIATOR_CONFIG} to set
   */
  public static Run run(
      String verb, byte[] input, URI endpoint, String config, Path dir, String... extra)
      throws IOException, InterruptedException {
    Path file = dir.resolve("input.json");
    Files.write(file, input);
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                JAR.toString(),
                verb,
                file.toString()));
    command.addAll(List.of(extra));
    ProcessBuilder pb = new ProcessBuilder(command);
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("AWS_") || k.equals("REMEDIATOR_CONFIG"));
    env.put("AWS_ENDPOINT_URL", endpoint.toString());
    env.put("AWS_REGION", MotoServer.REGION);
    env.put(
        "AWS_ACCESS_KEY_ID",
        verb.endsWith("-eni") ? Ec2Fixtures.ENI_ACCESS_KEY : Ec2Fixtures.IMDS_ACCESS_KEY);
    env.put("AWS_SECRET_ACCESS_KEY", "testing");
    env.put("REMEDIATOR_CONFIG", config);
    Path out = dir.resolve("stdout");
    Path err = dir.resolve("stderr");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("the command did not finish in 60 s: " + command);
    }
    return new Run(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }
}
