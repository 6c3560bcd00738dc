package io.github.eksnoderemediator.bench;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.github.eksnoderemediator.aws.SdkEc2Gateway;
import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.handler.ImdsHandler;
import io.github.eksnoderemediator.imds.ImdsService;
import io.github.eksnoderemediator.port.Ec2Gateway;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.port.MetadataOptions;
import io.github.eksnoderemediator.testing.Ec2Fixtures;
import io.github.eksnoderemediator.testing.Ec2Throttle;
import io.github.eksnoderemediator.testing.Instances;
import io.github.eksnoderemediator.testing.QueueWorkers;
import io.github.eksnoderemediator.testing.RecordingProxy;
import io.github.eksnoderemediator.testing.SampleEvents;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Bursts of launches through the batched queue path at sizes that are and are not multiples of the
 * batch (issue 18): for each, the time to all compliant against EC2's bound {@code max(0, N - 100)
 * / 5} s and, for a burst the bucket holds at once, against a fair bound (the batching window when
 * the batch is not full, one describe of the batch and one write, both measured on the emulator
 * unthrottled just before); describes per 100 launches; throttled answers and messages delivered
 * again; and whether every execution environment was busy while messages waited.
 */
public final class BurstBench {
  /** The sizes {@code ./dev bench} runs by default: 200 and 1,000 as before, and the others. */
  static final List<Integer> SIZES = List.of(50, 120, 200, 300, 1000);

  /** The sizes the per-event path still runs at, for comparison with earlier runs. */
  static final List<Integer> PER_EVENT_SIZES = List.of(200, 1000);

  /** The target: every burst within this factor of its bound (a small one, of its fair bound). */
  static final double TARGET = 1.10;

  /** The queue path's configuration: the shipped defaults, waits as in the per-event burst. */
  private static final String CONFIG = "{\"waits\": {\"notFoundSeconds\": 2}}";

  private static final String HARDENED = "required/2/enabled";

  private final RecordingProxy proxy;
  private final Ec2Fixtures ec2;
  private final Function<RemediatorConfig, ImdsService> services;

  BurstBench(
      RecordingProxy proxy, Ec2Fixtures ec2, Function<RemediatorConfig, ImdsService> services) {
    this.proxy = proxy;
    this.ec2 = ec2;
    this.services = services;
  }

  /**
   * One burst's figures.
   *
   * @param describeRoundTrip seconds one DescribeInstances of a batch's instances took, unthrottled
   * @param writeRoundTrip seconds one ModifyInstanceMetadataOptions took, unthrottled
   * @param idleWhileWaiting seconds some environment was idle while messages waited on the queue
   * @param alone seconds one environment had the remaining work to itself
   */
  record Figures(
      int launches,
      double seconds,
      double bound,
      double fairBound,
      double describeRoundTrip,
      double writeRoundTrip,
      int describes,
      long throttled,
      int batches,
      int redelivered,
      int deadLettered,
      long lost,
      double idleWhileWaiting,
      double alone) {

    /** The bound the target applies to: EC2's, or the fair one when EC2's is zero. */
    double target() {
      return bound > 0 ? bound : fairBound;
    }

    double ratio() {
      return seconds / target();
    }

    boolean met() {
      return lost == 0 && ratio() <= TARGET && describes * 100.0 / launches <= 2;
    }

    Duration took() {
      return Duration.ofMillis(Math.round(seconds * 1000));
    }

    String notes() {
      return String.format(
          "fair bound %.2f s (%s one describe %.2f s + one write %.3f s); %d batches, %d"
              + " messages redelivered, %d dead-lettered; environments idle while messages"
              + " waited %.1f s, one environment alone with the remaining work %.1f s; writes paced"
              + " by each environment's AdaptiveWritePacer",
          fairBound,
          bound > 0 ? String.format("%.0f s +", bound) : "the window +",
          describeRoundTrip,
          writeRoundTrip,
          batches,
          redelivered,
          deadLettered,
          idleWhileWaiting,
          alone);
    }
  }

