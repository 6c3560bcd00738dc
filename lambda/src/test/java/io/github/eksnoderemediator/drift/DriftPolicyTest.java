package io.github.eksnoderemediator.drift;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.eksnoderemediator.config.HopLimitBand;
import io.github.eksnoderemediator.config.HttpEndpointSetting;
import io.github.eksnoderemediator.config.ImdsConfig.ResolvedBand;
import io.github.eksnoderemediator.port.MetadataDefaults;
import io.github.eksnoderemediator.port.TemplateOptions;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DriftPolicyTest {
  private static final ResolvedBand TWO = new ResolvedBand(HopLimitBand.DEFAULT, "default");
  private static final ResolvedBand MIN_2 =
      new ResolvedBand(new HopLimitBand(2, 2), "nodeGroup prod/general");

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
                template("optional", 3), TWO, HttpEndpointSetting.UNCHANGED))
        .containsExactly(
            "HttpTokens optional: nodes launch with IMDSv1 enabled",
            "hop limit 3 outside band [1, 2] from default");
    assertThat(
            DriftPolicy.templateReasons(
                template("required", 1), MIN_2, HttpEndpointSetting.UNCHANGED))
        .containsExactly("hop limit 1 outside band 2 from nodeGroup prod/general");
  }

  @Test
  void templateReasons_acceptHopLimit1_underTheDefaultBand() {
    assertThat(
            DriftPolicy.templateReasons(
                template("required", 1), TWO, HttpEndpointSetting.UNCHANGED))
        .isEmpty();
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
        .containsExactly("default hop limit 4 outside the default band [1, 2]");
    assertThat(DriftPolicy.accountReasons(template("required", 1), HopLimitBand.DEFAULT)).isEmpty();
  }

  private static MetadataDefaults defaults(String enforced, String managedBy) {
    return new MetadataDefaults(
        template("required", 2), Optional.ofNullable(enforced), Optional.ofNullable(managedBy));
  }

  @Test
  void enforcementRecommendation_isNone_whenEnforcementIsOn() {
    assertThat(DriftPolicy.enforcementRecommendation(defaults("enabled", "account"), 3, false))
        .isEmpty();
  }

  @Test
  void enforcementRecommendation_waitsForDriftingNodeGroups_whoseLaunchesWouldBeRefused() {
    assertThat(DriftPolicy.enforcementRecommendation(defaults("disabled", "account"), 2, true))
        .hasValue(
            "turn on account-level IMDSv2 enforcement with ModifyInstanceMetadataDefaults"
                + " (HttpTokens required, HttpTokensEnforced enabled) or an AWS Organizations"
                + " declarative policy once the 2 drifting node group(s) are fixed: until then"
                + " their launches would be refused");
  }

  @Test
  void enforcementRecommendation_recommendsTurningItOn_whenEveryNodeGroupIsCompliant() {
    assertThat(DriftPolicy.enforcementRecommendation(defaults("disabled", "account"), 0, true))
        .get()
        .asString()
        .startsWith(
            "every node group checked launches compliant nodes: turn on account-level IMDSv2"
                + " enforcement with ModifyInstanceMetadataDefaults")
        .contains("no node is deferred (NodesDeferred)", "Karpenter EC2NodeClasses");
    // An older API that does not say counts as not enforced.
    assertThat(DriftPolicy.enforcementRecommendation(defaults(null, null), 0, false))
        .get()
        .asString()
        .startsWith("no checked node group drifts, but some clusters could not be checked");
  }

  @Test
  void enforcementRecommendation_pointsAtTheDeclarativePolicy_whenOneManagesTheDefaults() {
    assertThat(
            DriftPolicy.enforcementRecommendation(
                defaults("disabled", "declarative-policy"), 0, true))
        .get()
        .asString()
        .contains(
            "in the AWS Organizations declarative policy that manages these defaults (the account"
                + " cannot change them)");
  }
}
