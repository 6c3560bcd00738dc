package io.github.eksnoderemediator.eni;

import io.github.eksnoderemediator.eni.ProfilePlan.Apply;
import io.github.eksnoderemediator.port.AttachmentStatus;
import io.github.eksnoderemediator.port.Ec2CallException;
import io.github.eksnoderemediator.port.EniAttachment;
import io.github.eksnoderemediator.port.EniId;
import io.github.eksnoderemediator.port.EniView;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.port.InstanceState;
import io.github.eksnoderemediator.port.NetworkGateway;
import io.github.eksnoderemediator.port.NewEni;
import java.time.Clock;
import java.util.Optional;

/**
 * Makes one plan's writes in order for one reconcile run, remembering each in the run's {@link
 * RunMemory}; the first failed write decides how the profile goes on ({@link #after}).
 */
final class StepExecutor {
  private final NetworkGateway ec2;
  private final RunMemory memory;
  private final Clock clock;
  private final InstanceId instance;

  StepExecutor(NetworkGateway ec2, RunMemory memory, Clock clock, InstanceId instance) {
    this.ec2 = ec2;
    this.memory = memory;
    this.clock = clock;
    this.instance = instance;
  }

  /** How a failed write leaves the profile. */
  enum After {
    /** The step's goal holds anyway (deleting what is gone): go on with the next step. */
    CONTINUE,
    /** Look again next round: EC2 may not show it yet, or a concurrent run got there first. */
    AGAIN,
    /** Give up on this profile. */
    FAIL
  }

  /** The interface the plan is about, and the attachment its attach made. */
  private static final class Cursor {
    EniId eni;
    String attachmentId;
  }

  /**
   * @param state the instance's state as last described (a pending one refuses attaches)
   */
  void apply(Apply plan, Progress p, InstanceState state) {
    Cursor at = new Cursor();
    at.eni = plan.eni().orElse(null);
    for (Step step : plan.steps()) {
      try {
        write(step, plan.profile().name(), p, at);
      } catch (Ec2CallException e) {
        switch (after(step, e, plan.profile().name(), p, state)) {
          case CONTINUE -> {
            if (step instanceof Step.Delete d) {
              memory.deleted(d.eni());
            }
          }
          case AGAIN -> {
            p.lastError = step.describe() + ": " + e.summary();
            return;
          }
          case FAIL -> {
            p.giveUp(
                new Failure.Ec2Error(
                    step.describe() + ": " + e.summary() + explain(step, e), e.kind()));
            return;
          }
        }
      }
    }
  }

  private void write(Step step, String profile, Progress p, Cursor at) {
    switch (step) {
      case Step.Create c -> create(c, profile, p, at);
      case Step.Attach a -> attach(a, p, at);
      case Step.SetDeleteOnTermination d -> {
        EniId eni = resolve(d.eni(), at);
        ec2.setDeleteOnTermination(
            eni, d.attachmentId() != null ? d.attachmentId() : at.attachmentId, d.value());
        memory.deleteOnTermination(eni, d.value());
        p.updated = true;
        p.done.add("set DeleteOnTermination " + d.value() + " on " + eni);
      }
      case Step.SetSourceDestCheck s -> {
        EniId eni = resolve(s.eni(), at);
        ec2.setSourceDestCheck(eni, s.value());
        memory.sourceDestCheck(eni, s.value());
        p.updated = true;
        p.done.add("set source/destination check " + s.value() + " on " + eni);
      }
      case Step.Delete d -> {
        ec2.deleteEni(d.eni());
        memory.deleted(d.eni());
        p.updated = true;
        p.done.add(step.describe());
      }
    }
  }

  private void create(Step.Create c, String profile, Progress p, Cursor at) {
    NewEni request = c.spec().request(clock.instant());
    EniView created = ec2.createEni(request);
    memory.created(profile, created);
    at.eni = created.id();
    p.eni = created.id();
    // The token returns an earlier request's interface, with that request's creation time.
    String createdAt = created.tags().get(EniTags.CREATED_AT);
    if (createdAt != null && !createdAt.equals(request.tags().get(EniTags.CREATED_AT))) {
      p.done.add(
          "got " + created.id() + " back through the client token (an earlier request created it)");
    } else {
      p.created = true;
      p.done.add("created " + created.id() + " in " + created.subnet());
    }
  }

  private void attach(Step.Attach a, Progress p, Cursor at) {
    EniId eni = resolve(a.eni(), at);
    at.attachmentId = ec2.attach(eni, instance, a.networkCardIndex(), a.deviceIndex());
    memory.attached(
        eni,
        new EniAttachment(
            Optional.of(instance),
            a.networkCardIndex(),
            a.deviceIndex(),
            at.attachmentId,
            AttachmentStatus.ATTACHING,
            false));
    p.attached = true;
    p.eni = eni;
    p.done.add(
        "attached " + eni + " at card " + a.networkCardIndex() + ", index " + a.deviceIndex());
  }

  private After after(
      Step step, Ec2CallException e, String profile, Progress p, InstanceState state) {
    return switch (e.kind()) {
      // Deleting what is already gone reaches the goal anyway.
      case NOT_FOUND -> step instanceof Step.Delete ? After.CONTINUE : After.AGAIN;
      case CONFLICT -> {
        if (step instanceof Step.Create) {
          // IdempotentParameterMismatch: the token's earlier request created the interface (with
          // another creation time); wait for EC2 to show it rather than make another.
          memory.awaitCreated(profile);
        }
        yield After.AGAIN;
      }
      // A pending instance refuses the attach (its running event follows); an interface that is
      // still detaching refuses the delete.
      case INCORRECT_STATE -> {
        if (step instanceof Step.Attach && state == InstanceState.PENDING) {
          memory.refuseAttachWhilePending();
        }
        yield After.AGAIN;
      }
      // An index already in use is answered with the generic InvalidParameterValue: read the
      // instance again once to see whether a concurrent run took the slot.
      case INVALID_REQUEST ->
          step instanceof Step.Attach && ++p.refusedAttaches <= 1 ? After.AGAIN : After.FAIL;
      case UNAUTHORIZED, THROTTLED, UNAVAILABLE -> After.FAIL;
    };
  }

  private static EniId resolve(Step.EniRef ref, Cursor at) {
    return switch (ref) {
      case Step.EniRef.Existing e -> e.id();
      case Step.EniRef.Created c -> {
        if (at.eni == null) {
          throw new IllegalStateException("a plan attached its new interface before creating it");
        }
        yield at.eni;
      }
    };
  }

  private static String explain(Step step, Ec2CallException e) {
    return switch (e.kind()) {
      case UNAUTHORIZED ->
          " (the role allows it only with our ownership tag, and attaches only to instances carrying in-scope cluster tags)";
      case INVALID_REQUEST ->
          step instanceof Step.Attach
              ? " (refused twice; the instance was described again in between)"
              : "";
      default -> "";
    };
  }
}
