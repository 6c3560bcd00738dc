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
 * @param allowInAdministratorAccount update findings even where this account is a Security Hub
 *     administrator ({@code ListMembers} lists member accounts). Off by default: IAM cannot limit
 *     {@code BatchUpdateFindings} to EC2.8 findings, so there the role could reach every member's
 *     findings, and only the function's code keeps it to EC2.8
 */
public record SecurityHubConfig(boolean updateFindings, boolean allowInAdministratorAccount) {
  public static final SecurityHubConfig DEFAULT = new SecurityHubConfig(true, false);

  /** Updates on or off, and never in an administrator account. */
  public SecurityHubConfig(boolean updateFindings) {
    this(updateFindings, false);
  }

  static SecurityHubConfig parse(StrictObject securityHub) {
    securityHub.allowOnly(Set.of("updateFindings", "allowInAdministratorAccount"));
    return new SecurityHubConfig(
        securityHub.bool("updateFindings").orElse(DEFAULT.updateFindings()),
        securityHub
            .bool("allowInAdministratorAccount")
            .orElse(DEFAULT.allowInAdministratorAccount()));
  }
}
