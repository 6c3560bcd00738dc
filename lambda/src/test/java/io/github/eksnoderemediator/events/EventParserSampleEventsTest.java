package io.github.eksnoderemediator.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.eksnoderemediator.events.Input.LaunchCall;
import io.github.eksnoderemediator.events.Input.ManualRequest;
import io.github.eksnoderemediator.events.Input.StateChange;
import io.github.eksnoderemediator.events.Input.Unsupported;
import io.github.eksnoderemediator.port.EniId;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.port.InstanceState;
import io.github.eksnoderemediator.report.Attribution;
import io.github.eksnoderemediator.testing.SampleEvents;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file in the repository's {@code events/} folder, against what {@code events/README.md} says
 * it is. A sample added without a row here, or a row whose file is gone, fails the build.
 */
class EventParserSampleEventsTest {

  private static final Map<String, Input> EXPECTED =
      Map.ofEntries(
          Map.entry(
              "state-change-pending.json",
              new StateChange(
                  "7bf73129-1428-4cd3-a780-95db273d1602", id(1), InstanceState.PENDING)),
          Map.entry(
              "state-change-running.json",
              new StateChange(
                  "0bd3a3f6-5f2c-7b3e-9d0e-3c4f1f0a2b11", id(1), InstanceState.RUNNING)),
          Map.entry(
              "state-change-stopped.json",
              new StateChange(
                  "1d8a4a52-2c61-b4d3-07e5-9f2e6b1c4d22", id(1), InstanceState.STOPPED)),
          Map.entry(
              "state-change-terminated.json",
              new StateChange(
                  "5e2f0c31-8a17-4f0b-a6d2-7c9e1b3f5a33", id(1), InstanceState.TERMINATED)),
          Map.entry(
              "cloudtrail-runinstances-managed-nodegroup.json",
              launch(
                  "d1c8a2e4-77aa-4f7e-9a31-7a6b5c4d3e21",
                  "RunInstances",
                  new Attribution(
                      "RunInstances",
                      "arn:aws:sts::123456789012:assumed-role/AWSServiceRoleForAutoScaling/AutoScaling",
                      "AssumedRole",
                      "arn:aws:iam::123456789012:role/aws-service-role/autoscaling.amazonaws.com/"
                          + "AWSServiceRoleForAutoScaling",
                      "autoscaling.amazonaws.com",
                      "autoscaling.amazonaws.com",
                      "autoscaling.amazonaws.com",
                      "2026-11-20T14:03:10Z",
                      "launch template lt-0a1b2c3d4e5f6a7b8 version 3"),
                  id(2))),
          Map.entry(
              "cloudtrail-runinstances-self-managed-two-instances.json",
              launch(
                  "d1c8a2e4-77aa-4f7e-9a31-8b7c6d5e4f32",
                  "RunInstances",
                  new Attribution(
                      "RunInstances",
                      "arn:aws:sts::123456789012:assumed-role/AWSServiceRoleForAutoScaling/AutoScaling",
                      "AssumedRole",
                      "arn:aws:iam::123456789012:role/aws-service-role/autoscaling.amazonaws.com/"
                          + "AWSServiceRoleForAutoScaling",
                      "autoscaling.amazonaws.com",
                      "autoscaling.amazonaws.com",
                      "autoscaling.amazonaws.com",
                      "2026-11-20T14:03:10Z",
                      "launch template lt-0a1b2c3d4e5f6a7b8 version 3"),
                  id(3),
                  id(4))),
          Map.entry(
              "cloudtrail-runinstances-non-eks.json",
              launch(
                  "d1c8a2e4-77aa-4f7e-9a31-9c8d7e6f5a43",
                  "RunInstances",
                  new Attribution(
                      "RunInstances",
                      "arn:aws:sts::123456789012:assumed-role/Developer/jane",
                      "AssumedRole",
                      "arn:aws:iam::123456789012:role/Developer",
                      "aws-cli/2.22.4 md/awscrt#0.23.4 ua/2.1 os/linux#6.8 md/arch#x86_64 lang/python#3.12.6"
                          + " md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe"
                          + " md/distrib#ubuntu.24 md/prompt#off md/command#ec2.run-instances",
                      "aws-cli/2.22.4 md/awscrt#0.23.4 ua/2.1 os/linux#6.8 md/arch#x86_64 lang/python#3.12.6"
                          + " md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe"
                          + " md/distrib#ubuntu.24 md/prompt#off md/command#ec2.run-instances",
                      null,
                      "2026-11-20T14:03:10Z",
                      null),
                  id(5))),
          Map.entry(
              "cloudtrail-runinstances-failed.json",
              new LaunchCall(
                  "d1c8a2e4-77aa-4f7e-9a31-0d9e8f7a6b54",
                  "RunInstances",
                  List.of(),
                  Optional.of("Server.InsufficientInstanceCapacity"))),
          Map.entry(
              "cloudtrail-createfleet-one-instance.json",
              launch(
                  "e2d9b3f5-88bb-4a8f-8b42-1e0f9a8b7c65",
                  "CreateFleet",
                  new Attribution(
                      "CreateFleet",
                      "arn:aws:sts::123456789012:assumed-role/KarpenterControllerRole-prod/"
                          + "1795356188123456789",
                      "AssumedRole",
                      "arn:aws:iam::123456789012:role/KarpenterControllerRole-prod",
                      "52.95.4.21",
                      "aws-sdk-go-v2/1.36.3 ua/2.1 os/linux lang/go#1.24.2 md/GOOS#linux"
                          + " md/GOARCH#amd64 api/ec2#1.211.3 karpenter.sh-v1.4.0",
                      null,
                      "2026-11-20T14:03:10Z",
                      "launch template karpenter.k8s.aws/12345678901234567890 version $Latest"),
                  id(6))),
          Map.entry(
              "cloudtrail-createfleet-several-instances.json",
              launch(
                  "e2d9b3f5-88bb-4a8f-8b42-2f1a0b9c8d76",
                  "CreateFleet",
                  new Attribution(
                      "CreateFleet",
                      "arn:aws:sts::123456789012:assumed-role/KarpenterControllerRole-prod/"
                          + "1795356188123456789",
                      "AssumedRole",
                      "arn:aws:iam::123456789012:role/KarpenterControllerRole-prod",
                      "52.95.4.21",
                      "aws-sdk-go-v2/1.36.3 ua/2.1 os/linux lang/go#1.24.2 md/GOOS#linux"
                          + " md/GOARCH#amd64 api/ec2#1.211.3 karpenter.sh-v1.4.0",
                      null,
                      "2026-11-20T14:03:10Z",
                      "launch template karpenter.k8s.aws/12345678901234567890 version $Latest"),
                  id(7),
                  id(8),
                  id(9))),
          Map.entry(
              "cloudtrail-terminateinstances.json",
              new Unsupported(
                  "f3eac4a6-99cc-4b9a-9c53-6e91cf241d8c",
                  "CloudTrail call TerminateInstances is not handled")),
          Map.entry(
              "cloudtrail-modifyinstancemetadataoptions-by-user.json",
              new Input.MetadataOptionsChanged(
                  "4b7e2a10-5c3d-4e8f-9a1b-2c3d4e5f6a71",
                  id(2),
                  new Attribution(
                      "ModifyInstanceMetadataOptions",
                      "arn:aws:iam::123456789012:user/alice",
                      "IAMUser",
                      null,
                      "198.51.100.7",
                      "aws-cli/2.22.4 md/awscrt#0.23.4 ua/2.0 os/linux#6.8.0 md/arch#x86_64"
                          + " lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#standard"
                          + " md/installer#exe md/distrib#ubuntu.24 md/prompt#off"
                          + " md/command#ec2.modify-instance-metadata-options",
                      null,
                      "2026-11-20T15:12:40Z",
                      "HttpTokens optional, HttpPutResponseHopLimit 3"),
                  Optional.empty())),
          Map.entry(
              "cloudtrail-modifyinstancemetadataoptions-by-other-role.json",
              new Input.MetadataOptionsChanged(
                  "4b7e2a10-5c3d-4e8f-9a1b-2c3d4e5f6a72",
                  id(6),
                  new Attribution(
                      "ModifyInstanceMetadataOptions",
                      "arn:aws:sts::123456789012:assumed-role/"
                          + "AWSReservedSSO_PlatformAdmin_0123456789abcdef/bob@example.com",
                      "AssumedRole",
                      "arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/eu-west-1/"
                          + "AWSReservedSSO_PlatformAdmin_0123456789abcdef",
                      "203.0.113.25",
                      "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
                      null,
                      "2026-11-20T15:12:40Z",
                      "HttpPutResponseHopLimit 2, HttpEndpoint enabled"),
                  Optional.empty())),
          Map.entry(
              "cloudtrail-modifyinstancemetadataoptions-by-remediator.json",
              new Input.MetadataOptionsChanged(
                  "4b7e2a10-5c3d-4e8f-9a1b-2c3d4e5f6a73",
                  id(2),
                  new Attribution(
                      "ModifyInstanceMetadataOptions",
                      "arn:aws:sts::123456789012:assumed-role/"
                          + "EksNodeRemediator-ImdsPermissionsRole5E6F7A8B-0A1B2C3D4E5F/"
                          + "EksNodeRemediator-ImdsFunction1A2B3C4D-aBcDeFgHiJkL",
                      "AssumedRole",
                      "arn:aws:iam::123456789012:role/"
                          + "EksNodeRemediator-ImdsPermissionsRole5E6F7A8B-0A1B2C3D4E5F",
                      "3.250.12.34",
                      "aws-sdk-java/2.41.24 md/io#sync md/http#UrlConnection ua/2.1"
                          + " os/Linux#5.10.227-239.884.amzn2.x86_64 lang/java#21.0.5"
                          + " md/OpenJDK_64-Bit_Server_VM#21.0.5+11-LTS md/vendor#Amazon.com_Inc."
                          + " md/en_US exec-env/AWS_Lambda_java21 m/D,N",
                      null,
                      "2026-11-20T15:12:40Z",
                      "HttpTokens required, HttpPutResponseHopLimit 2, HttpEndpoint enabled"),
                  Optional.empty())),
          Map.entry(
              "cloudtrail-modifyinstancemetadataoptions-failed.json",
              new Input.MetadataOptionsChanged(
                  "4b7e2a10-5c3d-4e8f-9a1b-2c3d4e5f6a74",
                  id(2),
                  new Attribution(
                      "ModifyInstanceMetadataOptions",
                      "arn:aws:sts::123456789012:assumed-role/ci-deployer/build-1234",
                      "AssumedRole",
                      "arn:aws:iam::123456789012:role/ci-deployer",
                      "192.0.2.44",
                      "aws-cli/2.22.4 md/awscrt#0.23.4 ua/2.0 os/linux#6.8.0 md/arch#x86_64"
                          + " lang/python#3.12.6 md/command#ec2.modify-instance-metadata-options",
                      null,
                      "2026-11-20T15:12:40Z",
                      "HttpTokens optional, HttpPutResponseHopLimit 3"),
                  Optional.of("Client.UnauthorizedOperation"))),
          Map.entry(
              "cloudtrail-detachnetworkinterface-by-user.json",
              new Input.InterfaceChanged(
                  "7c8d9e0f-1a2b-4c3d-8e4f-5a6b7c8d9e01",
                  "DetachNetworkInterface",
                  Optional.empty(),
                  Optional.of("eni-attach-0c1d2e3f4a5b6c7d8"),
                  new Attribution(
                      "DetachNetworkInterface",
                      "arn:aws:iam::123456789012:user/alice",
                      "IAMUser",
                      null,
                      "198.51.100.7",
                      "aws-cli/2.22.4 md/awscrt#0.23.4 ua/2.0 os/linux#6.8.0 md/arch#x86_64 lang/python#3.12.6 md/command#ec2.detach-network-interface",
                      null,
                      "2026-11-20T16:02:10Z",
                      null),
                  Optional.empty())),
          Map.entry(
              "cloudtrail-deletenetworkinterface-by-user.json",
              new Input.InterfaceChanged(
                  "7c8d9e0f-1a2b-4c3d-8e4f-5a6b7c8d9e02",
                  "DeleteNetworkInterface",
                  Optional.of(new EniId("eni-0d1e2f3a4b5c6d7e8")),
                  Optional.empty(),
                  new Attribution(
                      "DeleteNetworkInterface",
                      "arn:aws:iam::123456789012:user/alice",
                      "IAMUser",
                      null,
                      "198.51.100.7",
                      "aws-cli/2.22.4 md/awscrt#0.23.4 ua/2.0 os/linux#6.8.0 md/arch#x86_64 lang/python#3.12.6 md/command#ec2.delete-network-interface",
                      null,
                      "2026-11-20T16:02:10Z",
                      null),
                  Optional.empty())),
          Map.entry(
              "cloudtrail-modifynetworkinterfaceattribute-by-other-role.json",
              new Input.InterfaceChanged(
                  "7c8d9e0f-1a2b-4c3d-8e4f-5a6b7c8d9e03",
                  "ModifyNetworkInterfaceAttribute",
                  Optional.of(new EniId("eni-0d1e2f3a4b5c6d7e8")),
                  Optional.empty(),
                  new Attribution(
                      "ModifyNetworkInterfaceAttribute",
                      "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_NetworkOps_fedcba9876543210/carol@example.com",
                      "AssumedRole",
                      "arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_NetworkOps_fedcba9876543210",
                      "203.0.113.40",
                      "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
                      null,
                      "2026-11-20T16:02:10Z",
                      "security groups"),
                  Optional.empty())),
          Map.entry(
              "cloudtrail-detachnetworkinterface-by-eni-function.json",
              new Input.InterfaceChanged(
                  "7c8d9e0f-1a2b-4c3d-8e4f-5a6b7c8d9e04",
                  "DetachNetworkInterface",
                  Optional.empty(),
                  Optional.of("eni-attach-0c1d2e3f4a5b6c7d8"),
                  new Attribution(
                      "DetachNetworkInterface",
                      "arn:aws:sts::123456789012:assumed-role/EksNodeRemediator-EniPermissionsRole9C8D7E6F-1A2B3C4D5E6F/EksNodeRemediator-EniFunction5D6E7F8A-mNoPqRsTuVwX",
                      "AssumedRole",
                      "arn:aws:iam::123456789012:role/EksNodeRemediator-EniPermissionsRole9C8D7E6F-1A2B3C4D5E6F",
                      "3.250.12.34",
                      "aws-sdk-java/2.57.8 md/io#sync md/http#UrlConnection ua/2.1 os/Linux lang/java#21.0.5 exec-env/AWS_Lambda_java21",
                      null,
                      "2026-11-20T16:02:10Z",
                      null),
                  Optional.empty())),
          Map.entry(
              "other-source-eks.json",
              new Unsupported(
                  "a8c2e1f0-3b4d-4e5f-8a9b-0c1d2e3f4a5b",
                  "source aws.eks, detail type \"EKS Nodegroup Update\" is not handled")),
          Map.entry(
              "decision-imds-tampered.json",
              new Unsupported(
                  "7f3e2d1c-0b9a-4c8d-9e7f-6a5b4c3d2e1f",
                  "source eks-node-remediator, detail type \"EKS Node Remediator Decision\" is not"
                      + " handled")),
          Map.entry(
              "decision-eni-failed.json",
              new Unsupported(
                  "0e1d2c3b-4a59-4687-9a6b-5c4d3e2f1a0b",
                  "source eks-node-remediator, detail type \"EKS Node Remediator Decision\" is not"
                      + " handled")),
          Map.entry(
              "scheduled-event.json", new Input.Scheduled("53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa")),
          Map.entry("manual-one-instance.json", new ManualRequest(List.of(id(2)), false)),
          Map.entry(
              "manual-several-instances-dry-run.json",
              new ManualRequest(List.of(id(2), id(6), id(5)), true)),
          Map.entry(
              "manual-check-permissions.json",
              new ManualRequest(new ManualRequest.Target.PermissionsCheck(), false)),
          Map.entry(
              "manual-eni-capacity.json",
              new ManualRequest(new ManualRequest.Target.EniCapacityReport(), false)));

