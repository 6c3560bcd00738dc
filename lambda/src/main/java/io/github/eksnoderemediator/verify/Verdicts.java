package io.github.eksnoderemediator.verify;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.eksnoderemediator.check.PermissionsReport;
import io.github.eksnoderemediator.check.Probe;
import io.github.eksnoderemediator.json.Json;
import io.github.eksnoderemediator.port.MetadataDefaults;
import io.github.eksnoderemediator.verify.Facts.AdvancedSelector;
import io.github.eksnoderemediator.verify.Facts.FieldSelector;
import io.github.eksnoderemediator.verify.Facts.Trail;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pipeline check's judgement, from gathered {@link Facts} alone: one {@link Check} per item, in
 * a fixed order (rules, trail, event source mappings, queues, aliases, sweep, IMDS defaults,
 * Security Hub, central forwarding, permissions).
 */
public final class Verdicts {
  /** The detail-type of the events EventBridge gets only through a CloudTrail trail. */
  static final String CLOUDTRAIL_DETAIL_TYPE = "AWS API Call via CloudTrail";

  static final String FAILURE_QUEUE_OUTPUT = "FailureQueueUrl";

  /** Slack on top of two sweep periods: the sweep itself runs for minutes, metrics lag. */
  static final Duration SWEEP_GRACE = Duration.ofMinutes(10);

  private static final Pattern RATE =
      Pattern.compile("rate\\((\\d+) (minute|minutes|hour|hours|day|days)\\)");

  private Verdicts() {}

  /** Every line, in order. */
  public static List<Check> judge(Facts facts) {
    List<Check> checks = new ArrayList<>();
    facts.rules().forEach(r -> checks.add(rule(r)));
    checks.add(trail(facts));
    facts.mappings().forEach(m -> checks.add(mapping(m)));
    facts.queues().forEach(q -> checks.add(queue(q, facts)));
    facts.aliases().forEach(a -> checks.add(alias(a)));
    checks.add(sweep(facts));
    checks.add(imdsDefaults(facts.imdsDefaults()));
    facts.securityHub().ifPresent(s -> checks.add(securityHub(s)));
    facts.forwarding().forEach(f -> checks.add(forwarding(f)));
    facts.permissions().forEach(p -> checks.addAll(permissions(p)));
    return List.copyOf(checks);
  }

  /** True when any line is a FAIL. */
  public static boolean failed(List<Check> checks) {
    return checks.stream().anyMatch(c -> c.status() == Check.Status.FAIL);
  }

  static Check rule(Facts.Rule rule) {
    String item = "rule " + rule.name();
    String enable =
        "aws events enable-rule --name "
            + rule.name()
            + ("default".equals(rule.bus()) ? "" : " --event-bus-name " + rule.bus());
    if (rule.state().isEmpty()) {
      return Check.fail(item, "not found (deleted outside CloudFormation)", "redeploy the stack");
    }
    String what = describe(rule);
    if (!"ENABLED".equals(rule.state().get())) {
      return Check.fail(
          item,
          rule.state().get().toLowerCase(Locale.ROOT)
              + " ("
              + what
              + "): nothing reaches its target",
          enable);
    }
    if (rule.targets().isEmpty()) {
      return Check.fail(item, "enabled but has no target (" + what + ")", "redeploy the stack");
    }
    return Check.ok(
        item,
        "enabled ("
            + what
            + ") -> "
            + String.join(", ", rule.targets().stream().map(Verdicts::shortArn).toList()));
  }

  /** What a rule reacts to, in a few words. */
  static String describe(Facts.Rule rule) {
    if (rule.schedule().isPresent()) {
      return "schedule " + rule.schedule().get();
    }
    List<String> calls = cloudTrailCalls(rule);
    if (!calls.isEmpty()) {
      return "CloudTrail " + String.join(", ", calls);
    }
    return rule.eventPattern()
        .map(Verdicts::detailTypes)
        .filter(t -> !t.isEmpty())
        .map(t -> String.join(", ", t))
        .orElse("event pattern");
  }

  /**
   * The API calls a rule matches through CloudTrail ({@code eventName}); empty when it does not
   * depend on a trail.
   */
  static List<String> cloudTrailCalls(Facts.Rule rule) {
    if (rule.eventPattern().isEmpty()
        || !detailTypes(rule.eventPattern().get()).contains(CLOUDTRAIL_DETAIL_TYPE)) {
      return List.of();
    }
    JsonNode names = pattern(rule.eventPattern().get()).path("detail").path("eventName");
    List<String> calls = new ArrayList<>();
    names.forEach(n -> calls.add(n.isTextual() ? n.asText() : n.toString()));
    return calls.isEmpty() ? List.of("any call") : calls;
  }

