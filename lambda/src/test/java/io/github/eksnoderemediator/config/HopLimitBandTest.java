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
  void narrowedBy_inheritsMissingBoundsAndMovesCrossedOnes() {
    HopLimitBand two = HopLimitBand.DEFAULT;
    assertThat(two.narrowedBy(null, 1)).isEqualTo(new HopLimitBand(1, 1));
    assertThat(two.narrowedBy(3, null)).isEqualTo(new HopLimitBand(3, 3));
    assertThat(two.narrowedBy(1, null)).isEqualTo(new HopLimitBand(1, 2));
    assertThat(two.narrowedBy(1, 4)).isEqualTo(new HopLimitBand(1, 4));
  }
}
