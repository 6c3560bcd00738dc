package io.github.eksnoderemediator.eni;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.github.eksnoderemediator.config.EniProfile;
import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.eni.EniPlanner.Selection;
import io.github.eksnoderemediator.port.Ec2CallException;
import io.github.eksnoderemediator.port.NetworkGateway;
import io.github.eksnoderemediator.port.NetworkInstance;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code {"report": "eni-capacity"}} payload: for every instance type the running nodes our
 * profiles match use, what the profiles leave to the VPC CNI and the max-pods value to set ({@link
 * CniCapacity}). Reads only: the nodes as the sweep finds them (tag and state filters), and each
 * type's limits once (DescribeInstanceTypes).
 */
public final class CniCapacityReport {
  private final NetworkGateway ec2;
  private final EniPlanner planner;
  private final RemediatorConfig config;

  public CniCapacityReport(NetworkGateway ec2, RemediatorConfig config) {
    this.ec2 = ec2;
    this.planner = new EniPlanner(config);
    this.config = config;
  }

  /**
   * The report.
   *
   * @param nodes running nodes in scope that at least one profile matches
   * @param instanceTypes one row per instance type and set of matched profiles, by type
   * @param failures one sentence per listing or lookup that failed
   */
  public record Capacity(int nodes, List<Row> instanceTypes, List<String> failures) {
    public Capacity {
      instanceTypes = List.copyOf(instanceTypes);
      failures = List.copyOf(failures);
    }

    /** The rows whose profiles leave the CNI no slot of its own. */
    public List<Row> warnings() {
      return instanceTypes.stream().filter(r -> r.capacity().warning() != null).toList();
    }
  }

  /**
   * One instance type with one set of matched profiles.
   *
   * @param nodes how many running nodes have it
   * @param capacity what the profiles leave to the CNI there
   */
  public record Row(int nodes, @JsonUnwrapped CniCapacity capacity) {}

  private static final class Group {
    final String instanceType;
    final List<EniProfile> profiles;
    int nodes;

    Group(String instanceType, List<EniProfile> profiles) {
      this.instanceType = instanceType;
      this.profiles = profiles;
    }
  }

  public Capacity report() {
    List<NetworkInstance> running;
    try {
      running = ProfileLookups.runningNodes(ec2, config);
    } catch (Ec2CallException e) {
      return new Capacity(0, List.of(), List.of("listing running nodes failed: " + e.summary()));
    }
    Map<String, Group> groups = new TreeMap<>();
    int matchedNodes = 0;
    for (NetworkInstance node : running) {
      if (!(planner.select(node) instanceof Selection.Matched matched)) {
        continue;
      }
      matchedNodes++;
      List<String> names = matched.profiles().stream().map(EniProfile::name).toList();
      groups.computeIfAbsent(
              node.instanceType() + "\n" + String.join("\n", names),
              k -> new Group(node.instanceType(), matched.profiles()))
          .nodes++;
    }
    List<Row> rows = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    for (Group g : groups.values()) {
      try {
        rows.add(new Row(g.nodes, CniCapacity.of(ec2.interfaceLimits(g.instanceType), g.profiles)));
      } catch (Ec2CallException e) {
        failures.add("looking up the limits of " + g.instanceType + " failed: " + e.summary());
      }
    }
    return new Capacity(matchedNodes, rows, failures);
  }
}
