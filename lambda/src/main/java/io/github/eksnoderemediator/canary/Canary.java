package io.github.eksnoderemediator.canary;

import io.github.eksnoderemediator.canary.CanaryCloud.LaunchOutcome;
import io.github.eksnoderemediator.canary.CanaryCloud.LaunchSpec;
import io.github.eksnoderemediator.canary.CanaryCloud.Launched;
import io.github.eksnoderemediator.canary.CanaryCloud.LoggedDecision;
import io.github.eksnoderemediator.canary.CanaryCloud.Observed;
import io.github.eksnoderemediator.canary.CanaryCloud.Refused;
import io.github.eksnoderemediator.config.HopLimitBand;
import io.github.eksnoderemediator.node.NodeTags;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.port.MetadataDefaults;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * The end-to-end canary: launches one tiny EKS-node-looking instance with loose metadata options,
 * and measures, through the deployed EventBridge, SQS and Lambda path, how long it stays loose;
 * then loosens it by hand and measures how long until the tamper path hardens it again, and whether
 * the decision names the person who loosened it. Whatever it launched it terminates, whatever
 * happens ({@link #cleanUp()} is also what the command's shutdown hook calls).
 */
public final class Canary {
  /** The node group the canary's instance claims: never one of the user's, never Karpenter's. */
  public static final String NODE_GROUP = "eks-node-remediator-canary";

  /** The tag that marks a canary instance; the IMDS sweep terminates these after an hour. */
  public static final String CANARY_TAG = "eks-node-remediator/canary";

  /** How old a canary instance may get before the sweep terminates it as leaked. */
  public static final Duration MAX_AGE = Duration.ofHours(1);

  static final String LAUNCH = "(a) launch -> hardened";
  static final String LAUNCH_ENFORCED = "(a) launch -> hop limit fixed (IMDSv2 enforced at launch)";
  static final String TAMPER = "(b) loosened -> hardened again";
  static final String CALLER = "(b) decision names you as the caller";
  static final String ENI = "(c) ENI attached and cleaned up";
  static final String CENTRAL = "(d) decision event published";
  static final String CLEANUP = "canary instance terminated";

  /** How long CloudWatch Logs may take to show a decision line after the fact. */
  private static final Duration LOG_DELAY = Duration.ofSeconds(60);

  /** Waits between reads; tests pass a sleep on a mutable clock. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  private final CanaryCloud cloud;
  private final CanarySettings settings;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Duration poll;
  private final List<InstanceId> launched = new CopyOnWriteArrayList<>();
  private final List<InstanceId> terminated = new CopyOnWriteArrayList<>();

  public Canary(
      CanaryCloud cloud, CanarySettings settings, Clock clock, Sleeper sleeper, Duration poll) {
    this.cloud = cloud;
    this.settings = settings;
    this.clock = clock;
    this.sleeper = sleeper;
    this.poll = poll;
  }

  /** The tags the canary instance carries: a node of the cluster, in the canary's node group. */
  public static Map<String, String> tags(String cluster) {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("Name", NODE_GROUP);
    tags.put(NodeTags.MANAGED_CLUSTER, cluster);
    tags.put(NodeTags.MANAGED_NODE_GROUP, NODE_GROUP);
    tags.put(NodeTags.CLUSTER_TAG_PREFIX + cluster, "owned");
    tags.put(CANARY_TAG, "true");
    return tags;
  }

  /** A hop limit the band does not contain, so the remediator has to change it. */
  static int outsideHop(HopLimitBand band) {
    if (band.max() < 5) {
      return 5;
    }
    return band.max() < HopLimitBand.HIGHEST ? band.max() + 1 : band.min() - 1;
  }

  /**
   * Runs every path and terminates the instance.
   *
   * @throws InterruptedException when interrupted; the instance is terminated first
   */
  public CanaryReport run() throws InterruptedException {
    List<PathResult> paths = new ArrayList<>();
    Optional<Duration> exposure = Optional.empty();
    Optional<Duration> tamper = Optional.empty();
    InstanceId id = null;
    try {
      MetadataDefaults defaults = cloud.imdsDefaults();
      boolean enforced = defaults.enforced();
      String type = settings.type();
      String ami = cloud.latestAmi(cloud.architectureOf(type));
      int hop = outsideHop(settings.band());
      Instant launchedAt = clock.instant();
      LaunchOutcome outcome = launch(ami, type, !enforced, hop);
      String enforcement =
          enforced
              ? "the account enforces IMDSv2 at launch ("
                  + defaults.managedBy().map(m -> "managed by " + m).orElse("account setting")
                  + ")"
              : "";
      if (outcome instanceof Refused r && "UnsupportedOperation".equals(r.code()) && !enforced) {
        // A declarative policy can refuse IMDSv1 launches without GetInstanceMetadataDefaults
        // saying so to this principal: the refusal itself is the evidence.
        enforced = true;
        enforcement = "the launch with IMDSv1 was refused (" + r.code() + ")";
        launchedAt = clock.instant();
        outcome = launch(ami, type, false, hop);
      }
      if (outcome instanceof Refused r) {
        paths.add(
            PathResult.fail(
                enforced ? LAUNCH_ENFORCED : LAUNCH,
                "RunInstances refused: "
                    + r.code()
                    + ": "
                    + r.message()
                    + " (check --subnet, --instance-type and the caller's ec2:RunInstances)"));
        return new CanaryReport("", paths, exposure, tamper);
      }
      id = ((Launched) outcome).id();
      String launchPath = enforced ? LAUNCH_ENFORCED : LAUNCH;
      Optional<Duration> hardened = waitUntil(id, launchedAt, settings.launchTimeout(), true);
      if (hardened.isEmpty()) {
        paths.add(PathResult.fail(launchPath, launchCause(id)));
        paths.add(PathResult.skip(TAMPER, "needs path (a)"));
        paths.add(PathResult.skip(CALLER, "needs path (a)"));
      } else {
        exposure = hardened;
        paths.add(
            PathResult.ok(
                launchPath,
                exposure.get(),
                enforced
                    ? enforcement + "; launched with tokens required and hop limit " + hop
                    : "launched with IMDSv1 and hop limit "
                        + hop
                        + "; this is the exposure window"));
        Instant loosenedAt = clock.instant();
        cloud.loosen(id, enforced, hop);
        Optional<Duration> again = waitUntil(id, loosenedAt, settings.tamperTimeout(), false);
        if (again.isEmpty()) {
          paths.add(PathResult.fail(TAMPER, tamperCause(id)));
          paths.add(PathResult.skip(CALLER, "needs path (b)"));
        } else {
          tamper = again;
          paths.add(
              PathResult.ok(
                  TAMPER,
                  tamper.get(),
                  "loosened by you ("
                      + (enforced ? "hop limit " : "IMDSv1, hop limit ")
                      + hop
                      + "); the CloudTrail path works"));
          paths.add(caller(id, loosenedAt));
        }
      }
      paths.add(PathResult.skip(ENI, "not measured by this canary yet"));
      paths.add(central(id, launchedAt));
    } finally {
      if (id != null) {
        Instant asked = clock.instant();
        cleanUp();
        paths.add(
            PathResult.ok(
                CLEANUP,
                Duration.between(asked, clock.instant()),
                "TerminateInstances " + id.value()));
      }
    }
    return new CanaryReport(id.value(), paths, exposure, tamper);
  }

  private LaunchOutcome launch(String ami, String type, boolean allowV1, int hop) {
    LaunchOutcome outcome =
        cloud.launch(
            new LaunchSpec(ami, type, settings.subnet(), tags(settings.cluster()), !allowV1, hop));
    if (outcome instanceof Launched l) {
      launched.add(l.id());
    }
    return outcome;
  }

  /**
   * Terminates every instance this canary launched and has not terminated yet. Safe to call twice
   * and from a shutdown hook.
   */
  public void cleanUp() {
    List<InstanceId> left = new ArrayList<>(launched);
    left.removeAll(terminated);
    if (!left.isEmpty()) {
      cloud.terminate(left);
      terminated.addAll(left);
    }
  }

  /** The instances launched and not yet terminated (for the shutdown hook's message). */
  public List<InstanceId> running() {
    List<InstanceId> left = new ArrayList<>(launched);
    left.removeAll(terminated);
    return left;
  }

  private boolean compliant(Observed o) {
    return o.tokensRequired() && settings.band().contains(o.hopLimit());
  }

  /**
   * Reads the instance until it is compliant, from {@code since}; empty at the deadline. The first
   * read is after one poll interval, so a loosening is seen before it is judged.
   */
  private Optional<Duration> waitUntil(
      InstanceId id, Instant since, Duration timeout, boolean launch) throws InterruptedException {
    Instant deadline = since.plus(timeout);
    Predicate<Observed> done = this::compliant;
    while (true) {
      sleeper.sleep(poll);
      Optional<Observed> o = cloud.observe(id);
      Instant now = clock.instant();
      if (o.isPresent() && !"terminated".equals(o.get().state()) && done.test(o.get())) {
        return Optional.of(Duration.between(since, now));
      }
      if (now.isAfter(deadline)) {
        return Optional.empty();
      }
    }
  }

  private String launchCause(InstanceId id) {
    String seconds = settings.launchTimeout().toSeconds() + " s";
    List<String> causes = pipelineCauses(false);
    String found = causes.isEmpty() ? "no cause found by the canary: run verify" : join(causes);
    return "still loose after " + seconds + " (" + id.value() + "): " + found;
  }

  private String tamperCause(InstanceId id) {
    List<String> causes = pipelineCauses(true);
    String found = causes.isEmpty() ? "no cause found by the canary: run verify" : join(causes);
    return "still loose "
        + settings.tamperTimeout().toSeconds()
        + " s after you loosened "
        + id.value()
        + ": "
        + found;
  }

  /** The small checks that name a failed path's cause (the full check is {@code verify}). */
  private List<String> pipelineCauses(boolean cloudTrail) {
    CanaryCloud.Causes causes = cloud.causes();
    List<String> found = new ArrayList<>();
    if (cloudTrail) {
      causes
          .trailProblem()
          .ifPresent(p -> found.add(p + ": the tamper and CloudTrail launch rules never fire"));
    }
    for (String rule : causes.disabledRules(settings.stack())) {
      found.add("rule " + rule + " is DISABLED: aws events enable-rule --name " + rule);
    }
    causes
        .deadLetters(settings.stack())
        .forEach(
            (queue, depth) ->
                found.add(
                    queue
                        + " holds "
                        + depth
                        + " message(s) the function failed: read the IMDS function's log group"));
    return found;
  }

  private static String join(List<String> causes) {
    return String.join("; ", causes);
  }

  private PathResult caller(InstanceId id, Instant loosenedAt) throws InterruptedException {
    if (settings.logGroup().isEmpty()) {
      return PathResult.skip(CALLER, "give --log-group (the IMDS function's) to check it");
    }
    String you = cloud.callerArn();
    Instant deadline = clock.instant().plus(LOG_DELAY);
    Optional<String> named = Optional.empty();
    while (true) {
      Optional<LoggedDecision> tamper =
          cloud.decisions(settings.logGroup().get(), id, loosenedAt.minusSeconds(60)).stream()
              .filter(d -> d.input().startsWith("ModifyInstanceMetadataOptions"))
              .filter(d -> d.caller().isPresent())
              .reduce((first, second) -> second);
      named = tamper.flatMap(LoggedDecision::caller);
      if (named.isPresent() && named.get().equals(you)) {
        return PathResult.ok(CALLER, Duration.between(loosenedAt, clock.instant()), "named " + you);
      }
      if (clock.instant().isAfter(deadline)) {
        break;
      }
      sleeper.sleep(poll);
    }
    return PathResult.fail(
        CALLER,
        named
            .map(n -> "the decision named " + n + ", not you (" + you + ")")
            .orElse(
                "no ModifyInstanceMetadataOptions decision naming a caller in "
                    + settings.logGroup().get()
                    + ": the node was hardened by another path (the sweep?)"));
  }

  private PathResult central(InstanceId id, Instant since) throws InterruptedException {
    if (settings.centralLogGroup().isEmpty() || id == null) {
      return PathResult.skip(CENTRAL, "give --central-log-group where the central view is on");
    }
    String group = settings.centralLogGroup().get();
    Instant deadline = clock.instant().plus(LOG_DELAY);
    while (true) {
      List<LoggedDecision> found = cloud.decisions(group, id, since);
      if (!found.isEmpty()) {
        return PathResult.ok(
            CENTRAL,
            Duration.between(since, clock.instant()),
            found.size() + " decision event(s) in " + group);
      }
      if (clock.instant().isAfter(deadline)) {
        return PathResult.fail(
            CENTRAL,
            "no decision event for "
                + id.value()
                + " in "
                + group
                + ": check the forwarding rule's FailedInvocations (verify)");
      }
      sleeper.sleep(poll);
    }
  }
}
