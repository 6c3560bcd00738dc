package io.github.eksnoderemediator.bench;

import io.github.eksnoderemediator.aws.SdkEc2Gateway;
import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.events.EventParser;
import io.github.eksnoderemediator.imds.ImdsService;
import io.github.eksnoderemediator.metrics.Metrics;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.report.Report;
import io.github.eksnoderemediator.testing.Ec2Fixtures;
import io.github.eksnoderemediator.testing.Ec2Throttle;
import io.github.eksnoderemediator.testing.ImdsServices;
import io.github.eksnoderemediator.testing.Instances;
import io.github.eksnoderemediator.testing.MotoServer;
import io.github.eksnoderemediator.testing.RecordingProxy;
import io.github.eksnoderemediator.testing.SampleEvents;
import io.github.eksnoderemediator.wait.BoundedWait;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code ./dev bench}: measures the IMDS function against the local emulator and prints a Markdown
 * table (also written to {@code target/bench/performance.md}). Numbers, not assertions: the
 * emulator's own latency is part of every figure, so compare runs on one machine, not with AWS.
 */
public final class Bench {
  /** The flags the CDK app gives the function (JAVA_TOOL_OPTIONS). */
  static final List<String> LAMBDA_JVM_FLAGS =
      List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1");

  private final PrintStream out;
  private final MotoServer moto;
  private final RecordingProxy proxy;
  private final Ec2Fixtures ec2;
  private final List<String[]> rows = new ArrayList<>();

  private Bench(PrintStream out, MotoServer moto, RecordingProxy proxy, Ec2Fixtures ec2) {
    this.out = out;
    this.moto = moto;
    this.proxy = proxy;
    this.ec2 = ec2;
  }

  public static void main(String[] args) throws Exception {
    int burst = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    MotoServer moto = MotoServer.start();
    try (RecordingProxy proxy = new RecordingProxy(moto.endpoint())) {
      new Bench(System.out, moto, proxy, new Ec2Fixtures(moto.endpoint())).run(burst);
    } finally {
      moto.stop();
    }
  }

  private void run(int burst) throws Exception {
    Path jar = SampleEvents.root().resolve("lambda/target/remediator.jar");
    row(
        "artifact size",
        String.format("%.1f MB", Files.size(jar) / 1_048_576.0),
        "lambda/target/remediator.jar, one HTTP client (URL connection)");
    coldStart(jar, 5);
    warm(100);
    callsPerEvent();
    burst(burst, 10);
    chaos();
    print();
  }

  /**
   * Process start to first remediation done, through the shipped jar, as Lambda's JVM flags set it.
   */
  private void coldStart(Path jar, int runs) throws Exception {
    List<Long> millis = new ArrayList<>();
    long peakKb = 0;
    for (int i = 0; i < runs; i++) {
      InstanceId node = ec2.launch(Instances.MANAGED_PROD, "optional", 1);
      Path event = Files.createTempFile("bench-", ".json");
      Files.writeString(event, "{\"instanceId\": \"" + node + "\"}");
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(LAMBDA_JVM_FLAGS);
      command.addAll(List.of("-jar", jar.toString(), "handle", event.toString()));
      ProcessBuilder pb =
          new ProcessBuilder(command)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(ProcessBuilder.Redirect.DISCARD);
      pb.environment().keySet().removeIf(k -> k.startsWith("AWS_"));
      pb.environment()
          .putAll(
              Map.of(
                  "AWS_ENDPOINT_URL",
                  proxy.endpoint().toString(),
                  "AWS_REGION",
                  MotoServer.REGION,
                  "AWS_ACCESS_KEY_ID",
                  "bench",
                  "AWS_SECRET_ACCESS_KEY",
                  "bench"));
      long start = System.nanoTime();
      Process p = pb.start();
      peakKb = Math.max(peakKb, peakRssKb(p));
      if (p.exitValue() != 0 || !ec2.options(node).equals("required/2/enabled")) {
        throw new IllegalStateException("cold-start run " + i + " did not remediate its node");
      }
      millis.add((System.nanoTime() - start) / 1_000_000);
    }
    Collections.sort(millis);
    row(
        "cold start, process start to node remediated",
        millis.get(millis.size() / 2) + " ms median",
        "of " + runs + " runs " + millis + ", JVM flags " + String.join(" ", LAMBDA_JVM_FLAGS));
    row("peak memory (RSS) of that process", peakKb / 1024 + " MB", "highest VmHWM over the runs");
  }

