package io.github.eksnoderemediator.eni;

import io.github.eksnoderemediator.port.EniView;
import io.github.eksnoderemediator.port.InstanceId;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

/**
 * The tags this service writes on every interface it creates, at creation. The ownership tag
 * ({@value #PROFILE}) is what makes an interface "ours": nothing here ever modifies, detaches or
 * deletes an interface without it, and the function's IAM role is conditioned on the same key.
 */
public final class EniTags {
  /** Ownership: the profile the interface was created for. IAM conditions name this key. */
  public static final String PROFILE = "eks-node-remediator/eni-profile";

  /** The instance the interface was created for. */
  public static final String INSTANCE = "eks-node-remediator/instance-id";

  /** The cluster of that instance. */
  public static final String CLUSTER = "eks-node-remediator/cluster";

  /**
   * When the interface was created (ISO-8601, UTC, seconds). EC2 does not report a creation time
   * for network interfaces, and the sweep needs one for its grace period.
   */
  public static final String CREATED_AT = "eks-node-remediator/created-at";

  /**
   * The Amazon VPC CNI leaves interfaces with this tag alone; without it the CNI may take them over
   * (amazon-vpc-cni-k8s, "no_manage" tag).
   */
  public static final String NO_MANAGE = "node.k8s.amazonaws.com/no_manage";

  public static final String NO_MANAGE_VALUE = "true";

  private EniTags() {}

  /** True when the interface carries our ownership tag. */
  public static boolean isOurs(Map<String, String> tags) {
    String profile = tags.get(PROFILE);
    return profile != null && !profile.isBlank();
  }

  /** True when the interface carries our ownership tag. */
  public static boolean isOurs(EniView eni) {
    return isOurs(eni.tags());
  }

  /** The profile an interface of ours was created for. */
  public static Optional<String> profile(EniView eni) {
    return Optional.ofNullable(eni.tags().get(PROFILE)).filter(p -> !p.isBlank());
  }

  /** The instance an interface of ours was created for, when the tag holds a valid id. */
  public static Optional<InstanceId> instance(EniView eni) {
    String value = eni.tags().get(INSTANCE);
    return InstanceId.isValid(value) ? Optional.of(new InstanceId(value)) : Optional.empty();
  }

  /** When an interface of ours was created, when the tag holds a valid time. */
  public static Optional<Instant> createdAt(EniView eni) {
    String value = eni.tags().get(CREATED_AT);
    if (value == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(value));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
