package io.github.eksnoderemediator.imds;

import static io.github.eksnoderemediator.testing.Instances.options;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.eksnoderemediator.config.ImdsV1Check;
import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.node.EksNode;
import io.github.eksnoderemediator.node.NodeKind;
import io.github.eksnoderemediator.port.Ec2CallException;
import io.github.eksnoderemediator.port.ImdsV1Usage;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.port.InstanceState;
import io.github.eksnoderemediator.port.InstanceView;
import io.github.eksnoderemediator.port.MetadataOptions.Tokens;
import io.github.eksnoderemediator.testing.Instances;
import io.github.eksnoderemediator.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ImdsV1UseCheckTest {
  private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");
  private static final ImdsV1Check SETTINGS =
      new ImdsV1Check(Duration.ofHours(24), Duration.ofMinutes(60));
  private static final EksNode LEGACY =
      new EksNode("prod", NodeKind.MANAGED_NODE_GROUP, Optional.of("legacy"), Optional.empty());

  private final MutableClock clock = new MutableClock(NOW);
  private final AtomicInteger built = new AtomicInteger();
  private final List<Collection<InstanceId>> reads = new ArrayList<>();
  private final Map<InstanceId, Long> datapoints = new HashMap<>();

  private ImdsV1UseCheck check() {
    return new ImdsV1UseCheck(
        () -> {
          built.incrementAndGet();
          return (ids, start, end) -> {
            assertThat(start).isEqualTo(NOW.minus(Duration.ofHours(24)));
            assertThat(end).isEqualTo(NOW);
            reads.add(List.copyOf(ids));
            Map<InstanceId, Long> found = new HashMap<>(datapoints);
            found.keySet().retainAll(ids);
            return found;
          };
        },
        SETTINGS,
        clock);
  }

  private static InstanceView node(int n, Tokens tokens, Duration age) {
    return new InstanceView(
        new InstanceId(String.format("i-0%016x", n)),
        InstanceState.RUNNING,
        Instances.MANAGED_PROD,
        options(tokens, 1),
        NOW.minus(age),
        Optional.empty());
  }

  @Test
  void check_newLaunchesAndRequiredTokens_neverBuildTheReader() {
    ImdsV1UseCheck check = check();

    Map<InstanceId, ImdsV1Use> found =
        check.check(
            List.of(
                node(1, Tokens.OPTIONAL, Duration.ofMinutes(2)),
                node(2, Tokens.REQUIRED, Duration.ofDays(30))));

    assertThat(built).as("the launch path pays nothing").hasValue(0);
    assertThat(found.values()).allMatch(u -> u instanceof ImdsV1Use.NotChecked);
    assertThat(
            ((ImdsV1Use.NotChecked) found.get(node(1, Tokens.OPTIONAL, Duration.ZERO).id())).why())
        .isEqualTo("launched less than 60 min ago: no history, hardened at once");
  }

  @Test
  void check_readsEveryOldOptionalNodeInOneRead_andBuildsTheReaderOnce() {
    ImdsV1UseCheck check = check();
    InstanceView busy = node(1, Tokens.OPTIONAL, Duration.ofDays(3));
    InstanceView quiet = node(2, Tokens.OPTIONAL, Duration.ofDays(3));
    InstanceView zero = node(3, Tokens.OPTIONAL, Duration.ofHours(2));
    datapoints.put(busy.id(), 12L);
    datapoints.put(zero.id(), 0L);

    Map<InstanceId, ImdsV1Use> found = check.check(List.of(busy, quiet, zero));
    check.check(busy);

    assertThat(built).hasValue(1);
    assertThat(reads.get(0)).containsExactly(busy.id(), quiet.id(), zero.id());
    assertThat(found.get(busy.id())).isEqualTo(new ImdsV1Use.Calls(12, true, Duration.ofHours(24)));
    assertThat(found.get(quiet.id()))
        .isEqualTo(new ImdsV1Use.Calls(0, false, Duration.ofHours(24)));
    assertThat(found.get(zero.id())).isEqualTo(new ImdsV1Use.Calls(0, true, Duration.ofHours(24)));
    assertThat(found.get(busy.id()).holdsBackTokens()).isTrue();
    assertThat(found.get(quiet.id()).holdsBackTokens()).isFalse();
    assertThat(((ImdsV1Use.Calls) found.get(busy.id())).describe())
        .isEqualTo("12 IMDSv1 calls in the last 24 h");
    assertThat(((ImdsV1Use.Calls) found.get(quiet.id())).describe())
        .isEqualTo("no MetadataNoToken datapoints in the last 24 h");
  }

  @Test
  void check_aFailedRead_isUnknown_whichHoldsTokensBackUnderDeferOnly() {
    ImdsV1Usage denied =
        (ids, start, end) -> {
          throw new Ec2CallException(
              Ec2CallException.Kind.UNAUTHORIZED, "AccessDenied", "not allowed", null);
        };
    ImdsV1UseCheck check = new ImdsV1UseCheck(() -> denied, SETTINGS, clock);
    InstanceView old = node(1, Tokens.OPTIONAL, Duration.ofDays(3));

    ImdsV1Use use = check.check(old);

    assertThat(use)
        .isEqualTo(
            new ImdsV1Use.Unknown(
                "GetMetricData failed: AccessDenied: not allowed", Duration.ofHours(24)));
    ImdsPolicy defer = policy("{\"imdsV1Usage\": \"defer\"}");
    ImdsPolicy enforce = policy("{}");
    assertThat(defer.decide(LEGACY, old.metadataOptions(), use))
        .isInstanceOf(ImdsDecision.Deferred.class);
    assertThat(enforce.decide(LEGACY, old.metadataOptions(), use))
        .isInstanceOf(ImdsDecision.Change.class);
  }

  @Test
  void decide_deferLeavesTokensAndHopLimit_butStillSaysWhatWouldChange() {
    ImdsPolicy policy =
        policy(
            "{\"overrides\": [{\"cluster\": \"prod\", \"nodeGroup\": \"legacy\", \"imdsV1Usage\": \"defer\"}]}");

    ImdsDecision d =
        policy.decide(
            LEGACY,
            options(Tokens.OPTIONAL, 3),
            new ImdsV1Use.Calls(4, true, Duration.ofHours(24)));

    assertThat(d).isInstanceOf(ImdsDecision.Deferred.class);
    ImdsDecision.Deferred deferred = (ImdsDecision.Deferred) d;
    assertThat(deferred.changes())
        .containsExactly(
            "HttpTokens optional -> required",
            "hop limit lowered 3 -> 2 (band [1, 2] from default)");
    assertThat(deferred.mode().source()).isEqualTo("nodeGroup prod/legacy");
    // No calls in the window: enforced even under defer.
    assertThat(
            policy.decide(
                LEGACY,
                options(Tokens.OPTIONAL, 1),
                new ImdsV1Use.Calls(0, true, Duration.ofHours(24))))
        .isInstanceOf(ImdsDecision.Change.class);
    // Tokens already required: a hop-limit fix is never deferred.
    assertThat(
            policy.decide(
                LEGACY,
                options(Tokens.REQUIRED, 3),
                new ImdsV1Use.Calls(4, true, Duration.ofHours(24))))
        .isInstanceOf(ImdsDecision.Change.class);
  }

  private static ImdsPolicy policy(String imdsJson) {
    return new ImdsPolicy(RemediatorConfig.parse("{\"imds\": " + imdsJson + "}", "test").imds());
  }
}