  /**
   * The batched bursts alone, without the rest of {@code ./dev bench}: {@code mvn -pl system
   * exec:java -Dexec.classpathScope=test -Dexec.mainClass=...BurstBench -Dexec.args="50 120"}.
   */
  public static void main(String[] args) throws Exception {
    List<Integer> sizes =
        args.length > 0 ? java.util.Arrays.stream(args).map(Integer::parseInt).toList() : SIZES;
    io.github.eksnoderemediator.testing.MotoServer moto =
        io.github.eksnoderemediator.testing.MotoServer.start();
    int status = 0;
    try (RecordingProxy proxy = new RecordingProxy(moto.endpoint())) {
      BurstBench bench =
          new BurstBench(
              proxy,
              new Ec2Fixtures(moto.endpoint()),
              config ->
                  io.github.eksnoderemediator.testing.ImdsServices.of(
                      new SdkEc2Gateway(Ec2Fixtures.client(proxy.endpoint())),
                      null,
                      config,
                      io.github.eksnoderemediator.wait.BoundedWait.system(),
                      java.time.Clock.systemUTC(),
                      (i, e, r) -> {},
                      io.github.eksnoderemediator.metrics.Metrics.NONE));
      List<Figures> figures = new ArrayList<>();
      for (int launches : sizes) {
        Figures f = bench.run(launches);
        figures.add(f);
        System.out.println(
            launches + " launches: " + f.took().toMillis() / 1000.0 + " s; " + f.notes());
      }
      System.out.println(table(figures));
    } catch (Exception | Error e) {
      e.printStackTrace();
      status = 1;
    } finally {
      moto.stop();
    }
    System.exit(status);
  }

  /** EC2's bound: 100 writes at once, then 5 per second. */
  static double bound(int launches) {
    return Math.max(0, launches - 100) / 5.0;
  }

  Figures run(int launches) throws Exception {
    RemediatorConfig config = RemediatorConfig.parse(CONFIG, "bench");
    List<InstanceId> nodes = ec2.launch(launches, Instances.MANAGED_PROD, "optional", 1);
    double[] roundTrips = roundTrips(nodes.subList(0, Math.min(launches, batchSize(config))));
    double window =
        launches < batchSize(config) ? config.queue().batchWindow().toMillis() / 1000.0 : 0;
    double fair = bound(launches) + window + roundTrips[0] + roundTrips[1];

    QueueWorkers queue =
        new QueueWorkers(
            batchSize(config),
            config.queue().batchWindow(),
            config.queue().maxConcurrency(),
            Duration.ofSeconds(5),
            5);
    AtomicInteger busy = new AtomicInteger();
    Supplier<RequestStreamHandler> environments = initialized(config, busy);
    nodes.forEach(n -> queue.send(stateChange(n)));
    proxy.clear();
    proxy.throttle(Ec2Throttle.awsDefaults());
    AtomicInteger done = new AtomicInteger();
    AtomicBoolean running = new AtomicBoolean(true);
    double[] idle = new double[2];
    Thread sampler =
        Thread.ofVirtual().start(() -> sample(running, queue, busy, done, launches, config, idle));
    long start = System.nanoTime();
    QueueWorkers.Stats stats = queue.drain(environments, id -> done.incrementAndGet());
    double seconds = (System.nanoTime() - start) / 1e9;
    running.set(false);
    sampler.join();
    proxy.throttle(Ec2Throttle.NONE);
    long compliant = nodes.stream().filter(n -> ec2.options(n).equals(HARDENED)).count();
    return new Figures(
        launches,
        seconds,
        bound(launches),
        fair,
        roundTrips[0],
        roundTrips[1],
        proxy.calls("DescribeInstances").size(),
        proxy.throttled(),
        stats.invocations(),
        stats.redelivered(),
        stats.deadLetters().size(),
        launches - compliant,
        idle[0],
        idle[1]);
  }

