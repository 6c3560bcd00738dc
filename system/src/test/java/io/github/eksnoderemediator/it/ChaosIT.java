package io.github.eksnoderemediator.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.eksnoderemediator.testing.ChaosScenario;
import io.github.eksnoderemediator.testing.MotoServer;
import org.junit.jupiter.api.Test;

/**
 * The chaos scenario at a size for CI: invariants after duplicated, shuffled events for both
 * functions, through their launch queues in concurrent batches, under throttling, 5xx answers,
 * dropped connections and latency, with redelivery of what a batch names and one sweep of each (see
 * {@link ChaosScenario}).
 */
class ChaosIT {

  @Test
  void duplicatedShuffledConcurrentEventsUnderFaults_endWithEveryInvariantHolding()
      throws Exception {
    ChaosScenario.Stats stats = ChaosScenario.run(MotoServer.shared(), 6, 6, 6);

    System.out.println("chaos: " + stats);
    assertThat(stats.throttled() + stats.redelivered()).as("faults absorbed").isPositive();
  }
}
