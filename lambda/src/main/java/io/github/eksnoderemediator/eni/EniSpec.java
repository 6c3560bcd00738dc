package io.github.eksnoderemediator.eni;

import io.github.eksnoderemediator.config.EniProfile;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.port.NewEni;
import io.github.eksnoderemediator.port.SecurityGroupId;
import io.github.eksnoderemediator.port.Subnet;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The interface a profile wants on one instance, with everything resolved: what {@code
 * CreateNetworkInterface} is sent.
 *
 * @param profile the profile
 * @param instance the instance it is for
 * @param subnet the profile's subnet in the instance's Availability Zone
 * @param groups the profile's security groups, resolved in the instance's VPC, sorted
 * @param tags every tag but the creation time: ours, the profile's, and the VPC CNI's no_manage
 * @param clientToken the idempotency token ({@link ClientTokens})
 */
public record EniSpec(
    EniProfile profile,
    InstanceId instance,
    Subnet subnet,
    List<SecurityGroupId> groups,
    Map<String, String> tags,
    String clientToken) {

  public EniSpec {
    groups = groups.stream().sorted().toList();
    tags = Map.copyOf(tags);
  }

  /** Builds the spec, its tags and its token. */
  public static EniSpec of(
      EniProfile profile,
      InstanceId instance,
      String cluster,
      Subnet subnet,
      List<SecurityGroupId> groups,
      Instant tokenTime) {
    Map<String, String> tags = new HashMap<>(profile.tags());
    tags.put(EniTags.PROFILE, profile.name());
    tags.put(EniTags.INSTANCE, instance.value());
    tags.put(EniTags.CLUSTER, cluster);
    tags.put(EniTags.NO_MANAGE, EniTags.NO_MANAGE_VALUE);
    List<SecurityGroupId> sorted = groups.stream().sorted().toList();
    String token = ClientTokens.forCreate(instance, profile, subnet.id(), sorted, tags, tokenTime);
    return new EniSpec(profile, instance, subnet, sorted, tags, token);
  }

  /** The request, stamped with the creation time the sweep's grace period is measured from. */
  public NewEni request(Instant now) {
    Map<String, String> all = new HashMap<>(tags);
    all.put(EniTags.CREATED_AT, now.truncatedTo(ChronoUnit.SECONDS).toString());
    return new NewEni(
        subnet.id(),
        groups,
        profile.description(),
        profile.secondaryPrivateIpCount(),
        all,
        clientToken);
  }
}
