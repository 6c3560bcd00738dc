package io.github.eksnoderemediator.bench;

import io.github.eksnoderemediator.aws.AwsClients;
import io.github.eksnoderemediator.aws.SdkEc2Gateway;
import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.imds.ImdsRemediator;
import io.github.eksnoderemediator.imds.ImdsSweep;
import io.github.eksnoderemediator.report.Decision;
import io.github.eksnoderemediator.report.InstanceResult;
import io.github.eksnoderemediator.wait.BoundedWait;
import io.github.eksnoderemediator.wait.WritePacer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * The scheduled sweep at fleet scale: 10,000 and 50,000 nodes, 1 % and 100 % of them allowing
 * IMDSv1, against {@link FleetEc2} through the real SDK and {@link SdkEc2Gateway}. Each scenario
 * runs consecutive 15-minute sweeps (the deadline on {@link FleetClock}: EC2's latency and the
 * pacer's 2 writes per second are simulated, the code's own work is real) until every node that can
 * be hardened is, and reports time, peak heap, calls per 1,000 nodes, nodes reached per sweep and
 * the longest any node waited. The first 1 % of EC2's listing fails every write, sweep after sweep.
 * The IMDSv1-use check is off (no CloudWatch): the sweep's listing and writes are what grows.
 *
 * <p>Run it with the heap Lambda gives 1,024 MB (85 %: {@code -Xmx870m}, serial GC): {@code
 * MAVEN_OPTS="-Xmx870m -XX:+UseSerialGC" mvn -q -pl system exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.github.eksnoderemediator.bench.FleetBench [-Dexec.args="10000:1 50000:100"]}.
 */
public final class FleetBench {
  private static final Duration RATE = RemediatorConfig.DEFAULT.sweep().rate();

  /** What {@code ImdsService} leaves before Lambda's timeout. */
  private static final Duration DEADLINE = Duration.ofMinutes(15).minusSeconds(20);

  private static final int MAX_SWEEPS = 60;

  private FleetBench() {}

