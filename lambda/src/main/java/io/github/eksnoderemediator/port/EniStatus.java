package io.github.eksnoderemediator.port;

import java.util.Locale;

/** A network interface's status, as DescribeNetworkInterfaces names it. */
public enum EniStatus {
  AVAILABLE,
  ATTACHING,
  IN_USE,
  DETACHING,
  ASSOCIATED;

  /** Parses EC2's name ({@code in-use} and friends); null for a name EC2 does not use. */
  public static EniStatus fromName(String name) {
    for (EniStatus s : values()) {
      if (s.ec2Name().equals(name)) {
        return s;
      }
    }
    return null;
  }

  public String ec2Name() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  @Override
  public String toString() {
    return ec2Name();
  }
}
