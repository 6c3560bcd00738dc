package io.github.eksnoderemediator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.eksnoderemediator.aws.SdkNetworkGateway;
import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.eni.EniDecision;
import io.github.eksnoderemediator.eni.EniInstanceResult;
import io.github.eksnoderemediator.eni.EniReport;
import io.github.eksnoderemediator.eni.EniResult;
import io.github.eksnoderemediator.eni.EniService;
import io.github.eksnoderemediator.eni.EniTags;
import io.github.eksnoderemediator.events.EventParser;
import io.github.eksnoderemediator.events.InvalidInputException;
import io.github.eksnoderemediator.iam.IamChecks;
import io.github.eksnoderemediator.iam.IamEnforcement;
import io.github.eksnoderemediator.metrics.Metrics;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.testing.Ec2Fixtures;
import io.github.eksnoderemediator.testing.EniServices;
import io.github.eksnoderemediator.testing.MotoServer;
import io.github.eksnoderemediator.testing.RecordingMetrics;
import io.github.eksnoderemediator.testing.RecordingProxy;
import io.github.eksnoderemediator.testing.SampleEvents;
import io.github.eksnoderemediator.wait.BoundedWait;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.NetworkInterface;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/**
 * From a real-shaped event to a node's secondary interfaces: the parser, the ENI service, the SDK
 * gateway and the real AWS SDK over HTTP, against the moto emulator behind a recording proxy.
 *
 * <p>These are the happy paths on the wire. moto does not enforce EC2's ENI rules (it ignores
 * {@code ClientToken}, never refuses an attach, always reports card 0, ignores DeleteOnTermination
 * set by ModifyNetworkInterfaceAttribute, and leaves non-DeleteOnTermination interfaces attached to
 * terminated instances): those are proven against {@code FakeNetworkEc2}. Where moto lets
 * concurrent invocations each create and attach their own interface, the planner's de-duplication
 * still has to converge on exactly one per profile, which is what these tests check.
 */
class EniRemediationIT {
  private static final String CONFIG =
      """
      {"clusters": ["prod"],
       "eni": {"profiles": [
         {"name": "multus-data", "cluster": "prod", "nodeGroup": "cnf",
          "subnets": {"tags": {"multus": "data"}}, "securityGroups": {"names": ["multus-data"]},
          "deviceIndex": 1, "tags": {"team": "core"}, "secondaryPrivateIpCount": 2,
          "description": "Multus data"},
         {"name": "multus-mgmt", "cluster": "prod", "nodeGroup": "cnf",
          "subnets": {"tags": {"multus": "mgmt"}}, "securityGroups": {"names": ["multus-mgmt", "extra"]},
          "deviceIndex": 2, "deleteOnTermination": false, "sourceDestCheck": false}],
        "sweep": {"graceMinutes": 10}},
       "waits": {"notFoundSeconds": 10, "tagSettleSeconds": 1, "appliedSeconds": 3,
                 "firstBackoffMillis": 50}}
      """;

  private static final Map<String, String> CNF_NODE =
      Map.of(
          "eks:cluster-name", "prod",
          "eks:nodegroup-name", "cnf",
          "kubernetes.io/cluster/prod", "owned");

  private static RecordingProxy proxy;

  /** The synthesized roles must allow every call the test's code makes (reading B). */
  @RegisterExtension static final IamChecks IAM = new IamChecks();

  private static IamEnforcement iam;
  private static Ec2Fixtures fixtures;
  private static Ec2Client ec2;
  private static String vpc;
  private static Map<String, String> subnets;
  private static Map<String, String> groups;
  private final List<EniInstanceResult> logged = Collections.synchronizedList(new ArrayList<>());
  private final RecordingMetrics metrics = new RecordingMetrics();
  private EniService service;

  @BeforeAll
  static void startEmulator() throws Exception {
    proxy = new RecordingProxy(MotoServer.shared().endpoint());
    iam = IAM.enforce(proxy, MotoServer.shared().endpoint(), CONFIG);
  }

