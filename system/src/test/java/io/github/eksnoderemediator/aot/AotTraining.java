package io.github.eksnoderemediator.aot;

import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.testing.Ec2Fixtures;
import io.github.eksnoderemediator.testing.Instances;
import io.github.eksnoderemediator.testing.LocalCommand;
import io.github.eksnoderemediator.testing.MotoServer;
import io.github.eksnoderemediator.testing.SampleEvents;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./dev build} on JDK 25 or newer: trains the local command's AOT cache ({@code
 * -XX:AOTCacheOutput}) on its real path and writes it next to the jar, for {@code bin/remediator}.
 *
 * <p>The training run is the shipped jar exactly as an operator runs it, on a sample event for a
 * fresh non-compliant node in the local emulator: reading the configuration, parsing the event,
 * building the SDK clients and their first requests (DescribeInstances, the metadata write, the
 * Security Hub look-up), the report and the EMF lines. Whatever loads in that run lands in the
 * cache; what a different command loads later comes from the jar as usual.
 *
 * <p>Next to {@code remediator.aot} it writes {@code remediator.aot.stamp}: the java binary that
 * trained it and the jar's size and modification time, so the launcher can tell a cache that no
 * longer fits and say so instead of silently starting slow.
 */
public final class AotTraining {
  /** The sample the training run handles, with the node's id put in. */
  static final String SAMPLE = "state-change-running.json";

  static final String SAMPLE_INSTANCE = "i-0a1b2c3d4e5f60001";

  private AotTraining() {}

  public static void main(String[] args) throws Exception {
    Path jar = args.length > 0 ? Path.of(args[0]) : LocalCommand.JAR;
    int status;
    try {
      long start = System.nanoTime();
      Path cache = train(jar);
      System.err.printf(
          "dev: trained %s for bin/remediator (%.0f MB, %.0f s)%n",
          SampleEvents.root().relativize(cache.toAbsolutePath()),
          Files.size(cache) / 1_048_576.0,
          (System.nanoTime() - start) / 1e9);
      status = 0;
    } catch (IOException | RuntimeException e) {
      System.err.println("dev: no AOT cache: " + e.getMessage());
      status = 1;
    }
    // MotoServer and the fixtures' clients leave threads behind; exec:java would wait on them.
    System.exit(status);
  }

  /** The cache path for a jar: the same path with {@code .aot} for {@code .jar}. */
  public static Path cacheFor(Path jar) {
    String name = jar.getFileName().toString().replaceFirst("\\.jar$", "");
    return jar.resolveSibling(name + ".aot");
  }

  /** The stamp beside a cache. */
  public static Path stampFor(Path cache) {
    return cache.resolveSibling(cache.getFileName() + ".stamp");
  }

  /**
   * Trains a cache for {@code jar} with this JVM's java and returns its path.
   *
   * @throws IllegalStateException when the training run failed or did not harden its node
   */
  public static Path train(Path jar) throws IOException, InterruptedException {
    Path cache = cacheFor(jar);
    Path stamp = stampFor(cache);
    Files.deleteIfExists(cache);
    Files.deleteIfExists(stamp);
    MotoServer moto = MotoServer.start();
    try {
      Ec2Fixtures fixtures = new Ec2Fixtures(moto.endpoint());
      InstanceId node = fixtures.launch(Instances.MANAGED_PROD, "optional", 1);
      Path dir = Files.createTempDirectory("aot-training-");
      Path event = dir.resolve("event.json");
      Files.write(event, SampleEvents.withIds(SAMPLE, Map.of(SAMPLE_INSTANCE, node.value())));
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      List<String> command =
          new ArrayList<>(
              List.of(
                  java,
                  "-XX:AOTCacheOutput=" + cache,
                  "-XX:TieredStopAtLevel=1",
                  "-jar",
                  jar.toString(),
                  "handle",
                  event.toString()));
      Path log = dir.resolve("training.log");
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
      pb.redirectOutput(log.toFile());
      Map<String, String> env = pb.environment();
      env.keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("JAVA_TOOL"));
      env.remove(RemediatorConfig.ENV_VAR);
      env.put("AWS_ENDPOINT_URL", moto.endpoint().toString());
      env.put("AWS_REGION", MotoServer.REGION);
      env.put("AWS_ACCESS_KEY_ID", Ec2Fixtures.IMDS_ACCESS_KEY);
      env.put("AWS_SECRET_ACCESS_KEY", "training");
      Process p = pb.start();
      if (!p.waitFor(5, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IllegalStateException("the training run did not finish in 5 minutes: " + log);
      }
      String options = fixtures.options(node);
      if (p.exitValue() != 0 || !options.startsWith("required/") || !Files.exists(cache)) {
        Files.deleteIfExists(cache);
        throw new IllegalStateException(
            "the training run exited "
                + p.exitValue()
                + " and left its node "
                + options
                + "; its output: "
                + log);
      }
      Files.writeString(
          stamp,
          java
              + "\n"
              + Files.size(jar)
              + ":"
              + Files.getLastModifiedTime(jar).to(TimeUnit.SECONDS)
              + "\n",
          StandardCharsets.UTF_8);
      return cache;
    } finally {
      moto.stop();
    }
  }
}
