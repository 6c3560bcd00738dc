package io.github.eksnoderemediator.port;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A CreateNetworkInterface request.
 *
 * @param subnet where to create it
 * @param groups its security groups (at least one)
 * @param description its description, when one is configured
 * @param secondaryPrivateIpCount secondary private IPv4 addresses to assign (0 for none)
 * @param tags its tags, applied at creation ({@code TagSpecifications})
 * @param clientToken the idempotency token: at most 64 ASCII characters
 */
public record NewEni(
    SubnetId subnet,
    List<SecurityGroupId> groups,
    Optional<String> description,
    int secondaryPrivateIpCount,
    Map<String, String> tags,
    String clientToken) {

  public NewEni {
    groups = List.copyOf(groups);
    tags = Map.copyOf(tags);
    if (groups.isEmpty()) {
      throw new IllegalArgumentException("a network interface needs at least one security group");
    }
    if (clientToken == null
        || clientToken.isEmpty()
        || clientToken.length() > 64
        || !clientToken.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new IllegalArgumentException(
          "client token must be 1-64 printable ASCII: " + clientToken);
    }
  }
}
