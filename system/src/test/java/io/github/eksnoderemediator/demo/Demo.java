package io.github.eksnoderemediator.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.eksnoderemediator.canary.EndToEnd;
import io.github.eksnoderemediator.eni.EniTags;
import io.github.eksnoderemediator.harness.PipelineHarness;
import io.github.eksnoderemediator.iam.IamEnforcement;
import io.github.eksnoderemediator.json.Json;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.testing.Ec2Fixtures;
import io.github.eksnoderemediator.testing.LocalCommand;
import io.github.eksnoderemediator.testing.MotoServer;
import io.github.eksnoderemediator.testing.RecordingProxy;
import io.github.eksnoderemediator.testing.SampleEvents;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Tag;

/**
 * {@code ./dev demo}: starts the local AWS emulator, launches IMDSv1 EKS nodes of every kind plus
 * instances that must be left alone, sends the real-shaped sample events through the shipped jar
 * ({@code bin/remediator handle ...}, the launcher of {@code lambda/target/remediator.jar}, exactly
 * as an operator would) and prints each instance's options before and after. Then the ENI function
 * ({@code handle-eni}): one node group gets an interface from each of two profiles, and a
 * terminated node's interfaces are cleaned up. Exits non-zero if any instance did not end as it
 * should, so the demo doubles as a smoke test (DemoIT runs it in the test suite).
 */
public final class Demo {
  static final String CONFIG =
      "{\"clusters\": [\"prod\"], \"imds\": {\"overrides\": "
          + "[{\"cluster\": \"prod\", \"nodePool\": \"untrusted\", \"hopLimit\": 1}, "
          + "{\"cluster\": \"prod\", \"nodePool\": \"batch\", \"hopLimit\": {\"min\": 2}}]}, "
          + "\"eni\": {\"profiles\": ["
          + "{\"name\": \"multus-data\", \"cluster\": \"prod\", \"nodeGroup\": \"cnf\", "
          + "\"subnets\": {\"tags\": {\"demo-multus\": \"data\"}}, "
          + "\"securityGroups\": {\"names\": [\"demo-data\"]}, \"deviceIndex\": 1}, "
          + "{\"name\": \"multus-mgmt\", \"cluster\": \"prod\", \"nodeGroup\": \"cnf\", "
          + "\"subnets\": {\"tags\": {\"demo-multus\": \"mgmt\"}}, "
          + "\"securityGroups\": {\"names\": [\"demo-mgmt\"]}, \"deviceIndex\": 2, "
          + "\"deleteOnTermination\": false}]}}";

  /** What DemoIT looks for when the ENI part ended as it should. */
  public static final String ENI_OK =
      "Node group prod/cnf has one interface per profile; the terminated node's are cleaned up.";

  /** The instance id in the sample state-change events. */
  private static final String SAMPLE_ID = "i-0a1b2c3d4e5f60001";

  private final PrintStream out;
  private final Path work;
  private final Ec2Fixtures ec2;
  private final RecordingProxy proxy;

  /** One demo instance: what it is, and what its options must be at the end. */
  record Node(String label, InstanceId id, String expected) {}

  private Demo(PrintStream out, Path work, Ec2Fixtures ec2, RecordingProxy proxy) {
    this.out = out;
    this.work = work;
    this.ec2 = ec2;
    this.proxy = proxy;
  }

  public static void main(String[] args) throws Exception {
    System.exit(run(System.out) ? 0 : 1);
  }

