package io.github.eksnoderemediator.eni;

import static io.github.eksnoderemediator.eni.EniTestData.DATA;
import static io.github.eksnoderemediator.eni.EniTestData.DATA_A;
import static io.github.eksnoderemediator.eni.EniTestData.MGMT;
import static io.github.eksnoderemediator.eni.EniTestData.MGMT_A;
import static io.github.eksnoderemediator.eni.EniTestData.NODE;
import static io.github.eksnoderemediator.eni.EniTestData.NOW;
import static io.github.eksnoderemediator.eni.EniTestData.SG_DATA;
import static io.github.eksnoderemediator.eni.EniTestData.SG_MGMT;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.eksnoderemediator.port.InstanceId;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EniClientTokensTest {
  private static String token(InstanceId node, java.time.Instant time) {
    return EniSpec.of(DATA, node, "prod", DATA_A, List.of(SG_DATA), time).clientToken();
  }

  @Test
  void token_isTheSame_forTheSameInstanceProfileAndParameters_inOneWindow() {
    String first = token(NODE, NOW);

    assertThat(token(NODE, NOW)).isEqualTo(first);
    assertThat(token(NODE, NOW.plusSeconds(1))).isEqualTo(first);
    assertThat(
            EniSpec.of(DATA, NODE, "prod", DATA_A, List.of(SG_DATA), NOW)
                .request(NOW.plusSeconds(30))
                .clientToken())
        .as("the creation-time tag is not part of the token")
        .isEqualTo(first);
  }

  @Test
  void token_isAtMost64PrintableAsciiCharacters() {
    assertThat(token(NODE, NOW)).hasSize(53).matches("enr1-[0-9a-f]{48}");
  }

  @Test
  void token_differs_whenAnyInputDiffers() {
    Set<String> tokens =
        Set.of(
            token(NODE, NOW),
            token(new InstanceId("i-0a1b2c3d4e5f60003"), NOW),
            token(NODE, NOW.plus(ClientTokens.WINDOW)),
            EniSpec.of(MGMT, NODE, "prod", DATA_A, List.of(SG_DATA), NOW).clientToken(),
            EniSpec.of(DATA, NODE, "prod", MGMT_A, List.of(SG_DATA), NOW).clientToken(),
            EniSpec.of(DATA, NODE, "prod", DATA_A, List.of(SG_DATA, SG_MGMT), NOW).clientToken(),
            EniSpec.of(DATA, NODE, "staging", DATA_A, List.of(SG_DATA), NOW).clientToken());

    assertThat(tokens).hasSize(7);
  }

  @Test
  void token_doesNotDependOnTheOrderOfSecurityGroups() {
    assertThat(EniSpec.of(DATA, NODE, "prod", DATA_A, List.of(SG_MGMT, SG_DATA), NOW).clientToken())
        .isEqualTo(
            EniSpec.of(DATA, NODE, "prod", DATA_A, List.of(SG_DATA, SG_MGMT), NOW).clientToken());
    assertThat(ClientTokens.WINDOW).isEqualTo(Duration.ofMinutes(10));
  }
}