  /**
   * Every 20 ms: is an environment idle while messages wait (idle[0]), and is one environment alone
   * with all the remaining work (idle[1]), in seconds.
   */
  private static void sample(
      AtomicBoolean running,
      QueueWorkers queue,
      AtomicInteger busy,
      AtomicInteger done,
      int launches,
      RemediatorConfig config,
      double[] idle) {
    long last = System.nanoTime();
    while (running.get()) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        return;
      }
      long now = System.nanoTime();
      double dt = (now - last) / 1e9;
      last = now;
      int inInvocation = busy.get();
      if (queue.waiting() > 0 && inInvocation < config.queue().maxConcurrency()) {
        idle[0] += dt;
      }
      if (inInvocation == 1 && queue.waiting() == 0 && done.get() < launches) {
        idle[1] += dt;
      }
    }
  }

  /**
   * Medians of three unthrottled calls on the emulator: one DescribeInstances of a batch's
   * instances, and one ModifyInstanceMetadataOptions of a spare node, in seconds. The fair bound of
   * a small burst: what a client needs at the least, after the window, to read a batch and write.
   */
  private double[] roundTrips(List<InstanceId> batch) {
    Ec2Gateway gateway = new SdkEc2Gateway(Ec2Fixtures.client(proxy.endpoint()));
    InstanceId spare = ec2.launch(Instances.MANAGED_PROD, "optional", 1);
    MetadataOptions hardened =
        Instances.options(MetadataOptions.Tokens.REQUIRED, 2)
            .withState(MetadataOptions.ApplyState.PENDING);
    gateway.describeInstances(batch); // warm the connection, as a warm environment's is
    List<Double> describes = new ArrayList<>();
    List<Double> writes = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      long t = System.nanoTime();
      gateway.describeInstances(batch);
      describes.add((System.nanoTime() - t) / 1e9);
      t = System.nanoTime();
      gateway.modifyMetadataOptions(spare, hardened);
      writes.add((System.nanoTime() - t) / 1e9);
    }
    Collections.sort(describes);
    Collections.sort(writes);
    return new double[] {describes.get(1), writes.get(1)};
  }

  private static int batchSize(RemediatorConfig config) {
    return config.queue().batchSize();
  }

  /**
   * One handler per concurrent invocation, built and primed before the clock starts, as SnapStart
   * restores them; each counts itself in {@code busy} while it handles a batch.
   */
  private Supplier<RequestStreamHandler> initialized(RemediatorConfig config, AtomicInteger busy) {
    ConcurrentLinkedQueue<RequestStreamHandler> ready = new ConcurrentLinkedQueue<>();
    InstanceId compliant = ec2.launch(Instances.MANAGED_PROD, "required", 2);
    for (int i = 0; i < config.queue().maxConcurrency(); i++) {
      ImdsHandler handler = new ImdsHandler(services.apply(config));
      QueueWorkers.warm(handler, SampleEvents.read("other-source-eks.json"));
      QueueWorkers.warm(
          handler,
          ("{\"instanceId\": \"" + compliant + "\", \"dryRun\": true}")
              .getBytes(StandardCharsets.UTF_8));
      ready.add(
          (in, out, context) -> {
            busy.incrementAndGet();
            try {
              handler.handleRequest(in, out, context);
            } finally {
              busy.decrementAndGet();
            }
          });
    }
    return ready::remove;
  }

  private static byte[] stateChange(InstanceId id) {
    return SampleEvents.withIds(
        "state-change-running.json", Map.of("i-0a1b2c3d4e5f60001", id.value()));
  }

  /** The batched path at every size, one row each, with the target. */
  static String table(List<Figures> figures) {
    StringBuilder md = new StringBuilder();
    md.append(
        String.format(
            "%n| launches | bound | fair bound | time to all compliant | x its bound (target"
                + " %.2f) | describes per 100 | throttled answers | redelivered | lost | idle while"
                + " messages waited | one environment alone | met |%n",
            TARGET));
    md.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (Figures f : figures) {
      md.append(
          String.format(
              "| %d | %.0f s | %.2f s | %.1f s | %.2fx %s | %.1f | %d | %d | %d | %.1f s | %.1f s |"
                  + " %s |%n",
              f.launches(),
              f.bound(),
              f.fairBound(),
              f.seconds(),
              f.ratio(),
              f.bound() > 0 ? "the bound" : "the fair bound",
              f.describes() * 100.0 / f.launches(),
              f.throttled(),
              f.redelivered(),
              f.lost(),
              f.idleWhileWaiting(),
              f.alone(),
              f.met() ? "yes" : "no"));
    }
    return md.toString();
  }
}