  public static void main(String[] args) throws Exception {
    String[] scenarios =
        args.length > 0 ? args : new String[] {"10000:1", "10000:100", "50000:1", "50000:100"};
    System.out.printf(
        Locale.ROOT,
        "heap limit %d MB (Runtime.maxMemory), %s%n",
        Runtime.getRuntime().maxMemory() >> 20,
        ManagementFactory.getRuntimeMXBean().getInputArguments());
    System.out.println(
        "| nodes | non-compliant | sweeps to all hardened | first sweep: reached / not reached"
            + " | first sweep: simulated s (real s) | DescribeInstances per 1,000 nodes (pages +"
            + " confirmations) | ModifyInstanceMetadataOptions per 1,000 nodes | throttled |"
            + " peak heap MB (before the sweep) | longest wait (sweeps) | starved |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
    for (String s : scenarios) {
      String[] p = s.split(":");
      run(Integer.parseInt(p[0]), Integer.parseInt(p[1]));
    }
    System.exit(0);
  }

  private static void run(int size, int percent) throws Exception {
    Instant t0 = Instant.parse("2026-12-07T00:00:00Z");
    FleetClock clock = new FleetClock(t0);
    int nonCompliant = (int) ((long) size * percent / 100);
    try (FleetEc2 fake = new FleetEc2(clock, size, nonCompliant);
        Ec2Client client =
            AwsClients.ec2Builder()
                .endpointOverride(fake.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(
                    StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
                .build()) {
      int failing = size / 100;
      fake.failAlways(0, failing);
      RemediatorConfig config = RemediatorConfig.DEFAULT;
      BoundedWait wait = new BoundedWait(clock, clock::skip);
      SdkEc2Gateway ec2 = new SdkEc2Gateway(client);
      ImdsSweep sweep =
          new ImdsSweep(ec2, new ImdsRemediator(ec2, config, wait, clock), config, clock);
      int[] firstReached = new int[size];
      Arrays.fill(firstReached, -1);
      boolean[] needed = new boolean[size];
      for (int i = 0; i < size; i++) {
        needed[i] = !fake.compliant(i);
      }
      int sweeps = 0;
      String first = null;
      long firstPeak = 0;
      long firstBaseline = 0;
      Map<String, Integer> firstCalls = null;
      Map<String, Integer> firstThrottled = null;
      boolean done = false;
      while (sweeps < MAX_SWEEPS && !done) {
        Instant start = t0.plus(RATE.multipliedBy(sweeps + 1L));
        clock.skip(Duration.between(clock.instant(), start));
        fake.resetCounts();
        HeapPeak peak = HeapPeak.start();
        long real0 = System.nanoTime();
        long skipped0 = clock.skippedNanos();
        ImdsSweep.Outcome outcome =
            sweep.sweep(
                Optional.empty(), false, new FleetPacer(clock, 2, 10), start.plus(DEADLINE));
        long real = System.nanoTime() - real0;
        long simulated = real + clock.skippedNanos() - skipped0;
        long peakBytes = peak.stop();
        long baseline = peak.baseline;
        Map<Decision, Integer> decisions = new EnumMap<>(Decision.class);
        for (InstanceResult r : outcome.results()) {
          decisions.merge(r.decision(), 1, Integer::sum);
          int index = (int) (Long.parseLong(r.instanceId().substring(2), 16) - 0x0a000000000000L);
          if (firstReached[index] < 0 && r.decision() != Decision.COMPLIANT) {
            firstReached[index] = sweeps;
          }
        }
        if (sweeps == 0) {
          first =
              String.format(
                  Locale.ROOT,
                  "%d / %d | %.0f (%.1f)",
                  outcome.results().size(),
                  outcome.notReached(),
                  simulated / 1e9,
                  real / 1e9);
          firstPeak = peakBytes;
          firstBaseline = baseline;
          firstCalls = fake.calls();
          firstThrottled = fake.throttled();
        }
        firstPeak = Math.max(firstPeak, peakBytes);
        sweeps++;
        done = fake.nonCompliant() <= failing;
        System.err.printf(
            Locale.ROOT,
            "%d nodes, %d %%: sweep %d reached %d, not reached %d, %s, %.0f s simulated, %.1f s"
                + " real, peak heap %d MB (before %d MB), calls %s, still non-compliant %d%n",
            size,
            percent,
            sweeps,
            outcome.results().size(),
            outcome.notReached(),
            decisions,
            simulated / 1e9,
            real / 1e9,
            peakBytes >> 20,
            baseline >> 20,
            fake.calls(),
            fake.nonCompliant());
      }
      int longest = 0;
      int starved = 0;
      for (int i = 0; i < size; i++) {
        if (needed[i]) {
          if (firstReached[i] < 0) {
            starved++;
          } else {
            longest = Math.max(longest, firstReached[i] + 1);
          }
        }
      }
      double per1000 = 1000.0 / size;
      System.out.printf(
          Locale.ROOT,
          "| %,d | %d %% | %s | %s | %.1f | %.1f | %d | %d (%d) | %d | %d |%n",
          size,
          percent,
          done ? Integer.toString(sweeps) : "not within " + MAX_SWEEPS,
          first,
          firstCalls.getOrDefault("DescribeInstances", 0) * per1000,
          firstCalls.getOrDefault("ModifyInstanceMetadataOptions", 0) * per1000,
          firstThrottled.values().stream().mapToInt(Integer::intValue).sum(),
          firstPeak >> 20,
          firstBaseline >> 20,
          longest,
          starved);
    }
  }

  /** The sweep's pacer (a bucket of {@code burst}, refilled at {@code perSecond}) on the clock. */
  private static final class FleetPacer implements WritePacer {
    private final FleetClock clock;
    private final double perSecond;
    private final double burst;
    private double tokens;
    private long at;

    FleetPacer(FleetClock clock, double perSecond, double burst) {
      this.clock = clock;
      this.perSecond = perSecond;
      this.burst = burst;
      this.tokens = burst;
      this.at = clock.nanos();
    }

    @Override
    public boolean acquire(Duration maxWait) {
      long now = clock.nanos();
      tokens = Math.min(burst, tokens + (now - at) / 1e9 * perSecond);
      at = now;
      if (tokens < 1) {
        Duration needed = Duration.ofNanos((long) ((1 - tokens) / perSecond * 1e9));
        if (needed.compareTo(maxWait) > 0) {
          return false;
        }
        clock.skip(needed);
        tokens = 1;
        at = clock.nanos();
      }
      tokens--;
      return true;
    }
  }

  /** The largest heap in use while it runs, sampled every millisecond. */
  private static final class HeapPeak {
    private final AtomicLong max = new AtomicLong();
    private final Thread sampler;
    private volatile boolean running = true;
    private long baseline;

    private HeapPeak() {
      MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
      sampler =
          new Thread(
              () -> {
                while (running) {
                  max.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                  try {
                    Thread.sleep(1);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              });
      sampler.setDaemon(true);
    }

    static HeapPeak start() {
      System.gc();
      HeapPeak peak = new HeapPeak();
      peak.baseline = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      peak.sampler.start();
      return peak;
    }

    long stop() throws InterruptedException {
      running = false;
      sampler.join();
      return max.get();
    }
  }
}