  private static List<String> detailTypes(String eventPattern) {
    List<String> types = new ArrayList<>();
    pattern(eventPattern).path("detail-type").forEach(t -> types.add(t.asText()));
    return types;
  }

  private static JsonNode pattern(String eventPattern) {
    try {
      return Json.MAPPER.readTree(eventPattern);
    } catch (IOException e) {
      return Json.MAPPER.createObjectNode();
    }
  }

  static Check trail(Facts facts) {
    List<String> neverFire =
        facts.rules().stream()
            .filter(r -> !cloudTrailCalls(r).isEmpty())
            .map(r -> r.name() + " (" + String.join(", ", cloudTrailCalls(r)) + ")")
            .toList();
    String item = "cloudtrail";
    if (neverFire.isEmpty()) {
      return Check.ok(item, "no rule of this stack needs a trail");
    }
    String consequence = "without one these rules never fire: " + String.join("; ", neverFire);
    if (facts.trails().value().isEmpty()) {
      return Check.warn(
          item,
          "cannot read the trails ("
              + facts.trails().error().orElse("unknown")
              + "); "
              + consequence,
          "allow cloudtrail:DescribeTrails, GetTrailStatus and GetEventSelectors, or confirm a"
              + " trail by hand");
    }
    List<Trail> here =
        facts.trails().value().get().stream()
            .filter(t -> t.multiRegion() || facts.region().equals(t.homeRegion()))
            .toList();
    List<Trail> recording = here.stream().filter(Verdicts::recordsWriteManagementEvents).toList();
    Optional<Trail> logging = recording.stream().filter(t -> t.logging().orElse(false)).findFirst();
    if (logging.isPresent()) {
      Trail t = logging.get();
      String detail = "trail " + t.name() + kind(t) + " is logging write management events";
      if (t.latestDeliveryError().isPresent()) {
        return Check.warn(
            item,
            detail + ", but its last delivery failed: " + t.latestDeliveryError().get(),
            "fix the trail's S3 bucket policy or KMS key (EventBridge still gets the events)");
      }
      return Check.ok(item, detail);
    }
    Optional<Trail> unknown = recording.stream().filter(t -> t.logging().isEmpty()).findFirst();
    if (unknown.isPresent()) {
      Trail t = unknown.get();
      return Check.warn(
          item,
          "trail "
              + t.name()
              + kind(t)
              + " may record write management events, but its status or selectors cannot be read"
              + " here ("
              + t.statusError().orElse("no status")
              + "); if it is not, "
              + consequence,
          "ask the trail's owner (the organization's management account) to confirm it is logging");
    }
    List<String> why = new ArrayList<>();
    for (Trail t : here) {
      if (!recordsWriteManagementEvents(t)) {
        why.add("trail " + t.name() + " does not record write management events");
      } else {
        why.add("trail " + t.name() + " is not logging");
      }
    }
    String fix;
    Optional<Trail> stopped =
        recording.stream().filter(t -> t.logging().equals(Optional.of(false))).findFirst();
    if (stopped.isPresent()) {
      fix = "aws cloudtrail start-logging --name " + stopped.get().arn();
    } else if (!here.isEmpty()) {
      fix =
          "aws cloudtrail put-event-selectors --trail-name "
              + here.get(0).arn()
              + " --event-selectors '[{\"ReadWriteType\":\"All\",\"IncludeManagementEvents\":true}]'";
    } else {
      fix =
          "aws cloudtrail create-trail --name eks-node-remediator --s3-bucket-name <bucket>"
              + " --is-multi-region-trail && aws cloudtrail start-logging --name"
              + " eks-node-remediator";
    }
    return Check.fail(
        item,
        "no trail records write management events in "
            + facts.region()
            + (why.isEmpty() ? "" : " (" + String.join("; ", why) + ")")
            + "; "
            + consequence.replace("without one these", "these"),
        fix);
  }

