package io.github.eksnoderemediator.drift;

import io.github.eksnoderemediator.config.HopLimitBand;
import io.github.eksnoderemediator.config.HttpEndpointSetting;
import io.github.eksnoderemediator.config.ImdsConfig.ResolvedBand;
import io.github.eksnoderemediator.port.MetadataDefaults;
import io.github.eksnoderemediator.port.TemplateOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Pure: would the policy have to change the nodes this template launches? Each reason names what
 * the template says and what the policy wants, so the report says how to fix the template.
 */
public final class DriftPolicy {
  private DriftPolicy() {}

  /** Why a launch template's nodes would need remediation; empty when none. */
  public static List<String> templateReasons(
      TemplateOptions template, ResolvedBand band, HttpEndpointSetting endpoint) {
    List<String> reasons = new ArrayList<>();
    String tokens = template.httpTokens().orElse(null);
    if (tokens == null) {
      reasons.add(
          "HttpTokens not set: nodes get the account or AMI default, possibly optional (IMDSv1)");
    } else if (!"required".equals(tokens)) {
      reasons.add("HttpTokens " + tokens + ": nodes launch with IMDSv1 enabled");
    }
    Integer hop = template.hopLimit().orElse(null);
    if (hop == null) {
      reasons.add(
          "hop limit not set: nodes get the account or AMI default; the policy wants "
              + describe(band));
    } else if (!band.band().contains(hop)) {
      reasons.add("hop limit " + hop + " outside " + describe(band));
    }
    if (endpoint != HttpEndpointSetting.UNCHANGED) {
      String wanted = endpoint.name().toLowerCase(Locale.ROOT);
      String actual = template.httpEndpoint().orElse("enabled");
      if (!wanted.equals(actual)) {
        reasons.add("HttpEndpoint " + actual + ": the policy wants " + wanted);
      }
    }
    return reasons;
  }

  /** Why the account's defaults are weaker than the default policy; empty when they are not. */
  public static List<String> accountReasons(TemplateOptions defaults, HopLimitBand band) {
    List<String> reasons = new ArrayList<>();
    String tokens = defaults.httpTokens().orElse("no-preference");
    if (!"required".equals(tokens)) {
      reasons.add(
          "default HttpTokens "
              + tokens
              + ": instances launched without their own setting may allow IMDSv1");
    }
    defaults
        .hopLimit()
        .filter(h -> h > 0 && !band.contains(h))
        .ifPresent(
            h -> reasons.add("default hop limit " + h + " outside the default band " + band));
    return reasons;
  }

  /**
   * What to say about account-level enforcement ({@code httpTokensEnforced}): once it is on, EC2
   * refuses every launch that allows IMDSv1 and every call that re-enables it, so it is safe only
   * when every node group already launches compliant nodes.
   *
   * @param driftingNodeGroups node groups whose launch templates launch weak nodes
   * @param allChecked false when some cluster could not be checked
   * @return the recommendation, or empty when enforcement is already on
   */
  public static java.util.Optional<String> enforcementRecommendation(
      MetadataDefaults defaults, int driftingNodeGroups, boolean allChecked) {
    if (defaults.enforced()) {
      return java.util.Optional.empty();
    }
    String where =
        defaults.managedByDeclarativePolicy()
            ? "in the AWS Organizations declarative policy that manages these defaults (the"
                + " account cannot change them)"
            : "with ModifyInstanceMetadataDefaults (HttpTokens required, HttpTokensEnforced"
                + " enabled) or an AWS Organizations declarative policy";
    if (driftingNodeGroups > 0) {
      return java.util.Optional.of(
          "turn on account-level IMDSv2 enforcement "
              + where
              + " once the "
              + driftingNodeGroups
              + " drifting node group(s) are fixed: until then their launches would be refused");
    }
    return java.util.Optional.of(
        (allChecked
                ? "every node group checked launches compliant nodes: turn on account-level IMDSv2"
                    + " enforcement "
                : "no checked node group drifts, but some clusters could not be checked: once they"
                    + " are, turn on account-level IMDSv2 enforcement ")
            + where
            + ". First make sure no node is deferred (NodesDeferred) and that Karpenter"
            + " EC2NodeClasses and other launchers this report cannot see ask for required tokens:"
            + " EC2 then refuses any launch that allows IMDSv1");
  }

  private static String describe(ResolvedBand band) {
    return "band " + band.band() + " from " + band.source();
  }
}
