package io.github.eksnoderemediator.config;

import io.github.eksnoderemediator.json.StrictObject;
import java.util.Set;

/**
 * What the IMDS function tells AWS Security Hub (docs/security-hub.md).
 *
 * @param updateFindings after the function hardens a node, set that instance's open EC2.8 findings
 *     to workflow status {@code RESOLVED} with a note of what changed. On by default: it acts only
 *     where Security Hub is enabled (elsewhere its first call answers "not enabled" and it stops
 *     for the life of the execution environment), and it sets nothing but the workflow status and a
 *     note
 */
public record SecurityHubConfig(boolean updateFindings) {
  public static final SecurityHubConfig DEFAULT = new SecurityHubConfig(true);

  static SecurityHubConfig parse(StrictObject securityHub) {
    securityHub.allowOnly(Set.of("updateFindings"));
    return new SecurityHubConfig(
        securityHub.bool("updateFindings").orElse(DEFAULT.updateFindings()));
  }
}
