package io.github.eksnoderemediator.infra;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.eksnoderemediator.infra.RoleChecks.Call;
import io.github.eksnoderemediator.infra.iam.MetadataReading;
import io.github.eksnoderemediator.infra.iam.RolePolicies;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The ENI function's synthesized role, evaluated by a real IAM policy evaluator for every call the
 * function makes, with every resource each call authorizes: a call goes through only when IAM
 * allows all of them. The instance resources carry the metadata keys of each {@link
 * MetadataReading}, to show the role depends on tags only.
 */
class EniRoleEvaluationTest {
  static RolePolicies role(String stack) {
    return RolePolicies.fromTemplate(TestStacks.named(stack).template(), "EniPermissionsRole");
  }

  static Stream<Arguments> everyReading() {
    return Stream.of("eni", "eniClusters")
        .flatMap(s -> MetadataReading.all().stream().map(r -> Arguments.of(s, r)));
  }

  @ParameterizedTest(name = "{0}, reading {1}")
  @MethodSource("everyReading")
  void interfacesOfOurs_onNodesInScope_only_andNeverAttachedToOptedOutNodes(
      String stack, MetadataReading reading) {
    List<Call> calls = EniRoleProperties.existingInterfaces(TestStacks.config(stack), reading);

    assertThat(calls).hasSizeGreaterThan(20);
    assertThat(RoleChecks.violations(role(stack), calls)).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"eni", "eniClusters"})
  void creations_onlyWithOurRequestTags_inTheProfilesSubnetsAndGroups(String stack) {
    List<Call> calls = EniRoleProperties.creations(TestStacks.config(stack));

    assertThat(calls).hasSizeGreaterThan(5);
    assertThat(RoleChecks.violations(role(stack), calls)).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"eni", "eniClusters"})
  void everyReadTheFunctionMakes_isAllowed_andNoMetadataOrInstanceWrite(String stack) {
    List<Call> calls = EniRoleProperties.otherCalls(TestStacks.config(stack));

    assertThat(RoleChecks.violations(role(stack), calls)).isEmpty();
  }
}
