package io.github.eksnoderemediator.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.eksnoderemediator.aws.AwsClients;
import io.github.eksnoderemediator.aws.SdkEc2Gateway;
import io.github.eksnoderemediator.aws.SdkEksGateway;
import io.github.eksnoderemediator.aws.SdkNetworkGateway;
import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.eni.EniService;
import io.github.eksnoderemediator.eni.EniTags;
import io.github.eksnoderemediator.events.EventParser;
import io.github.eksnoderemediator.handler.EniHandler;
import io.github.eksnoderemediator.handler.ImdsHandler;
import io.github.eksnoderemediator.iam.IamEnforcement;
import io.github.eksnoderemediator.imds.ImdsService;
import io.github.eksnoderemediator.metrics.Metrics;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.wait.BoundedWait;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.NetworkInterface;
import software.amazon.awssdk.services.ec2.model.Tag;

/**
 * Chaos: many launch events, each duplicated and shuffled, sent to both functions' launch queues
 * and handled in batches by their handlers from several concurrent workers (the queue path, as
 * deployed), through EC2's token buckets plus random 5xx answers, dropped connections and latency;
 * messages a batch names delivered again, as SQS does; then one sweep of each function. {@link
 * #run} checks the invariants and returns what it absorbed. ChaosIT runs it at a size for CI,
 * {@code ./dev bench} at a larger one.
 */
public final class ChaosScenario {
  private static final String CONFIG =
      """
      {"clusters": ["prod"],
       "eni": {"profiles": [
         {"name": "multus-data", "cluster": "prod", "nodeGroup": "cnf",
          "subnets": {"tags": {"multus": "data"}}, "securityGroups": {"names": ["multus-data"]},
          "deviceIndex": 1}],
        "sweep": {"graceMinutes": 10}},
       "waits": {"notFoundSeconds": 5, "tagSettleSeconds": 1, "appliedSeconds": 2,
                 "firstBackoffMillis": 50}}
      """;
  private static final long SEED = 20261122L;
  private static final int BATCH_SIZE = 25;
  private static final Duration VISIBILITY = Duration.ofSeconds(2);
  private static RecordingProxy proxy;
  private static IamEnforcement iam;

  private ChaosScenario() {}

  /**
   * What one run absorbed.
   *
   * @param events launch events (each handled by both functions)
   * @param requests EC2 requests made
   * @param throttled requests answered RequestLimitExceeded
   * @param redelivered messages a batch named, delivered again after the visibility timeout
   * @param batches invocations of both functions by their queues' mappings
   * @param seconds how long the events and the sweeps took
   */
  public record Stats(
      int events, int requests, long throttled, int redelivered, int batches, double seconds) {}

  /**
   * Runs the scenario on a clean emulator and checks every invariant.
   *
   * @param perZone managed-node-group nodes with an ENI profile, in each of two zones
   * @param poolNodes Karpenter nodes (IMDS only)
   * @param workers concurrent invocations
   */
  public static synchronized Stats run(MotoServer moto, int perZone, int poolNodes, int workers)
      throws Exception {
    moto.reset();
    proxy = new RecordingProxy(moto.endpoint());
    iam = IamEnforcement.on(proxy, moto.endpoint(), CONFIG);
    try {
      return scenario(moto, perZone, poolNodes, workers);
    } finally {
      proxy.close();
    }
  }

