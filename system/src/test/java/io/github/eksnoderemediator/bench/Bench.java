package io.github.eksnoderemediator.bench;

import io.github.eksnoderemediator.aws.SdkEc2Gateway;
import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.events.EventParser;
import io.github.eksnoderemediator.handler.ImdsHandler;
import io.github.eksnoderemediator.imds.ImdsService;
import io.github.eksnoderemediator.metrics.Metrics;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.report.Report;
import io.github.eksnoderemediator.testing.Ec2Fixtures;
import io.github.eksnoderemediator.testing.Ec2Throttle;
import io.github.eksnoderemediator.testing.ImdsServices;
import io.github.eksnoderemediator.testing.Instances;
import io.github.eksnoderemediator.testing.MotoServer;
import io.github.eksnoderemediator.testing.QueueWorkers;
import io.github.eksnoderemediator.testing.RecordingProxy;
import io.github.eksnoderemediator.testing.SampleConfigs;
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
    List<Integer> bursts =
        args.length > 0
            ? java.util.Arrays.stream(args).map(Integer::parseInt).toList()
            : BurstBench.SIZES;
    MotoServer moto = MotoServer.start();
    int status = 0;
    try (RecordingProxy proxy = new RecordingProxy(moto.endpoint())) {
      new Bench(System.out, moto, proxy, new Ec2Fixtures(moto.endpoint())).run(bursts);
    } catch (Exception | Error e) {
      e.printStackTrace();
      status = 1;
    } finally {
      moto.stop();
    }
    // The handlers' worker pools are not daemon threads: without an exit, exec:java would wait on
    // them forever, after the table or after a failure it would then never print.
    System.exit(status);
  }

  private void run(List<Integer> bursts) throws Exception {
    Path jar = SampleEvents.root().resolve("lambda/target/remediator.jar");
    row(
        "artifact size",
        String.format("%.1f MB", Files.size(jar) / 1_048_576.0),
        "lambda/target/remediator.jar, URL-connection HTTP client (Apache 5 for Security Hub only)");
    coldStart(jar, 5);
    startAgainstCustodian(9);
    readerCost(jar, 7);
    warm(100);
    callsPerEvent();
    singleNodeLatency(20);
    BurstBench batched = new BurstBench(proxy, ec2, this::service);
    for (int launches : bursts) {
      if (BurstBench.PER_EVENT_SIZES.contains(launches)) {
        burst(launches, 10);
      }
      BurstBench.Figures f = batched.run(launches);
      batchedFigures.add(f);
      burstRow("batched", launches, f.took(), f.describes(), f.throttled(), f.lost(), f.notes());
    }
    chaos();
    print();
  }

  /** The configuration the cold start runs with: every field set, as a deployment might. */
  static final String COLD_START_CONFIG =
      io.github.eksnoderemediator.json.Json.compact(
          io.github.eksnoderemediator.json.Json.parse(
              SampleConfigs.FULL.getBytes(StandardCharsets.UTF_8), "SampleConfigs.FULL"));

  /**
   * Process start to first remediation done, through the shipped jar, as Lambda's JVM flags set it,
   * with a realistic {@code REMEDIATOR_CONFIG} (so reading it is part of the figure) and, runs
   * interleaved, without one (the defaults): the difference is what the configuration costs.
   */
  private void coldStart(Path jar, int runs) throws Exception {
    List<Long> configured = new ArrayList<>();
    List<Long> defaults = new ArrayList<>();
    long peakKb = 0;
    for (int i = 0; i < runs; i++) {
      long[] withConfig = coldRun(jar, COLD_START_CONFIG);
      configured.add(withConfig[0]);
      peakKb = Math.max(peakKb, withConfig[1]);
      defaults.add(coldRun(jar, null)[0]);
    }
    Collections.sort(configured);
    Collections.sort(defaults);
    row(
        "cold start, process start to node remediated",
        configured.get(runs / 2) + " ms median",
        "of "
            + runs
            + " runs "
            + configured
            + ", JVM flags "
            + String.join(" ", LAMBDA_JVM_FLAGS)
            + ", REMEDIATOR_CONFIG with 3 clusters, 4 overrides, 2 ENI profiles");
    row(
        "cold start, the same without REMEDIATOR_CONFIG",
        defaults.get(runs / 2) + " ms median",
        "of " + runs + " runs " + defaults + ", interleaved with the row above");
    row("peak memory (RSS) of that process", peakKb / 1024 + " MB", "highest VmHWM over the runs");
  }

  /**
   * The local command's start, launcher and plain jar, side by side with Cloud Custodian's Lambda
   * entry path on the same event and emulator ({@link StartBench}).
   */
  private void startAgainstCustodian(int rounds) throws Exception {
    StartBench start = new StartBench(moto.endpoint(), ec2);
    for (String[] r :
        StartBench.rows(start.run(StartBench.contenders(System.getenv("C7N_PYTHON")), rounds))) {
      row(r[0], r[1], r[2]);
    }
  }

  /** One cold run on a new node; returns its milliseconds and its peak RSS in KB. */
  private long[] coldRun(Path jar, String config) throws Exception {
    // The options the node must end with: its band (the prod cluster's override when
    // configured, else the default 2) from hop limit 1, tokens required, endpoint enabled.
    RemediatorConfig expectedConfig =
        config == null ? RemediatorConfig.DEFAULT : RemediatorConfig.parse(config, "bench");
    int hopLimit =
        expectedConfig
            .imds()
            .bandFor("prod", java.util.Optional.of("general"), java.util.Optional.empty())
            .band()
            .clamp(1);
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
    pb.environment().remove(RemediatorConfig.ENV_VAR);
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
    if (config != null) {
      pb.environment().put(RemediatorConfig.ENV_VAR, config);
    }
    long start = System.nanoTime();
    Process p = pb.start();
    long peakKb = peakRssKb(p);
    if (p.exitValue() != 0 || !ec2.options(node).equals("required/" + hopLimit + "/enabled")) {
      throw new IllegalStateException("a cold-start run did not remediate its node " + node);
    }
    return new long[] {(System.nanoTime() - start) / 1_000_000, peakKb};
  }

  /**
   * What reading the configuration and one manual payload costs a fresh JVM on the shipped jar,
   * with the shipped reader and with Jackson databind or jackson-jr binding the same documents to
   * records ({@link ReaderCost}), runs interleaved so both see the same machine load.
   */
  private void readerCost(Path jar, int runs) throws Exception {
    String classpath =
        String.join(
            java.io.File.pathSeparator,
            jar.toString(),
            codeSource(ReaderCost.class),
            codeSource(com.fasterxml.jackson.jr.ob.JSON.class));
    Map<String, List<long[]>> results = new java.util.LinkedHashMap<>();
    for (int i = 0; i < runs; i++) {
      for (String mode : List.of("shipped", "databind", "jackson-jr")) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(LAMBDA_JVM_FLAGS);
        command.addAll(
            List.of("-cp", classpath, ReaderCost.class.getName(), mode, COLD_START_CONFIG));
        Process p =
            new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
          throw new IllegalStateException("reader probe " + mode + " failed: " + output);
        }
        results
            .computeIfAbsent(mode, m -> new ArrayList<>())
            .add(
                java.util.Arrays.stream(output.trim().split(" "))
                    .mapToLong(Long::parseLong)
                    .toArray());
      }
    }
    for (Map.Entry<String, List<long[]>> mode : results.entrySet()) {
      row(
          "cold read of config + manual payload, " + mode.getKey(),
          median(mode.getValue(), 1) / 1000
              + " + "
              + median(mode.getValue(), 2) / 1000
              + " ms median",
          "fresh JVM on the shipped jar, "
              + runs
              + " runs interleaved; config + payload, after the shared ObjectMapper is built ("
              + median(mode.getValue(), 0) / 1000
              + " ms)"
              + switch (mode.getKey()) {
                case "shipped" -> "; RemediatorConfig.parse and EventParser.parse as shipped";
                case "databind" -> "; binding to records only, no range checks (ReaderCost)";
                default -> "; jackson-jr binding to the same records, no range checks (ReaderCost)";
              });
    }
  }

  private static String codeSource(Class<?> type) throws java.net.URISyntaxException {
    return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
  }

  private static long median(List<long[]> runs, int column) {
    return runs.stream().mapToLong(r -> r[column]).sorted().toArray()[runs.size() / 2];
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
        nodes.stream().filter(n -> ec2.options(n).equals("required/1/enabled")).count();
    burstRow(
        "per event",
        launches,
        took,
        proxy.calls("DescribeInstances").size(),
        proxy.throttled(),
        launches - compliant,
        String.format(
            "%d concurrent asynchronous invocations, one event each; %d Lambda-style retries (at"
                + " once, where Lambda waits 1 and 2 minutes; lost = still failing after two)",
            workers, retries.get()));
  }

  /** The bound EC2's ModifyInstanceMetadataOptions bucket sets: 100 at once, then 5 per second. */
  private static double bound(int launches) {
    return Math.max(0, launches - 100) / 5.0;
  }

  /** One path's figures for one burst, for the side-by-side table. */
  private record Burst(
      String path, int launches, double seconds, int describes, long throttled, long lost) {
    String time() {
      return lost == 0
          ? String.format("%.1f s (%.2fx)", seconds, seconds / Math.max(1, bound(launches)))
          : String.format("never: %d of %d after %.1f s", launches - lost, launches, seconds);
    }
  }

  private final List<Burst> bursts = new ArrayList<>();
  private final List<BurstBench.Figures> batchedFigures = new ArrayList<>();
  private final Map<String, String> singleLaunch = new java.util.HashMap<>();

  private void burstRow(
      String path,
      int launches,
      Duration took,
      int describes,
      long throttled,
      long lost,
      String how) {
    double seconds = took.toMillis() / 1000.0;
    bursts.add(new Burst(path, launches, seconds, describes, throttled, lost));
    row(
        "burst of " + launches + ", " + path + ": time to all compliant",
        lost == 0
            ? String.format(
                "%.1f s (%.2fx the bound)", seconds, seconds / Math.max(1, bound(launches)))
            : String.format(
                "not reached: %d of %d compliant when it gave up after %.1f s",
                launches - lost, launches, seconds),
        String.format(
            "bound ~%.0f s; DescribeInstances per 100 launches %.1f; %d throttled answers; %d events lost; %s",
            bound(launches), describes * 100.0 / launches, throttled, lost, how));
  }

  /** The queue path's configuration: the shipped defaults, waits as in the per-event burst. */
  private static final String QUEUE_CONFIG = "{\"waits\": {\"notFoundSeconds\": 2}}";

  /**
   * One handler per concurrent invocation, built before the clock starts: execution environments
   * whose INIT (SnapStart's restore on Lambda) is done, as they are while a mapping is busy.
   */
  private java.util.function.Supplier<com.amazonaws.services.lambda.runtime.RequestStreamHandler>
      initialized(RemediatorConfig config) {
    java.util.concurrent.ConcurrentLinkedQueue<ImdsHandler> ready =
        new java.util.concurrent.ConcurrentLinkedQueue<>();
    InstanceId compliant = ec2.launch(Instances.MANAGED_PROD, "required", 2);
    for (int i = 0; i < config.queue().maxConcurrency(); i++) {
      ImdsHandler handler = new ImdsHandler(service(config));
      // What SnapStart's priming does before the snapshot: the batch path on an event that needs
      // no AWS call, and the SDK's first request (a dry run, nothing written).
      QueueWorkers.warm(handler, SampleEvents.read("other-source-eks.json"));
      QueueWorkers.warm(handler, manual(compliant, true));
      ready.add(handler);
    }
    return ready::remove;
  }

  private static QueueWorkers mapping(RemediatorConfig config) {
    return new QueueWorkers(
        config.queue().batchSize(),
        config.queue().batchWindow(),
        config.queue().maxConcurrency(),
        Duration.ofSeconds(5),
        5);
  }

  /**
   * One launch at a time, nothing else happening: from the event to its node compliant, on each
   * path. The difference is what the batching window costs a single node.
   */
  private void singleNodeLatency(int samples) throws Exception {
    RemediatorConfig config = RemediatorConfig.parse(QUEUE_CONFIG, "bench");
    ImdsService direct = service(config);
    List<Long> perEvent = new ArrayList<>();
    List<Long> batched = new ArrayList<>();
    for (int i = 0; i < samples; i++) {
      InstanceId node = ec2.launch(Instances.MANAGED_PROD, "optional", 1);
      long start = System.nanoTime();
      direct.handle(EventParser.parse(stateChange(node)), false);
      perEvent.add((System.nanoTime() - start) / 1000);

      InstanceId queued = ec2.launch(Instances.MANAGED_PROD, "optional", 1);
      QueueWorkers queue = mapping(config);
      java.util.function.Supplier<com.amazonaws.services.lambda.runtime.RequestStreamHandler>
          environments = initialized(config);
      start = System.nanoTime();
      queue.send(stateChange(queued));
      queue.drain(environments, id -> {});
      batched.add((System.nanoTime() - start) / 1000);
      if (!ec2.options(node).equals("required/1/enabled")
          || !ec2.options(queued).equals("required/1/enabled")) {
        throw new IllegalStateException("a single launch was not remediated");
      }
    }
    singleLaunch.put("per event", percentiles(perEvent, false));
    singleLaunch.put("batched", percentiles(batched, false));
    row(
        "single launch to compliant, per event",
        percentiles(perEvent, false),
        samples + " launches one at a time; the handler's work from the event on");
    row(
        "single launch to compliant, batched",
        percentiles(batched, false),
        samples
            + " launches one at a time; from the message sent, including the "
            + config.queue().batchWindow().toSeconds()
            + " s batching window the mapping waits for more");
  }

  /** The CI chaos test at a larger size: both functions, faults, retries, sweeps, invariants. */
  private void chaos() throws Exception {
    io.github.eksnoderemediator.testing.ChaosScenario.Stats s =
        io.github.eksnoderemediator.testing.ChaosScenario.run(moto, 25, 25, 10);
    row(
        "chaos through the launch queues, both functions, invariants held",
        String.format("%.1f s", s.seconds()),
        String.format(
            "%d launch events (3 kinds x 3 copies, shuffled) x 2 functions, in %d batches, 5 workers per function, 75 nodes (50 with an ENI profile) + 6 out of scope; %d EC2 requests, %d throttled, %d messages redelivered; then one sweep each",
            s.events(), s.batches(), s.requests(), s.throttled(), s.redelivered()));
  }

  private String actions() {
    Map<String, Integer> counts = new java.util.LinkedHashMap<>();
    proxy.calls().forEach(c -> counts.merge(c.action(), 1, Integer::sum));
    return counts.toString();
  }

  private static byte[] manual(InstanceId id) {
    return manual(id, false);
  }

  private static byte[] manual(InstanceId id, boolean dryRun) {
    return ("{\"instanceId\": \"" + id + "\", \"dryRun\": " + dryRun + "}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] stateChange(InstanceId id) {
    return SampleEvents.withIds(
        "state-change-running.json", Map.of("i-0a1b2c3d4e5f60001", id.value()));
  }

  private static String percentiles(List<Long> micros) {
    return percentiles(micros, true);
  }

  private static String percentiles(List<Long> micros, boolean p90) {
    List<Long> sorted = new ArrayList<>(micros);
    Collections.sort(sorted);
    double p50 = sorted.get(sorted.size() / 2) / 1000.0;
    double p99 = sorted.get(Math.min(sorted.size() - 1, sorted.size() * 99 / 100)) / 1000.0;
    return p90
        ? String.format(
            "p50 %.1f ms, p90 %.1f ms, p99 %.1f ms",
            p50, sorted.get(sorted.size() * 9 / 10) / 1000.0, p99)
        : String.format("p50 %.1f ms, p99 %.1f ms", p50, p99);
  }

  private void row(String what, String value, String notes) {
    rows.add(new String[] {what, value, notes});
    out.println(what + ": " + value);
  }

  /** The two paths side by side, one table per burst size. */
  private String sideBySide() {
    StringBuilder md = new StringBuilder();
    for (int launches : bursts.stream().map(Burst::launches).distinct().toList()) {
      Burst a = find("per event", launches);
      Burst b = find("batched", launches);
      if (a == null || b == null) {
        continue;
      }
      md.append(
          String.format(
              "%n| burst of %d launches (bound %.0f s) | per event | batched | goal for batched |%n"
                  + "|---|---|---|---|%n",
              launches, bound(launches)));
      md.append(
          String.format(
              "| time to all compliant (x the bound) | %s | %s | at most 1.10x |%n",
              a.time(), b.time()));
      md.append(
          String.format(
              "| DescribeInstances per 100 launches | %.1f | %.1f | at most 2 |%n",
              a.describes() * 100.0 / launches, b.describes() * 100.0 / launches));
      md.append(
          String.format(
              "| throttled answers | %d | %d | close to 0 |%n", a.throttled(), b.throttled()));
      md.append(String.format("| events lost | %d | %d | 0 |%n", a.lost(), b.lost()));
      md.append(
          String.format(
              "| single launch to compliant, p50 / p99 | %s | %s | the window's cost |%n",
              singleLaunch.getOrDefault("per event", "-"),
              singleLaunch.getOrDefault("batched", "-")));
    }
    return md.toString();
  }

  private Burst find(String path, int launches) {
    return bursts.stream()
        .filter(b -> b.path().equals(path) && b.launches() == launches)
        .findFirst()
        .orElse(null);
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
    md.append(sideBySide());
    md.append(BurstBench.table(batchedFigures));
    out.println();
    out.print(header + md);
    Path file = SampleEvents.root().resolve("lambda/target/bench/performance.md");
    Files.createDirectories(file.getParent());
    Files.writeString(file, header + md);
    out.println("\n(written to " + SampleEvents.root().relativize(file) + ")");
  }
}
