package io.github.eksnoderemediator.port;

import java.util.regex.Pattern;

/** A security group id: {@code sg-} and 8 to 17 lowercase hex digits. */
public record SecurityGroupId(String value) implements Comparable<SecurityGroupId> {
  private static final Pattern FORMAT = Pattern.compile("sg-([0-9a-f]{8,17})");

  public SecurityGroupId {
    if (value == null || !FORMAT.matcher(value).matches()) {
      throw new IllegalArgumentException("not a security group id: " + value);
    }
  }

  @Override
  public int compareTo(SecurityGroupId other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
