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
    assertThat(outcome.results().get(2).decision()).isEqualTo(Decision.FAILED);
    assertThat(outcome.results().get(2).retryable()).isTrue();
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
        .containsExactly(young.id().value(), notACanary.id().value());
  }
}
