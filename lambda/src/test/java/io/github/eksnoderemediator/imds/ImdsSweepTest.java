package io.github.eksnoderemediator.imds;

import static io.github.eksnoderemediator.testing.Instances.KARPENTER_PROD;
import static io.github.eksnoderemediator.testing.Instances.LAUNCHED;
import static io.github.eksnoderemediator.testing.Instances.MANAGED_PROD;
import static io.github.eksnoderemediator.testing.Instances.imdsV1;
import static io.github.eksnoderemediator.testing.Instances.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.lenient;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.node.NodeSelector;
import io.github.eksnoderemediator.port.Ec2CallException;
import io.github.eksnoderemediator.port.Ec2Gateway;
import io.github.eksnoderemediator.port.Ec2Gateway.NodeListing;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.port.InstanceState;
import io.github.eksnoderemediator.port.InstanceView;
import io.github.eksnoderemediator.port.MetadataOptions;
import io.github.eksnoderemediator.port.MetadataOptions.Tokens;
import io.github.eksnoderemediator.report.Decision;
import io.github.eksnoderemediator.report.InstanceResult;
import io.github.eksnoderemediator.testing.MutableClock;
import io.github.eksnoderemediator.wait.WritePacer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mockito.Mock;
import org.mockito.junit.jupiter.MockitoExtension;

@ExtendWith(MockitoExtension.class)
class ImdsSweepTest {
  @Mock Ec2Gateway ec2;
  private MutableClock clock;
  private ImdsSweep sweep;

  @BeforeEach
  void setUp() {
    clock = new MutableClock(LAUNCHED.plus(Duration.ofHours(1)));
    RemediatorConfig config = RemediatorConfig.DEFAULT;
    sweep =
        new ImdsSweep(
            ec2, new ImdsRemediator(ec2, config, clock.boundedWait(), clock), config, clock);
    lenient().when(ec2.modifyMetadataOptions(any(), any())).thenAnswer(a -> a.getArgument(1));
    // The sweep writes each node in one attempt (its pacer sees every throttled answer); the
    // gateway's default method sends it as modifyMetadataOptions, which the tests stub.
    lenient().when(ec2.modifyMetadataOptionsOnce(any(), any())).thenCallRealMethod();
  }

  private static InstanceView node(int n, Map<String, String> tags, MetadataOptions options) {
    return new InstanceView(
        new InstanceId(String.format("i-%017x", n)),
        InstanceState.RUNNING,
        tags,
        options,
        LAUNCHED,
        Optional.empty());
  }

  @Test
  void sweep_writesOnlyToNonCompliantNodes_fromOneListing() {
    List<InstanceView> nodes = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      nodes.add(node(i, MANAGED_PROD, i % 2 == 0 ? imdsV1() : options(Tokens.REQUIRED, 2)));
    }
    when(ec2.listNodes(Set.of())).thenReturn(new NodeListing(nodes, 1));

    ImdsSweep.Outcome outcome =
        sweep.sweep(Optional.empty(), false, WritePacer.UNPACED, Instant.MAX);

