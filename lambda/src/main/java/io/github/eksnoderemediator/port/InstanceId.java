package io.github.eksnoderemediator.port;

import java.util.regex.Pattern;

/** An EC2 instance id: {@code i-} and 8 or 17 lowercase hex digits. */
public record InstanceId(String value) implements Comparable<InstanceId> {
  private static final Pattern FORMAT = Pattern.compile("i-([0-9a-f]{8}|[0-9a-f]{17})");

  public InstanceId {
    if (value == null || !FORMAT.matcher(value).matches()) {
      throw new IllegalArgumentException("not an EC2 instance id: " + value);
    }
  }

  public static boolean isValid(String value) {
    return value != null && FORMAT.matcher(value).matches();
  }

  @Override
  public int compareTo(InstanceId other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
