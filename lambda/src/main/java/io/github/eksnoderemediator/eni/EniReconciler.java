package io.github.eksnoderemediator.eni;

import io.github.eksnoderemediator.config.EniProfile;
import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.config.Waits;
import io.github.eksnoderemediator.eni.EniInstanceResult.Outcome;
import io.github.eksnoderemediator.eni.EniPlanner.PlanInput;
import io.github.eksnoderemediator.eni.EniPlanner.Selection;
import io.github.eksnoderemediator.eni.ProfilePlan.Apply;
import io.github.eksnoderemediator.eni.ProfilePlan.Fail;
import io.github.eksnoderemediator.eni.ProfilePlan.Present;
import io.github.eksnoderemediator.eni.ProfilePlan.Skip;
import io.github.eksnoderemediator.eni.ProfilePlan.Unresolved;
import io.github.eksnoderemediator.eni.ProfilePlan.Wait;
import io.github.eksnoderemediator.node.EksNode;
import io.github.eksnoderemediator.port.AttachmentStatus;
import io.github.eksnoderemediator.port.Ec2CallException;
import io.github.eksnoderemediator.port.EniAttachment;
import io.github.eksnoderemediator.port.EniId;
import io.github.eksnoderemediator.port.EniView;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.port.InstanceState;
import io.github.eksnoderemediator.port.InterfaceLimits;
import io.github.eksnoderemediator.port.NetworkGateway;
import io.github.eksnoderemediator.port.NetworkInstance;
import io.github.eksnoderemediator.port.NewEni;
import io.github.eksnoderemediator.wait.BoundedWait;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Brings one instance's secondary interfaces to what its profiles want: describe the instance and
 * our interfaces, plan ({@link EniPlanner}, pure), make the plan's writes, and look again until
 * every profile is settled or the bounded wait ({@code waits.notFoundSeconds}) is spent.
 *
 * <p>Looking again is how duplicates, concurrency and crashes converge: every round starts from
 * what EC2 shows (corrected by this run's own writes, {@link RunMemory}), so a second invocation
 * finds the first one's interface by its ownership tags and finishes its work, and an attach that a
 * concurrent invocation won is read back as "already present". Expected outcomes are results;
 * nothing here throws for an EC2 failure.
 */
public final class EniReconciler {
  /** An untagged instance younger than this may still be waiting for its launcher's tags. */
  static final Duration YOUNG = Duration.ofMinutes(5);

  private final NetworkGateway ec2;
  private final EniPlanner planner;
  private final Waits waits;
  private final BoundedWait wait;
  private final Clock clock;

  public EniReconciler(NetworkGateway ec2, RemediatorConfig config, BoundedWait wait, Clock clock) {
    this.ec2 = ec2;
    this.planner = new EniPlanner(config);
    this.waits = config.waits();
    this.wait = wait;
    this.clock = clock;
  }

  /**
   * Describes the instance, waiting (bounded) for one EC2 does not show yet right after launch,
   * then reconciles it.
   */
  public EniInstanceResult reconcile(InstanceId id, boolean dryRun) {
    Optional<NetworkInstance> found;
    try {
      found =
          wait.until(
              () -> ec2.describeInstance(id),
              Optional::isPresent,
              waits.notFound(),
              waits.firstBackoff());
    } catch (Ec2CallException e) {
      return EniInstanceResult.failed(
          id,
          null,
          null,
          "DescribeInstances failed: " + describe(e),
          e.retryable(),
          List.of(),
          dryRun);
    }
    if (found.isEmpty()) {
      return EniInstanceResult.failed(
          id,
          null,
          null,
          "EC2 does not show the instance after "
              + waits.notFound().toSeconds()
              + " s (InvalidInstanceID.NotFound); right after a launch EC2 is eventually consistent",
          true,
          List.of(),
          dryRun);
    }
    NetworkInstance instance;
    try {
      instance = awaitLauncherTags(found.get());
    } catch (Ec2CallException e) {
      instance = found.get();
    }
    return reconcile(instance, dryRun);
  }

  /** Reconciles an instance already described (by the sweep's listing, say). */
  public EniInstanceResult reconcile(NetworkInstance instance, boolean dryRun) {
    return switch (planner.select(instance)) {
      case Selection.OutOfScope out ->
          EniInstanceResult.of(
              instance.id(),
              out.decision().node().orElse(null),
              instance.state().toString(),
              Outcome.SKIPPED,
              out.decision().reason(),
              List.of(),
              dryRun);
      case Selection.NoProfile none ->
          EniInstanceResult.of(
              instance.id(),
              none.node(),
              instance.state().toString(),
              Outcome.SKIPPED,
              "no ENI profile matches this node",
              List.of(),
              dryRun);
      case Selection.Matched matched -> new Run(instance, matched, dryRun).run();
    };
  }

  /**
   * Launchers tag at launch, but Auto Scaling's tag propagation can lag by seconds: a just-launched
   * instance with no tags at all is described again, bounded, before it is judged.
   */
  private NetworkInstance awaitLauncherTags(NetworkInstance instance) {
    if (!instance.tags().isEmpty()
        || instance.state().isGoingAway()
        || instance.launchTime() == null
        || instance.launchTime().isBefore(clock.instant().minus(YOUNG))) {
      return instance;
    }
    return wait.continueUntil(
            Optional.of(instance),
            () -> ec2.describeInstance(instance.id()),
            v -> v.isEmpty() || !v.get().tags().isEmpty(),
            waits.tagSettle(),
            waits.firstBackoff())
        .orElse(instance);
  }

  /** What one round saw and did. */
  private record Round(List<ProfilePlan> plans, boolean settled, String broken, boolean retryable) {
    static Round of(List<ProfilePlan> plans, boolean settled) {
      return new Round(plans, settled, null, false);
    }

    static Round broken(String why, boolean retryable) {
      return new Round(List.of(), true, why, retryable);
    }
  }

  /** What happened to one profile so far in this run. */
  private static final class Progress {
    ProfilePlan last;
    String actionReason;
    EniId eni;
    boolean created;
    boolean attached;
    boolean updated;
    final List<String> done = new ArrayList<>();
    String lastError;
    String failure;
    boolean failureRetryable;
    int refusedAttaches;

    void fail(String why, boolean retryable) {
      failure = why;
      failureRetryable = retryable;
    }
  }

  /** How a failed step leaves the profile. */
  private enum After {
    /** The step's goal holds anyway (deleting what is gone): go on with the next step. */
    CONTINUE,
    /** Look again next round: EC2 may not show it yet, or a concurrent run got there first. */
    AGAIN,
    /** Give up on this profile. */
    FAIL
  }

  /** One run: several rounds of observe, plan, write. Confined to the calling thread. */
  private final class Run {
    private final InstanceId id;
    private final EksNode node;
    private final List<EniProfile> profiles;
    private final boolean dryRun;
    private final RunMemory memory = RunMemory.empty();
    private final Map<String, Progress> progress = new LinkedHashMap<>();
    private final Map<String, ResolvedProfile> resolved = new HashMap<>();
    private final Instant tokenTime = clock.instant();
    private Optional<InterfaceLimits> limits = Optional.empty();
    private NetworkInstance instance;
    private List<EniView> ours;
    private int rounds;

    Run(NetworkInstance instance, Selection.Matched matched, boolean dryRun) {
      this.id = instance.id();
      this.instance = instance;
      this.node = matched.node();
      this.profiles = matched.profiles();
      this.dryRun = dryRun;
      profiles.forEach(p -> progress.put(p.name(), new Progress()));
    }

    EniInstanceResult run() {
      Round last =
          dryRun
              ? round()
              : wait.until(this::round, Round::settled, waits.notFound(), waits.firstBackoff());
      List<EniResult> results = new ArrayList<>();
      for (EniProfile profile : profiles) {
        results.add(result(profile, progress.get(profile.name()), last));
      }
      if (last.broken() != null) {
        return EniInstanceResult.failed(
            id,
            node,
            instance.state().toString(),
            last.broken(),
            last.retryable(),
            results,
            dryRun);
      }
      return EniInstanceResult.of(
          id, node, instance.state().toString(), Outcome.RECONCILED, null, results, dryRun);
    }

    private Round round() {
      try {
        if (rounds++ > 0) {
          Optional<NetworkInstance> now = ec2.describeInstance(id);
          if (now.isEmpty()) {
            return Round.broken(
                "EC2 no longer shows the instance (InvalidInstanceID.NotFound)", true);
          }
          instance = now.get();
          if (planner.select(instance) instanceof Selection.OutOfScope out) {
            return Round.broken("stopped: " + out.decision().reason(), false);
          }
        }
        ours = listOurs();
      } catch (Ec2CallException e) {
        return Round.broken(
            "describing the instance or its interfaces failed: " + describe(e), e.retryable());
      }
      List<ProfilePlan> plans = planWithLookups();
      if (dryRun) {
        plans.forEach(p -> progress.get(p.profile().name()).last = p);
        return Round.of(plans, true);
      }
      for (ProfilePlan plan : plans) {
        Progress p = progress.get(plan.profile().name());
        if (p.failure != null) {
          continue;
        }
        p.last = plan;
        if (plan instanceof Apply apply) {
          if (p.actionReason == null) {
            p.actionReason = apply.reason();
          }
          apply(apply, p);
        }
      }
      boolean settled =
          plans.stream()
              .allMatch(
                  plan ->
                      progress.get(plan.profile().name()).failure != null
                          || plan instanceof Present
                          || plan instanceof Skip
                          || plan instanceof Fail);
      return Round.of(plans, settled);
    }

    /**
     * Our interfaces for this instance: those tagged with its id, plus any interface holding a
     * profile's slot that carries our tags for it. EC2's tag-filtered listing can lag behind a
     * concurrent run's new interface; a slot's holder is only called foreign after its own tags
     * were read.
     */
    private List<EniView> listOurs() {
      List<EniView> found = new ArrayList<>();
      Set<EniId> known = new HashSet<>();
      for (EniView e : ec2.listEnisByTag(EniTags.INSTANCE, Optional.of(id.value()))) {
        if (EniTags.isOurs(e) && known.add(e.id())) {
          found.add(e);
        }
      }
      Set<EniId> unknown = new HashSet<>();
      for (EniProfile p : profiles) {
        instance
            .at(p.networkCardIndex(), p.deviceIndex())
            .map(NetworkInstance.Interface::eni)
            .filter(e -> !known.contains(e))
            .ifPresent(unknown::add);
      }
      if (!unknown.isEmpty()) {
        for (EniView e : ec2.describeEnis(unknown)) {
          if (EniTags.isOurs(e)
              && EniTags.instance(e).equals(Optional.of(id))
              && known.add(e.id())) {
            found.add(e);
          }
        }
      }
      return found;
    }

    private List<ProfilePlan> planWithLookups() {
      List<ProfilePlan> plans = plan();
      List<EniProfile> unresolved =
          plans.stream()
              .filter(p -> p instanceof Unresolved)
              .map(ProfilePlan::profile)
              .filter(p -> progress.get(p.name()).failure == null)
              .toList();
      if (unresolved.isEmpty()) {
        return plans;
      }
      lookUp(unresolved);
      return plan();
    }

    private List<ProfilePlan> plan() {
      return planner.plan(
          new PlanInput(instance, node, profiles, ours, resolved, limits, memory, tokenTime));
    }

    private void lookUp(List<EniProfile> unresolved) {
      if (limits.isEmpty()) {
        try {
          limits = Optional.of(ec2.interfaceLimits(instance.instanceType()));
        } catch (Ec2CallException e) {
          unresolved.forEach(
              p ->
                  progress
                      .get(p.name())
                      .fail(
                          "looking up the limits of "
                              + instance.instanceType()
                              + " failed: "
                              + describe(e),
                          e.retryable()));
          return;
        }
      }
      for (EniProfile p : unresolved) {
        if (!resolved.containsKey(p.name())) {
          try {
            resolved.put(p.name(), ProfileLookups.resolve(ec2, p, instance.vpcId()));
          } catch (Ec2CallException e) {
            progress
                .get(p.name())
                .fail(
                    "looking up subnets and security groups failed: " + describe(e), e.retryable());
          }
        }
      }
    }

    /** Makes the plan's writes in order; the first failure decides how the profile goes on. */
    private void apply(Apply plan, Progress p) {
      EniProfile profile = plan.profile();
      EniId current = plan.eni().orElse(null);
      String attachmentId = null;
      for (Step step : plan.steps()) {
        try {
          switch (step) {
            case Step.Create c -> {
              NewEni request = c.spec().request(clock.instant());
              EniView created = ec2.createEni(request);
              memory.created(profile.name(), created);
              current = created.id();
              p.eni = created.id();
              // The token returns an earlier request's interface, with that request's creation
              // time.
              String createdAt = created.tags().get(EniTags.CREATED_AT);
              if (createdAt != null && !createdAt.equals(request.tags().get(EniTags.CREATED_AT))) {
                p.done.add(
                    "got "
                        + created.id()
                        + " back through the client token (an earlier request created it)");
              } else {
                p.created = true;
                p.done.add("created " + created.id() + " in " + created.subnet());
              }
            }
            case Step.Attach a -> {
              EniId eni = resolve(a.eni(), current);
              attachmentId = ec2.attach(eni, id, a.networkCardIndex(), a.deviceIndex());
              memory.attached(
                  eni,
                  new EniAttachment(
                      Optional.of(id),
                      a.networkCardIndex(),
                      a.deviceIndex(),
                      attachmentId,
                      AttachmentStatus.ATTACHING,
                      false));
              p.attached = true;
              p.eni = eni;
              p.done.add(
                  "attached "
                      + eni
                      + " at card "
                      + a.networkCardIndex()
                      + ", index "
                      + a.deviceIndex());
            }
            case Step.SetDeleteOnTermination d -> {
              EniId eni = resolve(d.eni(), current);
              String attachment = d.attachmentId() != null ? d.attachmentId() : attachmentId;
              ec2.setDeleteOnTermination(eni, attachment, d.value());
              memory.deleteOnTermination(eni, d.value());
              p.updated = true;
              p.done.add("set DeleteOnTermination " + d.value() + " on " + eni);
            }
            case Step.SetSourceDestCheck s -> {
              EniId eni = resolve(s.eni(), current);
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
        } catch (Ec2CallException e) {
          After after = after(step, e, p);
          String error = step.describe() + ": " + describe(e);
          switch (after) {
            case CONTINUE -> {
              if (step instanceof Step.Delete d) {
                memory.deleted(d.eni());
              }
            }
            case AGAIN -> {
              p.lastError = error;
              return;
            }
            case FAIL -> {
              p.fail(error + explain(step, e), e.retryable());
              return;
            }
          }
        }
      }
    }

    private After after(Step step, Ec2CallException e, Progress p) {
      return switch (e.kind()) {
        // Deleting what is already gone reaches the goal anyway.
        case NOT_FOUND -> step instanceof Step.Delete ? After.CONTINUE : After.AGAIN;
        case CONFLICT -> {
          if (step instanceof Step.Create) {
            // IdempotentParameterMismatch: the token's earlier request created the interface
            // (with another creation time); wait for EC2 to show it rather than make another.
            memory.awaitCreated(p.last.profile().name());
          }
          yield After.AGAIN;
        }
        // A pending instance refuses the attach (its running event follows); an interface that is
        // still detaching refuses the delete.
        case INCORRECT_STATE -> {
          if (step instanceof Step.Attach && instance.state() == InstanceState.PENDING) {
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

    private EniId resolve(Step.EniRef ref, EniId current) {
      return switch (ref) {
        case Step.EniRef.Existing e -> e.id();
        case Step.EniRef.Created c -> {
          if (current == null) {
            throw new IllegalStateException("a plan attached its new interface before creating it");
          }
          yield current;
        }
      };
    }

    private EniResult result(EniProfile profile, Progress p, Round last) {
      ProfilePlan plan = p.last;
      Integer card = profile.networkCardIndex();
      Integer index = profile.deviceIndex();
      if (plan == null) {
        return new EniResult(
            profile.name(),
            EniDecision.FAILED,
            p.failure != null
                ? p.failure
                : "not reconciled: " + (last.broken() == null ? "no plan" : last.broken()),
            null,
            card,
            index,
            p.done,
            p.failure != null ? p.failureRetryable : last.retryable() || last.broken() == null);
      }
      String eni = eniOf(plan, p);
      if (dryRun) {
        return dryRunResult(plan, eni, card, index);
      }
      String before = p.done.isEmpty() ? "" : String.join("; ", p.done) + "; then ";
      if (p.failure != null) {
        return new EniResult(
            profile.name(),
            EniDecision.FAILED,
            before + p.failure,
            eni,
            card,
            index,
            p.done,
            p.failureRetryable);
      }
      return switch (plan) {
        case Present present -> {
          EniDecision decision =
              p.created
                  ? EniDecision.CREATED
                  : p.attached
                      ? EniDecision.ATTACHED
                      : p.updated ? EniDecision.UPDATED : EniDecision.ALREADY_PRESENT;
          String reason = p.done.isEmpty() ? present.reason() : String.join("; ", p.done);
          yield new EniResult(profile.name(), decision, reason, eni, card, index, p.done, null);
        }
        case Skip skip ->
            new EniResult(
                profile.name(), EniDecision.SKIPPED, skip.reason(), eni, card, index, p.done, null);
        case Fail fail ->
            new EniResult(
                profile.name(),
                EniDecision.FAILED,
                before + fail.reason(),
                eni,
                card,
                index,
                p.done,
                fail.retryable());
        case Apply unfinished -> unsettled(profile, p, unfinished, eni, card, index, last);
        case Wait unfinished -> unsettled(profile, p, unfinished, eni, card, index, last);
        case Unresolved unfinished -> unsettled(profile, p, unfinished, eni, card, index, last);
      };
    }

    private EniResult unsettled(
        EniProfile profile,
        Progress p,
        ProfilePlan plan,
        String eni,
        Integer card,
        Integer index,
        Round last) {
      String why =
          last.broken() != null
              ? last.broken()
              : "not settled within "
                  + waits.notFound().toSeconds()
                  + " s: "
                  + plan.reason()
                  + (p.lastError == null ? "" : " (last error: " + p.lastError + ")");
      String done = p.done.isEmpty() ? "" : String.join("; ", p.done) + "; ";
      return new EniResult(
          profile.name(),
          EniDecision.FAILED,
          done + why,
          eni,
          card,
          index,
          p.done,
          last.broken() == null || last.retryable());
    }

    private EniResult dryRunResult(ProfilePlan plan, String eni, Integer card, Integer index) {
      String name = plan.profile().name();
      return switch (plan) {
        case Present present ->
            new EniResult(
                name, EniDecision.ALREADY_PRESENT, present.reason(), eni, card, index, null, null);
        case Apply apply ->
            new EniResult(
                name,
                apply.creates()
                    ? EniDecision.CREATED
                    : apply.attaches() ? EniDecision.ATTACHED : EniDecision.UPDATED,
                "dry run, would " + apply.reason(),
                eni,
                card,
                index,
                apply.steps().stream().map(Step::describe).toList(),
                null);
        case Wait w ->
            new EniResult(
                name,
                EniDecision.SKIPPED,
                "dry run: in transition, " + w.reason(),
                eni,
                card,
                index,
                null,
                null);
        case Skip skip ->
            new EniResult(name, EniDecision.SKIPPED, skip.reason(), eni, card, index, null, null);
        case Fail fail ->
            new EniResult(
                name, EniDecision.FAILED, fail.reason(), eni, card, index, null, fail.retryable());
        case Unresolved u ->
            new EniResult(
                name,
                EniDecision.FAILED,
                progress.get(name).failure != null ? progress.get(name).failure : u.reason(),
                eni,
                card,
                index,
                null,
                progress.get(name).failure == null || progress.get(name).failureRetryable);
      };
    }

    private String eniOf(ProfilePlan plan, Progress p) {
      if (p.eni != null) {
        return p.eni.value();
      }
      Optional<EniId> eni =
          switch (plan) {
            case Present present -> Optional.of(present.eni());
            case Apply apply -> apply.eni();
            case Wait w -> w.eni();
            case Fail f -> f.eni();
            case Skip s -> Optional.empty();
            case Unresolved u -> Optional.empty();
          };
      return eni.map(EniId::value).orElse(null);
    }

    private String explain(Step step, Ec2CallException e) {
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

  static String describe(Ec2CallException e) {
    return e.errorCode() + ": " + e.getMessage();
  }
}
