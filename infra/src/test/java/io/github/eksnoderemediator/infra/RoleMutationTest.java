package io.github.eksnoderemediator.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.infra.RoleChecks.Call;
import io.github.eksnoderemediator.infra.RoleChecks.Expect;
import io.github.eksnoderemediator.infra.iam.IamRequest;
import io.github.eksnoderemediator.infra.iam.MetadataReading;
import io.github.eksnoderemediator.infra.iam.RolePolicies;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Proof that the evaluation tests bite: each test breaks one statement of a synthesized role on
 * purpose and runs the very property check ({@link ImdsRoleProperties}, {@link EniRoleProperties})
 * that {@link ImdsRoleEvaluationTest} and {@link EniRoleEvaluationTest} run on the real role. The
 * check must pass on the real role and report violations on the broken one. The first violations
 * are printed, as a record of what a regression would look like.
 */
class RoleMutationTest {
  private static final RemediatorConfig DEFAULTS = TestStacks.config("defaults");
  private static final RemediatorConfig CLUSTERS = TestStacks.config("clusters");

  private static RolePolicies imds(String stack) {
    return ImdsRoleEvaluationTest.role(stack);
  }

  /** Runs {@code calls} on the real role (no violation) and the broken one (some); prints them. */
  private static List<String> bites(
      String mutation, RolePolicies real, RolePolicies broken, List<Call> calls) {
    assertThat(RoleChecks.violations(real, calls)).as("the real role").isEmpty();
    List<String> violations = RoleChecks.violations(broken, calls);
    System.out.println(
        "mutation: "
            + mutation
            + " -> "
            + violations.size()
            + " of "
            + calls.size()
            + " calls violate, e.g.\n  "
            + String.join("\n  ", violations.subList(0, Math.min(2, violations.size()))));
    assertThat(violations).as("violations with " + mutation).isNotEmpty();
    return violations;
  }

  private static UnaryOperator<ObjectNode> withoutCondition(String operator) {
    return st -> {
      ((ObjectNode) st.get("Condition")).remove(operator);
      return st;
    };
  }

  @Test
  void aDenyWithoutItsNullGuard_refusesHardening_whenEc2SuppliesNoAttributeKey() {
    RolePolicies broken =
        imds("defaults").withStatement("NeverSetTokensOtherThanRequired", withoutCondition("Null"));

    List<String> violations =
        bites(
            "NeverSetTokensOtherThanRequired without its Null guard",
            imds("defaults"),
            broken,
            ImdsRoleProperties.hardening(DEFAULTS, MetadataReading.C));

    assertThat(violations).allMatch(v -> v.contains("NeverSetTokensOtherThanRequired"));
  }

  @Test
  void theHopLimitDenyWithoutItsNullGuard_refusesHardening_whenEc2SuppliesNoAttributeKey() {
    RolePolicies broken =
        imds("clusters").withStatement("NeverSetHopLimitOutsideEnvelope", withoutCondition("Null"));

    bites(
        "NeverSetHopLimitOutsideEnvelope without its Null guard",
        imds("clusters"),
        broken,
        ImdsRoleProperties.hardening(CLUSTERS, MetadataReading.C));
  }

  /**
   * The hop-limit deny as it stood for the old default band (exactly 2): it refuses hardening a
   * node launched with hop limit 1, which the default now leaves at 1, wherever EC2 supplies the
   * value.
   */
  @Test
  void aHopLimitDenyStillAtTheOldExactly2_refusesHardeningANodeLeftAt1() {
    RolePolicies broken =
        imds("defaults")
            .withStatement(
                "NeverSetHopLimitOutsideEnvelope",
                st -> {
                  ((ObjectNode) st.at("/Condition/StringNotEquals"))
                      .put("ec2:Attribute/HttpPutResponseHopLimit", "2");
                  return st;
                });

    List<String> violations =
        bites(
            "NeverSetHopLimitOutsideEnvelope allowing only 2",
            imds("defaults"),
            broken,
            ImdsRoleProperties.hardening(DEFAULTS, MetadataReading.A));

    assertThat(violations).isNotEmpty().allMatch(v -> v.contains("/1/"));
  }

