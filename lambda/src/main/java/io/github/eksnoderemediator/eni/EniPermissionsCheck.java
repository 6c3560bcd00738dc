package io.github.eksnoderemediator.eni;

import io.github.eksnoderemediator.check.PermissionsReport;
import io.github.eksnoderemediator.check.Probe;
import io.github.eksnoderemediator.check.Probe.Expect;
import io.github.eksnoderemediator.check.Probe.Verdict;
import io.github.eksnoderemediator.config.EniProfile;
import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.node.EksNode;
import io.github.eksnoderemediator.node.NodeScope;
import io.github.eksnoderemediator.node.ScopeDecision;
import io.github.eksnoderemediator.port.EniView;
import io.github.eksnoderemediator.port.NetworkGateway;
import io.github.eksnoderemediator.port.NetworkInstance;
import io.github.eksnoderemediator.port.NewEni;
import io.github.eksnoderemediator.port.Subnet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Proves the ENI function's role in the account it runs in, with EC2's {@code DryRun}: on the first
 * running node that a profile matches, creating the profile's interface with our request tags must
 * be allowed and creating it without them refused; attaching an interface of ours to that node must
 * be allowed, when one exists. Nothing is created or attached.
 */
public final class EniPermissionsCheck {
  private final NetworkGateway ec2;
  private final RemediatorConfig config;
  private final NodeScope scope;
  private final ProfileMatcher matcher;
  private final Clock clock;

  public EniPermissionsCheck(NetworkGateway ec2, RemediatorConfig config, Clock clock) {
    this.ec2 = ec2;
    this.config = config;
    this.scope = new NodeScope(config);
    this.matcher = new ProfileMatcher(config.eni());
    this.clock = clock;
  }

  public PermissionsReport check() {
    List<Probe> probes = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    Optional<Candidate> candidate = candidate();
    if (candidate.isEmpty()) {
      notes.add(
          "no running node in scope matches a profile: interface creation could not be checked");
      return PermissionsReport.of(probes, notes);
    }
    Candidate c = candidate.get();
    creations(c, probes, notes);
    attach(c, probes, notes);
    return PermissionsReport.of(probes, notes);
  }

  /** Creating the profile's interface with our tags (allowed) and without them (refused). */
  private void creations(Candidate c, List<Probe> probes, List<String> notes) {
    EniProfile profile = c.profile();
    ResolvedProfile resolved = ProfileLookups.resolve(ec2, profile, c.node().vpcId());
    Optional<Subnet> subnet =
        resolved.subnets().stream()
            .filter(s -> s.availabilityZone().equals(c.node().availabilityZone()))
            .findFirst();
    if (subnet.isEmpty() || resolved.groups().isEmpty()) {
      notes.add(
          "profile "
              + profile.name()
              + " finds no subnet in "
              + c.node().availabilityZone()
              + " or no security group in "
              + c.node().vpcId()
              + ": interface creation could not be checked");
    } else {
      NewEni ours =
          EniSpec.of(
                  profile,
                  c.node().id(),
                  c.eksNode().cluster(),
                  subnet.get(),
                  resolved.groups(),
                  clock.instant())
              .request(clock.instant());
      String where = "in " + subnet.get().id().value() + " for " + c.node().id().value();
      probes.add(
          Probe.of(
              "create profile " + profile.name() + "'s interface, tagged as ours",
              "CreateNetworkInterface " + where,
              subnet.get().id().value(),
              Expect.ALLOWED,
              ec2.dryRunCreateEni(ours),
              Verdict.FAIL,
              "the role refuses the interface this function exists to create: every node of the"
                  + " profile would go without it (docs/troubleshooting.md,"
                  + " \"UnauthorizedOperation\")."));
      NewEni untagged =
          new NewEni(
              ours.subnet(),
              ours.groups(),
              ours.description(),
              ours.secondaryPrivateIpCount(),
              Map.of(),
              "permissions-check-untagged");
      probes.add(
          Probe.of(
              "create an interface without our tags",
              "CreateNetworkInterface " + where + ", no tags",
              subnet.get().id().value(),
              Expect.REFUSED,
              ec2.dryRunCreateEni(untagged),
              Verdict.FAIL,
              "the role can create interfaces that are not marked as ours (nor hands-off for the"
                  + " VPC CNI): its request-tag condition is missing."));
    }
  }

  /** Attaching an interface of ours to the node, when one exists yet. */
  private void attach(Candidate c, List<Probe> probes, List<String> notes) {
    EniProfile profile = c.profile();
    Optional<EniView> oursAlready =
        ec2.listEnisByTag(EniTags.PROFILE, Optional.empty()).stream().findFirst();
    oursAlready.ifPresentOrElse(
        eni ->
            probes.add(
                Probe.of(
                    "attach an interface of ours to a node in scope",
                    "AttachNetworkInterface "
                        + eni.id().value()
                        + " at "
                        + profile.networkCardIndex()
                        + "/"
                        + profile.deviceIndex(),
                    c.node().id().value(),
                    Expect.ALLOWED,
                    ec2.dryRunAttach(
                        eni.id(), c.node().id(), profile.networkCardIndex(), profile.deviceIndex()),
                    Verdict.FAIL,
                    "the role refuses to attach the function's interfaces to this node.")),
        () -> notes.add("no interface of ours exists yet: attaching could not be checked"));
  }

  private record Candidate(NetworkInstance node, EksNode eksNode, EniProfile profile) {}

  private Optional<Candidate> candidate() {
    for (NetworkInstance node : ProfileLookups.runningNodes(ec2, config)) {
      if (scope.evaluate(node) instanceof ScopeDecision.InScope in) {
        List<EniProfile> profiles = matcher.matching(in.node(), node.tags());
        if (!profiles.isEmpty()) {
          return Optional.of(new Candidate(node, in.node(), profiles.get(0)));
        }
      }
    }
    return Optional.empty();
  }
}