  private static Stats scenario(MotoServer moto, int perZone, int poolNodes, int workers)
      throws Exception {
    Ec2Fixtures fixtures = new Ec2Fixtures(moto.endpoint());
    Ec2Client ec2 = fixtures.ec2();
    String vpc = ec2.createVpc(r -> r.cidrBlock("10.2.0.0/16")).vpc().vpcId();
    Map<String, String> subnets = new HashMap<>();
    subnets.put("nodes-a", subnet(ec2, vpc, "10.2.0.0/20", "a", Map.of()));
    subnets.put("nodes-b", subnet(ec2, vpc, "10.2.16.0/20", "b", Map.of()));
    subnet(ec2, vpc, "10.2.32.0/20", "a", Map.of("multus", "data"));
    subnet(ec2, vpc, "10.2.48.0/20", "b", Map.of("multus", "data"));
    ec2.createSecurityGroup(r -> r.vpcId(vpc).groupName("multus-data").description("multus-data"));

    Map<String, String> cnf =
        Map.of(
            "eks:cluster-name",
            "prod",
            "eks:nodegroup-name",
            "cnf",
            "kubernetes.io/cluster/prod",
            "owned");
    Map<String, String> karpenter =
        Map.of(
            "eks:eks-cluster-name",
            "prod",
            "karpenter.sh/nodepool",
            "default",
            "kubernetes.io/cluster/prod",
            "owned");
    Map<String, String> optedOut = new HashMap<>(cnf);
    optedOut.put(RemediatorConfig.DEFAULT_OPT_OUT_TAG_KEY, "true");
    List<InstanceId> cnfNodes =
        new ArrayList<>(fixtures.launchInto(subnets.get("nodes-a"), perZone, cnf));
    cnfNodes.addAll(fixtures.launchInto(subnets.get("nodes-b"), perZone, cnf));
    List<InstanceId> pool = fixtures.launchInto(subnets.get("nodes-a"), poolNodes, karpenter);
    List<InstanceId> outOfScope = new ArrayList<>();
    outOfScope.addAll(
        fixtures.launchInto(
            subnets.get("nodes-a"),
            2,
            Map.of("eks:cluster-name", "staging", "eks:nodegroup-name", "cnf")));
    outOfScope.addAll(fixtures.launchInto(subnets.get("nodes-b"), 2, Map.of("Name", "build-host")));
    outOfScope.addAll(fixtures.launchInto(subnets.get("nodes-a"), 2, optedOut));
    List<InstanceId> all = new ArrayList<>(cnfNodes);
    all.addAll(pool);
    all.addAll(outOfScope);
    Map<InstanceId, String> before = new HashMap<>();
    all.forEach(id -> before.put(id, fixtures.options(id)));

    // Each instance's launch arrives three ways (CloudTrail, pending, running), three times each.
    Random random = new Random(SEED);
    List<byte[]> events = new ArrayList<>();
    for (InstanceId id : all) {
      for (int copy = 0; copy < 3; copy++) {
        events.add(
            SampleEvents.withIds(
                "cloudtrail-runinstances-managed-nodegroup.json",
                Map.of("i-0a1b2c3d4e5f60002", id.value())));
        events.add(
            SampleEvents.withIds(
                "state-change-pending.json", Map.of("i-0a1b2c3d4e5f60001", id.value())));
        events.add(
            SampleEvents.withIds(
                "state-change-running.json", Map.of("i-0a1b2c3d4e5f60001", id.value())));
      }
    }
    Collections.shuffle(events, random);

    RemediatorConfig config = RemediatorConfig.parse(CONFIG, "chaos");

    proxy.throttle(Ec2Throttle.awsDefaults());
    proxy.chaos(new RecordingProxy.Chaos(new Random(SEED), 0.04, 0.02, 15));
    // Every event goes to both functions' launch queues, as their rules send it; each queue's
    // event source mapping hands batches to its own workers (one execution environment each). A
    // message a batch names comes back after the visibility timeout, up to the receive limit;
    // after that it would be in the dead-letter queue.
    int perFunction = Math.max(2, workers / 2);
    QueueWorkers imdsQueue =
        new QueueWorkers(BATCH_SIZE, Duration.ofMillis(200), perFunction, VISIBILITY, 5);
    QueueWorkers eniQueue =
        new QueueWorkers(BATCH_SIZE, Duration.ofMillis(200), perFunction, VISIBILITY, 5);
    events.forEach(
        e -> {
          imdsQueue.send(e);
          eniQueue.send(e);
        });
    long start = System.nanoTime();
    ExecutorService executor = Executors.newFixedThreadPool(2);
    Future<QueueWorkers.Stats> imdsRun =
        executor.submit(() -> imdsQueue.drain(() -> new ImdsHandler(imds(config)), id -> {}));
    Future<QueueWorkers.Stats> eniRun =
        executor.submit(
            () -> eniQueue.drain(() -> new EniHandler(eni(config, Clock.systemUTC())), id -> {}));
    QueueWorkers.Stats imdsStats = imdsRun.get();
    QueueWorkers.Stats eniStats = eniRun.get();
    executor.shutdown();
    int redelivered = imdsStats.redelivered() + eniStats.redelivered();
    List<SqsBatches.Message> failedForGood = new ArrayList<>(imdsStats.deadLetters());
    failedForGood.addAll(eniStats.deadLetters());
    ImdsService imds = imds(config);

    // Faults end; one sweep of each function (the ENI sweep 15 minutes later, past the grace).
    proxy.chaos(null);
    proxy.throttle(Ec2Throttle.NONE);
    byte[] schedule = SampleEvents.read("scheduled-event.json");
    assertThat(imds.handle(EventParser.parse(schedule), false).failures()).isEmpty();
    EniService later = eni(config, Clock.offset(Clock.systemUTC(), Duration.ofMinutes(15)));
    assertThat(later.handle(EventParser.parse(schedule), false).failures()).isEmpty();

    // 1. Every in-scope node is hardened (launched at hop limit 1: the default band leaves it).
    for (InstanceId id : union(cnfNodes, pool)) {
      assertThat(fixtures.options(id)).as("node %s", id).isEqualTo("required/1/enabled");
    }
    // 2. Exactly one interface of ours per (node, profile), attached at its index.
    List<NetworkInterface> ours =
        ec2.describeNetworkInterfaces(
                r -> r.filters(Filter.builder().name("tag-key").values(EniTags.PROFILE).build()))
            .networkInterfaces();
    for (InstanceId id : cnfNodes) {
      List<NetworkInterface> forNode =
          ours.stream()
              .filter(n -> n.attachment() != null && id.value().equals(n.attachment().instanceId()))
              .toList();
      assertThat(forNode).as("interfaces of ours on %s", id).hasSize(1);
      assertThat(forNode.get(0).attachment().deviceIndex()).isEqualTo(1);
    }
    // 3. Zero orphans: every interface of ours is attached to a node that should have one.
    Set<String> cnfIds = new HashSet<>(cnfNodes.stream().map(InstanceId::value).toList());
    assertThat(ours).hasSize(cnfNodes.size());
    assertThat(ours).allSatisfy(n -> assertThat(cnfIds).contains(n.attachment().instanceId()));
    // 4. Zero writes to out-of-scope instances; their options are as they were.
    Set<String> out = new HashSet<>(outOfScope.stream().map(InstanceId::value).toList());
    assertThat(proxy.calls())
        .filteredOn(
            c ->
                !"DescribeInstances".equals(c.action())
                    && c.action() != null
                    && !c.action().startsWith("Describe"))
        .noneMatch(c -> out.contains(c.param("InstanceId")));
    outOfScope.forEach(id -> assertThat(fixtures.options(id)).isEqualTo(before.get(id)));
    // 5. No node ever loosened: every metadata write set tokens to required.
    assertThat(proxy.calls("ModifyInstanceMetadataOptions"))
        .isNotEmpty()
        .allSatisfy(c -> assertThat(c.param("HttpTokens")).isEqualTo("required"));
    // The faults really happened, and were absorbed.
    assertThat(proxy.calls().stream().filter(RecordingProxy.Call::throttled).count() + redelivered)
        .as("throttled answers and redeliveries")
        .isPositive();
    assertThat(failedForGood).as("messages that would end in a dead-letter queue").isEmpty();
    // 6. IAM: the synthesized roles allowed every request both functions sent.
    iam.assertNoUnexpectedRefusals();
    return new Stats(
        events.size(),
        proxy.calls().size(),
        proxy.throttled(),
        redelivered,
        imdsStats.invocations() + eniStats.invocations(),
        (System.nanoTime() - start) / 1e9);
  }

