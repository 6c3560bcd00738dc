package io.github.eksnoderemediator.config;

import io.github.eksnoderemediator.json.StrictObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Secondary network interfaces: the profiles, and the sweep that cleans up after them.
 *
 * @param profiles the interfaces nodes must have; empty means the ENI function has no work (and the
 *     CDK app does not deploy it)
 * @param sweepRate how often the scheduled sweep runs
 * @param sweepGrace how old an unattached ENI of ours must be before the sweep deletes it
 * @param waits the ENI function's bounded waits
 */
public record EniConfig(
    List<EniProfile> profiles, Duration sweepRate, Duration sweepGrace, EniWaits waits) {
  public static final EniConfig DEFAULT = defaults(Waits.DEFAULT);

  static final Pattern PROFILE_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,39}");
  static final Pattern SUBNET_ID = Pattern.compile("subnet-[0-9a-f]{8,17}");
  static final Pattern SG_ID = Pattern.compile("sg-[0-9a-f]{8,17}");
  static final Pattern SG_NAME = Pattern.compile("[\\x20-\\x7e]{1,255}");
  static final Pattern DESCRIPTION = Pattern.compile("[\\x20-\\x7e]{0,255}");

  /** Tag keys this service writes itself; a profile may not set them. */
  static final Pattern RESERVED_TAG =
      Pattern.compile("(aws:|eks-node-remediator/|node\\.k8s\\.amazonaws\\.com/).*");

  public EniConfig {
    profiles = List.copyOf(profiles);
  }

  /** No profiles; the waits follow the shared ones. */
  static EniConfig defaults(Waits shared) {
    return new EniConfig(
        List.of(), Duration.ofMinutes(15), Duration.ofMinutes(10), EniWaits.from(shared));
  }

  /** The profiles that name this cluster. */
  public List<EniProfile> profilesFor(String cluster) {
    return profiles.stream().filter(p -> p.cluster().equals(cluster)).toList();
  }

  /**
   * @param shared the top-level {@code waits}, which the ENI waits default to
   */
  static EniConfig parse(StrictObject eni, Set<String> clusters, Waits shared) {
    eni.allowOnly(Set.of("profiles", "sweep", "waits"));
    List<EniProfile> profiles = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (StrictObject.Element e : eni.array("profiles", 50)) {
      StrictObject p = StrictObject.of(e.value(), e.path(), eni::fail);
      EniProfile profile = profile(p, clusters);
      if (!names.add(profile.name())) {
        throw p.fail(p.child("name"), "\"" + profile.name() + "\" is used by an earlier profile");
      }
      for (EniProfile other : profiles) {
        if (mayShareANode(profile, other)
            && other.networkCardIndex() == profile.networkCardIndex()
            && other.deviceIndex() == profile.deviceIndex()) {
          throw p.fail(
              p.child("deviceIndex"),
              "card "
                  + profile.networkCardIndex()
                  + ", index "
                  + profile.deviceIndex()
                  + " is also taken by profile \""
                  + other.name()
                  + "\" on the same nodes");
        }
      }
      profiles.add(profile);
    }
    EniConfig d = defaults(shared);
    Duration rate = d.sweepRate();
    Duration grace = d.sweepGrace();
    Optional<StrictObject> sweep = eni.object("sweep");
    if (sweep.isPresent()) {
      StrictObject s = sweep.get().allowOnly(Set.of("rateMinutes", "graceMinutes"));
      rate = s.integer("rateMinutes", 1, 1440).map(m -> Duration.ofMinutes(m)).orElse(rate);
      grace = s.integer("graceMinutes", 1, 1440).map(m -> Duration.ofMinutes(m)).orElse(grace);
    }
    EniWaits waits =
        eni.object("waits").map(w -> EniWaits.parse(w, shared)).orElse(EniWaits.from(shared));
    return new EniConfig(profiles, rate, grace, waits);
  }

  private static EniProfile profile(StrictObject p, Set<String> clusters) {
    p.allowOnly(
        Set.of(
            "name",
            "cluster",
            "nodeGroup",
            "nodePool",
            "matchTags",
            "subnets",
            "securityGroups",
            "deviceIndex",
            "networkCardIndex",
            "deleteOnTermination",
            "description",
            "tags",
            "secondaryPrivateIpCount",
            "sourceDestCheck"));
    String name =
        p.text("name", PROFILE_NAME, "a profile name (lowercase letters, digits and -, at most 40)")
            .orElseThrow(() -> p.fail(p.child("name"), "is required"));
    String cluster =
        p.text("cluster", RemediatorConfig.EKS_NAME, "an EKS cluster name")
            .orElseThrow(() -> p.fail(p.child("cluster"), "is required"));
    if (!clusters.isEmpty() && !clusters.contains(cluster)) {
      throw p.fail(
          p.child("cluster"),
          "\"" + cluster + "\" is not one of the clusters in scope " + clusters);
    }
    Optional<String> nodeGroup =
        p.text("nodeGroup", RemediatorConfig.EKS_NAME, "a node group name");
    Optional<String> nodePool =
        p.text("nodePool", RemediatorConfig.K8S_NAME, "a Karpenter node pool name");
    if (nodeGroup.isPresent() && nodePool.isPresent()) {
      throw p.fail(p.path(), "names both a nodeGroup and a nodePool; use one profile for each");
    }
    Map<String, String> matchTags = tags(p, "matchTags", false);

    StrictObject subnets =
        p.object("subnets").orElseThrow(() -> p.fail(p.child("subnets"), "is required"));
    subnets.allowOnly(Set.of("ids", "tags"));
    List<String> subnetIds = texts(subnets, "ids", SUBNET_ID, "a subnet id (subnet-…)");
    Map<String, String> subnetTags = tags(subnets, "tags", false);
    if (subnetIds.isEmpty() == subnetTags.isEmpty()) {
      throw subnets.fail(subnets.path(), "must give either ids or tags");
    }

    StrictObject groups =
        p.object("securityGroups")
            .orElseThrow(() -> p.fail(p.child("securityGroups"), "is required"));
    groups.allowOnly(Set.of("ids", "names"));
    List<String> groupIds = texts(groups, "ids", SG_ID, "a security group id (sg-…)");
    List<String> groupNames = texts(groups, "names", SG_NAME, "a security group name");
    if (groupIds.isEmpty() && groupNames.isEmpty()) {
      throw groups.fail(groups.path(), "must give at least one security group (ids or names)");
    }

    int deviceIndex =
        p.integer("deviceIndex", 1, 31)
            .orElseThrow(
                () ->
                    p.fail(
                        p.child("deviceIndex"),
                        "is required (1 or more; 0 is the primary interface)"));
    int card = p.integer("networkCardIndex", 0, 15).orElse(0);
    boolean deleteOnTermination = p.bool("deleteOnTermination").orElse(true);
    Optional<String> description =
        p.text("description", DESCRIPTION, "printable ASCII, at most 255 characters");
    Map<String, String> tags = tags(p, "tags", true);
    if (tags.size() > 40) {
      throw p.fail(
          p.child("tags"),
          "has " + tags.size() + " tags; at most 40 (EC2 allows 50 and this service adds its own)");
    }
    int secondaryIps = p.integer("secondaryPrivateIpCount", 0, 49).orElse(0);
    Optional<Boolean> sourceDestCheck = p.bool("sourceDestCheck");
    return new EniProfile(
        name,
        cluster,
        nodeGroup,
        nodePool,
        matchTags,
        new EniProfile.Selector(subnetIds, subnetTags, List.of()),
        new EniProfile.Selector(groupIds, Map.of(), groupNames),
        deviceIndex,
        card,
        deleteOnTermination,
        description,
        tags,
        secondaryIps,
        sourceDestCheck);
  }

  /** False only when the two profiles' selectors provably never match the same instance. */
  private static boolean mayShareANode(EniProfile a, EniProfile b) {
    if (!a.cluster().equals(b.cluster())) {
      return false;
    }
    if (a.nodeGroup().isPresent()
        && b.nodeGroup().isPresent()
        && !a.nodeGroup().equals(b.nodeGroup())) {
      return false;
    }
    if (a.nodePool().isPresent()
        && b.nodePool().isPresent()
        && !a.nodePool().equals(b.nodePool())) {
      return false;
    }
    // A node group node is never a node pool node.
    if ((a.nodeGroup().isPresent() && b.nodePool().isPresent())
        || (a.nodePool().isPresent() && b.nodeGroup().isPresent())) {
      return false;
    }
    for (Map.Entry<String, String> tag : a.matchTags().entrySet()) {
      String other = b.matchTags().get(tag.getKey());
      if (other != null && !other.equals(tag.getValue())) {
        return false;
      }
    }
    return true;
  }

  private static List<String> texts(
      StrictObject o, String field, Pattern format, String description) {
    List<String> values = new ArrayList<>();
    for (StrictObject.Element e : o.array(field, 16)) {
      if (!e.value().isTextual() || !format.matcher(e.value().textValue()).matches()) {
        throw o.fail(
            e.path(), "must be " + description + ", got " + StrictObject.describe(e.value()));
      }
      values.add(e.value().textValue());
    }
    return values;
  }

  private static Map<String, String> tags(StrictObject o, String field, boolean rejectReserved) {
    Map<String, String> tags = new LinkedHashMap<>();
    Optional<StrictObject> object = o.object(field);
    if (object.isEmpty()) {
      return tags;
    }
    o.node(field)
        .orElseThrow()
        .fields()
        .forEachRemaining(
            entry -> {
              String path = object.get().child(entry.getKey());
              if (!RemediatorConfig.TAG_KEY.matcher(entry.getKey()).matches()) {
                throw o.fail(
                    path, "is not a valid tag key (1-128 characters, not starting with aws:)");
              }
              if (rejectReserved && RESERVED_TAG.matcher(entry.getKey()).matches()) {
                throw o.fail(path, "is reserved for the tags this service writes itself");
              }
              if (!entry.getValue().isTextual() || entry.getValue().textValue().length() > 256) {
                throw o.fail(
                    path,
                    "must be a string of at most 256 characters, got "
                        + StrictObject.describe(entry.getValue()));
              }
              tags.put(entry.getKey(), entry.getValue().textValue());
            });
    return tags;
  }
}
