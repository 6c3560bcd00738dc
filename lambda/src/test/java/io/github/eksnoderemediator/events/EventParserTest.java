package io.github.eksnoderemediator.events;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.eksnoderemediator.events.Input.LaunchCall;
import io.github.eksnoderemediator.events.Input.ManualRequest;
import io.github.eksnoderemediator.events.Input.StateChange;
import io.github.eksnoderemediator.events.Input.Unsupported;
import io.github.eksnoderemediator.node.NodeSelector;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.port.InstanceState;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class EventParserTest {

  private static final String ID_1 = "i-0a1b2c3d4e5f60001";
  private static final String ID_2 = "i-0a1b2c3d4e5f60002";
  private static final String ID_3 = "i-0a1b2c3d4e5f60003";
  private static final String FLEET_SET =
      "detail.responseElements.CreateFleetResponse.fleetInstanceSet";
  private static final String ID_ERROR =
      "must be an EC2 instance id (i- and 8 or 17 hex digits), got ";

  @Nested
  class Documents {
    @ParameterizedTest
    @ValueSource(
        strings = {
          "[]",
          "[{\"instanceId\": \"i-0a1b2c3d4e5f60001\"}]",
          "\"i-0a1b2c3d\"",
          "42",
          "true",
          "null"
        })
    void parse_topLevelNotAnObject_isRejected(String document) {
      assertThat(rejection(document)).startsWith("expected a JSON object").contains("got ");
    }

    @Test
    void parse_topLevelArray_saysItGotAnArray() {
      assertThat(rejection("[1, 2]"))
          .isEqualTo(
              "expected a JSON object (an EventBridge event or a manual payload), got an array");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "\n\t\n"})
    void parse_emptyInput_isRejected(String document) {
      assertThat(rejection(document)).isEqualTo("input is empty");
    }

    @Test
    void parse_nullInput_isRejectedAsEmpty() {
      assertThat(rejection((byte[]) null)).isEqualTo("input is empty");
    }

    @Test
    void parse_truncatedJson_isRejectedWithWhereItBroke() {
      assertThat(rejection("{\"instanceId\": \"i-0a1b"))
          .startsWith("input is not valid JSON at line 1, column");
    }

    @Test
    void parse_notJson_isRejected() {
      assertThat(rejection("instanceId=i-0a1b2c3d")).startsWith("input is not valid JSON");
    }

    @Test
    void parse_trailingContent_isRejected() {
      assertThat(rejection("{\"instanceId\": \"" + ID_1 + "\"} {}"))
          .startsWith("input is not valid JSON");
    }

    @Test
    void parse_duplicateKey_isRejected() {
      assertThat(rejection("{\"instanceId\": \"" + ID_1 + "\", \"instanceId\": \"" + ID_2 + "\"}"))
          .startsWith("input is not valid JSON");
    }
  }

  @Nested
  class Envelope {
    @Test
    void parse_eventWithArrayDetail_namesTheField() {
      assertThat(rejection(event("aws.ec2", "EC2 Instance State-change Notification", "[]")))
          .isEqualTo("detail: must be a JSON object, got an array");
    }

    @Test
    void parse_eventWithStringDetail_namesTheField() {
      assertThat(rejection(event("aws.ec2", "EC2 Instance State-change Notification", "\"x\"")))
          .isEqualTo("detail: must be a JSON object, got the string \"x\"");
    }

    @Test
    void parse_unsupportedEventWithArrayDetail_isStillRejected() {
      assertThat(rejection(event("aws.eks", "EKS Nodegroup Update", "[1]")))
          .isEqualTo("detail: must be a JSON object, got an array");
    }

    @Test
    void parse_eventWithNumericSource_namesTheField() {
      assertThat(rejection("{\"source\": 42, \"detail-type\": \"x\"}"))
          .isEqualTo("source: must be a string, got 42");
    }

    @Test
    void parse_eventWithoutDetailType_isRejected() {
      assertThat(rejection("{\"source\": \"aws.ec2\", \"detail\": {}}"))
          .isEqualTo("detail-type: is required");
    }

    @Test
    void parse_eventWithoutSource_isRejected() {
      assertThat(rejection("{\"detail-type\": \"EC2 Instance State-change Notification\"}"))
          .isEqualTo("source: is required");
    }

    @Test
    void parse_eventWithNonStringId_isRejected() {
      String document =
          "{\"id\": 7, \"source\": \"aws.ec2\", \"detail-type\": \"EC2 Instance State-change Notification\","
              + " \"detail\": {\"instance-id\": \""
              + ID_1
              + "\", \"state\": \"running\"}}";

      assertThat(rejection(document)).isEqualTo("id: must be a string, got 7");
    }

    @Test
    void parse_eventWithoutId_hasEmptyEventId() {
      String document =
          "{\"source\": \"aws.ec2\", \"detail-type\": \"EC2 Instance State-change Notification\","
              + " \"detail\": {\"instance-id\": \""
              + ID_1
              + "\", \"state\": \"running\"}}";

      assertThat(parse(document))
          .isEqualTo(new StateChange("", new InstanceId(ID_1), InstanceState.RUNNING));
    }

    @Test
    void parse_eventWithFieldsAwsMightAdd_isAccepted() {
      String document =
          """
          {"id": "e-1", "source": "aws.ec2", "detail-type": "EC2 Instance State-change Notification",
           "some-new-envelope-field": {"a": [1, 2]},
           "detail": {"instance-id": "%s", "state": "pending", "reason": "new in 2030"}}
          """
              .formatted(ID_1);

      assertThat(parse(document))
          .isEqualTo(new StateChange("e-1", new InstanceId(ID_1), InstanceState.PENDING));
    }

    @Test
    void parse_otherSource_isUnsupportedWithoutLookingAtItsDetail() {
      String document = event("aws.eks", "EKS Nodegroup Update", "{\"instance-id\": 42}");

      assertThat(parse(document))
          .isEqualTo(
              new Unsupported(
                  "e-1", "source aws.eks, detail type \"EKS Nodegroup Update\" is not handled"));
    }

    @Test
    void parse_otherEc2DetailType_isUnsupportedEvenWithoutDetail() {
      String document =
          "{\"id\": \"e-2\", \"source\": \"aws.ec2\", \"detail-type\": \"EC2 Spot Instance Interruption Warning\"}";

      assertThat(parse(document))
          .isEqualTo(
              new Unsupported(
                  "e-2",
                  "source aws.ec2, detail type \"EC2 Spot Instance Interruption Warning\" is not handled"));
    }

    @Test
    void parse_unsupportedEventWithHugeSource_clipsItInTheReason() {
      String source = "x".repeat(5_000) + "\nsecond line";

      Input input = parse(event(source.replace("\n", "\\n"), "y", "{}"));

      assertThat(input).isInstanceOf(Unsupported.class);
      assertThat(((Unsupported) input).reason()).hasSizeLessThan(200).doesNotContain("\n");
    }
  }

  @Nested
  class StateChanges {
    @Test
    void parse_stateChange_returnsInstanceAndState() {
      assertThat(
              parse(
                  stateChange("{\"instance-id\": \"" + ID_1 + "\", \"state\": \"shutting-down\"}")))
          .isEqualTo(new StateChange("e-1", new InstanceId(ID_1), InstanceState.SHUTTING_DOWN));
    }

    @ParameterizedTest
    @ValueSource(
        strings = {"pending", "running", "stopping", "stopped", "shutting-down", "terminated"})
    void parse_everyStateEc2Sends_isTheEnumConstantAndDescribedAsEc2NamesIt(String name) {
      StateChange change =
          (StateChange)
              parse(
                  stateChange("{\"instance-id\": \"" + ID_1 + "\", \"state\": \"" + name + "\"}"));

      assertThat(change.state().ec2Name()).isEqualTo(name);
      assertThat(change.state()).isSameAs(InstanceState.fromName(name));
      assertThat(change.description()).isEqualTo("EC2 state change to " + name);
    }

    @Test
    void parse_stateChangeWithVolumeId_isRejectedNamingTheField() {
      assertThat(
              rejection(
                  stateChange(
                      "{\"instance-id\": \"vol-0a1b2c3d4e5f60001\", \"state\": \"running\"}")))
          .isEqualTo("detail.instance-id: " + ID_ERROR + "\"vol-0a1b2c3d4e5f60001\"");
    }

    @Test
    void parse_stateChangeWithNumericInstanceId_isRejected() {
      assertThat(rejection(stateChange("{\"instance-id\": 12345678, \"state\": \"running\"}")))
          .isEqualTo("detail.instance-id: " + ID_ERROR + "12345678");
    }

    @Test
    void parse_stateChangeWithoutInstanceId_isRejected() {
      assertThat(rejection(stateChange("{\"state\": \"running\"}")))
          .isEqualTo("detail.instance-id: is required");
    }

    @Test
    void parse_stateChangeWithoutState_isRejected() {
      assertThat(rejection(stateChange("{\"instance-id\": \"" + ID_1 + "\"}")))
          .isEqualTo("detail.state: is required");
    }

    @Test
    void parse_stateChangeWithUnknownState_isRejectedListingTheStates() {
      assertThat(
              rejection(
                  stateChange("{\"instance-id\": \"" + ID_1 + "\", \"state\": \"rebooting\"}")))
          .isEqualTo(
              "detail.state: must be one of pending, running, stopping, stopped, shutting-down,"
                  + " terminated, got \"rebooting\"");
    }

    @Test
    void parse_stateChangeWithoutDetail_isRejected() {
      String document =
          "{\"id\": \"e-1\", \"source\": \"aws.ec2\", \"detail-type\": \"EC2 Instance State-change Notification\"}";

      assertThat(rejection(document)).isEqualTo("detail: is required");
    }
  }

  @Nested
  class RunInstances {
    @Test
    void parse_runInstances_returnsIdsInEventOrder() {
      assertThat(parse(runInstances(item(ID_2), item(ID_1))))
          .isEqualTo(launch("RunInstances", ID_2, ID_1));
    }

    @Test
    void parse_runInstancesRepeatingAnId_keepsFirstSeenOrderWithoutRepeats() {
      assertThat(parse(runInstances(item(ID_3), item(ID_1), item(ID_3), item(ID_2), item(ID_1))))
          .isEqualTo(launch("RunInstances", ID_3, ID_1, ID_2));
    }

    @Test
    void parse_failedRunInstances_returnsErrorCodeAndNoInstances() {
      String detail =
          """
          {"eventName": "RunInstances", "responseElements": null,
           "errorCode": "Client.UnauthorizedOperation", "errorMessage": "You are not authorized"}
          """;

      assertThat(parse(apiCall(detail)))
          .isEqualTo(
              new LaunchCall(
                  "e-1", "RunInstances", List.of(), Optional.of("Client.UnauthorizedOperation")));
    }

    @Test
    void parse_runInstancesWithoutResponse_returnsNoInstancesAndNoErrorCode() {
      assertThat(parse(apiCall("{\"eventName\": \"RunInstances\"}")))
          .isEqualTo(launch("RunInstances"));
    }

    @Test
    void parse_runInstancesWithNoItems_returnsNoInstances() {
      assertThat(parse(runInstances())).isEqualTo(launch("RunInstances"));
    }

    @Test
    void parse_runInstancesWithInvalidSecondId_namesTheIndexedPath() {
      assertThat(rejection(runInstances(item(ID_1), item("i-XYZ"))))
          .isEqualTo(
              "detail.responseElements.instancesSet.items[1].instanceId: "
                  + ID_ERROR
                  + "\"i-XYZ\"");
    }

    @Test
    void parse_runInstancesItemWithoutInstanceId_isRejected() {
      assertThat(rejection(runInstances(item(ID_1), "{\"imageId\": \"ami-1\"}")))
          .isEqualTo("detail.responseElements.instancesSet.items[1].instanceId: is required");
    }

    @Test
    void parse_runInstancesWithItemsNotAList_isRejected() {
      String detail =
          "{\"eventName\": \"RunInstances\", \"responseElements\": {\"instancesSet\": {\"items\": "
              + item(ID_1)
              + "}}}";

      assertThat(rejection(apiCall(detail)))
          .isEqualTo(
              "detail.responseElements.instancesSet.items: must be a JSON array, got an object");
    }

    @Test
    void parse_runInstancesWithMoreThanTenThousandIds_isRejected() {
      String[] items =
          IntStream.rangeClosed(1, 10_001).mapToObj(n -> item(hexId(n))).toArray(String[]::new);

      assertThat(rejection(runInstances(items)))
          .startsWith("detail.responseElements.instancesSet.items: has 10001 elements");
    }

    @Test
    void parse_runInstancesWithTenThousandIds_isAccepted() {
      String[] items =
          IntStream.rangeClosed(1, 10_000).mapToObj(n -> item(hexId(n))).toArray(String[]::new);

      assertThat(((LaunchCall) parse(runInstances(items))).instanceIds()).hasSize(10_000);
    }
  }

  @Nested
  class CreateFleet {
    @Test
    void parse_createFleetWithSingleItems_returnsTheOneInstance() {
      String set = "{\"item\": {\"instanceIds\": {\"item\": \"" + ID_1 + "\"}}}";

      assertThat(parse(createFleet(set))).isEqualTo(launch("CreateFleet", ID_1));
    }

    @Test
    void parse_createFleetWithListsAtBothLevels_returnsEveryInstanceInOrder() {
      String set =
          "{\"item\": [{\"instanceIds\": {\"item\": [\"%s\", \"%s\"]}}, {\"instanceIds\": {\"item\": [\"%s\"]}}]}"
              .formatted(ID_2, ID_1, ID_3);

      assertThat(parse(createFleet(set))).isEqualTo(launch("CreateFleet", ID_2, ID_1, ID_3));
    }

    @Test
    void parse_createFleetWithOneFleetItemListingSeveralIds_returnsThemAll() {
      String set =
          "{\"item\": {\"instanceIds\": {\"item\": [\"%s\", \"%s\"]}}}".formatted(ID_1, ID_2);

      assertThat(parse(createFleet(set))).isEqualTo(launch("CreateFleet", ID_1, ID_2));
    }

    @Test
    void parse_createFleetWithSeveralFleetItemsOfOneIdEach_returnsThemAll() {
      String set =
          "{\"item\": [{\"instanceIds\": {\"item\": \"%s\"}}, {\"instanceIds\": {\"item\": \"%s\"}}]}"
              .formatted(ID_1, ID_2);

      assertThat(parse(createFleet(set))).isEqualTo(launch("CreateFleet", ID_1, ID_2));
    }

    @Test
    void parse_createFleetWithEmptyStringFleetInstanceSet_returnsNoInstances() {
      assertThat(parse(createFleet("\"\""))).isEqualTo(launch("CreateFleet"));
    }

    @Test
    void parse_createFleetWithoutFleetInstanceSet_returnsNoInstances() {
      String detail =
          "{\"eventName\": \"CreateFleet\", \"responseElements\": {\"CreateFleetResponse\": {\"errorSet\": \"\"}}}";

      assertThat(parse(apiCall(detail))).isEqualTo(launch("CreateFleet"));
    }

    @Test
    void parse_createFleetRepeatingAnIdAcrossItems_returnsItOnce() {
      String set =
          "{\"item\": [{\"instanceIds\": {\"item\": [\"%s\", \"%s\"]}}, {\"instanceIds\": {\"item\": \"%s\"}}]}"
              .formatted(ID_2, ID_1, ID_2);

      assertThat(parse(createFleet(set))).isEqualTo(launch("CreateFleet", ID_2, ID_1));
    }

    @Test
    void parse_createFleetWithInvalidIdInList_namesTheIndexedPath() {
      String set =
          "{\"item\": [{\"instanceIds\": {\"item\": \"%s\"}}, {\"instanceIds\": {\"item\": [\"eni-0a1b2c3d\"]}}]}"
              .formatted(ID_1);

      assertThat(rejection(createFleet(set)))
          .isEqualTo(FLEET_SET + ".item[1].instanceIds.item[0]: " + ID_ERROR + "\"eni-0a1b2c3d\"");
    }

    @Test
    void parse_createFleetWithInvalidSingleId_namesThePathWithoutIndex() {
      String set = "{\"item\": {\"instanceIds\": {\"item\": 42}}}";

      assertThat(rejection(createFleet(set)))
          .isEqualTo(FLEET_SET + ".item.instanceIds.item: " + ID_ERROR + "42");
    }

    @Test
    void parse_createFleetWithFleetInstanceSetOfWrongType_isRejected() {
      assertThat(rejection(createFleet("[]")))
          .isEqualTo(FLEET_SET + ": must be a JSON object, got an array");
    }

    @Test
    void parse_failedCreateFleet_returnsErrorCodeAndNoInstances() {
      String detail = "{\"eventName\": \"CreateFleet\", \"errorCode\": \"InvalidParameterValue\"}";

      assertThat(parse(apiCall(detail)))
          .isEqualTo(
              new LaunchCall(
                  "e-1", "CreateFleet", List.of(), Optional.of("InvalidParameterValue")));
    }

    @Test
    void parse_createFleetWithMoreThanTenThousandIdsInTotal_isRejected() {
      String first =
          IntStream.rangeClosed(1, 6_000)
              .mapToObj(n -> "\"" + hexId(n) + "\"")
              .collect(Collectors.joining(","));
      String second =
          IntStream.rangeClosed(6_001, 10_001)
              .mapToObj(n -> "\"" + hexId(n) + "\"")
              .collect(Collectors.joining(","));
      String set =
          "{\"item\": [{\"instanceIds\": {\"item\": [%s]}}, {\"instanceIds\": {\"item\": [%s]}}]}"
              .formatted(first, second);

      assertThat(rejection(createFleet(set)))
          .isEqualTo(
              "detail.responseElements: lists more than 10000 instance ids; refusing to process it");
    }

    @Test
    void parse_otherCloudTrailCall_isUnsupported() {
      assertThat(parse(apiCall("{\"eventName\": \"StopInstances\"}")))
          .isEqualTo(new Unsupported("e-1", "CloudTrail call StopInstances is not handled"));
    }

    @Test
    void parse_cloudTrailCallWithoutEventName_isRejected() {
      assertThat(rejection(apiCall("{\"eventSource\": \"ec2.amazonaws.com\"}")))
          .isEqualTo("detail.eventName: is required");
    }
  }

  @Nested
  class Manual {
    @Test
    void parse_manualWithSeventeenHexDigitId_isAccepted() {
      assertThat(parse("{\"instanceId\": \"i-0123456789abcdef0\"}"))
          .isEqualTo(new ManualRequest(List.of(new InstanceId("i-0123456789abcdef0")), false));
    }

    @Test
    void parse_manualWithEightHexDigitId_isAccepted() {
      assertThat(parse("{\"instanceId\": \"i-0123abcd\", \"dryRun\": false}"))
          .isEqualTo(new ManualRequest(List.of(new InstanceId("i-0123abcd")), false));
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "i-0123abcde",
          "i-0123ABCD",
          "i-0123456789abcdef",
          "0123abcd",
          " i-0123abcd",
          ""
        })
    void parse_manualWithMalformedId_isRejected(String id) {
      assertThat(rejection("{\"instanceId\": \"" + id + "\"}"))
          .isEqualTo("instanceId: " + ID_ERROR + "\"" + id + "\"");
    }

    @Test
    void parse_manualWithNumericInstanceId_isRejected() {
      assertThat(rejection("{\"instanceId\": 42}")).isEqualTo("instanceId: " + ID_ERROR + "42");
    }

    @Test
    void parse_manualWithStringInstanceIds_isRejected() {
      assertThat(rejection("{\"instanceIds\": \"" + ID_1 + "\"}"))
          .isEqualTo("instanceIds: must be a JSON array, got the string \"" + ID_1 + "\"");
    }

    @Test
    void parse_manualWithBothInstanceIdAndInstanceIds_isRejected() {
      assertThat(
              rejection(
                  "{\"instanceId\": \"%s\", \"instanceIds\": [\"%s\"]}".formatted(ID_1, ID_2)))
          .isEqualTo(
              "instanceIds: cannot be combined with instanceId; give one of instanceId, instanceIds, cluster, report or check");
    }

    @Test
    void parse_manualWithEmptyInstanceIds_isRejected() {
      assertThat(rejection("{\"instanceIds\": []}"))
          .isEqualTo("instanceIds: must list at least one instance id");
    }

    static final String EXPECTED_MANUAL =
        "expected an EventBridge event or a manual payload with \"instanceId\", \"instanceIds\", \"cluster\", \"report\" or \"check\"";

    @Test
    void parse_clusterRequest_namesTheNodes() {
      assertThat(parse("{\"cluster\": \"prod\", \"dryRun\": true}"))
          .isEqualTo(
              new ManualRequest(
                  new ManualRequest.Target.Nodes(
                      new NodeSelector("prod", Optional.empty(), Optional.empty())),
                  true));
      assertThat(parse("{\"cluster\": \"prod\", \"nodeGroup\": \"general\"}"))
          .isEqualTo(
              new ManualRequest(
                  new ManualRequest.Target.Nodes(
                      new NodeSelector("prod", Optional.of("general"), Optional.empty())),
                  false));
      // EKS's own spelling is accepted too.
      assertThat(parse("{\"cluster\": \"prod\", \"nodepool\": \"batch\"}"))
          .isEqualTo(
              new ManualRequest(
                  new ManualRequest.Target.Nodes(
                      new NodeSelector("prod", Optional.empty(), Optional.of("batch"))),
                  false));
    }

    @Test
    void parse_clusterRequest_rejectsWhatCannotGoTogether() {
      assertThat(rejection("{\"cluster\": \"prod\", \"nodeGroup\": \"a\", \"nodePool\": \"b\"}"))
          .isEqualTo("names both a node group and a node pool; give one");
      assertThat(rejection("{\"nodeGroup\": \"a\", \"instanceId\": \"" + ID_1 + "\"}"))
          .isEqualTo("cluster: is required with a node group or node pool");
      assertThat(rejection("{\"cluster\": \"prod\", \"instanceId\": \"" + ID_1 + "\"}"))
          .startsWith("instanceId: cannot be combined with cluster");
      assertThat(rejection("{\"cluster\": \"prod cluster\"}"))
          .isEqualTo("cluster: must be an EKS cluster name, got \"prod cluster\"");
    }

    @Test
    void parse_driftReportRequest() {
      assertThat(parse("{\"report\": \"drift\"}"))
          .isEqualTo(new ManualRequest(new ManualRequest.Target.DriftReport(), false));
      assertThat(rejection("{\"report\": \"cost\"}"))
          .isEqualTo(
              "report: must be \"drift\" (the IMDS function's) or \"eni-capacity\" (the ENI function's), got \"cost\"");
      assertThat(rejection("{\"report\": \"drift\", \"dryRun\": true}"))
          .isEqualTo("dryRun: does not apply to a report, which never writes");
    }

    @Test
    void parse_eniCapacityReportRequest() {
      assertThat(parse("{\"report\": \"eni-capacity\"}"))
          .isEqualTo(new ManualRequest(new ManualRequest.Target.EniCapacityReport(), false));
      assertThat(parse("{\"report\": \"eni-capacity\"}").description())
          .isEqualTo("manual eni-capacity report");
      assertThat(rejection("{\"report\": \"eni-capacity\", \"dryRun\": false}"))
          .isEqualTo("dryRun: does not apply to a report, which never writes");
      assertThat(rejection("{\"report\": \"eni-capacity\", \"cluster\": \"prod\"}"))
          .contains("cannot be combined with");
      assertThat(rejection("{\"report\": \"ENI-capacity\"}")).startsWith("report: must be");
    }

    @Test
    void parse_permissionsCheckRequest() {
      assertThat(parse("{\"check\": \"permissions\"}"))
          .isEqualTo(new ManualRequest(new ManualRequest.Target.PermissionsCheck(), false));
      assertThat(rejection("{\"check\": \"quota\"}"))
          .isEqualTo("check: must be \"permissions\" (the only check there is), got \"quota\"");
      assertThat(rejection("{\"check\": \"permissions\", \"dryRun\": true}"))
          .isEqualTo("dryRun: does not apply to a check, which only sends dry runs");
      assertThat(rejection("{\"check\": \"permissions\", \"instanceId\": \"i-0123456789abcdef0\"}"))
          .contains("cannot be combined with");
    }

    @Test
    void parse_manualWithOnlyDryRun_saysWhatIsExpected() {
      assertThat(rejection("{\"dryRun\": true}"))
          .isEqualTo(EXPECTED_MANUAL + ", got fields dryRun");
    }

    @Test
    void parse_emptyObject_saysWhatIsExpected() {
      assertThat(rejection("{}")).isEqualTo(EXPECTED_MANUAL + ", got an empty object");
    }

    @Test
    void parse_objectWithOnlyUnrelatedFields_saysWhatIsExpectedAndWhatArrived() {
      assertThat(rejection("{\"Records\": [], \"instanceid\": \"" + ID_1 + "\"}"))
          .isEqualTo(EXPECTED_MANUAL + ", got fields Records, instanceid");
    }

    @Test
    void parse_manualWithMisspelledDryRun_isRejectedNamingTheField() {
      assertThat(rejection("{\"instanceId\": \"" + ID_1 + "\", \"dryrun\": true}"))
          .isEqualTo(
              "dryrun: unknown field (expected one of check, cluster, dryRun, instanceId, instanceIds,"
                  + " nodeGroup, nodePool, nodegroup, nodepool, report)");
    }

    @Test
    void parse_manualWithNonBooleanDryRun_isRejected() {
      assertThat(rejection("{\"instanceId\": \"" + ID_1 + "\", \"dryRun\": \"yes\"}"))
          .isEqualTo("dryRun: must be true or false, got the string \"yes\"");
    }

    @Test
    void parse_manualWithInvalidThirdId_namesTheIndex() {
      assertThat(
              rejection(
                  "{\"instanceIds\": [\"%s\", \"%s\", \"vol-0a1b2c3d\"]}".formatted(ID_1, ID_2)))
          .isEqualTo("instanceIds[2]: " + ID_ERROR + "\"vol-0a1b2c3d\"");
    }

    @Test
    void parse_manualWithObjectInInstanceIds_isRejected() {
      assertThat(rejection("{\"instanceIds\": [{\"instanceId\": \"" + ID_1 + "\"}]}"))
          .isEqualTo("instanceIds[0]: " + ID_ERROR + "an object");
    }

    @Test
    void parse_manualWithDuplicateIds_keepsFirstSeenOrderWithoutRepeats() {
      String document =
          "{\"instanceIds\": [\"%s\", \"%s\", \"%s\", \"%s\"], \"dryRun\": true}"
              .formatted(ID_3, ID_1, ID_3, ID_1);

      assertThat(parse(document))
          .isEqualTo(new ManualRequest(List.of(new InstanceId(ID_3), new InstanceId(ID_1)), true));
    }

    @Test
    void parse_manualWithAThousandIds_isAccepted() {
      assertThat(((ManualRequest) parse(manualIds(1_000))).instanceIds()).hasSize(1_000);
    }

    @Test
    void parse_manualWithMoreThanAThousandIds_isRejected() {
      assertThat(rejection(manualIds(1_001)))
          .isEqualTo("instanceIds: has 1001 elements; at most 1000 are allowed");
    }

    @Test
    void parse_manualWithHugeArray_isRejectedWithoutReadingEveryElement() {
      assertThat(rejection(manualIds(200_000))).startsWith("instanceIds: has 200000 elements");
    }
  }

  @ParameterizedTest
  @MethodSource("hostileInputs")
  void parse_anyRejection_isOneShortLine(String document) {
    String message = rejection(document);

    assertThat(message).doesNotContain("\n", "\r").hasSizeLessThan(400);
  }

  static Stream<String> hostileInputs() {
    String huge = "x".repeat(100_000);
    String longName = "n".repeat(10_000); // under Jackson's 50,000-character name limit
    return Stream.of(
        "{\"instanceId\": \"i-" + huge + "\"}",
        "{\"instanceId\": \"i-0a1b\\n2c3d\"}",
        "{\"instanceId\": \"" + ID_1 + "\", \"evil\\nfield\\r\": 1}",
        "{\"instanceId\": \"" + ID_1 + "\", \"" + longName + "\\n\": 1}",
        "{\"" + longName + "\\nmore\": 1}",
        "{\"" + huge + "\": 1}",
        "{\"instanceIds\": [\"" + ID_1 + "\", 1" + "0".repeat(900) + "]}",
        "{\"a\": 1, \"a\": 2}",
        "{\"" + longName + "\": 1, \"" + longName + "\": 2}",
        "{\"instanceId\": tru" + huge + "}",
        "{\"instanceId\":\n\n\n",
        "\u0000\u0001",
        stateChange("{\"instance-id\": \"" + ID_1 + "\", \"state\": \"" + huge + "\\n\"}"),
        event("aws.ec2", "EC2 Instance State-change Notification", "\"" + huge + "\""),
        createFleet("{\"item\": {\"instanceIds\": {\"item\": \"line1\\nline2\"}}}"));
  }

  // ---- helpers ----

  private static Input parse(String document) {
    return EventParser.parse(document.getBytes(UTF_8));
  }

  private static String rejection(String document) {
    return rejection(document.getBytes(UTF_8));
  }

  private static String rejection(byte[] document) {
    InvalidInputException e =
        catchThrowableOfType(InvalidInputException.class, () -> EventParser.parse(document));
    assertThat(e).as("expected InvalidInputException").isNotNull();
    assertThat(e.getMessage()).doesNotContain("\n", "\r");
    return e.getMessage();
  }

  private static String event(String source, String detailType, String detail) {
    return "{\"version\": \"0\", \"id\": \"e-1\", \"source\": \"%s\", \"detail-type\": \"%s\", \"account\": \"123456789012\", \"detail\": %s}"
        .formatted(source, detailType, detail);
  }

  private static String stateChange(String detail) {
    return event("aws.ec2", "EC2 Instance State-change Notification", detail);
  }

  private static String apiCall(String detail) {
    return event("aws.ec2", "AWS API Call via CloudTrail", detail);
  }

  private static String runInstances(String... items) {
    return apiCall(
        "{\"eventName\": \"RunInstances\", \"eventSource\": \"ec2.amazonaws.com\", \"responseElements\":"
            + " {\"instancesSet\": {\"items\": ["
            + String.join(", ", items)
            + "]}}}");
  }

  private static String item(String instanceId) {
    return "{\"instanceId\": \""
        + instanceId
        + "\", \"instanceState\": {\"code\": 0, \"name\": \"pending\"}}";
  }

  private static String createFleet(String fleetInstanceSet) {
    return apiCall(
        "{\"eventName\": \"CreateFleet\", \"responseElements\": {\"CreateFleetResponse\":"
            + " {\"errorSet\": \"\", \"fleetInstanceSet\": "
            + fleetInstanceSet
            + "}}}");
  }

  private static String manualIds(int count) {
    return IntStream.rangeClosed(1, count)
        .mapToObj(n -> "\"" + hexId(n) + "\"")
        .collect(Collectors.joining(", ", "{\"instanceIds\": [", "]}"));
  }

  /** A distinct valid 17-hex-digit id per number. */
  private static String hexId(int n) {
    return "i-%017x".formatted(n);
  }

  /** A launch from these synthetic events, which name no caller: only the action is known. */
  private static LaunchCall launch(String eventName, String... ids) {
    return new LaunchCall(
        "e-1",
        eventName,
        Stream.of(ids).map(InstanceId::new).toList(),
        Optional.empty(),
        Optional.of(
            new io.github.eksnoderemediator.report.Attribution(
                eventName, null, null, null, null, null, null, null, null)));
  }
}