    assertThat(outcome.results())
        .extracting(InstanceResult::decision)
        .containsOnly(Decision.CHANGED, Decision.COMPLIANT);
    verify(ec2, times(5)).modifyMetadataOptions(any(), any());
    // The listing is the describe: no per-node DescribeInstances.
    verify(ec2, never()).describeInstance(any());
    assertThat(outcome.pages()).isEqualTo(1);
    assertThat(outcome.notReached()).isZero();
  }

  @Test
  void sweep_forANodePool_touchesOnlyThatPool() {
    InstanceView pool = node(1, KARPENTER_PROD, imdsV1());
    InstanceView group = node(2, MANAGED_PROD, imdsV1());
    when(ec2.listNodes(Set.of("prod"))).thenReturn(new NodeListing(List.of(pool, group), 1));

    ImdsSweep.Outcome outcome =
        sweep.sweep(
            Optional.of(new NodeSelector("prod", Optional.empty(), Optional.of("batch"))),
            false,
            WritePacer.UNPACED,
            Instant.MAX);

    assertThat(outcome.results())
        .extracting(InstanceResult::instanceId)
        .containsExactly(pool.id().value());
    verify(ec2).modifyMetadataOptions(any(), any());
  }

  @Test
  void sweep_asksThePacerBeforeEveryWrite_andStopsWritingWhenRefused() {
    List<InstanceView> nodes =
        List.of(
            node(1, MANAGED_PROD, imdsV1()),
            node(2, MANAGED_PROD, imdsV1()),
            node(3, MANAGED_PROD, imdsV1()));
    when(ec2.listNodes(Set.of())).thenReturn(new NodeListing(nodes, 1));
    AtomicInteger asked = new AtomicInteger();
    WritePacer twoOnly = maxWait -> asked.incrementAndGet() <= 2;

    ImdsSweep.Outcome outcome = sweep.sweep(Optional.empty(), false, twoOnly, Instant.MAX);

    assertThat(asked).hasValue(3);
    verify(ec2, times(2)).modifyMetadataOptions(any(), any());
    // The refused node is left for the next sweep, not reported as a failure.
    assertThat(outcome.results()).hasSize(2).allMatch(r -> r.decision() == Decision.CHANGED);
    assertThat(outcome.notReached()).isEqualTo(1);
  }

  @Test
  void sweep_stopsAtTheDeadline_andCountsWhatItDidNotReach() {
    List<InstanceView> nodes =
        List.of(node(1, MANAGED_PROD, imdsV1()), node(2, MANAGED_PROD, imdsV1()));
    when(ec2.listNodes(Set.of())).thenReturn(new NodeListing(nodes, 1));

    ImdsSweep.Outcome outcome =
        sweep.sweep(Optional.empty(), false, WritePacer.UNPACED, clock.instant().minusSeconds(1));

    assertThat(outcome.results()).isEmpty();
    assertThat(outcome.notReached()).isEqualTo(2);
    verify(ec2, never()).modifyMetadataOptions(any(), any());
  }

  @Test
  void sweep_inADryRun_writesNothing() {
    when(ec2.listNodes(Set.of()))
        .thenReturn(new NodeListing(List.of(node(1, MANAGED_PROD, imdsV1())), 1));

    ImdsSweep.Outcome outcome =
        sweep.sweep(Optional.empty(), true, WritePacer.UNPACED, Instant.MAX);

    assertThat(outcome.results().get(0).reason()).startsWith("dry run, would change");
    verify(ec2, never()).modifyMetadataOptions(any(), any());
  }

  @Test
  void sweep_terminatesCanaryInstancesOlderThanAnHour_only_andNeverInADryRun() {
    Map<String, String> canary = io.github.eksnoderemediator.canary.Canary.tags("prod");
    Map<String, String> taggedNode = new java.util.HashMap<>(canary);
    taggedNode.put("eks:nodegroup-name", "general");
    InstanceView old = node(1, canary, imdsV1());
    InstanceView young =
        new InstanceView(
            new InstanceId("i-00000000000000002"),
            InstanceState.RUNNING,
            canary,
            imdsV1(),
            clock.instant().minus(Duration.ofMinutes(5)),
            Optional.empty());
    InstanceView notACanary = node(3, taggedNode, imdsV1());
    clock.advance(Duration.ofMinutes(1));
    when(ec2.listNodes(Set.of())).thenReturn(new NodeListing(List.of(old, young, notACanary), 1));

    ImdsSweep.Outcome dry = sweep.sweep(Optional.empty(), true, WritePacer.UNPACED, Instant.MAX);
    verify(ec2, never()).terminateInstances(any());
    ImdsSweep.Outcome outcome =
        sweep.sweep(Optional.empty(), false, WritePacer.UNPACED, Instant.MAX);

    assertThat(dry.canariesTerminated()).containsExactly(old.id());
    verify(ec2).terminateInstances(List.of(old.id()));
    assertThat(outcome.canariesTerminated()).containsExactly(old.id());
    assertThat(outcome.results())
        .extracting(InstanceResult::instanceId)
        .containsExactlyInAnyOrder(young.id().value(), notACanary.id().value());
  }

  /**
   * 200 nodes that all need a write at every sweep (loosened again each time), the first 40 in
   * EC2's listing failing every time, and a deadline that lets one sweep make 20 writes (one second
   * each): a tenth of the fleet. Before the ring, every sweep started the same 20 first nodes and
   * the other 180 were never reached.
   */
  @Test
  void consecutiveDeadlineLimitedSweeps_reachEveryNode_evenBehindNodesThatAlwaysFail() {
    List<InstanceView> nodes = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      nodes.add(node(i, MANAGED_PROD, imdsV1()));
    }
    Set<InstanceId> alwaysFailing = new java.util.HashSet<>();
    nodes.subList(0, 40).forEach(n -> alwaysFailing.add(n.id()));
    when(ec2.listNodes(Set.of())).thenReturn(new NodeListing(nodes, 1));
    when(ec2.modifyMetadataOptions(any(), any()))
        .thenAnswer(
            a -> {
              clock.advance(Duration.ofSeconds(1));
              if (alwaysFailing.contains(a.<InstanceId>getArgument(0))) {
                // Refused, not retried: each such node costs the sweep exactly one write.
                throw new Ec2CallException(
                    Ec2CallException.Kind.UNAUTHORIZED,
                    "UnauthorizedOperation",
                    "always fails",
                    null);
              }
              return a.getArgument(1);
            });
    Duration rate = RemediatorConfig.DEFAULT.sweep().rate();

    for (int run = 0; run < 3; run++) {
      Set<String> reached = new java.util.TreeSet<>();
      List<Set<String>> perSweep = new ArrayList<>();
      // 3/f consecutive sweeps, f the fraction one sweep reaches (the ring's bound is about 2.6/f).
      for (int k = 0; k < 30; k++) {
        ImdsSweep.Outcome outcome =
            sweep.sweep(
                Optional.empty(), false, WritePacer.UNPACED, clock.instant().plusSeconds(20));
        // About 20: the writes already in flight when the deadline comes (at most
        // WRITES_IN_FLIGHT) still finish; the rest is left for the next sweep.
        assertThat(outcome.results().size()).isBetween(20, 20 + ImdsRemediator.WRITES_IN_FLIGHT);
        assertThat(outcome.results().size() + outcome.notReached()).isEqualTo(200);
        Set<String> these = new java.util.TreeSet<>();
        outcome.results().forEach(r -> these.add(r.instanceId()));
        perSweep.add(these);
        reached.addAll(these);
        clock.advance(rate.minusSeconds(20));
      }
      assertThat(reached).as("nodes reached in 30 consecutive sweeps").hasSize(200);
      // Consecutive sweeps hand over: the next one does not start with the same nodes.
      for (int k = 1; k < perSweep.size(); k++) {
        assertThat(perSweep.get(k)).isNotEqualTo(perSweep.get(k - 1));
      }
      // Start the next run at an arbitrary sweep number (runs are days apart).
      clock.advance(Duration.ofHours(37).plusMinutes(15L * run));
    }
  }

  @Test
  void sweepOrder_isAPermutation_stableForOneSweep_andStartsElsewhereForTheNext() {
    List<InstanceView> nodes = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      nodes.add(node(i, MANAGED_PROD, imdsV1()));
    }
    List<InstanceView> first = ImdsSweep.inSweepOrder(nodes, 1_000);
    assertThat(first).containsExactlyInAnyOrderElementsOf(nodes);
    assertThat(ImdsSweep.inSweepOrder(List.copyOf(nodes).reversed(), 1_000))
        .as("EC2's listing order does not matter")
        .containsExactlyElementsOf(first);
    assertThat(ImdsSweep.inSweepOrder(nodes, 1_001).get(0)).isNotEqualTo(first.get(0));
    // The sweep number counts schedule periods; a late start within half a period is the same one.
    Duration rate = Duration.ofMinutes(15);
    Instant at = Instant.parse("2026-12-06T05:00:00Z");
    long k = ImdsSweep.sweepNumber(at, rate);
    assertThat(ImdsSweep.sweepNumber(at.plusSeconds(90), rate)).isEqualTo(k);
    assertThat(ImdsSweep.sweepNumber(at.plus(rate).plusSeconds(90), rate)).isEqualTo(k + 1);
  }

  @Test
  void sweep_confirmsItsWritesTogether_oneReadPerHundredWrites_notOneReadPerWrite() {
    List<InstanceView> nodes = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      nodes.add(node(i, MANAGED_PROD, imdsV1()));
    }
    when(ec2.listNodes(Set.of())).thenReturn(new NodeListing(nodes, 1));
    when(ec2.modifyMetadataOptions(any(), any()))
        .thenAnswer(
            a -> {
              MetadataOptions t = a.getArgument(1);
              return new MetadataOptions(
                  t.httpTokens(),
                  t.hopLimit(),
                  t.httpEndpoint(),
                  MetadataOptions.ApplyState.PENDING);
            });
    AtomicInteger reads = new AtomicInteger();
    when(ec2.describeInstances(any()))
        .thenAnswer(
            a -> {
              reads.incrementAndGet();
              Map<InstanceId, InstanceView> applied = new java.util.LinkedHashMap<>();
              for (InstanceId id : a.<java.util.Collection<InstanceId>>getArgument(0)) {
                applied.put(
                    id,
                    new InstanceView(
                        id,
                        InstanceState.RUNNING,
                        MANAGED_PROD,
                        options(Tokens.REQUIRED, 2),
                        LAUNCHED,
                        Optional.empty()));
              }
              return applied;
            });

    ImdsSweep.Outcome outcome =
        sweep.sweep(Optional.empty(), false, WritePacer.UNPACED, Instant.MAX);

    assertThat(outcome.results()).hasSize(150).allMatch(r -> r.decision() == Decision.CHANGED);
    assertThat(outcome.results()).allMatch(r -> Boolean.TRUE.equals(r.applied()));
    assertThat(reads).hasValue(2);
    verify(ec2, never()).describeInstance(any());
  }
}
