package io.github.eksnoderemediator.port;

import java.util.regex.Pattern;

/** A subnet id: {@code subnet-} and 8 to 17 lowercase hex digits. */
public record SubnetId(String value) implements Comparable<SubnetId> {
  private static final Pattern FORMAT = Pattern.compile("subnet-([0-9a-f]{8,17})");

  public SubnetId {
    if (value == null || !FORMAT.matcher(value).matches()) {
      throw new IllegalArgumentException("not a subnet id: " + value);
    }
  }

  @Override
  public int compareTo(SubnetId other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
