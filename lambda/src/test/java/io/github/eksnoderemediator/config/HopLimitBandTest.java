package io.github.eksnoderemediator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HopLimitBandTest {

  @Test
  void clamp_raisesBelowLowersAboveKeepsInside() {
    HopLimitBand band = new HopLimitBand(2, 3);
    assertThat(band.clamp(1)).isEqualTo(2);
    assertThat(band.clamp(2)).isEqualTo(2);
    assertThat(band.clamp(3)).isEqualTo(3);
    assertThat(band.clamp(64)).isEqualTo(3);
  }

  @Test
  void constructor_rejectsBandsOutside1To64OrInverted() {
    assertThatThrownBy(() -> new HopLimitBand(0, 2)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new HopLimitBand(1, 65)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new HopLimitBand(3, 2)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void default_isAtMost2_soItNeverRaises() {
    assertThat(HopLimitBand.DEFAULT).isEqualTo(new HopLimitBand(1, 2));
    for (int hop = 1; hop <= 64; hop++) {
      assertThat(HopLimitBand.DEFAULT.clamp(hop)).isLessThanOrEqualTo(hop);
    }
    assertThat(HopLimitBand.DEFAULT.clamp(1)).isEqualTo(1);
    assertThat(HopLimitBand.DEFAULT.clamp(5)).isEqualTo(2);
  }

  @Test
  void narrowedBy_overTheDefault_inheritsMissingBoundsAndMovesCrossedOnes() {
    HopLimitBand atMost2 = HopLimitBand.DEFAULT;
    assertThat(atMost2.narrowedBy(2, null)).isEqualTo(new HopLimitBand(2, 2));
    assertThat(atMost2.narrowedBy(3, null)).isEqualTo(new HopLimitBand(3, 3));
    assertThat(atMost2.narrowedBy(null, 1)).isEqualTo(new HopLimitBand(1, 1));
    assertThat(atMost2.narrowedBy(null, 3)).isEqualTo(new HopLimitBand(1, 3));
    assertThat(atMost2.narrowedBy(1, null)).isEqualTo(new HopLimitBand(1, 2));
    assertThat(atMost2.narrowedBy(2, 3)).isEqualTo(new HopLimitBand(2, 3));
  }

  @Test
  void narrowedBy_overExactly2_movesTheInheritedBoundToTheGivenOne() {
    HopLimitBand two = new HopLimitBand(2, 2);
    assertThat(two.narrowedBy(null, 1)).isEqualTo(new HopLimitBand(1, 1));
    assertThat(two.narrowedBy(3, null)).isEqualTo(new HopLimitBand(3, 3));
    assertThat(two.narrowedBy(1, null)).isEqualTo(new HopLimitBand(1, 2));
    assertThat(two.narrowedBy(1, 4)).isEqualTo(new HopLimitBand(1, 4));
  }
}
