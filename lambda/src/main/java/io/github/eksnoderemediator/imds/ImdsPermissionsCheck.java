package io.github.eksnoderemediator.imds;

import io.github.eksnoderemediator.check.PermissionsReport;
import io.github.eksnoderemediator.check.Probe;
import io.github.eksnoderemediator.check.Probe.Expect;
import io.github.eksnoderemediator.check.Probe.Verdict;
import io.github.eksnoderemediator.config.HopLimitBand;
import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.node.EksNode;
import io.github.eksnoderemediator.node.NodeKind;
import io.github.eksnoderemediator.node.NodeScope;
import io.github.eksnoderemediator.node.ScopeDecision;
import io.github.eksnoderemediator.port.Ec2Gateway;
import io.github.eksnoderemediator.port.InstanceView;
import io.github.eksnoderemediator.port.MetadataOptions;
import io.github.eksnoderemediator.port.MetadataOptions.Tokens;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Proves the IMDS function's role in the account it runs in, with EC2's {@code DryRun}: for a
 * sample of nodes in scope (one of each launcher kind found), the hardening the function would send
 * must be allowed; for the first of them, loosening values must be refused; for an instance out of
 * scope, when there is one, even hardening values must be refused. Nothing is written.
 *
 * <p>A loosening value that IAM allows is a warning, not a failure: the role refuses it through
 * {@code ec2:Attribute/*} keys, and whether EC2 supplies them on this action is not documented
 * (docs/iam.md, "Three readings"); the function never sends such a value either way.
 */
public final class ImdsPermissionsCheck {
  /** At most this many nodes are probed: one per launcher kind. */
  static final int SAMPLE = NodeKind.values().length;

  private static final int NON_NODES_LOOKED_AT = 50;

  private final Ec2Gateway ec2;
  private final RemediatorConfig config;
  private final NodeScope scope;
  private final ImdsPolicy policy;

  public ImdsPermissionsCheck(Ec2Gateway ec2, RemediatorConfig config) {
    this.ec2 = ec2;
    this.config = config;
    this.scope = new NodeScope(config);
    this.policy = new ImdsPolicy(config.imds());
  }

  public PermissionsReport check() {
    List<Probe> probes = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    List<InstanceView> listed = ec2.listNodes(config.clusters()).nodes();

    List<InstanceView> sample = new ArrayList<>();
    Set<NodeKind> kinds = EnumSet.noneOf(NodeKind.class);
    Optional<InstanceView> outOfScope = Optional.empty();
    for (InstanceView instance : listed) {
      ScopeDecision decision = scope.evaluate(instance);
      if (decision instanceof ScopeDecision.InScope in && kinds.add(in.node().kind())) {
        sample.add(instance);
      } else if (decision instanceof ScopeDecision.OutOfScope out
          && out.why() != ScopeDecision.SkipReason.GOING_AWAY
          && out.why() != ScopeDecision.SkipReason.MANAGED_INSTANCE
          && outOfScope.isEmpty()) {
        outOfScope = Optional.of(instance);
      }
    }

    if (sample.isEmpty()) {
      notes.add(
          "no node in scope: hardening could not be checked; run the check again once a node of a"
              + " cluster in scope runs");
    }
    for (InstanceView node : sample) {
      EksNode eksNode = ((ScopeDecision.InScope) scope.evaluate(node)).node();
      MetadataOptions target = target(eksNode, node.metadataOptions());
      probes.add(
          Probe.of(
              "harden a " + eksNode.kind() + " node of " + eksNode.cluster(),
              call(target),
              node.id().value(),
              Expect.ALLOWED,
              ec2.dryRunModifyMetadataOptions(node.id(), target),
              Verdict.FAIL,
              "the role refuses the hardening this function exists to do: every event for such"
                  + " a node would fail (docs/troubleshooting.md, \"UnauthorizedOperation\")."));
    }
    if (!sample.isEmpty()) {
      loosening(sample.get(0), probes);
    }

    if (outOfScope.isEmpty()) {
      outOfScope =
          ec2.sampleRunningInstances(NON_NODES_LOOKED_AT).stream()
              .filter(
                  i ->
                      scope.evaluate(i) instanceof ScopeDecision.OutOfScope out
                          && out.why() == ScopeDecision.SkipReason.NOT_EKS_NODE)
              .findFirst();
    }
    outOfScope.ifPresentOrElse(
        instance -> {
          MetadataOptions hardening =
              new MetadataOptions(
                  Tokens.REQUIRED,
                  config.imds().envelope().clamp(instance.metadataOptions().hopLimit()),
                  instance.metadataOptions().httpEndpoint(),
                  instance.metadataOptions().state());
          probes.add(
              Probe.of(
                  "touch an instance out of scope ("
                      + ((ScopeDecision.OutOfScope) scope.evaluate(instance)).reason()
                      + ")",
                  call(hardening),
                  instance.id().value(),
                  Expect.REFUSED,
                  ec2.dryRunModifyMetadataOptions(instance.id(), hardening),
                  Verdict.FAIL,
                  "the role can change an instance the function must never touch: its scope"
                      + " statements are wider than the configuration."));
        },
        () -> notes.add("no running instance out of scope was found: scope refusal not checked"));
    return PermissionsReport.of(probes, notes);
  }

  private MetadataOptions target(EksNode node, MetadataOptions current) {
    return switch (policy.decide(node, current)) {
      case ImdsDecision.Change change -> change.target();
      // The role must allow what the node gets once its IMDSv1 callers are fixed.
      case ImdsDecision.Deferred deferred -> deferred.wouldBe();
      // A compliant node's own settings are a hardening request too.
      case ImdsDecision.Compliant c -> current;
    };
  }

  private void loosening(InstanceView node, List<Probe> probes) {
    MetadataOptions current = node.metadataOptions();
    HopLimitBand envelope = config.imds().envelope();
    MetadataOptions optional =
        new MetadataOptions(
            Tokens.OPTIONAL,
            envelope.clamp(current.hopLimit()),
            current.httpEndpoint(),
            current.state());
    probes.add(loosen("set HttpTokens to optional", node, optional));
    int outside = envelope.max() < 64 ? 64 : envelope.min() - 1;
    if (outside >= 1) {
      MetadataOptions hop =
          new MetadataOptions(Tokens.REQUIRED, outside, current.httpEndpoint(), current.state());
      probes.add(loosen("set a hop limit outside " + envelope, node, hop));
    }
  }

  private Probe loosen(String what, InstanceView node, MetadataOptions values) {
    return Probe.of(
        what,
        call(values),
        node.id().value(),
        Expect.REFUSED,
        ec2.dryRunModifyMetadataOptions(node.id(), values),
        Verdict.warn,
        "IAM did not refuse a loosening value here, so EC2 does not supply the ec2:Attribute/*"
            + " key the role's Deny statements test (docs/iam.md, \"Three readings\"). The"
            + " function never sends such a value; scope is still enforced by tags.");
  }

  private static String call(MetadataOptions o) {
    return "ModifyInstanceMetadataOptions "
        + o.httpTokens().ec2Name()
        + "/"
        + o.hopLimit()
        + "/"
        + o.httpEndpoint().ec2Name();
  }
}
