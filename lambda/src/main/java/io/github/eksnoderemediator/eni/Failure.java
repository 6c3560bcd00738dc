package io.github.eksnoderemediator.eni;

import io.github.eksnoderemediator.port.Ec2CallException;

/**
 * Why an instance or a profile failed, and the one rule ({@link #retryable()}) for whether trying
 * again can help: the {@code retryable} of every ENI result comes from here.
 */
public sealed interface Failure {
  /** A sentence for the report. */
  String reason();

  /** The same kind of failure, explained by another sentence. */
  Failure because(String reason);

  /**
   * The rule: an EC2 error is retryable when its error code's class is ({@link
   * Ec2CallException.Kind}, classified in {@code AwsErrors}); what did not finish in time is
   * retryable (EC2 shows or finishes it later); what the planner refuses is not (the configuration
   * or the node must change first).
   */
  default boolean retryable() {
    return switch (this) {
      case Ec2Error e -> e.kind().retryable();
      case Unsettled u -> true;
      case Refused r -> false;
    };
  }

  /** An EC2 call failed after the SDK's own retries. */
  record Ec2Error(String reason, Ec2CallException.Kind kind) implements Failure {
    @Override
    public Failure because(String other) {
      return new Ec2Error(other, kind);
    }
  }

  /**
   * Not finished within a bounded wait or the invocation's time: EC2 does not show the instance or
   * an interface yet, something is still in transition, or the instance was not reached.
   */
  record Unsettled(String reason) implements Failure {
    @Override
    public Failure because(String other) {
      return new Unsettled(other);
    }
  }

  /** Cannot be satisfied as things are: a slot taken, a subnet ambiguous, a limit reached. */
  record Refused(String reason) implements Failure {
    @Override
    public Failure because(String other) {
      return new Refused(other);
    }
  }

  /** {@code what} failed with {@code e}: "what: ErrorCode: message". */
  static Failure ec2(String what, Ec2CallException e) {
    return new Ec2Error(what + ": " + e.summary(), e.kind());
  }
}