  @Test
  void withoutTheOptOutDeny_optedOutNodesAreNoLongerRefused() {
    RolePolicies broken = imds("defaults").withoutStatement("NeverModifyOptedOutInstances");

    List<String> violations =
        bites(
            "no NeverModifyOptedOutInstances",
            imds("defaults"),
            broken,
            ImdsRoleProperties.outOfScope(DEFAULTS, MetadataReading.B));

    assertThat(violations).allMatch(v -> v.contains("opted out"));
  }

  @Test
  void anAllowWithoutItsTagCondition_letsTheRoleChangeInstancesOutOfScope() {
    RolePolicies broken =
        imds("clusters")
            .withStatement(
                "ModifyManagedNodeGroupNodes",
                st -> {
                  st.remove("Condition");
                  return st;
                });

    bites(
        "ModifyManagedNodeGroupNodes without its tag condition",
        imds("clusters"),
        broken,
        ImdsRoleProperties.outOfScope(CLUSTERS, MetadataReading.C));
  }

  @Test
  void withoutTheTokensDeny_loosensTokens_whereEc2SuppliesTheAttributeKey() {
    RolePolicies broken = imds("defaults").withoutStatement("NeverSetTokensOtherThanRequired");

    List<String> violations =
        bites(
            "no NeverSetTokensOtherThanRequired",
            imds("defaults"),
            broken,
            ImdsRoleProperties.loosening(DEFAULTS, MetadataReading.A));

    assertThat(violations).allMatch(v -> v.contains("tokens optional"));
  }

  @Test
  void withoutTheEndpointDeny_changesAConfiguredEndpoint() {
    RolePolicies broken = imds("clusters").withoutStatement("NeverSetEndpointOtherThanConfigured");

    bites(
        "no NeverSetEndpointOtherThanConfigured",
        imds("clusters"),
        broken,
        ImdsRoleProperties.loosening(CLUSTERS, MetadataReading.B));
  }

  @Test
  void withoutTheInstanceMetadataTagsDeny_setsAFieldWeDoNotOwn() {
    RolePolicies broken = imds("defaults").withoutStatement("NeverSetInstanceMetadataTags");

    bites(
        "no NeverSetInstanceMetadataTags",
        imds("defaults"),
        broken,
        ImdsRoleProperties.loosening(DEFAULTS, MetadataReading.A));
  }

  /**
   * The role as it was before: hardening values required by the Allow through {@code
   * ec2:MetadataHttp*}. Under B those keys carry the node's current settings, so a node at
   * optional/1 could never be hardened.
   */
  @Test
  void valueConditionsOnTheAllow_asTheRoleOnceHad_refuseHardeningUnderB() {
    UnaryOperator<ObjectNode> oldConditions =
        st -> {
          ObjectNode condition = (ObjectNode) st.get("Condition");
          condition.withObject("StringEquals").put("ec2:MetadataHttpTokens", "required");
          condition
              .putObject("NumericGreaterThanEquals")
              .put("ec2:MetadataHttpPutResponseHopLimit", 2);
          condition
              .putObject("NumericLessThanEquals")
              .put("ec2:MetadataHttpPutResponseHopLimit", 2);
          return st;
        };
    RolePolicies broken =
        imds("defaults")
            .withStatement("ModifyManagedNodeGroupNodes", oldConditions)
            .withStatement("ModifyKarpenterNodes", oldConditions)
            .withStatement("ModifyEksctlNodes", oldConditions);

    bites(
        "value conditions on ec2:MetadataHttp* in the Allows",
        imds("defaults"),
        broken,
        ImdsRoleProperties.hardening(DEFAULTS, MetadataReading.B));
  }