  /** Runs the whole demo on a moto server of its own; true when every instance ended right. */
  public static boolean run(PrintStream out) throws Exception {
    out.println("EKS Node Remediator demo: a local AWS emulator, no AWS account needed.");
    MotoServer moto = MotoServer.start();
    Path work = Files.createTempDirectory("remediator-demo-");
    try (RecordingProxy proxy = new RecordingProxy(moto.endpoint())) {
      out.println("Emulator (moto) at " + moto.endpoint() + "; events and reports in " + work);
      out.println(
          "IAM: every request is checked against the roles `cdk synth` makes for this"
              + " configuration, the role of the function that sent it (IAM policy simulator),"
              + " as AWS would.");
      IamEnforcement iam = IamEnforcement.on(proxy, moto.endpoint(), CONFIG);
      Demo demo = new Demo(out, work, new Ec2Fixtures(moto.endpoint()), proxy);
      boolean ok = demo.play();
      ok &= demo.playEni();
      List<IamEnforcement.Refusal> refused =
          iam.refusals().stream().filter(r -> !r.dryRun()).toList();
      out.println(
          refused.isEmpty()
              ? "IAM: the synthesized roles allowed every call the functions made."
              : "IAM REFUSED " + refused.size() + " request(s), first: " + refused.get(0));
      ok &= refused.isEmpty();
      ok &= playCanary(out, moto);
      return ok;
    } finally {
      moto.stop();
    }
  }

  /** What DemoIT looks for when the canary ran every path and left nothing running. */
  public static final String CANARY_OK =
      "The canary's instance was hardened through EventBridge, SQS and Lambda, hardened again"
          + " after you loosened it, and terminated.";

  /**
   * The end-to-end canary ({@code verify --end-to-end}) through the pipeline harness, which plays
   * EventBridge, SQS and Lambda for the emulator: the exposure window of a new node, measured.
   */
  static boolean playCanary(PrintStream out, MotoServer moto) throws Exception {
    out.println();
    out.println(
        "verify --end-to-end: one tiny node-looking instance with IMDSv1 open, through the"
            + " synthesized rules, a launch queue and the IMDS function (a harness plays"
            + " EventBridge, SQS and Lambda for the emulator).");
    try (PipelineHarness harness = new PipelineHarness(moto, CONFIG)) {
      int exit =
          EndToEnd.run(
              List.of(
                  "--end-to-end",
                  "--subnet",
                  harness.subnet(),
                  "--cluster",
                  "prod",
                  "--log-group",
                  PipelineHarness.LOG_GROUP,
                  "--timeout-seconds",
                  "30",
                  "--tamper-timeout-seconds",
                  "30"),
              out,
              out,
              harness::canaryCloud,
              Duration.ofMillis(100),
              false);
      List<String> left = harness.notTerminated();
      boolean ok = exit == 0 && left.isEmpty();
      out.println(ok ? CANARY_OK : "WRONG: canary exit " + exit + ", left running " + left);
      return ok;
    }
  }

