package io.github.eksnoderemediator.eni;

import io.github.eksnoderemediator.port.EniId;

/** One EC2 write of a plan. A dry run reports them; a real run makes them in order. */
public sealed interface Step {

  /** A phrase for the report, e.g. {@code attach eni-0abc at card 0, index 1}. */
  String describe();

  /** Which interface a step acts on: one that exists, or the one this plan's create makes. */
  sealed interface EniRef {
    /** An interface that exists. */
    record Existing(EniId id) implements EniRef {
      @Override
      public String toString() {
        return id.value();
      }
    }

    /** The interface this plan's {@link Create} step makes. */
    record Created() implements EniRef {
      @Override
      public String toString() {
        return "the new interface";
      }
    }
  }

  /** CreateNetworkInterface with the spec's token and tags. */
  record Create(EniSpec spec) implements Step {
    @Override
    public String describe() {
      return "create an interface in "
          + spec.subnet().id()
          + " ("
          + spec.subnet().availabilityZone()
          + ") with "
          + spec.groups()
          + (spec.profile().secondaryPrivateIpCount() > 0
              ? " and " + spec.profile().secondaryPrivateIpCount() + " secondary IPs"
              : "");
    }
  }

  /** AttachNetworkInterface at {@code (networkCardIndex, deviceIndex)}. */
  record Attach(EniRef eni, int networkCardIndex, int deviceIndex) implements Step {
    @Override
    public String describe() {
      return "attach " + eni + " at card " + networkCardIndex + ", index " + deviceIndex;
    }
  }

  /**
   * ModifyNetworkInterfaceAttribute {@code Attachment.DeleteOnTermination}.
   *
   * @param attachmentId the attachment, or null for the one this plan's attach makes
   */
  record SetDeleteOnTermination(EniRef eni, String attachmentId, boolean value) implements Step {
    @Override
    public String describe() {
      return "set DeleteOnTermination " + value + " on " + eni;
    }
  }

  /** ModifyNetworkInterfaceAttribute {@code SourceDestCheck}. */
  record SetSourceDestCheck(EniRef eni, boolean value) implements Step {
    @Override
    public String describe() {
      return "set source/destination check " + value + " on " + eni;
    }
  }

  /** DeleteNetworkInterface of an {@code available} interface of ours. */
  record Delete(EniId eni, String why) implements Step {
    @Override
    public String describe() {
      return "delete " + eni + " (" + why + ")";
    }
  }
}