  /** A clean account for each test: the sweep looks at all of it. */
  static void freshAccount() {
    MotoServer moto = MotoServer.shared();
    moto.reset();
    fixtures = new Ec2Fixtures(moto.endpoint());
    ec2 = fixtures.ec2();
    vpc = ec2.createVpc(r -> r.cidrBlock("10.1.0.0/16")).vpc().vpcId();
    subnets = new HashMap<>();
    subnets.put("nodes-a", subnet("10.1.0.0/20", "a", Map.of()));
    subnets.put("nodes-b", subnet("10.1.16.0/20", "b", Map.of()));
    subnets.put("data-a", subnet("10.1.32.0/20", "a", Map.of("multus", "data")));
    subnets.put("data-b", subnet("10.1.48.0/20", "b", Map.of("multus", "data")));
    subnets.put("mgmt-a", subnet("10.1.64.0/20", "a", Map.of("multus", "mgmt")));
    subnets.put("mgmt-b", subnet("10.1.80.0/20", "b", Map.of("multus", "mgmt")));
    groups = new HashMap<>();
    for (String name : List.of("multus-data", "multus-mgmt", "extra")) {
      groups.put(
          name,
          ec2.createSecurityGroup(r -> r.vpcId(vpc).groupName(name).description(name)).groupId());
    }
  }

  private static String subnet(String cidr, String zone, Map<String, String> tags) {
    String id =
        ec2.createSubnet(
                r -> r.vpcId(vpc).cidrBlock(cidr).availabilityZone(MotoServer.REGION + zone))
            .subnet()
            .subnetId();
    if (!tags.isEmpty()) {
      ec2.createTags(r -> r.resources(id).tags(tags(tags)));
    }
    return id;
  }

