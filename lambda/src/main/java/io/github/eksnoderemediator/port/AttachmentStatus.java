package io.github.eksnoderemediator.port;

import java.util.Locale;

/**
 * An attachment's status, as EC2 names it: {@code attaching} then {@code attached}; {@code
 * detaching} then {@code detached}.
 */
public enum AttachmentStatus {
  ATTACHING,
  ATTACHED,
  DETACHING,
  DETACHED;

  /** Parses EC2's name; null for a name EC2 does not use. */
  public static AttachmentStatus fromName(String name) {
    for (AttachmentStatus s : values()) {
      if (s.ec2Name().equals(name)) {
        return s;
      }
    }
    return null;
  }

  public String ec2Name() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Attached, or on its way there: the slot is taken. */
  public boolean holdsSlot() {
    return this == ATTACHING || this == ATTACHED;
  }

  @Override
  public String toString() {
    return ec2Name();
  }
}
