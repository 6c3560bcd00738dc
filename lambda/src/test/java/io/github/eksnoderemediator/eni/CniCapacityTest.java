package io.github.eksnoderemediator.eni;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.eksnoderemediator.config.EniProfile;
import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.port.InterfaceLimits;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The VPC CNI's max-pods arithmetic against our profiles, with DescribeInstanceTypes' real figures
 * and the values EKS publishes for them (m5.large 29, m5.xlarge 58, t3.micro 4, p4d.24xlarge 737).
 */
class CniCapacityTest {
  static final InterfaceLimits M5_XLARGE = new InterfaceLimits("m5.xlarge", 4, 1, Map.of(0, 4), 15);
  static final InterfaceLimits P4D =
      new InterfaceLimits("p4d.24xlarge", 60, 4, Map.of(0, 15, 1, 15, 2, 15, 3, 15), 50);

  static final List<EniProfile> ON_CARDS_0_AND_1 =
      RemediatorConfig.parse(
              """
              {"clusters": ["prod"],
               "eni": {"profiles": [
                 {"name": "efa-0", "cluster": "prod", "subnets": {"ids": ["subnet-0a1a1a1a1a1a1a1a1"]},
                  "securityGroups": {"ids": ["sg-0a1b2c3d4e5f6a7b8"]}, "deviceIndex": 1},
                 {"name": "efa-1", "cluster": "prod", "subnets": {"ids": ["subnet-0a1a1a1a1a1a1a1a1"]},
                  "securityGroups": {"ids": ["sg-0a1b2c3d4e5f6a7b8"]}, "deviceIndex": 1,
                  "networkCardIndex": 1}]}}
              """,
              "test")
          .eni()
          .profiles();

  @Test
  void noProfiles_leaveEverySlot_andTheBootstrapsValue() {
    CniCapacity c = CniCapacity.of(EniTestData.M5_LARGE, List.of());

    assertThat(c.defaultMaxPods()).isEqualTo(29);
    assertThat(c.maxPods()).isEqualTo(29);
    assertThat(c.leftToCni()).isEqualTo(3);
    assertThat(c.warning()).isNull();
  }

  @Test
  void eachProfileOnCardZero_takesOneInterfaceOfAddresses_fromMaxPods() {
    CniCapacity one = CniCapacity.of(M5_XLARGE, List.of(EniTestData.DATA));
    CniCapacity two = CniCapacity.of(M5_XLARGE, List.of(EniTestData.DATA, EniTestData.MGMT));

    // 4 x (15 - 1) + 2 = 58 as the bootstrap computes it; 3 x 14 + 2 and 2 x 14 + 2 with ours.
    assertThat(one.defaultMaxPods()).isEqualTo(58);
    assertThat(one).extracting(CniCapacity::ours, CniCapacity::leftToCni).containsExactly(1, 3);
    assertThat(one.maxPods()).isEqualTo(44);
    assertThat(one.warning()).isNull();
    assertThat(two.maxPods()).isEqualTo(30);
    assertThat(two.profiles()).containsExactly("multus-data", "multus-mgmt");
    assertThat(two.warning()).isNull();
  }

  @Test
  void profilesTakingEverySlotButThePrimarys_areAWarning() {
    CniCapacity c =
        CniCapacity.of(EniTestData.M5_LARGE, List.of(EniTestData.DATA, EniTestData.MGMT));

    assertThat(c.leftToCni()).isEqualTo(1);
    assertThat(c.maxPods()).isEqualTo(11);
    assertThat(c.warning())
        .contains("multus-data, multus-mgmt take every slot on network card 0 of m5.large")
        .contains("set max-pods to 11");
  }

  @Test
  void twoInterfaceType_withAProfileSetTakingBoth_leavesTheCniNoSlot_andIsAWarning() {
    CniCapacity c =
        CniCapacity.of(EniTestData.T3_MICRO, List.of(EniTestData.DATA, EniTestData.MGMT));

    assertThat(c.interfaces()).isEqualTo(2);
    assertThat(c.ours()).isEqualTo(2);
    assertThat(c.leftToCni()).isZero();
    // 2 x (2 - 1) + 2 = 4 at bootstrap; only the primary's one secondary address is left.
    assertThat(c.defaultMaxPods()).isEqualTo(4);
    assertThat(c.maxPods()).isEqualTo(3);
    assertThat(c.warning())
        .contains("need 2 interface(s) on network card 0 of t3.micro, which takes 2")
        .contains("do not all fit")
        .contains("the VPC CNI is left no slot");
  }

  @Test
  void onlyCardZeroCounts_asInThePublishedValues() {
    CniCapacity none = CniCapacity.of(P4D, List.of());
    CniCapacity ours = CniCapacity.of(P4D, ON_CARDS_0_AND_1);

    assertThat(none.interfaces()).isEqualTo(15);
    assertThat(none.defaultMaxPods()).isEqualTo(737);
    assertThat(ours.ours()).as("the card 1 interface is not the CNI's slot").isEqualTo(1);
    assertThat(ours.maxPods()).isEqualTo(14 * 49 + 2);
    assertThat(ours.warning()).isNull();
  }

  @Test
  void noCardsListed_theInstancesFigureIsCardZeros() {
    InterfaceLimits old = new InterfaceLimits("m4.large", 2, 1, Map.of(), 10);

    assertThat(CniCapacity.of(old, List.of(EniTestData.DATA)).maxPods()).isEqualTo(11);
  }
}
