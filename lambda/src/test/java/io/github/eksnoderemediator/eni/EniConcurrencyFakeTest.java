package io.github.eksnoderemediator.eni;

import static io.github.eksnoderemediator.eni.EniHarness.manual;
import static io.github.eksnoderemediator.eni.EniHarness.runInstances;
import static io.github.eksnoderemediator.eni.EniHarness.stateChange;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.eksnoderemediator.events.Input;
import io.github.eksnoderemediator.port.EniView;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.wait.BoundedWait;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Eight invocations for one node at once, against the strict EC2 fake: however they interleave, the
 * node ends with exactly one interface of ours per profile, at its slot.
 */
class EniConcurrencyFakeTest {
  private static final Instant START = Instant.parse("2026-11-20T14:05:00Z");

  /** Thread-safe; each reading moves on by {@code step} (zero: a fixed clock). */
  static final class SteppingClock extends Clock {
    private final AtomicLong millis = new AtomicLong(START.toEpochMilli());
    private final long step;

    SteppingClock(Duration step) {
      this.step = step.toMillis();
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis.getAndAdd(step));
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  @ParameterizedTest(name = "clock step {0} ms, new interfaces invisible for {1} calls, round {2}")
  @CsvSource({
    "0, 0, 1",
    "0, 3, 1",
    "0, 3, 2",
    "1000, 0, 1",
    "1000, 3, 1",
    "1000, 3, 2",
    "1000, 8, 1"
  })
  void eightConcurrentInvocations_leaveExactlyOneInterfacePerProfile(
      long stepMillis, int invisibleFor, int round) throws Exception {
    EniHarness h = new EniHarness();
    h.ec2.newInterfacesInvisibleFor(invisibleFor);
    InstanceId node = h.launchCnfNode();
    // Real time for the bounded waits, with short pauses: the fake answers at once.
    BoundedWait wait =
        new BoundedWait(Clock.systemUTC(), d -> Thread.sleep(Math.min(3, d.toMillis())));
    EniService service = h.service(new SteppingClock(Duration.ofMillis(stepMillis)), wait);
    List<Input> events = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      events.add(
          switch (i % 3) {
            case 0 -> stateChange(node, "running");
            case 1 -> runInstances(node);
            default -> manual(node, false);
          });
    }
    CyclicBarrier start = new CyclicBarrier(events.size());
    ExecutorService pool = Executors.newFixedThreadPool(events.size());
    List<EniReport> reports = new ArrayList<>();
    try {
      List<Callable<EniReport>> work = new ArrayList<>();
      for (Input e : events) {
        work.add(
            () -> {
              start.await();
              return service.handle(e, false);
            });
      }
      for (Future<EniReport> f : pool.invokeAll(work)) {
        reports.add(f.get());
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(reports).allSatisfy(r -> assertThat(r.failures()).as(r.failureSummary()).isEmpty());
    List<EniView> ours = h.oursFor(node);
    assertThat(ours).hasSize(2);
    assertThat(h.at(node, "multus-data", 0, 1)).isPresent();
    assertThat(h.at(node, "multus-mgmt", 0, 2)).isPresent();
    assertThat(h.at(node, "multus-data", 0, 1).get().attachment().get().deleteOnTermination())
        .isTrue();
    // Exactly one invocation created each interface (the client token returns the same one to the
    // others, or tells them it exists); the others found it and reported it present or attached.
    assertThat(
            reports.stream()
                .flatMap(r -> r.results().get(0).interfaces().stream())
                .filter(i -> i.decision() == EniDecision.CREATED)
                .map(EniResult::eniId)
                .distinct())
        .hasSizeLessThanOrEqualTo(2);
  }
}