  private static String kind(Trail t) {
    List<String> kinds = new ArrayList<>();
    if (t.organization()) {
      kinds.add("organization");
    }
    if (t.multiRegion()) {
      kinds.add("multi-Region, home " + t.homeRegion());
    }
    return kinds.isEmpty() ? "" : " (" + String.join(", ", kinds) + ")";
  }

  /**
   * Whether a trail's selectors record write management events from EC2. No selector at all is
   * CloudTrail's default: every management event.
   */
  static boolean recordsWriteManagementEvents(Trail trail) {
    if (!trail.advanced().isEmpty()) {
      return trail.advanced().stream().anyMatch(Verdicts::recordsWrites);
    }
    if (!trail.basic().isEmpty()) {
      return trail.basic().stream()
          .anyMatch(
              s ->
                  s.includeManagementEvents()
                      && ("All".equals(s.readWriteType())
                          || "WriteOnly".equals(s.readWriteType())));
    }
    return true;
  }

  private static boolean recordsWrites(AdvancedSelector selector) {
    boolean management = false;
    for (FieldSelector f : selector.fields()) {
      switch (f.field()) {
        case "eventCategory" -> management = f.equalsTo().contains("Management");
        case "readOnly" -> {
          if (f.equalsTo().contains("true") && !f.equalsTo().contains("false")) {
            return false;
          }
          if (f.notEquals().contains("false")) {
            return false;
          }
        }
        case "eventSource" -> {
          if (!f.equalsTo().isEmpty() && !f.equalsTo().contains("ec2.amazonaws.com")) {
            return false;
          }
          if (f.notEquals().contains("ec2.amazonaws.com")) {
            return false;
          }
        }
        default -> {}
      }
    }
    return management;
  }

  static Check mapping(Facts.Mapping m) {
    String source = m.sourceArn().map(Verdicts::shortArn).orElse("?");
    String function = m.functionArn().map(Verdicts::shortArn).orElse("?");
    String item = "event source mapping " + m.logicalId();
    if (m.state().isEmpty()) {
      return Check.fail(item, "not found (" + m.uuid() + ")", "redeploy the stack");
    }
    String state = m.state().get();
    String detail = state.toLowerCase(Locale.ROOT) + ": " + source + " -> " + function;
    return switch (state) {
      case "Enabled" -> Check.ok(item, detail);
      case "Disabled" ->
          Check.fail(
              item,
              detail + "; launch events wait in the queue and only the sweep hardens new nodes",
              "aws lambda update-event-source-mapping --uuid " + m.uuid() + " --enabled");
      default -> Check.warn(item, detail + " (changing)", "run verify again in a minute");
    };
  }

  static Check queue(Facts.Queue q, Facts facts) {
    String name = q.url().substring(q.url().lastIndexOf('/') + 1);
    boolean failure = q.url().equals(facts.outputs().get(FAILURE_QUEUE_OUTPUT));
    Optional<Facts.Queue> source =
        facts.queues().stream()
            .filter(o -> o.deadLetterTarget().equals(Optional.of(q.arn())))
            .findFirst();
    String role =
        failure ? "failure queue" : source.isPresent() ? "dead-letter queue" : "launch queue";
    String item = role + " " + name;
    if (q.error().isPresent()) {
      return Check.warn(
          item, "cannot read its depth: " + q.error().get(), "allow sqs:GetQueueAttributes");
    }
    String depth = q.visible() + " waiting, " + q.inFlight() + " in flight";
    long total = q.visible() + q.inFlight();
    if (failure && total > 0) {
      return Check.warn(
          item,
          depth + ": events that could not be handled",
          "read them (docs/runbook.md, \"Read the failure queue and replay it\"): aws sqs"
              + " receive-message --queue-url "
              + q.url()
              + " --max-number-of-messages 10");
    }
    if (source.isPresent() && total > 0) {
      return Check.warn(
          item,
          depth + ": launch events that failed 5 times; their nodes wait for the next sweep",
          "read them, fix the cause, then redrive: aws sqs start-message-move-task --source-arn "
              + q.arn());
    }
    return Check.ok(item, depth);
  }

