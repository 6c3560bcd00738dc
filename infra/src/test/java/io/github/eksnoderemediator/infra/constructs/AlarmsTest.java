package io.github.eksnoderemediator.infra.constructs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SequencedMap;
import org.junit.jupiter.api.Test;

/**
 * The failed-remediations alarm's metrics reach the template in their map's iteration order, so the
 * map must have one: {@code Map.of}'s order changes from one JVM to the next (ReproducibleSynthIT
 * catches that only when two JVMs happen to disagree).
 */
class AlarmsTest {
  @Test
  void failedRemediationsMetrics_haveAFixedOrder() {
    var metrics = Alarms.failedRemediationsMetrics();

    assertThat(metrics).isInstanceOf(SequencedMap.class);
    assertThat(metrics.keySet()).containsExactly("nodes", "enis");
  }
}