  /** For each file in {@code events/invalid/}: what its one-line error must mention. */
  private static final Map<String, List<String>> INVALID =
      Map.of(
          "truncated-state-change.json",
          List.of("input is not valid JSON", "line "),
          "state-change-missing-instance-id.json",
          List.of("detail.instance-id: is required"),
          "manual-wrong-id-kind.json",
          List.of("instanceId: must be an EC2 instance id", "\"vol-0a1b2c3d4e5f60001\""),
          "manual-misspelled-field.json",
          List.of("dryrun: unknown field", "dryRun"));

  @ParameterizedTest(name = "{0}")
  @MethodSource("sampleFiles")
  void parse_everySampleEvent_succeeds(String name) {
    assertThatCode(() -> EventParser.parse(SampleEvents.read(name))).doesNotThrowAnyException();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sampleFiles")
  void parse_everySampleEvent_givesTheDocumentedResult(String name) {
    assertThat(EXPECTED)
        .as("events/%s has no expected result in this test; add one", name)
        .containsKey(name);

    assertThat(EventParser.parse(SampleEvents.read(name))).isEqualTo(EXPECTED.get(name));
  }

  @Test
  void expectedResults_listExactlyTheSampleFiles() throws IOException {
    assertThat(sampleFiles()).containsExactlyInAnyOrderElementsOf(EXPECTED.keySet());
  }

  @Test
  void readme_describesEverySampleFile() throws IOException {
    String readme = SampleEvents.readString("README.md");

    assertThat(sampleFiles()).allSatisfy(name -> assertThat(readme).contains("`" + name + "`"));
  }

  /** For each batch in {@code events/sqs/}: what its messages' bodies parse to, in order. */
  private static final Map<String, List<Input>> BATCHES =
      Map.of(
          "launch-batch.json",
          List.of(
              EXPECTED.get("state-change-pending.json"),
              EXPECTED.get("state-change-running.json"),
              EXPECTED.get("cloudtrail-runinstances-managed-nodegroup.json")));

  @ParameterizedTest(name = "{0}")
  @MethodSource("batchFiles")
  void parse_everySampleBatch_hasBodiesThatParseToTheDocumentedInputs(String name)
      throws IOException {
    assertThat(BATCHES)
        .as("events/sqs/%s has no expected result in this test; add one", name)
        .containsKey(name);
    JsonNode records = new ObjectMapper().readTree(SampleEvents.read("sqs/" + name)).get("Records");

    List<Input> parsed = new java.util.ArrayList<>();
    for (JsonNode record : records) {
      assertThat(record.get("eventSource").asText()).isEqualTo("aws:sqs");
      parsed.add(EventParser.parse(record.get("body").asText().getBytes(StandardCharsets.UTF_8)));
    }

    assertThat(parsed).isEqualTo(BATCHES.get(name));
    assertThat(SampleEvents.readString("README.md")).contains("`sqs/" + name + "`");
  }

  @Test
  void expectedBatches_listExactlyTheBatchFiles() throws IOException {
    assertThat(batchFiles()).containsExactlyInAnyOrderElementsOf(BATCHES.keySet());
  }

  static List<String> batchFiles() throws IOException {
    return filesIn(SampleEvents.eventsDir().resolve("sqs"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidFiles")
  void parse_everyInvalidSample_isRejectedWithOneLineNamingTheField(String name) {
    assertThat(INVALID)
        .as("events/invalid/%s has no expected error in this test; add one", name)
        .containsKey(name);

    InvalidInputException e =
        catchThrowableOfType(
            InvalidInputException.class,
            () -> EventParser.parse(SampleEvents.read("invalid/" + name)));

    assertThat(e).as("events/invalid/%s must be rejected", name).isNotNull();
    assertThat(e.getMessage()).doesNotContain("\n", "\r");
    for (String part : INVALID.get(name)) {
      assertThat(e.getMessage()).contains(part);
    }
  }

  @Test
  void expectedErrors_listExactlyTheInvalidFiles() throws IOException {
    assertThat(invalidFiles()).containsExactlyInAnyOrderElementsOf(INVALID.keySet());
  }

  static List<String> sampleFiles() throws IOException {
    return filesIn(SampleEvents.eventsDir()).stream()
        .filter(name -> !name.equals("README.md"))
        .toList();
  }

  static List<String> invalidFiles() throws IOException {
    return filesIn(SampleEvents.eventsDir().resolve("invalid"));
  }

  private static List<String> filesIn(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(Files::isRegularFile)
          .map(file -> file.getFileName().toString())
          .sorted()
          .toList();
    }
  }

  /** The placeholder ids the samples use: {@code i-0a1b2c3d4e5f6000N}. */
  private static InstanceId id(int n) {
    return new InstanceId("i-0a1b2c3d4e5f6000" + n);
  }

  private static LaunchCall launch(
      String eventId, String eventName, Attribution by, InstanceId... ids) {
    return new LaunchCall(eventId, eventName, List.of(ids), Optional.empty(), Optional.of(by));
  }
}
