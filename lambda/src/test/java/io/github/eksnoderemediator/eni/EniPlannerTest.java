package io.github.eksnoderemediator.eni;

import static io.github.eksnoderemediator.eni.EniTestData.CONFIGURATION;
import static io.github.eksnoderemediator.eni.EniTestData.DATA;
import static io.github.eksnoderemediator.eni.EniTestData.DATA_A;
import static io.github.eksnoderemediator.eni.EniTestData.DATA_B;
import static io.github.eksnoderemediator.eni.EniTestData.M5_LARGE;
import static io.github.eksnoderemediator.eni.EniTestData.MGMT;
import static io.github.eksnoderemediator.eni.EniTestData.MGMT_A;
import static io.github.eksnoderemediator.eni.EniTestData.NODE;
import static io.github.eksnoderemediator.eni.EniTestData.NOW;
import static io.github.eksnoderemediator.eni.EniTestData.SG_DATA;
import static io.github.eksnoderemediator.eni.EniTestData.T3_MICRO;
import static io.github.eksnoderemediator.eni.EniTestData.VPC;
import static io.github.eksnoderemediator.eni.EniTestData.attached;
import static io.github.eksnoderemediator.eni.EniTestData.attachedAt;
import static io.github.eksnoderemediator.eni.EniTestData.node;
import static io.github.eksnoderemediator.eni.EniTestData.ours;
import static io.github.eksnoderemediator.eni.EniTestData.resolvedData;
import static io.github.eksnoderemediator.eni.EniTestData.resolvedMgmt;
import static io.github.eksnoderemediator.eni.EniTestData.slotOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.eksnoderemediator.config.EniProfile;
import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.eni.EniPlanner.PlanInput;
import io.github.eksnoderemediator.eni.EniPlanner.Selection;
import io.github.eksnoderemediator.eni.ProfilePlan.Apply;
import io.github.eksnoderemediator.eni.ProfilePlan.Fail;
import io.github.eksnoderemediator.eni.ProfilePlan.Present;
import io.github.eksnoderemediator.eni.ProfilePlan.Skip;
import io.github.eksnoderemediator.eni.ProfilePlan.Unresolved;
import io.github.eksnoderemediator.eni.ProfilePlan.Wait;
import io.github.eksnoderemediator.eni.Step.EniRef;
import io.github.eksnoderemediator.node.EksNode;
import io.github.eksnoderemediator.node.NodeKind;
import io.github.eksnoderemediator.port.EniId;
import io.github.eksnoderemediator.port.EniView;
import io.github.eksnoderemediator.port.InstanceState;
import io.github.eksnoderemediator.port.InterfaceLimits;
import io.github.eksnoderemediator.port.NetworkInstance;
import io.github.eksnoderemediator.port.Subnet;
import io.github.eksnoderemediator.port.SubnetId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EniPlannerTest {
  private static final EksNode CNF =
      new EksNode("prod", NodeKind.MANAGED_NODE_GROUP, Optional.of("cnf"), Optional.empty());
  private final EniPlanner planner = new EniPlanner(CONFIGURATION);

  private List<ProfilePlan> plan(
      NetworkInstance instance,
      List<EniProfile> profiles,
      List<EniView> ours,
      Map<String, ResolvedProfile> resolved,
      InterfaceLimits limits,
      RunMemory memory) {
    return planner.plan(
        new PlanInput(
            instance, CNF, profiles, ours, resolved, Optional.ofNullable(limits), memory, NOW));
  }

  private ProfilePlan planData(NetworkInstance instance, List<EniView> ours) {
    return plan(
            instance,
            List.of(DATA),
            ours,
            Map.of(DATA.name(), resolvedData(DATA_A, DATA_B)),
            M5_LARGE,
            RunMemory.empty())
        .get(0);
  }

  @Test
  void plan_createsAttachesAndSetsDeleteOnTermination_whenTheInterfaceIsMissing() {
    ProfilePlan plan = planData(node(), List.of());

    assertThat(plan).isInstanceOf(Apply.class);
    List<Step> steps = ((Apply) plan).steps();
    assertThat(steps).hasSize(3);
    Step.Create create = (Step.Create) steps.get(0);
    assertThat(create.spec().subnet()).isEqualTo(DATA_A);
    assertThat(create.spec().groups()).containsExactly(SG_DATA);
    assertThat(create.spec().tags())
        .containsEntry(EniTags.PROFILE, "multus-data")
        .containsEntry(EniTags.INSTANCE, NODE.value())
        .containsEntry(EniTags.CLUSTER, "prod")
        .containsEntry(EniTags.NO_MANAGE, "true")
        .containsEntry("team", "core")
        .doesNotContainKey(EniTags.CREATED_AT);
    assertThat(create.spec().clientToken()).startsWith("enr1-").hasSizeLessThanOrEqualTo(64);
    var request = create.spec().request(NOW);
    assertThat(request.tags()).containsEntry(EniTags.CREATED_AT, "2026-11-20T14:05:00Z");
    assertThat(request.description()).contains("Multus data");
    assertThat(request.secondaryPrivateIpCount()).isEqualTo(2);
    assertThat(steps.get(1)).isEqualTo(new Step.Attach(new EniRef.Created(), 0, 1));
    assertThat(steps.get(2))
        .isEqualTo(new Step.SetDeleteOnTermination(new EniRef.Created(), null, true));
  }

  @Test
  void plan_setsTheSourceDestCheck_andLeavesDeleteOnTerminationFalse_asTheProfileSays() {
    ProfilePlan plan =
        plan(
                node(),
                List.of(MGMT),
                List.of(),
                Map.of(MGMT.name(), resolvedMgmt(MGMT_A)),
                M5_LARGE,
                RunMemory.empty())
            .get(0);

    assertThat(((Apply) plan).steps())
        .extracting(s -> s.getClass().getSimpleName())
        .containsExactly("Create", "Attach", "SetSourceDestCheck");
  }

  @Test
  void plan_onlyAttaches_whenOurInterfaceIsAvailable() {
    EniView available = ours("eni-0aaaaaaaaaaaaaaa1", DATA, DATA_A);

    ProfilePlan plan = planData(node(), List.of(available));

    assertThat(plan).isInstanceOf(Apply.class);
    Apply apply = (Apply) plan;
    assertThat(apply.creates()).isFalse();
    assertThat(apply.steps())
        .containsExactly(
            new Step.Attach(new EniRef.Existing(available.id()), 0, 1),
            new Step.SetDeleteOnTermination(new EniRef.Existing(available.id()), null, true));
    assertThat(apply.reason()).contains("left by an earlier run that did not finish");
  }

  @Test
  void complete_onlyWhenEveryProfileIsPresent_withItsSettings_andNoSpareOfOursIsLeft() {
    Selection.Matched data = new Selection.Matched(CNF, List.of(DATA));
    EniView present = attachedAt(ours("eni-0aaaaaaaaaaaaaaa1", DATA, DATA_A), 0, 1, true);
    EniView spare = ours("eni-0aaaaaaaaaaaaaaa2", DATA, DATA_A);
    EniView dotOff = attachedAt(ours("eni-0aaaaaaaaaaaaaaa3", DATA, DATA_A), 0, 1, false);
    Map<String, String> elsewhereTags = new HashMap<>(spare.tags());
    elsewhereTags.put(EniTags.INSTANCE, "i-0123456789abcdef0");
    EniView anotherNodesSpare =
        new EniView(
            new EniId("eni-0aaaaaaaaaaaaaaa4"),
            spare.status(),
            spare.subnet(),
            spare.vpcId(),
            spare.availabilityZone(),
            spare.groups(),
            spare.description(),
            spare.sourceDestCheck(),
            elsewhereTags,
            Optional.empty());
    NetworkInstance withIt = node(slotOf(present));

    assertThat(planner.complete(withIt, data, List.of(present))).isTrue();
    assertThat(planner.complete(withIt, data, List.of(present, anotherNodesSpare)))
        .as("another instance's interface is not this node's spare")
        .isTrue();
    assertThat(planner.complete(withIt, data, List.of(present, spare)))
        .as("a spare of ours is left")
        .isFalse();
    assertThat(planner.complete(node(slotOf(dotOff)), data, List.of(dotOff)))
        .as("DeleteOnTermination differs from the profile")
        .isFalse();
    assertThat(planner.complete(node(), data, List.of(spare))).as("not attached").isFalse();
  }

  @Test
  void plan_isAlreadyPresent_whenOurInterfaceIsAttachedAtTheSlot() {
    EniView present = attachedAt(ours("eni-0aaaaaaaaaaaaaaa1", DATA, DATA_A), 0, 1, true);

    ProfilePlan plan = planData(node(slotOf(present)), List.of(present));

    assertThat(plan).isInstanceOf(Present.class);
    assertThat(((Present) plan).eni()).isEqualTo(present.id());
  }

  @Test
  void plan_needsNoLookups_forAnInterfaceAlreadyPresent() {
    EniView present = attachedAt(ours("eni-0aaaaaaaaaaaaaaa1", DATA, DATA_A), 0, 1, true);

    ProfilePlan plan =
        plan(
                node(slotOf(present)),
                List.of(DATA),
                List.of(present),
                Map.of(),
                null,
                RunMemory.empty())
            .get(0);

    assertThat(plan).isInstanceOf(Present.class);
  }

  @Test
  void plan_correctsDeleteOnTermination_ofAnAttachedInterface() {
    EniView present = attachedAt(ours("eni-0aaaaaaaaaaaaaaa1", DATA, DATA_A), 0, 1, false);

    ProfilePlan plan = planData(node(slotOf(present)), List.of(present));

    assertThat(((Apply) plan).steps())
        .containsExactly(
            new Step.SetDeleteOnTermination(
                new EniRef.Existing(present.id()),
                present.attachment().get().attachmentId(),
                true));
  }

  @Test
  void plan_deletesSpareInterfacesOfOurs_leftByAConcurrentRun() {
    EniView present = attachedAt(ours("eni-0aaaaaaaaaaaaaaa1", DATA, DATA_A), 0, 1, true);
    EniView spare = ours("eni-0bbbbbbbbbbbbbbb2", DATA, DATA_A);

    ProfilePlan plan = planData(node(slotOf(present)), List.of(present, spare));

    assertThat(((Apply) plan).steps())
        .containsExactly(new Step.Delete(spare.id(), "a spare interface of ours for this profile"));
  }

  @Test
  void plan_keepsTheLowestId_whenAnEmulatorLetTwoInterfacesOfOursHoldOneSlot() {
    EniView first = attachedAt(ours("eni-0aaaaaaaaaaaaaaa1", DATA, DATA_A), 0, 1, true);
    EniView second = attachedAt(ours("eni-0bbbbbbbbbbbbbbb2", DATA, DATA_A), 0, 1, true);

    Apply plan = (Apply) planData(node(slotOf(second)), List.of(second, first));

    assertThat(plan.eni()).contains(first.id());
    assertThat(plan.steps())
        .containsExactly(
            new Step.Delete(second.id(), "a second interface of ours at card 0, index 1"));
  }

  @Test
  void plan_failsAndPlansNothing_whenAForeignInterfaceHoldsTheSlot() {
    NetworkInstance.Interface cni =
        new NetworkInstance.Interface(
            new EniId("eni-0cccccccccccccc01"), attached(NODE, 0, 1, "eni-attach-cni", true));

    ProfilePlan plan = planData(node(cni), List.of());

    assertThat(plan).isInstanceOf(Fail.class);
    Fail fail = (Fail) plan;
    assertThat(fail.failure().retryable()).isFalse();
    assertThat(fail.reason())
        .isEqualTo(
            "card 0, index 1 is taken by eni-0cccccccccccccc01, which this service does not own: nothing created, nothing detached");
  }

  @Test
  void plan_failsBeforeCreatingAnything_whenTheInterfaceLimitWouldBeExceeded() {
    List<ProfilePlan> plans =
        plan(
            node(InstanceState.RUNNING, "t3.micro"),
            List.of(DATA, MGMT),
            List.of(),
            Map.of(DATA.name(), resolvedData(DATA_A), MGMT.name(), resolvedMgmt(MGMT_A)),
            T3_MICRO,
            RunMemory.empty());

    assertThat(plans.get(0)).isInstanceOf(Apply.class);
    assertThat(plans.get(1)).isInstanceOf(Fail.class);
    assertThat(plans.get(1).reason())
        .isEqualTo(
            "t3.micro takes 2 interfaces on card 0; 1 attached and 1 planned by earlier profiles, one more would exceed it: nothing created");
  }

  @Test
  void plan_fails_whenTheProfileWantsANetworkCardTheTypeLacks() {
    EniProfile card1 =
        RemediatorConfig.parse(
                EniTestData.CONFIG.replace(
                    "\"deviceIndex\": 1,", "\"deviceIndex\": 1, \"networkCardIndex\": 1,"),
                "test")
            .eni()
            .profiles()
            .get(0);

    ProfilePlan plan =
        plan(
                node(),
                List.of(card1),
                List.of(),
                Map.of(card1.name(), resolvedData(DATA_A)),
                M5_LARGE,
                RunMemory.empty())
            .get(0);

    assertThat(plan.reason())
        .startsWith("m5.large has 1 network card(s); the profile wants card 1");
  }

  @Test
  void plan_skipsTheProfile_whenNoneOfItsSubnetsIsInTheInstancesZone() {
    ProfilePlan plan =
        plan(
                node(),
                List.of(DATA),
                List.of(),
                Map.of(DATA.name(), resolvedData(DATA_B)),
                M5_LARGE,
                RunMemory.empty())
            .get(0);

    assertThat(plan).isInstanceOf(Skip.class);
    assertThat(plan.reason())
        .isEqualTo(
            "no subnet of the profile in eu-west-1a of vpc-0a1b2c3d4e5f60001 (it has [subnet-0da7a0000000000b1 in eu-west-1b])");
  }

  @Test
  void plan_fails_whenTheProfileHasTwoSubnetsInTheZone() {
    Subnet second = new Subnet(new SubnetId("subnet-0da7a0000000000a2"), VPC, "eu-west-1a");

    ProfilePlan plan =
        plan(
                node(),
                List.of(DATA),
                List.of(),
                Map.of(DATA.name(), resolvedData(DATA_A, second)),
                M5_LARGE,
                RunMemory.empty())
            .get(0);

    assertThat(plan).isInstanceOf(Fail.class);
    assertThat(plan.reason()).contains("has 2 subnets in eu-west-1a");
  }

  @Test
  void plan_fails_whenASecurityGroupIsNotFoundInTheVpc() {
    ResolvedProfile missing =
        new ResolvedProfile(DATA, VPC, List.of(DATA_A), List.of(), List.of("multus-data"));

    ProfilePlan plan =
        plan(
                node(),
                List.of(DATA),
                List.of(),
                Map.of(DATA.name(), missing),
                M5_LARGE,
                RunMemory.empty())
            .get(0);

    assertThat(plan).isInstanceOf(Fail.class);
    assertThat(plan.reason())
        .isEqualTo(
            "security groups [multus-data] not found in vpc-0a1b2c3d4e5f60001: the interface needs at least one");
  }

  @Test
  void plan_asksForLookups_beforeItCanCreate() {
    ProfilePlan plan =
        plan(node(), List.of(DATA), List.of(), Map.of(), null, RunMemory.empty()).get(0);

    assertThat(plan).isInstanceOf(Unresolved.class);
  }

  @Test
  void plan_fails_whenOurInterfaceIsAttachedAtAnotherSlot() {
    EniView elsewhere = attachedAt(ours("eni-0aaaaaaaaaaaaaaa1", DATA, DATA_A), 0, 3, true);

    ProfilePlan plan = planData(node(slotOf(elsewhere)), List.of(elsewhere));

    assertThat(plan).isInstanceOf(Fail.class);
    assertThat(plan.reason())
        .isEqualTo(
            "eni-0aaaaaaaaaaaaaaa1 (ours, for this profile) is attached at card 0, index 3, not at card 0, index 1: not moved automatically; detach it to let the function attach it again");
  }

  @Test
  void plan_skips_aStoppingInstance() {
    ProfilePlan plan = planData(node(InstanceState.STOPPING, "m5.large"), List.of());

    assertThat(plan).isInstanceOf(Skip.class);
  }

  @Test
  void plan_neverRecreates_anInterfaceThisRunCreatedThatEc2DoesNotShowYet() {
    EniView created = ours("eni-0aaaaaaaaaaaaaaa1", DATA, DATA_A);
    RunMemory memory = RunMemory.empty();
    memory.created(DATA.name(), created);

    ProfilePlan plan =
        plan(
                node(),
                List.of(DATA),
                List.of(),
                Map.of(DATA.name(), resolvedData(DATA_A)),
                M5_LARGE,
                memory)
            .get(0);

    assertThat(((Apply) plan).creates()).isFalse();
    assertThat(((Apply) plan).steps().get(0))
        .isEqualTo(new Step.Attach(new EniRef.Existing(created.id()), 0, 1));
  }

  @Test
  void plan_trustsItsOwnAttach_overADescribeThatDoesNotShowItYet() {
    EniView created = ours("eni-0aaaaaaaaaaaaaaa1", DATA, DATA_A);
    RunMemory memory = RunMemory.empty();
    memory.created(DATA.name(), created);
    memory.attached(created.id(), attached(NODE, 0, 1, "eni-attach-1", false));
    memory.deleteOnTermination(created.id(), true);

    ProfilePlan plan = plan(node(), List.of(DATA), List.of(), Map.of(), M5_LARGE, memory).get(0);

    assertThat(plan).isInstanceOf(Present.class);
  }

  @Test
  void plan_waits_whenATokenSaidTheInterfaceExistsButEc2DoesNotShowIt() {
    RunMemory memory = RunMemory.empty();
    memory.awaitCreated(DATA.name());

    ProfilePlan plan =
        plan(
                node(),
                List.of(DATA),
                List.of(),
                Map.of(DATA.name(), resolvedData(DATA_A)),
                M5_LARGE,
                memory)
            .get(0);

    assertThat(plan).isInstanceOf(Wait.class);
  }

  @Test
  void plan_deletesOurInterfaceInAStaleSubnet_andCreatesOneInTheProfilesSubnet() {
    Subnet old = new Subnet(new SubnetId("subnet-0da7a0000000000a9"), VPC, "eu-west-1a");
    EniView stale = ours("eni-0aaaaaaaaaaaaaaa1", DATA, old);

    Apply plan = (Apply) planData(node(), List.of(stale));

    assertThat(plan.creates()).isTrue();
    assertThat(plan.steps().get(plan.steps().size() - 1))
        .isInstanceOf(Step.Delete.class)
        .extracting(s -> ((Step.Delete) s).eni())
        .isEqualTo(stale.id());
  }

  @Test
  void select_skipsEksAutoModeNodes() {
    NetworkInstance auto =
        new NetworkInstance(
            NODE,
            InstanceState.RUNNING,
            EniTestData.CNF_NODE_TAGS,
            NOW,
            Optional.of("eks.amazonaws.com"),
            VPC,
            "eu-west-1a",
            "m5.large",
            List.of());

    Selection selection = planner.select(auto);

    assertThat(selection).isInstanceOf(Selection.OutOfScope.class);
    assertThat(((Selection.OutOfScope) selection).decision().reason())
        .isEqualTo("EKS Auto Mode node: EKS manages its settings");
  }

  @Test
  void select_skipsInstancesOutOfScope_andNodesNoProfileMatches() {
    Map<String, String> staging =
        Map.of("eks:cluster-name", "staging", "eks:nodegroup-name", "cnf");
    Map<String, String> otherGroup = new HashMap<>(EniTestData.CNF_NODE_TAGS);
    otherGroup.put("eks:nodegroup-name", "general");

    assertThat(planner.select(withTags(staging))).isInstanceOf(Selection.OutOfScope.class);
    assertThat(planner.select(withTags(Map.of("Name", "bastion"))))
        .isInstanceOf(Selection.OutOfScope.class);
    assertThat(planner.select(withTags(otherGroup))).isInstanceOf(Selection.NoProfile.class);
    assertThat(planner.select(node())).isEqualTo(new Selection.Matched(CNF, List.of(DATA, MGMT)));
  }

  private static NetworkInstance withTags(Map<String, String> tags) {
    NetworkInstance n = node();
    return new NetworkInstance(
        n.id(),
        n.state(),
        tags,
        n.launchTime(),
        n.managedBy(),
        n.vpcId(),
        n.availabilityZone(),
        n.instanceType(),
        n.interfaces());
  }
}
