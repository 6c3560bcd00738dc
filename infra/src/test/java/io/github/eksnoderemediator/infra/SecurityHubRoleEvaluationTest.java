package io.github.eksnoderemediator.infra;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.eksnoderemediator.infra.RoleChecks.Call;
import io.github.eksnoderemediator.infra.RoleChecks.Expect;
import io.github.eksnoderemediator.infra.iam.FindingsReading;
import io.github.eksnoderemediator.infra.iam.IamRequest;
import io.github.eksnoderemediator.infra.iam.IamSimulator;
import io.github.eksnoderemediator.infra.iam.RolePolicies;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The IMDS function's Security Hub permissions, evaluated by the IAM simulator under every reading
 * of {@code securityhub:ASFFSyntaxPath/*} ({@link FindingsReading}): the function's own update
 * (workflow RESOLVED and a note it signs) is allowed wherever Security Hub tells IAM what it sets,
 * as documented; anything more is explicitly denied under every reading that tells IAM, and refused
 * under every other.
 */
class SecurityHubRoleEvaluationTest {
  static final String NOTE = "EKS Node Remediator required IMDSv2 on this instance";

  static RolePolicies role() {
    return RolePolicies.fromTemplate(TestStacks.defaults().template(), "ImdsPermissionsRole");
  }

  static IamRequest update(FindingsReading reading, Map<String, String> set) {
    IamRequest r = IamRequest.of("securityhub:BatchUpdateFindings", FindingsReading.hubArn());
    for (var e : reading.context(set).entrySet()) {
      r = r.with(e.getKey(), e.getValue().toArray(String[]::new));
    }
    return r;
  }

  static Map<String, String> ours() {
    Map<String, String> set = new LinkedHashMap<>();
    set.put("Workflow.Status", "RESOLVED");
    set.put("Note.Text", NOTE);
    set.put("Note.UpdatedBy", "eks-node-remediator");
    return set;
  }

  static Map<String, String> oursAnd(String field, String value) {
    Map<String, String> set = ours();
    set.put(field, value);
    return set;
  }

  @ParameterizedTest(name = "reading {0}")
  @EnumSource(FindingsReading.class)
  void theFunctionsOwnUpdate_isAllowedWhereDocumented_andFailsClosedElsewhere(
      FindingsReading reading) {
    List<Call> calls =
        List.of(
            Call.of(
                "GetFindings",
                Expect.ALLOWED,
                IamRequest.of("securityhub:GetFindings", FindingsReading.hubArn())),
            Call.of(
                "ListMembers (is this an administrator account?)",
                Expect.ALLOWED,
                IamRequest.of("securityhub:ListMembers", FindingsReading.hubArn())),
            Call.of(
                "BatchUpdateFindings RESOLVED with the function's note",
                reading.statusKnown() ? Expect.ALLOWED : Expect.REFUSED,
                update(reading, ours())));

    assertThat(RoleChecks.violations(role(), calls)).isEmpty();
  }

  @ParameterizedTest(name = "reading {0}")
  @EnumSource(FindingsReading.class)
  void settingAnythingElse_isRefusedUnderEveryReading_andExplicitlyDeniedWhereSecurityHubSaysSo(
      FindingsReading reading) {
    List<Map<String, String>> requests = new ArrayList<>();
    requests.add(oursAnd("Severity.Label", "INFORMATIONAL"));
    requests.add(oursAnd("Severity.Normalized", "0"));
    requests.add(oursAnd("Confidence", "0"));
    requests.add(oursAnd("Criticality", "0"));
    requests.add(oursAnd("VerificationState", "FALSE_POSITIVE"));
    requests.add(oursAnd("Types", "Unusual Behaviors"));
    requests.add(oursAnd("UserDefinedFields.key", "hidden"));
    requests.add(oursAnd("RelatedFindings.Id", "arn:other"));
    Map<String, String> suppressed = ours();
    suppressed.put("Workflow.Status", "SUPPRESSED");
    Map<String, String> notified = ours();
    notified.put("Workflow.Status", "NOTIFIED");
    Map<String, String> forged = ours();
    forged.put("Note.UpdatedBy", "security-team");
    requests.add(suppressed);
    requests.add(notified);
    requests.add(forged);
    List<Call> calls = new ArrayList<>();
    for (Map<String, String> set : requests) {
      boolean told =
          reading == FindingsReading.MEMBERS || reading == FindingsReading.OBJECTS_AND_MEMBERS;
      // Under OBJECTS_ONLY the keys Severity, Confidence, ... still carry the denial.
      boolean topLevelDenied =
          reading == FindingsReading.OBJECTS_ONLY
              && set.keySet().stream()
                  .anyMatch(
                      k ->
                          List.of(
                                  "Severity",
                                  "Confidence",
                                  "Criticality",
                                  "VerificationState",
                                  "Types",
                                  "UserDefinedFields",
                                  "RelatedFindings")
                              .contains(k.contains(".") ? k.substring(0, k.indexOf('.')) : k));
      calls.add(
          Call.of(
              "BatchUpdateFindings setting " + set,
              told || topLevelDenied ? Expect.EXPLICITLY_DENIED : Expect.REFUSED,
              update(reading, set)));
    }
    Map<String, String> noteOnly = new LinkedHashMap<>(ours());
    noteOnly.remove("Workflow.Status");
    calls.add(
        Call.of(
            "BatchUpdateFindings with a note and no workflow status",
            Expect.REFUSED,
            update(reading, noteOnly)));

    assertThat(calls).hasSize(12);
    assertThat(RoleChecks.violations(role(), calls)).isEmpty();
  }

  @Test
  void otherSecurityHubCalls_andOtherHubs_areRefused() {
    String otherRegion = FindingsReading.hubArn().replace(IamSimulator.REGION, "ap-south-1");
    List<Call> calls = new ArrayList<>();
    for (String action :
        List.of(
            "securityhub:UpdateFindings",
            "securityhub:DisableSecurityHub",
            "securityhub:GetMembers",
            "securityhub:DisassociateMembers",
            "securityhub:CreateMembers",
            "securityhub:UpdateSecurityHubConfiguration")) {
      calls.add(Call.of(action, Expect.REFUSED, IamRequest.of(action, FindingsReading.hubArn())));
    }
    calls.add(
        Call.of(
            "securityhub:BatchImportFindings",
            Expect.REFUSED,
            IamRequest.of(
                "securityhub:BatchImportFindings",
                FindingsReading.hubArn().replace("hub/default", "product/aws/securityhub"))));
    calls.add(
        Call.of(
            "securityhub:CreateAutomationRule",
            Expect.REFUSED,
            IamRequest.of("securityhub:CreateAutomationRule", "*")));
    calls.add(
        Call.of(
            "BatchUpdateFindings on another Region's hub",
            Expect.REFUSED,
            update(FindingsReading.MEMBERS, ours()).withResource(otherRegion)));
    calls.add(
        Call.of(
            "GetFindings on another Region's hub",
            Expect.REFUSED,
            IamRequest.of("securityhub:GetFindings", otherRegion)));
    calls.add(
        Call.of(
            "ListMembers on another Region's hub",
            Expect.REFUSED,
            IamRequest.of("securityhub:ListMembers", otherRegion)));

    assertThat(RoleChecks.violations(role(), calls)).isEmpty();
  }

  @Test
  void theSecurityHubPolicy_isAManagedPolicyOfItsOwn_andAbsentWhenUpdatesAreOff() {
    assertThat(role().documents().keySet())
        .anyMatch(name -> name.startsWith("ImdsPermissionsSecurityHubFindings"));
    assertThat(TestStacks.clusters().template().path("Resources").toString())
        .doesNotContain("AWS::IAM::ManagedPolicy")
        .doesNotContain("securityhub:");
  }
}
