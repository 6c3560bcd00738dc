package io.github.eksnoderemediator.eni;

import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.eni.CleanupPolicy.Cleanup;
import io.github.eksnoderemediator.port.Ec2CallException;
import io.github.eksnoderemediator.port.EniView;
import io.github.eksnoderemediator.port.NetworkGateway;
import io.github.eksnoderemediator.wait.BoundedWait;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Carries out {@link CleanupPolicy} decisions: detach (normal unless it cannot work) and delete.
 */
public final class EniJanitor {
  private final NetworkGateway ec2;
  private final Duration detachWait;
  private final Duration firstBackoff;
  private final BoundedWait wait;

  public EniJanitor(NetworkGateway ec2, RemediatorConfig config, BoundedWait wait) {
    this.ec2 = ec2;
    this.detachWait = config.eni().waits().detach();
    this.firstBackoff = config.waits().firstBackoff();
    this.wait = wait;
  }

  /** Applies one decision; in a dry run, reports it without writing. */
  public EniResult apply(Cleanup cleanup, boolean dryRun) {
    EniView eni = cleanup.eni();
    String profile = EniTags.profile(eni).orElse(null);
    if (cleanup instanceof Cleanup.Leave leave) {
      return result(profile, eni, EniDecision.SKIPPED, leave.why(), List.of());
    }
    List<String> plan = new ArrayList<>();
    if (cleanup instanceof Cleanup.DetachAndDelete d) {
      plan.add((d.force() ? "force-detach " : "detach ") + d.attachment().attachmentId());
    }
    plan.add("delete " + eni.id());
    if (dryRun) {
      return result(
          profile, eni, EniDecision.DELETED, "dry run, would delete: " + cleanup.why(), plan);
    }
    return write(cleanup, profile);
  }

  /** Detaches when the decision says so, waits (bounded) for {@code available}, deletes. */
  private EniResult write(Cleanup cleanup, String profile) {
    EniView eni = cleanup.eni();
    List<String> done = new ArrayList<>();
    try {
      if (cleanup instanceof Cleanup.DetachAndDelete d) {
        try {
          ec2.detach(d.attachment().attachmentId(), d.force());
          done.add((d.force() ? "force-detached " : "detached ") + d.attachment().attachmentId());
        } catch (Ec2CallException e) {
          if (e.kind() != Ec2CallException.Kind.NOT_FOUND) {
            throw e;
          }
        }
      }
      if (!(cleanup instanceof Cleanup.Delete)) {
        Optional<EniView> now = awaitAvailable(eni);
        if (now.isEmpty()) {
          done.add(eni.id() + " is gone (EC2 deleted it)");
          return result(profile, eni, EniDecision.DELETED, cleanup.why(), done);
        }
        if (!now.get().isAvailable()) {
          return failed(
              profile,
              eni,
              new Failure.Unsettled(
                  cleanup.why()
                      + "; still "
                      + now.get().status()
                      + " after "
                      + detachWait.toSeconds()
                      + " s: a later event or the sweep deletes it"),
              done);
        }
      }
      try {
        ec2.deleteEni(eni.id());
        done.add("deleted " + eni.id());
      } catch (Ec2CallException e) {
        if (e.kind() != Ec2CallException.Kind.NOT_FOUND) {
          throw e;
        }
        done.add(eni.id() + " was already gone");
      }
      return result(profile, eni, EniDecision.DELETED, cleanup.why(), done);
    } catch (Ec2CallException e) {
      return failed(
          profile, eni, new Failure.Ec2Error(cleanup.why() + "; " + e.summary(), e.kind()), done);
    }
  }

  /** Describes the interface until it is {@code available} or gone, bounded. */
  private Optional<EniView> awaitAvailable(EniView eni) {
    return wait.until(
        () -> ec2.describeEnis(List.of(eni.id())).stream().findFirst(),
        v -> v.isEmpty() || v.get().isAvailable(),
        detachWait,
        firstBackoff);
  }

  private static EniResult result(
      String profile, EniView eni, EniDecision decision, String reason, List<String> steps) {
    return EniResult.of(profile, decision, reason, eni.id().value(), card(eni), index(eni), steps);
  }

  private static EniResult failed(
      String profile, EniView eni, Failure failure, List<String> steps) {
    return EniResult.failed(profile, failure, eni.id().value(), card(eni), index(eni), steps);
  }

  /** The slot it was found at; none for an interface found unattached. */
  private static Integer card(EniView eni) {
    return eni.attachment().map(a -> a.networkCardIndex()).orElse(null);
  }

  private static Integer index(EniView eni) {
    return eni.attachment().map(a -> a.deviceIndex()).orElse(null);
  }
}