  private boolean play() throws Exception {
    Map<String, String> mng =
        Map.of(
            "eks:cluster-name",
            "prod",
            "eks:nodegroup-name",
            "general",
            "kubernetes.io/cluster/prod",
            "owned");
    Map<String, String> pool =
        Map.of(
            "eks:eks-cluster-name",
            "prod",
            "karpenter.sh/nodepool",
            "default",
            "kubernetes.io/cluster/prod",
            "owned");
    Map<String, String> untrusted = new HashMap<>(pool);
    untrusted.put("karpenter.sh/nodepool", "untrusted");
    Map<String, String> batch = new HashMap<>(pool);
    batch.put("karpenter.sh/nodepool", "batch");
    Map<String, String> eksctl =
        Map.of(
            "kubernetes.io/cluster/prod",
            "owned",
            "alpha.eksctl.io/cluster-name",
            "prod",
            "alpha.eksctl.io/nodegroup-name",
            "legacy-ng");
    Map<String, String> optedOut = new HashMap<>(mng);
    optedOut.put("eks-node-remediator/opt-out", "true");

    // Hop limits: the default band (at most 2) leaves a node launched at 1 at 1, as Karpenter v1
    // and AL2023 launch them; only the batch pool's {"min": 2} raises one.
    List<InstanceId> selfManaged = ec2.launch(2, eksctl, "optional", 2);
    List<Node> nodes =
        List.of(
            new Node(
                "managed node group prod/general",
                ec2.launch(mng, "optional", 1),
                "required/1/enabled"),
            new Node(
                "Karpenter pool prod/default (left at 1)",
                ec2.launch(pool, "optional", 1),
                "required/1/enabled"),
            new Node(
                "Karpenter pool prod/untrusted (max 1)",
                ec2.launch(untrusted, "optional", 2),
                "required/1/enabled"),
            new Node(
                "Karpenter pool prod/batch (min 2: raised)",
                ec2.launch(batch, "optional", 1),
                "required/2/enabled"),
            new Node(
                "self-managed (eksctl) prod/legacy-ng", selfManaged.get(0), "required/2/enabled"),
            new Node(
                "self-managed (eksctl) prod/legacy-ng", selfManaged.get(1), "required/2/enabled"),
            new Node(
                "managed node, hop limit 5 (lowered)",
                ec2.launch(mng, "optional", 5),
                "required/2/enabled"),
            new Node(
                "managed node, already compliant",
                ec2.launch(mng, "required", 2),
                "required/2/enabled"),
            new Node(
                "bastion: not an EKS node",
                ec2.launch(Map.of("Name", "bastion"), "optional", 1),
                "optional/1/enabled"),
            new Node(
                "cluster staging: out of scope",
                ec2.launch(
                    Map.of("eks:cluster-name", "staging", "eks:nodegroup-name", "ng"),
                    "optional",
                    1),
                "optional/1/enabled"),
            new Node(
                "opted out by tag", ec2.launch(optedOut, "optional", 1), "optional/1/enabled"));

    Map<InstanceId, String> before = new LinkedHashMap<>();
    nodes.forEach(n -> before.put(n.id(), ec2.options(n.id())));
    out.println();
    out.println(
        "Launched "
            + nodes.size()
            + " instances (tokens/hop limit/endpoint shown as EC2 reports them).");
    out.println(
        "Configuration, as cdk.json would hand it to the function: REMEDIATOR_CONFIG=" + CONFIG);

    boolean ok = true;
    ok &=
        handle(
            "cloudtrail-runinstances-managed-nodegroup.json",
            Map.of("i-0a1b2c3d4e5f60002", nodes.get(0).id()),
            0);
    ok &=
        handle(
            "cloudtrail-createfleet-several-instances.json",
            Map.of(
                "i-0a1b2c3d4e5f60007",
                nodes.get(1).id(),
                "i-0a1b2c3d4e5f60008",
                nodes.get(2).id(),
                "i-0a1b2c3d4e5f60009",
                nodes.get(10).id()),
            0);
    ok &=
        handle(
            "cloudtrail-runinstances-self-managed-two-instances.json",
            Map.of(
                "i-0a1b2c3d4e5f60003",
                selfManaged.get(0),
                "i-0a1b2c3d4e5f60004",
                selfManaged.get(1)),
            0);
    ok &= handle("state-change-running.json", Map.of(SAMPLE_ID, nodes.get(3).id()), 0);
    ok &= handle("state-change-running.json", Map.of(SAMPLE_ID, nodes.get(6).id()), 0);
    ok &=
        handle(
            "cloudtrail-runinstances-non-eks.json",
            Map.of("i-0a1b2c3d4e5f60005", nodes.get(8).id()),
            0);
    ok &=
        handle(
            "manual-several-instances-dry-run.json",
            Map.of(
                "i-0a1b2c3d4e5f60002",
                nodes.get(7).id(),
                "i-0a1b2c3d4e5f60006",
                nodes.get(9).id(),
                "i-0a1b2c3d4e5f60005",
                nodes.get(8).id()),
            0);
    proxy.clear();
    ok &= handle("manual-one-instance.json", Map.of("i-0a1b2c3d4e5f60002", nodes.get(7).id()), 0);
    out.println("  EC2 calls for the compliant node: " + actions());
    proxy.clear();
    ok &= handle("invalid/manual-wrong-id-kind.json", Map.of(), 2);
    out.println(
        "  EC2 calls for the malformed input: " + (proxy.calls().isEmpty() ? "none" : actions()));

    out.println();
    out.println(
        String.format(
            "%-21s %-45s %-20s %-20s %s", "instance", "what it is", "before", "after", ""));
    for (Node n : nodes) {
      String after = ec2.options(n.id());
      boolean right = after.equals(n.expected());
      ok &= right;
      out.println(
          String.format(
              "%-21s %-45s %-20s %-20s %s",
              n.id(),
              n.label(),
              before.get(n.id()),
              after,
              right ? "ok" : "WRONG, expected " + n.expected()));
    }
    out.println();
    out.println(
        ok
            ? "Every EKS node in scope is hardened; everything else is untouched. Tokens are"
                + " required everywhere; no hop limit was raised but where a band's min asks."
            : "DEMO FAILED: see WRONG above.");
    return ok;
  }