  /** Polls /proc while the process runs; the last VmHWM seen is its peak resident set. */
  private static long peakRssKb(Process p) throws InterruptedException {
    long peak = 0;
    Path status = Path.of("/proc", String.valueOf(p.pid()), "status");
    while (!p.waitFor(10, TimeUnit.MILLISECONDS)) {
      try {
        for (String line : Files.readAllLines(status)) {
          if (line.startsWith("VmHWM:")) {
            peak = Math.max(peak, Long.parseLong(line.replaceAll("\\D", "")));
          }
        }
      } catch (Exception e) {
        // the process ended between the check and the read
      }
    }
    return peak;
  }

  private ImdsService service(RemediatorConfig config) {
    return ImdsServices.of(
        new SdkEc2Gateway(Ec2Fixtures.client(proxy.endpoint())),
        null,
        config,
        BoundedWait.system(),
        Clock.systemUTC(),
        (i, e, r) -> {},
        Metrics.NONE);
  }

  /** Per-event latency in a warm JVM: the handler's own work plus the emulator's answers. */
  private void warm(int events) {
    ImdsService service = service(RemediatorConfig.DEFAULT);
    List<InstanceId> nodes = ec2.launch(events, Instances.MANAGED_PROD, "optional", 1);
    for (int i = 0; i < 20; i++) { // warm-up: compliant nodes after the first pass
      service.handle(EventParser.parse(manual(nodes.get(i % nodes.size()))), true);
    }
    List<Long> changed = new ArrayList<>();
    for (InstanceId node : nodes) {
      long start = System.nanoTime();
      service.handle(EventParser.parse(stateChange(node)), false);
      changed.add((System.nanoTime() - start) / 1000);
    }
    List<Long> compliant = new ArrayList<>();
    for (InstanceId node : nodes) {
      long start = System.nanoTime();
      service.handle(EventParser.parse(stateChange(node)), false);
      compliant.add((System.nanoTime() - start) / 1000);
    }
    row(
        "warm event, non-compliant node",
        percentiles(changed),
        events + " state-change events, describe + modify");
    row(
        "warm event, compliant node",
        percentiles(compliant),
        events + " state-change events, describe only");
  }

  private void callsPerEvent() {
    ImdsService service = service(RemediatorConfig.DEFAULT);
    InstanceId node = ec2.launch(Instances.MANAGED_PROD, "optional", 1);
    proxy.clear();
    service.handle(EventParser.parse(stateChange(node)), false);
    row(
        "EC2 calls, non-compliant node",
        proxy.calls().size() + " (minimum 2)",
        actions() + "; a confirming describe is added only while EC2 reports pending");
    proxy.clear();
    service.handle(EventParser.parse(stateChange(node)), false);
    row("EC2 calls, compliant node", proxy.calls().size() + " (minimum 1)", actions());
    List<InstanceId> fleet = ec2.launch(3, Instances.KARPENTER_PROD, "optional", 1);
    proxy.clear();
    service.handle(
        EventParser.parse(
            SampleEvents.withIds(
                "cloudtrail-createfleet-several-instances.json",
                Map.of(
                    "i-0a1b2c3d4e5f60007",
                    fleet.get(0).value(),
                    "i-0a1b2c3d4e5f60008",
                    fleet.get(1).value(),
                    "i-0a1b2c3d4e5f60009",
                    fleet.get(2).value()))),
        false);
    row(
        "EC2 calls, CreateFleet with 3 new nodes",
        proxy.calls().size() + " (minimum 6)",
        actions());
  }

