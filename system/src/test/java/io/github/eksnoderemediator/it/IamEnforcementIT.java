package io.github.eksnoderemediator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.eksnoderemediator.iam.IamEnforcement;
import io.github.eksnoderemediator.infra.iam.MetadataReading;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.testing.Ec2Fixtures;
import io.github.eksnoderemediator.testing.Instances;
import io.github.eksnoderemediator.testing.MotoServer;
import io.github.eksnoderemediator.testing.RecordingProxy;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.HttpTokensState;

/**
 * The enforcing proxy itself bites: requests a buggy function could send are refused as AWS would
 * refuse them, never reach the emulator, and fail the test that did not expect them.
 */
class IamEnforcementIT {
  private static RecordingProxy proxy;
  private static IamEnforcement iam;
  private static Ec2Fixtures fixtures;

  @BeforeAll
  static void start() throws Exception {
    MotoServer moto = MotoServer.shared();
    moto.reset();
    proxy = new RecordingProxy(moto.endpoint());
    iam = IamEnforcement.on(proxy, moto.endpoint(), "{\"clusters\": [\"prod\"]}");
    fixtures = new Ec2Fixtures(moto.endpoint());
  }

  @AfterAll
  static void stop() {
    proxy.close();
  }

  @BeforeEach
  void clear() {
    iam.clear();
    iam.reading(MetadataReading.B);
  }

  private static void modify(String accessKey, InstanceId id, String tokens, int hopLimit) {
    Ec2Client asFunction = Ec2Fixtures.client(proxy.endpoint(), accessKey);
    asFunction.modifyInstanceMetadataOptions(
        r ->
            r.instanceId(id.value())
                .httpTokens(HttpTokensState.fromValue(tokens))
                .httpPutResponseHopLimit(hopLimit));
  }

  @Test
  void aWriteToAnInstanceOutOfScope_isRefused_neverReachesTheEmulator_andFailsTheTest() {
    InstanceId bastion = fixtures.launch(Map.of("Name", "bastion"), "optional", 1);

    assertThatThrownBy(() -> modify(Ec2Fixtures.IMDS_ACCESS_KEY, bastion, "required", 2))
        .isInstanceOfSatisfying(
            Ec2Exception.class,
            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("UnauthorizedOperation"))
        .hasMessageContaining("instance/" + bastion.value());

    assertThat(fixtures.options(bastion)).isEqualTo("optional/1/enabled");
    assertThatThrownBy(iam::assertNoUnexpectedRefusals)
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("ec2:ModifyInstanceMetadataOptions")
        .hasMessageContaining(bastion.value());
  }

  @Test
  void loosening_isExplicitlyDenied_whereEc2SuppliesTheValueKeys_andNotUnderReadingC() {
    InstanceId node = fixtures.launch(Instances.MANAGED_PROD, "required", 2);

    assertThatThrownBy(() -> modify(Ec2Fixtures.IMDS_ACCESS_KEY, node, "optional", 2))
        .hasMessageContaining("ExplicitlyDenied")
        .hasMessageContaining("NeverSetTokensOtherThanRequired");
    assertThat(fixtures.options(node)).isEqualTo("required/2/enabled");

    iam.reading(MetadataReading.C);
    modify(Ec2Fixtures.IMDS_ACCESS_KEY, node, "optional", 2);
    assertThat(fixtures.options(node)).startsWith("optional/");
    iam.expect(r -> true);
  }

  @Test
  void aRequestSignedByNoFunctionsRole_isRefused() {
    InstanceId node = fixtures.launch(Instances.MANAGED_PROD, "optional", 1);

    assertThatThrownBy(() -> modify("AKIDSOMEONEELSE", node, "required", 2))
        .hasMessageContaining("which is no function's role here");
    iam.expect(r -> true);
  }

  @Test
  void theEniFunctionsRole_cannotTouchMetadataOptions() {
    InstanceId node = fixtures.launch(Instances.MANAGED_PROD, "optional", 1);

    assertThatThrownBy(() -> modify(Ec2Fixtures.ENI_ACCESS_KEY, node, "required", 2))
        .hasMessageContaining("which is no function's role here");
    iam.expect(r -> true);
  }
}
