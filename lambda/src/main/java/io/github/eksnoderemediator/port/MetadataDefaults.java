package io.github.eksnoderemediator.port;

import java.util.Optional;

/**
 * The account's instance-metadata defaults in one Region (GetInstanceMetadataDefaults).
 *
 * @param options the defaults new instances get when neither their launch nor their template says
 * @param httpTokensEnforced {@code enabled} when the account refuses launches that allow IMDSv1 and
 *     refuses re-enabling IMDSv1 on an instance; {@code disabled}; empty when EC2 does not say
 * @param managedBy {@code account} or {@code declarative-policy} (an AWS Organizations declarative
 *     policy sets them and the account cannot change them); empty when EC2 does not say
 */
public record MetadataDefaults(
    TemplateOptions options, Optional<String> httpTokensEnforced, Optional<String> managedBy) {

  /** True when EC2 reports enforcement on. */
  public boolean enforced() {
    return httpTokensEnforced.map("enabled"::equals).orElse(false);
  }

  /** True when an Organizations declarative policy manages these defaults. */
  public boolean managedByDeclarativePolicy() {
    return managedBy.map("declarative-policy"::equals).orElse(false);
  }
}
