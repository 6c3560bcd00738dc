package io.github.eksnoderemediator.bench;

import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.testing.Ec2Fixtures;
import io.github.eksnoderemediator.testing.Instances;
import io.github.eksnoderemediator.testing.LocalCommand;
import io.github.eksnoderemediator.testing.MotoServer;
import io.github.eksnoderemediator.testing.SampleEvents;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The local command's cold start, side by side with Cloud Custodian's Lambda entry path: the same
 * state-change event for a fresh non-compliant node, against the same emulator, each as a new
 * process from start to exit, taking turns so that drift in the machine's speed hits all three
 * alike.
 *
 * <ul>
 *   <li>{@code bin/remediator handle EVENT}: the launcher, with the AOT cache {@code ./dev build}
 *       trains on JDK 25+, and C1 only;
 *   <li>{@code java -jar lambda/target/remediator.jar handle EVENT}: the plain jar, default flags;
 *   <li>Cloud Custodian ({@code c7n}, pinned in {@code requirements-bench.txt}) through {@code
 *       c7n.handler.dispatch_event}, with an {@code ec2-instance-state} policy whose action is
 *       {@code set-metadata-access} (tokens required; the node is launched at hop limit 1, which
 *       the default band keeps, so neither side changes it): {@code system/bench/c7n/}.
 * </ul>
 *
 * Every run must leave its node with tokens required, or the figure is refused.
 */
public final class StartBench {
  /** One contender: a name, how to run it on an event file, and its environment. */
  record Contender(String name, List<String> command, Map<String, String> env) {}

  /**
   * The configuration our two main contenders run with: the same work as Custodian's policy (one
   * describe, one write requiring tokens, nothing else), so Security Hub is left out. A last row
   * runs the launcher with the defaults, which also look up the node's EC2.8 findings.
   */
  static final String SAME_WORK_CONFIG = "{\"securityHub\": {\"updateFindings\": false}}";

  /** One contender's figures over the rounds, in milliseconds. */
  record Figures(String name, List<Long> wallMs) {
    long median() {
      List<Long> sorted = wallMs.stream().sorted().toList();
      int n = sorted.size();
      return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    long min() {
      return Collections.min(wallMs);
    }

    long max() {
      return Collections.max(wallMs);
    }
  }

  static final String CUSTODIAN = "Cloud Custodian";

  private final URI endpoint;
  private final Ec2Fixtures ec2;

  StartBench(URI endpoint, Ec2Fixtures ec2) {
    this.endpoint = endpoint;
    this.ec2 = ec2;
  }

  /**
   * The comparison alone: {@code mvn -q -pl system exec:java -Dexec.classpathScope=test
   * -Dexec.mainClass=io.github.eksnoderemediator.bench.StartBench -Dexec.args=ROUNDS}, after {@code
   * ./dev bench} installed Custodian once ({@code C7N_PYTHON} names its python).
   */
  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 9;
    MotoServer moto = MotoServer.start();
    int status = 0;
    try {
      StartBench bench = new StartBench(moto.endpoint(), new Ec2Fixtures(moto.endpoint()));
      for (String[] row : rows(bench.run(contenders(System.getenv("C7N_PYTHON")), rounds))) {
        System.out.println("| " + String.join(" | ", row) + " |");
      }
    } catch (Exception | Error e) {
      e.printStackTrace();
      status = 1;
    } finally {
      moto.stop();
    }
    System.exit(status);
  }

  /** Table rows: each contender's median, then the ratios that matter, per round. */
  static List<String[]> rows(List<Figures> figures) {
    List<String[]> rows = new ArrayList<>();
    for (Figures f : figures) {
      rows.add(
          new String[] {
            "start to node hardened, " + f.name(),
            f.median() + " ms median",
            "min "
                + f.min()
                + ", max "
                + f.max()
                + " over "
                + f.wallMs().size()
                + " rounds "
                + f.wallMs()
          });
    }
    Figures launcher = figures.get(0);
    Figures jar = figures.get(1);
    rows.add(
        new String[] {
          "ratio bin/remediator / java -jar",
          String.format("%.2fx", medianRatio(launcher, jar)),
          "median of the per-round ratios"
        });
    Figures custodian =
        figures.stream().filter(f -> f.name().equals(CUSTODIAN)).findFirst().orElse(null);
    if (custodian != null) {
      rows.add(
          new String[] {
            "ratio bin/remediator / Cloud Custodian",
            String.format("%.2fx", medianRatio(launcher, custodian)),
            "median of the per-round ratios; goal at most 0.5x"
          });
      rows.add(
          new String[] {
            "ratio java -jar / Cloud Custodian",
            String.format("%.2fx", medianRatio(jar, custodian)),
            "median of the per-round ratios"
          });
    } else {
      rows.add(new String[] {CUSTODIAN, "not run", "C7N_PYTHON unset: ./dev bench installs it"});
    }
    return rows;
  }

