package io.github.eksnoderemediator.port;

import java.util.regex.Pattern;

/** An elastic network interface id: {@code eni-} and 8 to 17 lowercase hex digits. */
public record EniId(String value) implements Comparable<EniId> {
  private static final Pattern FORMAT = Pattern.compile("eni-([0-9a-f]{8,17})");

  public EniId {
    if (value == null || !FORMAT.matcher(value).matches()) {
      throw new IllegalArgumentException("not a network interface id: " + value);
    }
  }

  public static boolean isValid(String value) {
    return value != null && FORMAT.matcher(value).matches();
  }

  @Override
  public int compareTo(EniId other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