  static Check alias(Facts.FunctionAlias a) {
    String item = a.function() + " function " + a.functionName() + ":" + a.alias();
    if (a.error().isPresent() || a.version().isEmpty()) {
      return Check.fail(
          item, "cannot read the alias: " + a.error().orElse("no version"), "redeploy the stack");
    }
    String version = a.version().get();
    if ("$LATEST".equals(version)) {
      return Check.fail(
          item, "points at $LATEST, which SnapStart never applies to", "redeploy the stack");
    }
    String state = a.state().orElse("unknown");
    String update = a.lastUpdateStatus().orElse("unknown");
    String snap =
        "PublishedVersions".equals(a.snapStartApplyOn().orElse(""))
            ? "SnapStart " + a.snapStartOptimization().orElse("unknown").toLowerCase(Locale.ROOT)
            : "SnapStart not applied";
    String detail =
        "version " + version + ", state " + state + ", last update " + update + ", " + snap;
    if (!"Active".equals(state) || "Failed".equals(update)) {
      return Check.fail(
          item,
          detail + a.lastUpdateReason().map(r -> " (" + r + ")").orElse(""),
          "read the reason, then redeploy the stack; until then this function does not run");
    }
    if (!"Successful".equals(update)) {
      return Check.warn(item, detail, "run verify again when the update has finished");
    }
    if (!"On".equals(a.snapStartOptimization().orElse(""))) {
      return Check.warn(
          item,
          detail + ": cold starts take seconds longer",
          "redeploy the stack (it publishes versions with SnapStart on published versions)");
    }
    return Check.ok(item, detail);
  }

  static Check sweep(Facts facts) {
    String item = "imds sweep";
    if (facts.sweep().value().isEmpty()) {
      return Check.warn(
          item,
          "cannot read its last run: " + facts.sweep().error().orElse("unknown"),
          "allow cloudwatch:GetMetricData");
    }
    Facts.Sweep s = facts.sweep().value().get();
    Optional<Duration> period = period(s.schedule());
    Duration due = period.map(p -> p.multipliedBy(2).plus(SWEEP_GRACE)).orElse(Duration.ofHours(1));
    String failedInvocation =
        s.lastFailedInvocation()
            .map(t -> "; EventBridge failed to invoke the function at " + minute(t))
            .orElse("");
    if (s.lastCompleted().isPresent()) {
      Instant last = s.lastCompleted().get();
      Duration age = Duration.between(last, facts.now());
      String detail =
          "last completed " + minute(last) + " (" + age.toMinutes() + " min ago), " + s.schedule();
      if (age.compareTo(due) <= 0) {
        return Check.ok(item, detail + failedInvocation);
      }
      return Check.fail(
          item,
          detail + ": overdue" + failedInvocation,
          "read the IMDS function's log group for the sweep's error, and the failure queue");
    }
    if (Duration.between(facts.stackChanged(), facts.now()).compareTo(due) < 0) {
      return Check.warn(
          item,
          "no sweep completed since the stack changed at " + minute(facts.stackChanged()),
          "run verify again after " + s.schedule());
    }
    return Check.fail(
        item,
        "no sweep completed in the last "
            + s.window().toHours()
            + " h ("
            + s.schedule()
            + ", rule "
            + s.ruleName()
            + ")"
            + failedInvocation,
        "read the IMDS function's log group for the sweep's error, and the failure queue");
  }

  /** The period of {@code rate(...)}; empty for a cron expression. */
  static Optional<Duration> period(String schedule) {
    Matcher m = RATE.matcher(schedule);
    if (!m.matches()) {
      return Optional.empty();
    }
    long n = Long.parseLong(m.group(1));
    return Optional.of(
        switch (m.group(2)) {
          case "minute", "minutes" -> Duration.ofMinutes(n);
          case "hour", "hours" -> Duration.ofHours(n);
          default -> Duration.ofDays(n);
        });
  }

  static Check imdsDefaults(Facts.Read<MetadataDefaults> read) {
    String item = "account IMDS defaults";
    if (read.value().isEmpty()) {
      return Check.warn(
          item,
          "cannot read them: " + read.error().orElse("unknown"),
          "allow ec2:GetInstanceMetadataDefaults");
    }
    MetadataDefaults d = read.value().get();
    String tokens = d.options().httpTokens().orElse("no-preference");
    String detail =
        "httpTokens "
            + tokens
            + ", hop limit "
            + d.options().hopLimit().map(String::valueOf).orElse("no-preference")
            + ", httpTokensEnforced "
            + d.httpTokensEnforced().orElse("not reported")
            + ", managedBy "
            + d.managedBy().orElse("not reported");
    if ("required".equals(tokens)) {
      return Check.ok(item, detail);
    }
    String fix =
        d.managedByDeclarativePolicy()
            ? "require tokens in the AWS Organizations declarative policy that manages these"
                + " defaults"
            : "aws ec2 modify-instance-metadata-defaults --http-tokens required (and, once the"
                + " drift report shows no drifting node group, --http-tokens-enforced enabled)";
    return Check.warn(
        item, detail + ": new instances allow IMDSv1 until the remediator hardens them", fix);
  }

