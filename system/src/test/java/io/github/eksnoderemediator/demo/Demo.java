package io.github.eksnoderemediator.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.eksnoderemediator.iam.IamEnforcement;
import io.github.eksnoderemediator.json.Json;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.testing.Ec2Fixtures;
import io.github.eksnoderemediator.testing.MotoServer;
import io.github.eksnoderemediator.testing.RecordingProxy;
import io.github.eksnoderemediator.testing.SampleEvents;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./dev demo}: starts the local AWS emulator, launches IMDSv1 EKS nodes of every kind plus
 * instances that must be left alone, sends the real-shaped sample events through the shipped jar
 * ({@code java -jar lambda/target/remediator.jar handle ...}, exactly as an operator would) and
 * prints each instance's options before and after. Exits non-zero if any instance did not end as it
 * should, so the demo doubles as a smoke test (DemoIT runs it in the test suite).
 */
public final class Demo {
  static final String CONFIG =
      "{\"clusters\": [\"prod\"], \"imds\": {\"hopLimit\": 2, \"overrides\": "
          + "[{\"cluster\": \"prod\", \"nodePool\": \"untrusted\", \"hopLimit\": 1}]}}";

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
          "IAM: every request is checked against the role `cdk synth` makes for this"
              + " configuration (IAM policy simulator), as AWS would.");
      IamEnforcement iam = IamEnforcement.on(proxy, moto.endpoint(), CONFIG);
      boolean ok = new Demo(out, work, new Ec2Fixtures(moto.endpoint()), proxy).play();
      List<IamEnforcement.Refusal> refused =
          iam.refusals().stream().filter(r -> !r.dryRun()).toList();
      out.println(
          refused.isEmpty()
              ? "IAM: the synthesized role allowed every call the function made."
              : "IAM REFUSED " + refused.size() + " request(s), first: " + refused.get(0));
      return ok && refused.isEmpty();
    } finally {
      moto.stop();
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

    List<InstanceId> selfManaged = ec2.launch(2, eksctl, "optional", 1);
    List<Node> nodes =
        List.of(
            new Node(
                "managed node group prod/general",
                ec2.launch(mng, "optional", 1),
                "required/2/enabled"),
            new Node(
                "Karpenter pool prod/default",
                ec2.launch(pool, "optional", 1),
                "required/2/enabled"),
            new Node(
                "Karpenter pool prod/untrusted (hop limit 1)",
                ec2.launch(untrusted, "optional", 2),
                "required/1/enabled"),
            new Node(
                "self-managed (eksctl) prod/legacy-ng", selfManaged.get(0), "required/2/enabled"),
            new Node(
                "self-managed (eksctl) prod/legacy-ng", selfManaged.get(1), "required/2/enabled"),
            new Node(
                "managed node, hop limit 5", ec2.launch(mng, "optional", 5), "required/2/enabled"),
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
                nodes.get(9).id()),
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
    ok &= handle("state-change-running.json", Map.of("i-0a1b2c3d4e5f60001", nodes.get(5).id()), 0);
    ok &=
        handle(
            "cloudtrail-runinstances-non-eks.json",
            Map.of("i-0a1b2c3d4e5f60005", nodes.get(7).id()),
            0);
    ok &=
        handle(
            "manual-several-instances-dry-run.json",
            Map.of(
                "i-0a1b2c3d4e5f60002",
                nodes.get(6).id(),
                "i-0a1b2c3d4e5f60006",
                nodes.get(8).id(),
                "i-0a1b2c3d4e5f60005",
                nodes.get(7).id()),
            0);
    proxy.clear();
    ok &= handle("manual-one-instance.json", Map.of("i-0a1b2c3d4e5f60002", nodes.get(6).id()), 0);
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
            ? "Every EKS node in scope is hardened; everything else is untouched."
            : "DEMO FAILED: see WRONG above.");
    return ok;
  }

  /** Runs the shipped jar on one sample event (ids swapped for the emulator's) and summarizes. */
  private boolean handle(String sample, Map<String, InstanceId> ids, int expectedExit)
      throws IOException, InterruptedException {
    Map<String, String> swap = new HashMap<>();
    ids.forEach((k, v) -> swap.put(k, v.value()));
    Path event = work.resolve(sample.replace('/', '-'));
    Files.write(event, SampleEvents.withIds(sample, swap));
    Path jar = SampleEvents.root().resolve("lambda/target/remediator.jar");
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                jar.toString(),
                "handle",
                event.toString()));
    out.println();
    out.println(
        "$ java -jar lambda/target/remediator.jar handle "
            + sample
            + (ids.isEmpty() ? "" : "   (ids swapped for the emulator's)"));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().keySet().removeIf(k -> k.startsWith("AWS_"));
    pb.environment().put("AWS_ENDPOINT_URL", proxy.endpoint().toString());
    pb.environment().put("AWS_REGION", MotoServer.REGION);
    pb.environment().put("AWS_ACCESS_KEY_ID", Ec2Fixtures.IMDS_ACCESS_KEY);
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