  /** A Deny on the undocumented keys would do no better: under B it refuses hardening too. */
  @Test
  void aGuardedDenyOnMetadataHttpTokens_refusesHardeningUnderB() {
    RolePolicies broken =
        imds("defaults")
            .withStatement(
                "NeverSetTokensOtherThanRequired",
                st -> {
                  ObjectNode condition = st.putObject("Condition");
                  condition.putObject("Null").put("ec2:MetadataHttpTokens", "false");
                  condition.putObject("StringNotEquals").put("ec2:MetadataHttpTokens", "required");
                  return st;
                });

    bites(
        "a guarded Deny on ec2:MetadataHttpTokens",
        imds("defaults"),
        broken,
        ImdsRoleProperties.hardening(DEFAULTS, MetadataReading.B));
  }

  @Test
  void anEniRoleWithoutTheOwnershipCondition_touchesInterfacesThatAreNotOurs() {
    RolePolicies real = EniRoleEvaluationTest.role("eni");
    RolePolicies broken =
        real.withStatement(
            "OwnedInterfacesOnly",
            st -> {
              st.remove("Condition");
              return st;
            });

    List<String> violations =
        bites(
            "OwnedInterfacesOnly without its tag condition",
            real,
            broken,
            EniRoleProperties.existingInterfaces(TestStacks.config("eni"), MetadataReading.B));

    assertThat(violations)
        .allMatch(
            v ->
                v.contains("VPC CNI interface")
                    || v.contains("untagged interface")
                    || v.contains("tagged no_manage only"));
  }

  @Test
  void anEniRoleWithoutTheRequestTagCondition_createsInterfacesWithoutOurTags() {
    RolePolicies real = EniRoleEvaluationTest.role("eniClusters");
    RolePolicies broken = real.withStatement("CreateOwnedInterfaces", withoutCondition("Null"));

    List<String> violations =
        bites(
            "CreateOwnedInterfaces without the ownership request-tag condition",
            real,
            broken,
            EniRoleProperties.creations(TestStacks.config("eniClusters")));

    assertThat(violations).allMatch(v -> v.contains("without the ownership tag"));
  }

  @Test
  void anEniRoleWithoutTheCreateActionCondition_tagsExistingInterfacesAsOurs() {
    RolePolicies real = EniRoleEvaluationTest.role("eni");
    RolePolicies broken =
        real.withStatement(
            "TagInterfacesAtCreation",
            st -> {
              st.remove("Condition");
              return st;
            });

    bites(
        "TagInterfacesAtCreation without ec2:CreateAction",
        real,
        broken,
        EniRoleProperties.creations(TestStacks.config("eni")));
  }

  @Test
  void anEniRoleWithoutTheOptOutDeny_attachesToOptedOutNodes() {
    RolePolicies real = EniRoleEvaluationTest.role("eniClusters");
    RolePolicies broken = real.withoutStatement("NeverAttachToOptedOutInstances");

    bites(
        "no NeverAttachToOptedOutInstances",
        real,
        broken,
        EniRoleProperties.existingInterfaces(TestStacks.config("eniClusters"), MetadataReading.C));
  }

  /** A key AWS would not supply for the action counts as a violation, whatever the outcome. */
  @Test
  void aContextKeyTheSimulatorIgnores_isReportedAsAViolation() {
    Call call =
        Call.of(
            "deleting an interface with an instance key",
            Expect.REFUSED,
            IamRequest.of(
                    "ec2:DeleteNetworkInterface",
                    IamRequest.ec2Arn("network-interface/eni-0b00000000000000b"))
                .with("ec2:MetadataHttpTokens", "required"));

    assertThat(RoleChecks.violations(EniRoleEvaluationTest.role("eni"), List.of(call)))
        .singleElement()
        .asString()
        .contains("ignored [ec2:MetadataHttpTokens]");
  }
}
