package io.github.eksnoderemediator.infra;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * cdk-nag's AWS Solutions checks run on every synth (RemediatorApp adds them); every finding is
 * either fixed or suppressed in code with its reason. None may be left unexplained.
 */
class CdkNagTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "defaults",
        "clusters",
        "eni",
        "eniClusters",
        "central",
        "centralMember",
        "release",
        "releaseEni"
      })
  void awsSolutionsChecks_leaveNoUnexplainedFinding(String stack) {
    assertThat(TestStacks.named(stack).findings()).as("cdk-nag findings").isEmpty();
  }
}
