package io.github.eksnoderemediator.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.port.Ec2Gateway;
import io.github.eksnoderemediator.port.EksGateway;
import io.github.eksnoderemediator.port.LaunchTemplateRef;
import io.github.eksnoderemediator.port.MetadataDefaults;
import io.github.eksnoderemediator.port.TemplateOptions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DriftReporterTest {
  private static final LaunchTemplateRef TEMPLATE =
      new LaunchTemplateRef(Optional.of("lt-0a1b2c3d4e5f6a7b8"), Optional.empty(), "3");

  private final EksGateway eks = mock(EksGateway.class);
  private final Ec2Gateway ec2 = mock(Ec2Gateway.class);

  private DriftReport report(String templateTokens, String enforced, String managedBy) {
    when(eks.listClusters()).thenReturn(List.of("prod"));
    when(eks.describeCluster("prod"))
        .thenReturn(Optional.of(new EksGateway.ClusterInfo("prod", false)));
    when(eks.listNodegroups("prod")).thenReturn(List.of("general"));
    when(eks.describeNodegroup("prod", "general"))
        .thenReturn(new EksGateway.NodegroupInfo("general", Optional.of(TEMPLATE)));
    when(ec2.launchTemplateOptions(TEMPLATE))
        .thenReturn(
            Optional.of(
                new TemplateOptions(
                    Optional.of(templateTokens), Optional.of(2), Optional.empty())));
    when(ec2.accountMetadataDefaults())
        .thenReturn(
            new MetadataDefaults(
                new TemplateOptions(Optional.of("required"), Optional.of(2), Optional.empty()),
                Optional.ofNullable(enforced),
                Optional.ofNullable(managedBy)));
    return new DriftReporter(eks, ec2, RemediatorConfig.DEFAULT).report();
  }

  @Test
  void report_showsAccountEnforcement_andRecommendsItOnceEveryNodeGroupIsCompliant() {
    DriftReport report = report("required", "disabled", "account");

    assertThat(report.driftingNodeGroups()).isZero();
    DriftReport.AccountDefaults account = report.account();
    assertThat(account.httpTokensEnforced()).isEqualTo("disabled");
    assertThat(account.managedBy()).isEqualTo("account");
    assertThat(account.recommendation())
        .startsWith("every node group checked launches compliant nodes: turn on account-level");
  }

  @Test
  void report_holdsTheRecommendationBack_whileANodeGroupDrifts() {
    DriftReport report = report("optional", "disabled", "declarative-policy");

    assertThat(report.driftingNodeGroups()).isEqualTo(1);
    assertThat(report.account().recommendation())
        .contains("declarative policy that manages these defaults")
        .endsWith(
            "once the 1 drifting node group(s) are fixed: until then their launches would be refused");
  }

  @Test
  void report_recommendsNothing_whenEnforcementIsOn() {
    DriftReport report = report("required", "enabled", "declarative-policy");

    assertThat(report.account().httpTokensEnforced()).isEqualTo("enabled");
    assertThat(report.account().recommendation()).isNull();
  }
}