  private static List<InstanceId> union(List<InstanceId> a, List<InstanceId> b) {
    List<InstanceId> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static ImdsService imds(RemediatorConfig config) {
    var eks =
        AwsClients.eksBuilder()
            .endpointOverride(proxy.endpoint())
            .region(Region.of(MotoServer.REGION))
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(Ec2Fixtures.IMDS_ACCESS_KEY, "testing")))
            .build();
    return ImdsServices.of(
        new SdkEc2Gateway(Ec2Fixtures.client(proxy.endpoint())),
        new SdkEksGateway(eks),
        config,
        BoundedWait.system(),
        Clock.systemUTC(),
        (i, e, r) -> {},
        Metrics.NONE);
  }

  private static EniService eni(RemediatorConfig config, Clock clock) {
    SdkNetworkGateway gateway =
        new SdkNetworkGateway(Ec2Fixtures.client(proxy.endpoint(), Ec2Fixtures.ENI_ACCESS_KEY));
    return EniServices.of(
        gateway, config, BoundedWait.system(), clock, (i, e, r) -> {}, Metrics.NONE);
  }

  private static String subnet(
      Ec2Client ec2, String vpc, String cidr, String zone, Map<String, String> tags) {
    String id =
        ec2.createSubnet(
                r -> r.vpcId(vpc).cidrBlock(cidr).availabilityZone(MotoServer.REGION + zone))
            .subnet()
            .subnetId();
    if (!tags.isEmpty()) {
      ec2.createTags(
          r ->
              r.resources(id)
                  .tags(
                      tags.entrySet().stream()
                          .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build())
                          .toList()));
    }
    return id;
  }
}