  /**
   * A burst of launches, each event handled by one of {@code workers} concurrent invocations,
   * through EC2's token buckets; an invocation that fails is retried, as Lambda retries an
   * asynchronous event.
   */
  private void burst(int launches, int workers) throws Exception {
    ImdsService service =
        service(RemediatorConfig.parse("{\"waits\": {\"notFoundSeconds\": 2}}", "bench"));
    List<InstanceId> nodes = ec2.launch(launches, Instances.MANAGED_PROD, "optional", 1);
    proxy.clear();
    proxy.throttle(Ec2Throttle.awsDefaults());
    ConcurrentLinkedQueue<InstanceId> queue = new ConcurrentLinkedQueue<>(nodes);
    AtomicInteger retries = new AtomicInteger();
    AtomicInteger lost = new AtomicInteger();
    Map<InstanceId, Integer> attempts = new java.util.concurrent.ConcurrentHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    Instant start = Instant.now();
    List<Future<?>> running = new ArrayList<>();
    for (int w = 0; w < workers; w++) {
      running.add(
          pool.submit(
              () -> {
                InstanceId node;
                while ((node = queue.poll()) != null) {
                  Report report = service.handle(EventParser.parse(stateChange(node)), false);
                  if (!report.failures().isEmpty()) {
                    if (attempts.merge(node, 1, Integer::sum) <= 2) {
                      retries.incrementAndGet();
                      queue.add(node);
                    } else {
                      lost.incrementAndGet();
                    }
                  }
                }
                return null;
              }));
    }
    pool.shutdown();
    pool.awaitTermination(10, TimeUnit.MINUTES);
    for (Future<?> worker : running) {
      worker.get(); // a worker that threw fails the bench instead of shortening the burst unseen
    }
    Duration took = Duration.between(start, Instant.now());
    proxy.throttle(Ec2Throttle.NONE);
    long compliant =
        nodes.stream().filter(n -> ec2.options(n).equals("required/2/enabled")).count();
    double bound = Math.max(0, launches - 100) / 5.0;
    row(
        "burst of " + launches + " launches to all compliant",
        String.format("%.1f s", took.toMillis() / 1000.0),
        String.format(
            "bound from EC2's buckets ~%.0f s (100 modifies at once, then 5/s); %d workers; %d of %d compliant; %d throttled answers absorbed by SDK retries; %d Lambda-style retries; %d events lost",
            bound, workers, compliant, launches, proxy.throttled(), retries.get(), lost.get()));
  }

  /** The CI chaos test at a larger size: both functions, faults, retries, sweeps, invariants. */
  private void chaos() throws Exception {
    io.github.eksnoderemediator.testing.ChaosScenario.Stats s =
        io.github.eksnoderemediator.testing.ChaosScenario.run(moto, 25, 25, 10);
    row(
        "chaos, both functions, invariants held",
        String.format("%.1f s", s.seconds()),
        String.format(
            "%d launch events (3 kinds x 3 copies, shuffled) x 2 functions, 10 workers, 75 nodes (50 with an ENI profile) + 6 out of scope; %d EC2 requests, %d throttled, %d Lambda-style retries; then one sweep each",
            s.events(), s.requests(), s.throttled(), s.lambdaRetries()));
  }

  private String actions() {
    Map<String, Integer> counts = new java.util.LinkedHashMap<>();
    proxy.calls().forEach(c -> counts.merge(c.action(), 1, Integer::sum));
    return counts.toString();
  }

  private static byte[] manual(InstanceId id) {
    return ("{\"instanceId\": \"" + id + "\"}").getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] stateChange(InstanceId id) {
    return SampleEvents.withIds(
        "state-change-running.json", Map.of("i-0a1b2c3d4e5f60001", id.value()));
  }

  private static String percentiles(List<Long> micros) {
    List<Long> sorted = new ArrayList<>(micros);
    Collections.sort(sorted);
    return String.format(
        "p50 %.1f ms, p90 %.1f ms, p99 %.1f ms",
        sorted.get(sorted.size() / 2) / 1000.0,
        sorted.get(sorted.size() * 9 / 10) / 1000.0,
        sorted.get(Math.min(sorted.size() - 1, sorted.size() * 99 / 100)) / 1000.0);
  }

  private void row(String what, String value, String notes) {
    rows.add(new String[] {what, value, notes});
    out.println(what + ": " + value);
  }

  private void print() throws Exception {
    StringBuilder md = new StringBuilder();
    md.append("| measure | result | notes |\n|---|---|---|\n");
    for (String[] r : rows) {
      md.append("| ")
          .append(r[0])
          .append(" | ")
          .append(r[1])
          .append(" | ")
          .append(r[2])
          .append(" |\n");
    }
    String header =
        String.format(
            "Measured %s on %d cores, %s %s, moto at %s%n%n",
            Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
            Runtime.getRuntime().availableProcessors(),
            System.getProperty("java.vm.name"),
            System.getProperty("java.version"),
            moto.endpoint());
    out.println();
    out.print(header + md);
    Path file = SampleEvents.root().resolve("lambda/target/bench/performance.md");
    Files.createDirectories(file.getParent());
    Files.writeString(file, header + md);
    out.println("\n(written to " + SampleEvents.root().relativize(file) + ")");
  }
}