  /** The contenders this machine can run: Custodian only where {@code ./dev bench} installed it. */
  static List<Contender> contenders(String c7nPython) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Map<String, String> ours =
        Map.of(
            "AWS_ACCESS_KEY_ID",
            Ec2Fixtures.IMDS_ACCESS_KEY,
            "REMEDIATOR_CONFIG",
            SAME_WORK_CONFIG);
    List<String> launcher = List.of(LocalCommand.LAUNCHER.toString(), "handle");
    List<Contender> all = new ArrayList<>();
    all.add(new Contender("bin/remediator", launcher, ours));
    all.add(
        new Contender(
            "java -jar remediator.jar",
            List.of(java, "-jar", LocalCommand.JAR.toString(), "handle"),
            ours));
    if (c7nPython != null && Files.isExecutable(Path.of(c7nPython))) {
      Path dir = SampleEvents.root().resolve("system/bench/c7n");
      all.add(
          new Contender(
              CUSTODIAN,
              List.of(c7nPython, dir.resolve("handle.py").toString(), dir.toString()),
              Map.of("AWS_ACCESS_KEY_ID", "custodian")));
    }
    all.add(
        new Contender(
            "bin/remediator, default configuration",
            launcher,
            Map.of("AWS_ACCESS_KEY_ID", Ec2Fixtures.IMDS_ACCESS_KEY)));
    return all;
  }

  /**
   * {@code rounds} rounds; in each, every contender handles its own fresh node once, in an order
   * that rotates from round to round.
   */
  List<Figures> run(List<Contender> contenders, int rounds)
      throws IOException, InterruptedException {
    List<List<Long>> wall = new ArrayList<>();
    contenders.forEach(c -> wall.add(new ArrayList<>()));
    Path dir = Files.createTempDirectory("start-bench-");
    for (int round = 0; round < rounds; round++) {
      for (int k = 0; k < contenders.size(); k++) {
        int i = (round + k) % contenders.size();
        wall.get(i).add(once(contenders.get(i), dir));
      }
    }
    List<Figures> figures = new ArrayList<>();
    for (int i = 0; i < contenders.size(); i++) {
      figures.add(new Figures(contenders.get(i).name(), wall.get(i)));
    }
    return figures;
  }

  /** The median over rounds of {@code a}'s time divided by {@code b}'s in the same round. */
  static double medianRatio(Figures a, Figures b) {
    List<Double> ratios = new ArrayList<>();
    for (int r = 0; r < Math.min(a.wallMs().size(), b.wallMs().size()); r++) {
      ratios.add((double) a.wallMs().get(r) / b.wallMs().get(r));
    }
    Collections.sort(ratios);
    int n = ratios.size();
    return n % 2 == 1 ? ratios.get(n / 2) : (ratios.get(n / 2 - 1) + ratios.get(n / 2)) / 2;
  }

  private long once(Contender c, Path dir) throws IOException, InterruptedException {
    InstanceId node = ec2.launch(Instances.MANAGED_PROD, "optional", 1);
    Path event = dir.resolve(node + ".json");
    Files.write(
        event,
        SampleEvents.withIds(
            "state-change-running.json", Map.of("i-0a1b2c3d4e5f60001", node.value())));
    List<String> command = new ArrayList<>(c.command());
    command.add(event.toString());
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(dir.resolve(node + ".err").toFile());
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("AWS_") || k.equals("REMEDIATOR_CONFIG"));
    env.put("AWS_ENDPOINT_URL", endpoint.toString());
    env.put("AWS_REGION", MotoServer.REGION);
    env.put("AWS_DEFAULT_REGION", MotoServer.REGION);
    env.put("AWS_SECRET_ACCESS_KEY", "bench");
    env.putAll(c.env());
    long start = System.nanoTime();
    Process p = pb.start();
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException(c.name() + " did not finish in 2 minutes");
    }
    long ms = (System.nanoTime() - start) / 1_000_000;
    String options = ec2.options(node);
    if (p.exitValue() != 0 || !options.startsWith("required/")) {
      throw new IllegalStateException(
          c.name()
              + " exited "
              + p.exitValue()
              + " and left "
              + node
              + " "
              + options
              + "; stderr in "
              + dir.resolve(node + ".err"));
    }
    return ms;
  }
}