  static Check securityHub(Facts.Read<Facts.SecurityHub> read) {
    String item = "security hub";
    if (read.value().isEmpty()) {
      return Check.warn(
          item,
          "cannot read it: " + read.error().orElse("unknown"),
          "allow securityhub:DescribeHub and securityhub:ListStandardsControlAssociations");
    }
    Facts.SecurityHub hub = read.value().get();
    if (!hub.enabled()) {
      return Check.fail(
          item,
          "not enabled in this Region, but securityHub.updateFindings is on",
          "aws securityhub enable-security-hub, or turn securityHub.updateFindings off");
    }
    List<String> enabledIn =
        hub.ec2Point8().entrySet().stream()
            .filter(e -> "ENABLED".equals(e.getValue()))
            .map(e -> shortArn(e.getKey()))
            .toList();
    if (enabledIn.isEmpty()) {
      return Check.warn(
          item,
          "enabled, but control EC2.8 is not enabled in any standard: no finding to resolve",
          hub.ec2Point8().isEmpty()
              ? "enable the AWS Foundational Security Best Practices standard"
              : "aws securityhub batch-update-standards-control-associations"
                  + " --standards-control-association-updates StandardsArn="
                  + hub.ec2Point8().keySet().iterator().next()
                  + ",SecurityControlId=EC2.8,AssociationStatus=ENABLED");
    }
    return Check.ok(item, "enabled; control EC2.8 enabled in " + String.join(", ", enabledIn));
  }

  static Check forwarding(Facts.Forwarding f) {
    String item = "central forwarding " + f.ruleName();
    String to = " -> " + shortArn(f.target());
    if (f.failedInvocations().value().isEmpty()) {
      return Check.warn(
          item,
          "cannot read its failed invocations: " + f.failedInvocations().error().orElse("unknown"),
          "allow cloudwatch:GetMetricData");
    }
    long failed = f.failedInvocations().value().get();
    String window = " in the last " + f.window().toHours() + " h";
    if (failed > 0) {
      return Check.warn(
          item,
          failed + " failed invocation(s)" + window + to,
          "check that the central bus's resource policy admits this account (docs/organization.md);"
              + " the undelivered events are in the failure queue");
    }
    return Check.ok(item, "no failed invocation" + window + to);
  }

  static List<Check> permissions(Facts.Permissions p) {
    String item = "permissions " + p.function();
    if (p.report().value().isEmpty()) {
      return List.of(
          Check.fail(
              item,
              "the check could not run: " + p.report().error().orElse("unknown"),
              "invoke it yourself: aws lambda invoke --function-name <alias ARN> --payload"
                  + " '{\"check\": \"permissions\"}' --cli-binary-format raw-in-base64-out"
                  + " out.json"));
    }
    PermissionsReport report = p.report().value().get();
    List<Check> checks = new ArrayList<>();
    for (Probe probe : report.probes()) {
      String detail = probe.call() + " on " + probe.resource() + ": " + probe.answer();
      String name = item + ": " + probe.probe();
      checks.add(
          switch (probe.verdict()) {
            case ok -> Check.ok(name, detail);
            case warn -> Check.warn(name, detail, probe.meaning());
            case FAIL -> Check.fail(name, detail, probe.meaning());
          });
    }
    String summary = report.summary();
    checks.add(
        report.passed()
            ? Check.ok(item, summary)
            : Check.fail(
                item,
                summary,
                "each failed probe says what the role lacks (docs/iam.md, \"Check it yourself\")"));
    return checks;
  }

  /** The last part of an ARN (a queue, a function and alias, a bus), for short lines. */
  static String shortArn(String arn) {
    if (!arn.startsWith("arn:")) {
      return arn;
    }
    String[] parts = arn.split(":", 6);
    if (parts.length < 6) {
      return arn;
    }
    String resource = parts[5];
    return resource.startsWith("function:") ? resource.substring("function:".length()) : resource;
  }

  private static String minute(Instant t) {
    return t.truncatedTo(ChronoUnit.MINUTES).toString();
  }
}
