package io.github.eksnoderemediator.eni;

import io.github.eksnoderemediator.config.EniConfig;
import io.github.eksnoderemediator.config.EniProfile;
import io.github.eksnoderemediator.node.EksNode;
import java.util.List;
import java.util.Map;

/** Which profiles apply to an identified EKS node. Pure. */
public final class ProfileMatcher {
  private final EniConfig config;

  public ProfileMatcher(EniConfig config) {
    this.config = config;
  }

  /** The profiles that apply to {@code node} with these instance tags, in configuration order. */
  public List<EniProfile> matching(EksNode node, Map<String, String> tags) {
    return config.profilesFor(node.cluster()).stream().filter(p -> matches(p, node, tags)).toList();
  }

  /**
   * True when the profile names the node's cluster, its node group or node pool when it names one,
   * and every tag it requires has exactly the required value.
   */
  public static boolean matches(EniProfile profile, EksNode node, Map<String, String> tags) {
    if (!profile.cluster().equals(node.cluster())) {
      return false;
    }
    if (profile.nodeGroup().isPresent() && !profile.nodeGroup().equals(node.nodeGroup())) {
      return false;
    }
    if (profile.nodePool().isPresent() && !profile.nodePool().equals(node.nodePool())) {
      return false;
    }
    return profile.matchTags().entrySet().stream()
        .allMatch(t -> t.getValue().equals(tags.get(t.getKey())));
  }

  /** A profile of the configuration, by name. */
  public java.util.Optional<EniProfile> byName(String name) {
    return config.profiles().stream().filter(p -> p.name().equals(name)).findFirst();
  }
}
