package io.github.eksnoderemediator.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.eksnoderemediator.central.DecisionEvents;
import io.github.eksnoderemediator.config.ConfigException;
import io.github.eksnoderemediator.metrics.Metrics;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Decision events are off unless the stack names a bus; a bad name fails INIT on one line. */
class WiringDecisionEventsTest {
  private static DecisionEvents wired(Map<String, String> env) {
    return Wiring.decisionEvents(env, Metrics.NONE, Clock.systemUTC());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " "})
  void withoutABus_nothingIsPublished(String value) {
    assertThat(wired(Map.of()).on()).isFalse();
    assertThat(wired(Map.of(Wiring.DECISION_EVENT_BUS, value)).on()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"default", "arn:aws:events:eu-west-1:123456789012:event-bus/default", "my.bus-1"})
  void aBusNameOrArn_turnsItOn_withoutBuildingAClientYet(String bus) {
    assertThat(wired(Map.of(Wiring.DECISION_EVENT_BUS, bus)).on()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"arn:aws:sqs:eu-west-1:123456789012:q", "bus with spaces"})
  void anythingElse_failsInitOnOneLineNamingTheVariable(String bus) {
    assertThatThrownBy(() -> wired(Map.of(Wiring.DECISION_EVENT_BUS, bus)))
        .isInstanceOf(ConfigException.class)
        .hasMessage("DECISION_EVENT_BUS: expected an event bus name or ARN, got '" + bus + "'");
  }
}