  private static List<Tag> tags(Map<String, String> tags) {
    return tags.entrySet().stream()
        .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build())
        .toList();
  }

  @AfterAll
  static void stopProxy() {
    proxy.close();
  }

  @BeforeEach
  void setUp() {
    freshAccount();
    RemediatorConfig config = RemediatorConfig.parse(CONFIG, "test");
    SdkNetworkGateway gateway =
        new SdkNetworkGateway(Ec2Fixtures.client(proxy.endpoint(), Ec2Fixtures.ENI_ACCESS_KEY));
    Clock clock = Clock.systemUTC();
    service =
        EniServices.of(
            gateway,
            config,
            BoundedWait.system(),
            clock,
            (input, eventId, result) -> logged.add(result),
            metrics);
    proxy.clear();
  }

  @Test
  void aDetachBySomeoneElse_isUndoneAtOnce_andTheReportNamesThem() {
    InstanceId node = launchCnfNode("nodes-a");
    handle(stateChange(node, "running"));
    NetworkInterface data =
        oursFor(node).stream()
            .filter(n -> n.tagSet().contains(tag(EniTags.PROFILE, "multus-data")))
            .findFirst()
            .orElseThrow();
    String attachment = data.attachment().attachmentId();
    ec2.detachNetworkInterface(r -> r.attachmentId(attachment));
    assertThat(
            ec2.describeNetworkInterfaces(r -> r.networkInterfaceIds(data.networkInterfaceId()))
                .networkInterfaces()
                .get(0)
                .attachment())
        .isNull();
    proxy.clear();

    EniReport report =
        handle(
            SampleEvents.withIds(
                "cloudtrail-detachnetworkinterface-by-user.json",
                Map.of("eni-attach-0c1d2e3f4a5b6c7d8", attachment)));

    assertThat(report.caller().principal()).isEqualTo("arn:aws:iam::123456789012:user/alice");
    assertThat(report.touched()).contains(data.networkInterfaceId()).contains(node.value());
    assertThat(report.results()).singleElement().satisfies(r -> assertThat(r.failed()).isFalse());
    NetworkInterface after =
        oursFor(node).stream()
            .filter(n -> n.tagSet().contains(tag(EniTags.PROFILE, "multus-data")))
            .filter(n -> n.attachment() != null && node.value().equals(n.attachment().instanceId()))
            .findFirst()
            .orElseThrow(() -> new AssertionError("multus-data not attached again"));
    assertThat(after.attachment().deviceIndex()).isEqualTo(1);
    metrics.flush();
    assertThat(metrics.flushed("prod", Metrics.INTERFACES_TOUCHED)).isEqualTo(1);
  }

  private EniReport handle(byte[] event) {
    return service.handle(EventParser.parse(event), false);
  }

  private static byte[] stateChange(InstanceId id, String state) {
    return SampleEvents.readString("state-change-running.json")
        .replace("i-0a1b2c3d4e5f60001", id.value())
        .replace("\"state\": \"running\"", "\"state\": \"" + state + "\"")
        .getBytes(StandardCharsets.UTF_8);
  }

  private InstanceId launchCnfNode(String subnet) {
    return fixtures.launchInto(subnets.get(subnet), 1, CNF_NODE).get(0);
  }

  /** Every interface carrying our ownership tag, straight from the emulator. */
  private static List<NetworkInterface> ours() {
    return ec2.describeNetworkInterfaces(
            r -> r.filters(Filter.builder().name("tag-key").values(EniTags.PROFILE).build()))
        .networkInterfaces();
  }

  private static List<NetworkInterface> oursFor(InstanceId id) {
    return ours().stream()
        .filter(n -> n.tagSet().contains(tag(EniTags.INSTANCE, id.value())))
        .toList();
  }

  private static Tag tag(String key, String value) {
    return Tag.builder().key(key).value(value).build();
  }

  private static NetworkInterface onlyFor(InstanceId id, String profile) {
    List<NetworkInterface> found =
        oursFor(id).stream()
            .filter(n -> n.tagSet().contains(tag(EniTags.PROFILE, profile)))
            .toList();
    assertThat(found).as("interfaces of ours for " + id + " and " + profile).hasSize(1);
    return found.get(0);
  }

  private static void assertTwoInterfacesAtTheirSlots(InstanceId node, String zone) {
    assertThat(oursFor(node)).hasSize(2);
    NetworkInterface data = onlyFor(node, "multus-data");
    NetworkInterface mgmt = onlyFor(node, "multus-mgmt");
    assertThat(data.subnetId()).isEqualTo(subnets.get("data-" + zone));
    assertThat(mgmt.subnetId()).isEqualTo(subnets.get("mgmt-" + zone));
    assertThat(data.availabilityZone()).isEqualTo(MotoServer.REGION + zone);
    assertThat(data.attachment().instanceId()).isEqualTo(node.value());
    assertThat(data.attachment().deviceIndex()).isEqualTo(1);
    assertThat(mgmt.attachment().instanceId()).isEqualTo(node.value());
    assertThat(mgmt.attachment().deviceIndex()).isEqualTo(2);
    assertThat(data.tagSet())
        .contains(
            tag(EniTags.PROFILE, "multus-data"),
            tag(EniTags.INSTANCE, node.value()),
            tag(EniTags.CLUSTER, "prod"),
            tag(EniTags.NO_MANAGE, "true"),
            tag("team", "core"));
    assertThat(data.tagSet()).extracting(Tag::key).contains(EniTags.CREATED_AT);
    assertThat(data.groups())
        .extracting(g -> g.groupId())
        .containsExactly(groups.get("multus-data"));
    assertThat(mgmt.groups())
        .extracting(g -> g.groupId())
        .containsExactlyInAnyOrder(groups.get("multus-mgmt"), groups.get("extra"));
    assertThat(data.privateIpAddresses()).hasSize(3);
    assertThat(data.description()).isEqualTo("Multus data");
    assertThat(mgmt.sourceDestCheck()).isFalse();
  }

  @Test
  void runningEvent_givesANodeMatchingTwoProfiles_twoTaggedInterfacesInItsZonesSubnets() {
    InstanceId node = launchCnfNode("nodes-a");

    EniReport report = handle(stateChange(node, "running"));

    assertThat(report.failures()).as(report.failureSummary()).isEmpty();
    assertThat(report.results().get(0).interfaces())
        .extracting(EniResult::decision)
        .containsExactly(EniDecision.CREATED, EniDecision.CREATED);
    assertTwoInterfacesAtTheirSlots(node, "a");
    // On the wire: a client token and tags at creation; the card index always sent; the
    // DeleteOnTermination change after the attach (AttachNetworkInterface takes none).
    List<RecordingProxy.Call> creates = proxy.calls("CreateNetworkInterface");
    assertThat(creates).hasSize(2);
    assertThat(creates)
        .allSatisfy(
            c -> {
              assertThat(c.param("ClientToken")).matches("enr1-[0-9a-f]{48}");
              assertThat(c.param("TagSpecification.1.ResourceType")).isEqualTo("network-interface");
            });
    assertThat(proxy.calls("AttachNetworkInterface"))
        .hasSize(2)
        .allSatisfy(c -> assertThat(c.param("NetworkCardIndex")).isEqualTo("0"));
    assertThat(proxy.calls("ModifyNetworkInterfaceAttribute"))
        .anySatisfy(c -> assertThat(c.param("Attachment.DeleteOnTermination")).isEqualTo("true"));
    assertThat(logged).containsExactlyElementsOf(report.results());
    String cluster = report.results().get(0).cluster();
    assertThat(metrics.flushed(cluster, Metrics.ENIS_CREATED)).isEqualTo(2);
    assertThat(metrics.flushed(cluster, Metrics.ENIS_ATTACHED)).isEqualTo(2);
  }

  @Test
  void aNodeInTheOtherZone_getsTheOtherZonesSubnets() {
    InstanceId node = launchCnfNode("nodes-b");

    EniReport report = handle(stateChange(node, "running"));

    assertThat(report.failures()).as(report.failureSummary()).isEmpty();
    assertTwoInterfacesAtTheirSlots(node, "b");
  }

  @Test
  void duplicateAndConcurrentEvents_leaveExactlyTwoInterfaces() throws Exception {
    InstanceId node = launchCnfNode("nodes-a");
    List<byte[]> events = new ArrayList<>();
    for (int copy = 0; copy < 4; copy++) {
      events.add(stateChange(node, "running"));
      events.add(
          SampleEvents.withIds(
              "cloudtrail-runinstances-managed-nodegroup.json",
              Map.of("i-0a1b2c3d4e5f60002", node.value())));
      events.add(("{\"instanceId\": \"" + node + "\"}").getBytes(StandardCharsets.UTF_8));
    }
    Collections.shuffle(events, new Random(42));
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Callable<EniReport>> work =
          events.stream().map(e -> (Callable<EniReport>) () -> handle(e)).toList();
      for (Future<EniReport> f : pool.invokeAll(work)) {
        EniReport r = f.get();
        assertThat(r.failures()).as(r.failureSummary()).isEmpty();
      }
    } finally {
      pool.shutdown();
    }

    assertTwoInterfacesAtTheirSlots(node, "a");
    proxy.clear();
    EniReport again = handle(stateChange(node, "running"));
    assertThat(again.results().get(0).interfaces())
        .extracting(EniResult::decision)
        .containsOnly(EniDecision.ALREADY_PRESENT, EniDecision.UPDATED);
    assertThat(proxy.calls("CreateNetworkInterface")).isEmpty();
    assertThat(proxy.calls("AttachNetworkInterface")).isEmpty();
  }

  @Test
  void aDryRun_showsThePlan_andWritesNothing() {
    InstanceId node = launchCnfNode("nodes-a");

    EniReport report =
        handle(
            ("{\"instanceId\": \"" + node + "\", \"dryRun\": true}")
                .getBytes(StandardCharsets.UTF_8));

    assertThat(report.results().get(0).interfaces())
        .extracting(EniResult::decision)
        .containsExactly(EniDecision.CREATED, EniDecision.CREATED);
    assertThat(oursFor(node)).isEmpty();
    assertThat(proxy.calls())
        .extracting(RecordingProxy.Call::action)
        .allMatch(a -> a.startsWith("Describe"));
  }

  @Test
  void nodesOutOfScope_getNothing() {
    InstanceId bastion =
        fixtures.launchInto(subnets.get("nodes-a"), 1, Map.of("Name", "bastion")).get(0);
    Map<String, String> general = new HashMap<>(CNF_NODE);
    general.put("eks:nodegroup-name", "general");
    InstanceId other = fixtures.launchInto(subnets.get("nodes-a"), 1, general).get(0);

    EniReport a = handle(stateChange(bastion, "running"));
    EniReport b = handle(stateChange(other, "running"));

    assertThat(a.results().get(0).reason()).isEqualTo("not an EKS node: no EKS cluster tag");
    assertThat(b.results().get(0).reason()).isEqualTo("no ENI profile matches this node");
    assertThat(proxy.calls())
        .extracting(RecordingProxy.Call::action)
        .allMatch(x -> x.startsWith("Describe"));
  }

  @Test
  void terminationAndTheSweep_leaveNoInterfaceOfOurs_andTouchNoOtherInterface() {
    InstanceId node = launchCnfNode("nodes-a");
    InstanceId second = launchCnfNode("nodes-b");
    assertThat(handle(stateChange(node, "running")).failures()).isEmpty();
    // Someone else's interfaces: one free in our subnet, one attached to a node at index 3.
    String foreignFree =
        ec2.createNetworkInterface(r -> r.subnetId(subnets.get("data-a")).description("not ours"))
            .networkInterface()
            .networkInterfaceId();
    String foreignAttached =
        ec2.createNetworkInterface(r -> r.subnetId(subnets.get("data-a")))
            .networkInterface()
            .networkInterfaceId();
    String foreignAttachment =
        ec2.attachNetworkInterface(
                r -> r.networkInterfaceId(foreignAttached).instanceId(node.value()).deviceIndex(3))
            .attachmentId();
    // An interface of ours left behind by an instance long gone.
    String orphan =
        ec2.createNetworkInterface(
                r ->
                    r.subnetId(subnets.get("data-a"))
                        .tagSpecifications(
                            TagSpecification.builder()
                                .resourceType(ResourceType.NETWORK_INTERFACE)
                                .tags(
                                    tags(
                                        Map.of(
                                            EniTags.PROFILE, "multus-data",
                                            EniTags.INSTANCE, "i-0123456789abcdef0",
                                            EniTags.CREATED_AT,
                                                Instant.now()
                                                    .minus(Duration.ofHours(2))
                                                    .toString())))
                                .build()))
            .networkInterface()
            .networkInterfaceId();
    proxy.clear();

    fixtures.terminate(node);
    EniReport cleanup = handle(stateChange(node, "terminated"));

    assertThat(cleanup.failures()).as(cleanup.failureSummary()).isEmpty();
    assertThat(oursFor(node)).isEmpty();
    // moto leaves the interfaces attached to the terminated instance: a normal detach cannot
    // work there, so the report says the detach was forced, and why.
    assertThat(cleanup.results().get(0).interfaces())
        .extracting(EniResult::decision)
        .containsOnly(EniDecision.DELETED);
    assertThat(cleanup.results().get(0).interfaces())
        .allSatisfy(r -> assertThat(r.reason()).contains("so it is forced"));

    EniReport sweep = handle(SampleEvents.read("scheduled-event.json"));

    assertThat(sweep.failures()).as(sweep.failureSummary()).isEmpty();
    assertThat(ours().stream().map(NetworkInterface::networkInterfaceId)).doesNotContain(orphan);
    // The sweep found the second node without its interfaces and gave them to it.
    assertTwoInterfacesAtTheirSlots(second, "b");
    fixtures.terminate(second);
    handle(stateChange(second, "terminated"));
    handle(SampleEvents.read("scheduled-event.json"));
    assertThat(ours()).isEmpty();

    Set<String> remaining =
        ec2.describeNetworkInterfaces().networkInterfaces().stream()
            .map(NetworkInterface::networkInterfaceId)
            .collect(Collectors.toSet());
    assertThat(remaining).contains(foreignFree, foreignAttached);
    for (RecordingProxy.Call c : proxy.calls()) {
      if (!c.action().startsWith("Describe")) {
        assertThat(c.param("NetworkInterfaceId"))
            .as(c.action())
            .isNotIn(foreignFree, foreignAttached);
        assertThat(c.param("AttachmentId")).as(c.action()).isNotEqualTo(foreignAttachment);
      }
    }
  }

  @Test
  void malformedInput_isRejected_beforeAnyAwsCall() {
    assertThatThrownBy(() -> handle(SampleEvents.read("invalid/manual-misspelled-field.json")))
        .isInstanceOf(InvalidInputException.class);
    assertThat(proxy.calls()).isEmpty();
  }
}
