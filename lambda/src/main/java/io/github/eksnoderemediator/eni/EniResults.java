package io.github.eksnoderemediator.eni;

import io.github.eksnoderemediator.config.EniProfile;
import io.github.eksnoderemediator.eni.EniInstanceResult.Subject;
import io.github.eksnoderemediator.eni.ProfilePlan.Apply;
import io.github.eksnoderemediator.eni.ProfilePlan.Fail;
import io.github.eksnoderemediator.eni.ProfilePlan.Present;
import io.github.eksnoderemediator.eni.ProfilePlan.Skip;
import io.github.eksnoderemediator.eni.ProfilePlan.Unresolved;
import io.github.eksnoderemediator.eni.ProfilePlan.Wait;
import io.github.eksnoderemediator.port.EniId;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds a reconcile run's report, pure: from each profile's last plan and {@link Progress}, and
 * how the last round ended. Every failure it reports is a {@link Failure}, so {@code retryable}
 * follows {@link Failure#retryable()}.
 *
 * @param broken why the last round could not observe or go on, or null when it could
 * @param dryRun true when nothing was written on purpose
 * @param reconcileWait the bound the run had, for the "not settled" sentence
 */
record EniResults(Failure broken, boolean dryRun, Duration reconcileWait) {

  /** The instance's result: failed as a whole when the last round broke. */
  EniInstanceResult forInstance(
      Subject subject, List<EniProfile> profiles, Map<String, Progress> progress) {
    List<EniResult> results =
        profiles.stream().map(p -> forProfile(p, progress.get(p.name()))).toList();
    return broken != null
        ? subject.failed(broken, results, dryRun)
        : subject.reconciled(results, dryRun);
  }

  EniResult forProfile(EniProfile profile, Progress p) {
    ProfilePlan plan = p.last;
    if (plan == null) {
      Failure why =
          p.gaveUp()
              ? p.failure
              : broken != null
                  ? broken.because("not reconciled: " + broken.reason())
                  : new Failure.Unsettled("not reconciled: no plan");
      return failed(profile, why, null, p.done);
    }
    String eni = eniOf(plan, p);
    if (dryRun) {
      return dryRun(plan, p, eni);
    }
    String before = p.done.isEmpty() ? "" : String.join("; ", p.done) + "; then ";
    if (p.gaveUp()) {
      return failed(profile, p.failure.because(before + p.failure.reason()), eni, p.done);
    }
    return switch (plan) {
      case Present present ->
          of(
              profile,
              p.decision(),
              p.done.isEmpty() ? present.reason() : String.join("; ", p.done),
              eni,
              p.done);
      case Skip skip -> of(profile, EniDecision.SKIPPED, skip.reason(), eni, p.done);
      case Fail fail ->
          failed(profile, fail.failure().because(before + fail.reason()), eni, p.done);
      case Apply unsettled -> unsettled(profile, p, unsettled, eni);
      case Wait unsettled -> unsettled(profile, p, unsettled, eni);
      case Unresolved unsettled -> unsettled(profile, p, unsettled, eni);
    };
  }

  private EniResult unsettled(EniProfile profile, Progress p, ProfilePlan plan, String eni) {
    Failure why =
        broken != null
            ? broken
            : new Failure.Unsettled(
                "not settled within "
                    + reconcileWait.toSeconds()
                    + " s: "
                    + plan.reason()
                    + (p.lastError == null ? "" : " (last error: " + p.lastError + ")"));
    String done = p.done.isEmpty() ? "" : String.join("; ", p.done) + "; ";
    return failed(profile, why.because(done + why.reason()), eni, p.done);
  }

  private EniResult dryRun(ProfilePlan plan, Progress p, String eni) {
    EniProfile profile = plan.profile();
    return switch (plan) {
      case Present present ->
          of(profile, EniDecision.ALREADY_PRESENT, present.reason(), eni, List.of());
      case Apply apply ->
          of(
              profile,
              apply.creates()
                  ? EniDecision.CREATED
                  : apply.attaches() ? EniDecision.ATTACHED : EniDecision.UPDATED,
              "dry run, would " + apply.reason(),
              eni,
              apply.steps().stream().map(Step::describe).toList());
      case Wait w ->
          of(profile, EniDecision.SKIPPED, "dry run: in transition, " + w.reason(), eni, List.of());
      case Skip skip -> of(profile, EniDecision.SKIPPED, skip.reason(), eni, List.of());
      case Fail fail -> failed(profile, fail.failure(), eni, List.of());
      case Unresolved u ->
          failed(
              profile, p.gaveUp() ? p.failure : new Failure.Unsettled(u.reason()), eni, List.of());
    };
  }

  private static String eniOf(ProfilePlan plan, Progress p) {
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

  private static EniResult of(
      EniProfile profile, EniDecision decision, String reason, String eni, List<String> steps) {
    return EniResult.of(
        profile.name(),
        decision,
        reason,
        eni,
        profile.networkCardIndex(),
        profile.deviceIndex(),
        steps);
  }

  private static EniResult failed(
      EniProfile profile, Failure failure, String eni, List<String> steps) {
    return EniResult.failed(
        profile.name(), failure, eni, profile.networkCardIndex(), profile.deviceIndex(), steps);
  }
}
