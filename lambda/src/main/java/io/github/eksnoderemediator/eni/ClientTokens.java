package io.github.eksnoderemediator.eni;

import io.github.eksnoderemediator.config.EniProfile;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.port.SecurityGroupId;
import io.github.eksnoderemediator.port.SubnetId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Deterministic {@code ClientToken}s for CreateNetworkInterface (at most 64 ASCII characters, case
 * sensitive; EC2 Developer Guide, "ec2-api-idempotency").
 *
 * <p>A token is {@value #PREFIX} and 48 hex digits of a SHA-256 over the instance, the profile
 * name, every create parameter (subnet, sorted groups, description, secondary IP count, sorted
 * tags) and the {@link #WINDOW} the request falls in. So two invocations for the same instance and
 * profile (duplicates, concurrent ones, one after a crash between create and attach) send the same
 * token and get the same interface; a configuration change gives a new token, never an {@code
 * IdempotentParameterMismatch}.
 *
 * <p>Why a time window: if an interface the token created is later deleted (by hand, say), EC2 is
 * assumed to keep answering that token with the deleted interface's id (*unverified*: the API
 * reference does not say how long a token is remembered). The window bounds that to one window;
 * invocations on both sides of a window boundary can each create an interface, and the planner
 * deletes the spare one (ours, {@code available}) on the next run. The creation-time tag is
 * deliberately not part of the hash: a retry with a later time then gets {@code
 * IdempotentParameterMismatch}, which the reconciler reads as "it exists; wait until EC2 shows it".
 */
public final class ClientTokens {
  static final String PREFIX = "enr1-";
  static final Duration WINDOW = Duration.ofMinutes(10);
  private static final int HEX_DIGITS = 48;

  private ClientTokens() {}

  /** The token for creating {@code profile}'s interface on {@code instance} at {@code time}. */
  public static String forCreate(
      InstanceId instance,
      EniProfile profile,
      SubnetId subnet,
      List<SecurityGroupId> sortedGroups,
      Map<String, String> tags,
      Instant time) {
    StringBuilder canonical = new StringBuilder();
    field(canonical, "instance", instance.value());
    field(canonical, "profile", profile.name());
    field(canonical, "subnet", subnet.value());
    for (SecurityGroupId g : sortedGroups) {
      field(canonical, "group", g.value());
    }
    field(canonical, "description", profile.description().orElse(""));
    field(canonical, "secondaryIps", Integer.toString(profile.secondaryPrivateIpCount()));
    new TreeMap<>(tags).forEach((k, v) -> field(canonical, "tag", k + "=" + v));
    field(canonical, "window", Long.toString(time.getEpochSecond() / WINDOW.toSeconds()));
    return PREFIX + sha256(canonical.toString()).substring(0, HEX_DIGITS);
  }

  private static void field(StringBuilder out, String name, String value) {
    // Length-prefixed, so no two field lists produce the same text.
    out.append(name).append(':').append(value.length()).append(':').append(value).append('\n');
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