  /**
   * The ENI function. Setup (subnets, groups, instances, the termination) goes straight to the
   * emulator; the function's own requests go through the IAM-enforcing proxy.
   */
  private boolean playEni() throws Exception {
    Ec2Client setup = ec2.ec2();
    String vpc = setup.createVpc(r -> r.cidrBlock("10.3.0.0/16")).vpc().vpcId();
    String nodeSubnet = subnet(setup, vpc, "10.3.0.0/20", null);
    subnet(setup, vpc, "10.3.16.0/20", "data");
    subnet(setup, vpc, "10.3.32.0/20", "mgmt");
    for (String group : List.of("demo-data", "demo-mgmt")) {
      setup.createSecurityGroup(r -> r.vpcId(vpc).groupName(group).description(group));
    }
    List<InstanceId> cnf =
        ec2.launchInto(
            nodeSubnet,
            2,
            Map.of(
                "eks:cluster-name",
                "prod",
                "eks:nodegroup-name",
                "cnf",
                "kubernetes.io/cluster/prod",
                "owned"));
    Map<InstanceId, List<String>> seen = new LinkedHashMap<>();
    cnf.forEach(id -> seen.put(id, new ArrayList<>(List.of(interfaces(setup, id)))));
    out.println();
    out.println(
        "ENI function: node group prod/cnf matches two profiles, multus-data (device index 1)"
            + " and multus-mgmt (index 2).");

    boolean ok = true;
    for (InstanceId id : cnf) {
      ok &= handle("handle-eni", "state-change-running.json", Map.of(SAMPLE_ID, id), 0);
    }
    cnf.forEach(id -> seen.get(id).add(interfaces(setup, id)));
    ec2.terminate(cnf.get(1));
    ok &= handle("handle-eni", "state-change-terminated.json", Map.of(SAMPLE_ID, cnf.get(1)), 0);
    cnf.forEach(id -> seen.get(id).add(interfaces(setup, id)));

    String both = "multus-data@1 multus-mgmt@2";
    Map<InstanceId, String> expected = Map.of(cnf.get(0), both, cnf.get(1), "none");
    out.println();
    out.println(
        String.format(
            "%-21s %-26s %-28s %-28s %-28s %s",
            "instance", "what it is", "before", "after running", "at the end", ""));
    for (InstanceId id : cnf) {
      List<String> row = seen.get(id);
      boolean right =
          row.get(0).equals("none")
              && row.get(1).equals(both)
              && row.get(2).equals(expected.get(id));
      ok &= right;
      out.println(
          String.format(
              "%-21s %-26s %-28s %-28s %-28s %s",
              id,
              id.equals(cnf.get(0)) ? "node prod/cnf" : "node prod/cnf, terminated",
              row.get(0),
              row.get(1),
              row.get(2),
              right ? "ok" : "WRONG, expected at the end " + expected.get(id)));
    }
    out.println();
    out.println(ok ? ENI_OK : "DEMO FAILED: see the ENI part above.");
    return ok;
  }

  private static String subnet(Ec2Client setup, String vpc, String cidr, String multus) {
    String id =
        setup
            .createSubnet(
                r -> r.vpcId(vpc).cidrBlock(cidr).availabilityZone(MotoServer.REGION + "a"))
            .subnet()
            .subnetId();
    if (multus != null) {
      setup.createTags(
          r -> r.resources(id).tags(Tag.builder().key("demo-multus").value(multus).build()));
    }
    return id;
  }

