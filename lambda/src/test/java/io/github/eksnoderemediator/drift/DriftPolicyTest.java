package io.github.eksnoderemediator.drift;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.eksnoderemediator.config.HopLimitBand;
import io.github.eksnoderemediator.config.HttpEndpointSetting;
import io.github.eksnoderemediator.config.ImdsConfig.ResolvedBand;
import io.github.eksnoderemediator.port.TemplateOptions;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DriftPolicyTest {
  private static final ResolvedBand TWO = new ResolvedBand(HopLimitBand.DEFAULT, "default");

  private static TemplateOptions template(String tokens, Integer hop) {
    return new TemplateOptions(
        Optional.ofNullable(tokens), Optional.ofNullable(hop), Optional.empty());
  }

  @Test
  void templateReasons_areEmpty_forAHardenedTemplate() {
    assertThat(
            DriftPolicy.templateReasons(
                template("required", 2), TWO, HttpEndpointSetting.UNCHANGED))
        .isEmpty();
  }

  @Test
  void templateReasons_nameOptionalTokensAndAHopLimitOutsideTheBand() {
    assertThat(
            DriftPolicy.templateReasons(
                template("optional", 1), TWO, HttpEndpointSetting.UNCHANGED))
        .containsExactly(
            "HttpTokens optional: nodes launch with IMDSv1 enabled",
            "hop limit 1 outside band 2 from default");
  }

  @Test
  void templateReasons_flagUnsetFields_becauseTheDefaultDecides() {
    assertThat(
            DriftPolicy.templateReasons(template(null, null), TWO, HttpEndpointSetting.UNCHANGED))
        .hasSize(2)
        .allMatch(r -> r.contains("not set"));
  }

  @Test
  void templateReasons_checkTheEndpointOnlyWhenConfigured() {
    TemplateOptions disabled =
        new TemplateOptions(Optional.of("required"), Optional.of(2), Optional.of("disabled"));
    assertThat(DriftPolicy.templateReasons(disabled, TWO, HttpEndpointSetting.UNCHANGED)).isEmpty();
    assertThat(DriftPolicy.templateReasons(disabled, TWO, HttpEndpointSetting.ENABLED))
        .containsExactly("HttpEndpoint disabled: the policy wants enabled");
  }

  @Test
  void accountReasons_flagDefaultsWeakerThanThePolicy() {
    assertThat(DriftPolicy.accountReasons(template("required", 2), HopLimitBand.DEFAULT)).isEmpty();
    assertThat(DriftPolicy.accountReasons(template(null, -1), HopLimitBand.DEFAULT))
        .containsExactly(
            "default HttpTokens no-preference: instances launched without their own setting may allow IMDSv1");
    assertThat(DriftPolicy.accountReasons(template("required", 4), HopLimitBand.DEFAULT))
        .containsExactly("default hop limit 4 outside the default band 2");
  }
}
