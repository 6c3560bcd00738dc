package io.github.eksnoderemediator.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.eksnoderemediator.check.PermissionsReport;
import io.github.eksnoderemediator.check.Probe;
import io.github.eksnoderemediator.json.Json;
import io.github.eksnoderemediator.report.Report;
import io.github.eksnoderemediator.verify.Facts.Read;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How verify reads what a function's {@code {"check": "permissions"}} invocation answered. */
class SdkDeploymentReaderTest {

  @Test
  void permissionsReport_readsTheTableOfTheFunctionsReport() {
    PermissionsReport table =
        PermissionsReport.of(
            List.of(
                new Probe(
                    "harden a node",
                    "ModifyInstanceMetadataOptions required/2/enabled",
                    "i-1",
                    "allowed",
                    "allowed (DryRunOperation)",
                    Probe.Verdict.ok,
                    "")),
            List.of("no running instance out of scope was found"));
    String answer = Json.pretty(Report.permissions("{\"check\": \"permissions\"}", table));

    Read<PermissionsReport> read = SdkDeploymentReader.permissionsReport(null, answer);

    assertThat(read.value()).hasValue(table);
  }

  @Test
  void permissionsReport_aFunctionErrorOrAnotherAnswer_isTheReasonInstead() {
    assertThat(
            SdkDeploymentReader.permissionsReport(
                    "Unhandled", "{\"errorMessage\": \"no Region\", \"errorType\": \"X\"}")
                .error())
        .hasValue("the function failed (Unhandled): no Region");
    assertThat(SdkDeploymentReader.permissionsReport(null, "{\"results\": []}").error())
        .hasValue("the answer has no permissions table: {\"results\": []}");
    assertThat(SdkDeploymentReader.permissionsReport(null, "not json").error())
        .hasValue("the answer is not a report: not json");
  }

  @Test
  void aliasName_readsFunctionAndAliasFromTheArn() {
    assertThat(
            SdkDeploymentReader.AliasName.of(
                "arn:aws:lambda:eu-west-1:111122223333:function:EksNodeRemediator-Imds-1AB:live"))
        .isEqualTo(new SdkDeploymentReader.AliasName("EksNodeRemediator-Imds-1AB", "live"));
  }
}
