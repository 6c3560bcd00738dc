package io.github.eksnoderemediator.infra;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.eksnoderemediator.canary.Canary;
import io.github.eksnoderemediator.infra.RoleChecks.Call;
import io.github.eksnoderemediator.infra.RoleChecks.Expect;
import io.github.eksnoderemediator.infra.iam.IamRequest;
import io.github.eksnoderemediator.infra.iam.IamSimulator;
import io.github.eksnoderemediator.infra.iam.MetadataReading;
import io.github.eksnoderemediator.infra.iam.RolePolicies;
import io.github.eksnoderemediator.node.NodeTags;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The IMDS function's synthesized role, evaluated by a real IAM policy evaluator for every call the
 * function makes, for each test stack's configuration and under each reading of what EC2 puts in
 * the value condition keys of ModifyInstanceMetadataOptions ({@link MetadataReading}): AWS does not
 * document it, so the role must be right under all of them (docs/iam.md, "Three readings").
 */
class ImdsRoleEvaluationTest {
  static final List<String> STACKS = List.of("defaults", "clusters", "eni", "eniClusters");

  static RolePolicies role(String stack) {
    return RolePolicies.fromTemplate(TestStacks.named(stack).template(), "ImdsPermissionsRole");
  }

  static Stream<Arguments> everyReading() {
    return STACKS.stream()
        .flatMap(s -> MetadataReading.all().stream().map(r -> Arguments.of(s, r)));
  }

  static Stream<Arguments> readingsWithAttributeKeys() {
    return everyReading().filter(a -> ((MetadataReading) a.get()[1]).attributeKeys());
  }

  static Stream<Arguments> readingsWithoutAttributeKeys() {
    return everyReading().filter(a -> !((MetadataReading) a.get()[1]).attributeKeys());
  }

  @ParameterizedTest(name = "{0}, reading {1}")
  @MethodSource("everyReading")
  void hardeningAnInScopeNode_isAllowed_forEveryLauncherAndStartingSetting(
      String stack, MetadataReading reading) {
    List<Call> calls = ImdsRoleProperties.hardening(TestStacks.config(stack), reading);

    assertThat(calls).hasSizeGreaterThan(10);
    assertThat(RoleChecks.violations(role(stack), calls)).isEmpty();
  }

  @ParameterizedTest(name = "{0}, reading {1}")
  @MethodSource("readingsWithAttributeKeys")
  void looseningAnInScopeNode_isExplicitlyDenied_wheneverEc2SuppliesTheValuesBeingSet(
      String stack, MetadataReading reading) {
    List<Call> calls = ImdsRoleProperties.loosening(TestStacks.config(stack), reading);

    assertThat(calls).isNotEmpty().allMatch(c -> c.expect() == Expect.EXPLICITLY_DENIED);
    assertThat(RoleChecks.violations(role(stack), calls)).isEmpty();
  }

  /**
   * Documents the limit of IAM: when EC2 supplies no {@code ec2:Attribute/*} key, IAM is not told
   * what a request sets, so no policy can refuse a loosening value without also refusing hardening.
   * There the guarantee is the function's code: SdkEc2Gateway only ever sends the target ImdsPolicy
   * computes (tokens required, hop limit in the node's band) and never sends the other two fields.
   * Scope (tags) and opt-out still hold under these readings: see the out-of-scope test.
   */
  @ParameterizedTest(name = "{0}, reading {1}")
  @MethodSource("readingsWithoutAttributeKeys")
  void looseningAnInScopeNode_cannotBeRefusedByIam_whenEc2SuppliesNoAttributeKeys(
      String stack, MetadataReading reading) {
    List<Call> calls = ImdsRoleProperties.loosening(TestStacks.config(stack), reading);

    assertThat(calls).isNotEmpty().allMatch(c -> c.expect() == Expect.ALLOWED);
    assertThat(RoleChecks.violations(role(stack), calls)).isEmpty();
  }

  @ParameterizedTest(name = "{0}, reading {1}")
  @MethodSource("everyReading")
  void instancesOutOfScope_areRefused_andOptedOutNodes_explicitlyDenied(
      String stack, MetadataReading reading) {
    List<Call> calls = ImdsRoleProperties.outOfScope(TestStacks.config(stack), reading);

    assertThat(calls).hasSizeGreaterThan(5);
    assertThat(RoleChecks.violations(role(stack), calls)).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"defaults", "clusters", "eni", "eniClusters"})
  void everyReadTheFunctionMakes_isAllowed_andWritesItNeverMakes_areRefused(String stack) {
    List<Call> calls = ImdsRoleProperties.otherCalls(TestStacks.config(stack));

    assertThat(RoleChecks.violations(role(stack), calls)).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"defaults", "clusters", "eni", "eniClusters"})
  void theSweep_mayTerminateLeakedCanaries_andNoOtherInstance(String stack) {
    String instance = IamRequest.ec2Arn("instance/i-0c0ffee0c0ffee001");
    IamRequest terminate =
        IamRequest.of("ec2:TerminateInstances", instance).with("ec2:Region", IamSimulator.REGION);
    Map<String, String> canary = Canary.tags("prod");
    Map<String, String> otherGroup = new LinkedHashMap<>(canary);
    otherGroup.put(NodeTags.MANAGED_NODE_GROUP, "general");
    Map<String, String> untagged = new LinkedHashMap<>(canary);
    untagged.remove(Canary.CANARY_TAG);
    Map<String, String> notTrue = new LinkedHashMap<>(canary);
    notTrue.put(Canary.CANARY_TAG, "false");
    List<Call> calls =
        List.of(
            Call.of("a canary instance", Expect.ALLOWED, terminate.withResourceTags(canary)),
            Call.of(
                "a canary-tagged node of another node group",
                Expect.REFUSED,
                terminate.withResourceTags(otherGroup)),
            Call.of(
                "a node of the canary's node group without the canary tag",
                Expect.REFUSED,
                terminate.withResourceTags(untagged)),
            Call.of("canary tag not true", Expect.REFUSED, terminate.withResourceTags(notTrue)),
            Call.of("an instance without tags", Expect.REFUSED, terminate));

    assertThat(RoleChecks.violations(role(stack), calls)).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"defaults", "clusters"})
  void theSimulatorSeesTheRoleOfTheSimulatedAccount(String stack) {
    // Guards the bridge itself: the template's intrinsics resolve to the simulated account, so a
    // refusal above cannot come from an ARN in another account or partition.
    assertThat(role(stack).documents().get("ImdsRemediation").toString())
        .contains("arn:aws:ec2:" + IamSimulator.REGION + ":" + IamSimulator.ACCOUNT + ":instance/*")
        .doesNotContain("Fn::")
        .doesNotContain("\"Ref\"");
  }
}
