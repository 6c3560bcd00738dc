package io.github.eksnoderemediator.infra;

import io.github.eksnoderemediator.config.ConfigException;
import io.github.eksnoderemediator.config.ConfigRoot;
import io.github.eksnoderemediator.json.Json;
import io.github.eksnoderemediator.json.StrictObject;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The central view's settings: the {@code central-view} context object of {@link CentralViewApp},
 * or what an organization app passes to {@link CentralViewStack}. Documented in
 * docs/central-view.md.
 *
 * @param organizationId the AWS Organizations id whose accounts may put events on the bus
 * @param busName the central bus's name
 * @param logRetentionDays how long the central log group keeps decisions, one of {@link
 *     DeploymentSettings#LOG_RETENTION_DAYS}
 * @param alarmTopicArn an SNS topic the alarms notify, or empty for alarms without actions
 */
public record CentralViewSettings(
    String organizationId, String busName, int logRetentionDays, Optional<String> alarmTopicArn) {

  /** The context key {@link CentralViewApp} reads. */
  public static final String CONTEXT_KEY = "central-view";

  public static final String DEFAULT_BUS_NAME = "eks-node-remediator-decisions";
  public static final int DEFAULT_LOG_RETENTION_DAYS = 365;

  /** AWS Organizations' id format (Organizations API Reference, Organization.Id). */
  static final Pattern ORGANIZATION_ID = Pattern.compile("o-[a-z0-9]{10,32}");

  /** A custom bus's name: not {@code default}, no {@code /} (EventBridge API Reference). */
  static final Pattern BUS_NAME = Pattern.compile("(?!default$)[A-Za-z0-9._\\-]{1,256}");

  static final Pattern TOPIC_ARN =
      Pattern.compile(
          "arn:aws(-[a-z]+)*:sns:[a-z]{2}(-[a-z]+)+-\\d:\\d{12}:[A-Za-z0-9_\\-]{1,256}");

  static final Set<String> FIELDS =
      Set.of("organizationId", "busName", "logRetentionDays", "alarmTopicArn");

  public CentralViewSettings {
    if (organizationId == null
        || !ORGANIZATION_ID.matcher(organizationId).matches()
        || busName == null
        || !BUS_NAME.matcher(busName).matches()
        || !DeploymentSettings.LOG_RETENTION_DAYS.contains(logRetentionDays)
        || alarmTopicArn == null
        || alarmTopicArn.filter(a -> !TOPIC_ARN.matcher(a).matches()).isPresent()) {
      throw new IllegalArgumentException(
          "central view settings out of range: organizationId="
              + organizationId
              + ", busName="
              + busName
              + ", logRetentionDays="
              + logRetentionDays
              + ", alarmTopicArn="
              + alarmTopicArn);
    }
  }

  /** With the defaults for everything but the organization. */
  public static CentralViewSettings of(String organizationId) {
    return new CentralViewSettings(
        organizationId, DEFAULT_BUS_NAME, DEFAULT_LOG_RETENTION_DAYS, Optional.empty());
  }

  /**
   * Reads the context value: an object, or (from {@code --context} on the command line) a string
   * holding one.
   *
   * @throws ConfigException naming the first field that is wrong, on one line
   */
  public static CentralViewSettings fromContext(Object context) {
    String where = "context \"" + CONTEXT_KEY + "\"";
    if (context == null) {
      throw new ConfigException(
          where, "missing: pass --context central-view='{\"organizationId\": \"o-…\"}'");
    }
    String json = context instanceof String s ? s : Json.compact(context);
    StrictObject o = ConfigRoot.of(json, where);
    o.allowOnly(FIELDS);
    String org =
        o.text("organizationId", ORGANIZATION_ID, "an AWS Organizations id (o-…)")
            .orElseThrow(() -> o.fail("organizationId", "missing: the organization's id (o-…)"));
    String bus =
        o.text("busName", BUS_NAME, "an event bus name other than default (A-Z a-z 0-9 . _ -)")
            .orElse(DEFAULT_BUS_NAME);
    int retention =
        o.node("logRetentionDays")
            .map(
                v -> {
                  if (!v.isIntegralNumber()
                      || !DeploymentSettings.LOG_RETENTION_DAYS.contains(v.intValue())) {
                    throw o.fail(
                        "logRetentionDays",
                        "must be one of "
                            + DeploymentSettings.LOG_RETENTION_DAYS.stream()
                                .map(String::valueOf)
                                .collect(Collectors.joining(", "))
                            + " (the values CloudWatch Logs accepts), got "
                            + StrictObject.describe(v));
                  }
                  return v.intValue();
                })
            .orElse(DEFAULT_LOG_RETENTION_DAYS);
    return new CentralViewSettings(
        org, bus, retention, o.text("alarmTopicArn", TOPIC_ARN, "an SNS topic ARN"));
  }
}