  /** The interfaces of ours for the instance, as {@code profile@deviceIndex}, or "none". */
  private static String interfaces(Ec2Client setup, InstanceId id) {
    List<String> found =
        setup
            .describeNetworkInterfaces(
                r ->
                    r.filters(
                        Filter.builder()
                            .name("tag:" + EniTags.INSTANCE)
                            .values(id.value())
                            .build()))
            .networkInterfaces()
            .stream()
            .map(
                n ->
                    n.tagSet().stream()
                            .filter(t -> t.key().equals(EniTags.PROFILE))
                            .map(Tag::value)
                            .findFirst()
                            .orElse("?")
                        + (n.attachment() == null
                            ? " (" + n.statusAsString() + ")"
                            : "@" + n.attachment().deviceIndex()))
            .sorted()
            .toList();
    return found.isEmpty() ? "none" : String.join(" ", found);
  }

  /** Runs the shipped jar's IMDS verb on one sample event. */
  private boolean handle(String sample, Map<String, InstanceId> ids, int expectedExit)
      throws IOException, InterruptedException {
    return handle("handle", sample, ids, expectedExit);
  }

  /**
   * Runs the shipped jar on one sample event (ids swapped for the emulator's) and summarizes. The
   * request is signed as the function the verb runs ({@code handle-eni}: the ENI function), so the
   * proxy checks it against that function's role.
   */
  private boolean handle(String verb, String sample, Map<String, InstanceId> ids, int expectedExit)
      throws IOException, InterruptedException {
    Map<String, String> swap = new HashMap<>();
    ids.forEach((k, v) -> swap.put(k, v.value()));
    Path event =
        work.resolve(
            (verb.endsWith("-eni") ? "eni-" + ids.values().iterator().next() + "-" : "")
                + sample.replace('/', '-'));
    Files.write(event, SampleEvents.withIds(sample, swap));
    List<String> command =
        new ArrayList<>(List.of(LocalCommand.LAUNCHER.toString(), verb, event.toString()));
    out.println();
    out.println(
        "$ bin/remediator "
            + verb
            + " "
            + sample
            + (ids.isEmpty() ? "" : "   (ids swapped for the emulator's)"));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().keySet().removeIf(k -> k.startsWith("AWS_"));
    pb.environment().put("AWS_ENDPOINT_URL", proxy.endpoint().toString());
    pb.environment().put("AWS_REGION", MotoServer.REGION);
    pb.environment()
        .put(
            "AWS_ACCESS_KEY_ID",
            verb.endsWith("-eni") ? Ec2Fixtures.ENI_ACCESS_KEY : Ec2Fixtures.IMDS_ACCESS_KEY);
    pb.environment().put("AWS_SECRET_ACCESS_KEY", "demo");
    pb.environment().put("REMEDIATOR_CONFIG", CONFIG);
    Path stdout = work.resolve(event.getFileName() + ".report.json");
    Path stderr = work.resolve(event.getFileName() + ".log");
    Process p = pb.redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      out.println("  timed out");
      return false;
    }
    int exit = p.exitValue();
    if (exit == 2) {
      out.println("  exit 2: " + Files.readString(stderr, StandardCharsets.UTF_8).strip());
    } else {
      JsonNode report = Json.MAPPER.readTree(Files.readString(stdout, StandardCharsets.UTF_8));
      out.println(
          "  "
              + report.path("input").asText()
              + (report.path("dryRun").asBoolean() ? ", dry run" : "")
              + ", exit "
              + exit);
      for (JsonNode r : report.path("results")) {
        out.println(
            String.format(
                "  %-21s %-10s %s",
                r.path("instanceId").asText(),
                r.path("decision").asText(),
                r.path("reason").asText()));
        for (JsonNode i : r.path("interfaces")) {
          out.println(
              String.format(
                  "    %-12s %-8s %s",
                  i.path("profile").asText(),
                  i.path("decision").asText(),
                  i.path("reason").asText()));
        }
      }
    }
    return exit == expectedExit;
  }

  private String actions() {
    Map<String, Integer> counts = new LinkedHashMap<>();
    proxy.calls().forEach(c -> counts.merge(c.action(), 1, Integer::sum));
    return counts.toString();
  }
}
