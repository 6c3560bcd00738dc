package io.github.eksnoderemediator.wait;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.eksnoderemediator.config.SweepConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class WritePacerTest {

  @Test
  void of_allowsTheBurstAtOnce_thenRefusesWithoutWaiting() throws Exception {
    WritePacer pacer = WritePacer.of(new SweepConfig(Duration.ofMinutes(15), 0.1, 3));
    for (int i = 0; i < 3; i++) {
      assertThat(pacer.acquire(Duration.ZERO)).as("write %d of the burst", i + 1).isTrue();
    }
    // At 0.1 writes per second the next token is 10 s away: not within a zero wait.
    assertThat(pacer.acquire(Duration.ZERO)).isFalse();
  }

  @Test
  void of_aFractionalShare_allowsOnlyWholeWritesOfIt() throws Exception {
    // Half of EC2's bucket less a one-write reserve: 49.5 writes, of which 49 can be made now.
    WritePacer pacer = WritePacer.of(0.1, 49.5);
    for (int i = 0; i < 49; i++) {
      assertThat(pacer.acquire(Duration.ZERO)).as("write %d of the share", i + 1).isTrue();
    }
    assertThat(pacer.acquire(Duration.ZERO)).isFalse();
  }

  @Test
  void unpaced_neverRefuses() throws Exception {
    for (int i = 0; i < 1000; i++) {
      assertThat(WritePacer.UNPACED.acquire(Duration.ZERO)).isTrue();
    }
  }
}
