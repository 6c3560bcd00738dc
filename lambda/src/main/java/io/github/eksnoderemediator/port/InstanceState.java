package io.github.eksnoderemediator.port;

import java.util.Locale;

/** EC2 instance lifecycle states, as EC2 names them. */
public enum InstanceState {
  PENDING,
  RUNNING,
  STOPPING,
  STOPPED,
  SHUTTING_DOWN,
  TERMINATED;

  /** Parses {@code shutting-down} and friends; null for a name EC2 does not use. */
  public static InstanceState fromName(String name) {
    if (name == null) {
      return null;
    }
    for (InstanceState s : values()) {
      if (s.ec2Name().equals(name)) {
        return s;
      }
    }
    return null;
  }

  public String ec2Name() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The instance is going away: nothing to harden, nothing to attach. */
  public boolean isGoingAway() {
    return this == SHUTTING_DOWN || this == TERMINATED;
  }

  @Override
  public String toString() {
    return ec2Name();
  }
}
