package io.github.eksnoderemediator.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.eksnoderemediator.config.Waits;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.port.InstanceState;
import io.github.eksnoderemediator.port.InstanceView;
import io.github.eksnoderemediator.testing.Instances;
import io.github.eksnoderemediator.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The describe both functions share: bounded waits for a new instance and for its tags. */
class InstanceLookupTest {
  private static final InstanceId ID = Instances.ID;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-20T14:05:00Z"));
  private final Deque<Optional<InstanceView>> answers = new ArrayDeque<>();
  private final List<InstanceId> calls = new ArrayList<>();
  private final InstanceLookup<InstanceView> lookup =
      new InstanceLookup<>(
          id -> {
            calls.add(id);
            return answers.size() > 1 ? answers.poll() : answers.peek();
          },
          Waits.DEFAULT,
          clock.boundedWait(),
          clock);

  private InstanceView launched(Duration ago, Map<String, String> tags) {
    return new InstanceView(
        ID,
        InstanceState.PENDING,
        tags,
        Instances.imdsV1(),
        clock.instant().minus(ago),
        Optional.empty());
  }

  @Test
  void find_describesAgainWhileEc2DoesNotShowTheInstance() {
    InstanceView node = launched(Duration.ofSeconds(2), Instances.MANAGED_PROD);
    answers.add(Optional.empty());
    answers.add(Optional.empty());
    answers.add(Optional.of(node));

    assertThat(lookup.find(ID)).contains(node);
    assertThat(calls).hasSize(3);
  }

  @Test
  void find_isEmptyOnceTheNotFoundBudgetIsSpent_andNotShownNamesTheBudget() {
    answers.add(Optional.empty());

    assertThat(lookup.find(ID)).isEmpty();
    assertThat(clock.sleeps().stream().reduce(Duration.ZERO, Duration::plus))
        .isEqualTo(Waits.DEFAULT.notFound());
    assertThat(lookup.notShown())
        .startsWith(
            "EC2 does not show the instance after "
                + Waits.DEFAULT.notFound().toSeconds()
                + " s (InvalidInstanceID.NotFound)");
  }

  @Test
  void awaitLauncherTags_describesAYoungUntaggedInstanceUntilItsTagsArrive() {
    InstanceView untagged = launched(Duration.ofSeconds(3), Map.of());
    InstanceView tagged = launched(Duration.ofSeconds(3), Instances.MANAGED_PROD);
    answers.add(Optional.of(untagged));
    answers.add(Optional.of(tagged));

    assertThat(lookup.awaitLauncherTags(untagged)).isEqualTo(tagged);
    assertThat(calls).hasSize(2);
  }

  @Test
  void awaitLauncherTags_takesATaggedOrOldOrGoingAwayInstanceAsIs_withoutACall() {
    InstanceView tagged = launched(Duration.ofSeconds(3), Instances.MANAGED_PROD);
    InstanceView exactlyYoungAgo = launched(InstanceLookup.YOUNG, Map.of());
    InstanceView terminated =
        Instances.withState(launched(Duration.ofSeconds(3), Map.of()), InstanceState.TERMINATED);

    assertThat(lookup.awaitLauncherTags(tagged)).isSameAs(tagged);
    assertThat(lookup.awaitLauncherTags(exactlyYoungAgo)).isSameAs(exactlyYoungAgo);
    assertThat(lookup.awaitLauncherTags(terminated)).isSameAs(terminated);
    assertThat(calls).isEmpty();
  }

  @Test
  void isYoung_isFalseWithoutALaunchTime() {
    InstanceView unknown =
        new InstanceView(
            ID, InstanceState.RUNNING, Map.of(), Instances.imdsV1(), null, Optional.empty());

    assertThat(lookup.isYoung(unknown)).isFalse();
    assertThat(lookup.isYoung(launched(Duration.ofMinutes(4), Map.of()))).isTrue();
  }
}
