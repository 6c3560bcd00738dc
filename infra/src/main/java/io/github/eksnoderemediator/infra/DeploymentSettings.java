package io.github.eksnoderemediator.infra;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.eksnoderemediator.config.ConfigException;
import io.github.eksnoderemediator.config.ConfigRoot;
import io.github.eksnoderemediator.json.StrictObject;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * How the stack deploys the function: settings that only the infrastructure reads, from the {@code
 * remediator-deployment} object in {@code cdk.json}'s context. Documented field by field in
 * docs/deploy.md.
 *
 * @param logRetentionDays how long CloudWatch Logs keeps the function's log, one of {@link
 *     #LOG_RETENTION_DAYS}
 * @param memorySize the function's memory in MB; Lambda scales CPU with it
 * @param timeoutSeconds the function's timeout
 * @param retryAttempts how often Lambda retries a failed asynchronous invocation (0 to 2)
 * @param maximumEventAgeSeconds how long Lambda keeps an asynchronous event before giving up on it
 * @param architecture the instruction set the function runs on
 * @param alarmEmail where alarm notifications go (an SNS topic with this address subscribed), or
 *     empty for alarms without actions
 * @param checkPermissionsOnDeploy run each function's permissions check at the end of {@code cdk
 *     deploy} (EC2 dry runs as the function's own role) and fail the deployment when its role
 *     cannot do the job or reaches out of scope
 * @param centralEventBusArn the central view's event bus (docs/central-view.md): the functions
 *     publish their decision events to this account's default bus and a rule forwards them there;
 *     empty for no central view
 * @param reservedConcurrency the concurrency each function reserves from the account, so that no
 *     other function in the account can leave it none; empty for no reservation (the functions then
 *     share the account's unreserved pool). At least the launch queue's {@code maxConcurrency} plus
 *     one ({@link AppSettings} checks it against the queue settings)
 * @param verify the scheduled end-to-end canary ({@link VerifySettings}), or empty for none
 */
public record DeploymentSettings(
    int logRetentionDays,
    int memorySize,
    int timeoutSeconds,
    int retryAttempts,
    int maximumEventAgeSeconds,
    Architecture architecture,
    Optional<String> alarmEmail,
    boolean checkPermissionsOnDeploy,
    Optional<String> centralEventBusArn,
    OptionalInt reservedConcurrency,
    Optional<VerifySettings> verify) {

  /** These settings without the deploy-time permissions check, everything else as it is. */
  public DeploymentSettings withoutPermissionsCheckOnDeploy() {
    return new DeploymentSettings(
        logRetentionDays,
        memorySize,
        timeoutSeconds,
        retryAttempts,
        maximumEventAgeSeconds,
        architecture,
        alarmEmail,
        false,
        centralEventBusArn,
        reservedConcurrency,
        verify);
  }

  /** The retention periods CloudWatch Logs accepts (PutRetentionPolicy), in days. */
  public static final List<Integer> LOG_RETENTION_DAYS =
      List.of(
          1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,
          2922, 3288, 3653);

  static final int MIN_MEMORY = 128;
  static final int MAX_MEMORY = 10240;
  static final int MIN_TIMEOUT = 10;
  static final int MAX_TIMEOUT = 900;
  static final int MAX_RETRY_ATTEMPTS = 2;
  static final int MIN_EVENT_AGE = 60;
  static final int MAX_EVENT_AGE = 21600;

  /**
   * The default reservation per function: the launch queue's two pollers ({@code
   * queue.maxConcurrency}'s default), the sweep, and one more for a tamper event or a manual
   * invocation.
   */
  static final int DEFAULT_RESERVED_CONCURRENCY = 5;

  /** Lambda's default concurrency quota per account and Region (a function cannot reserve more). */
  static final int MAX_RESERVED_CONCURRENCY = 1000;

  public static final DeploymentSettings DEFAULT =
      new DeploymentSettings(
          30,
          1024,
          900,
          2,
          3600,
          Architecture.ARM64,
          Optional.empty(),
          true,
          Optional.empty(),
          OptionalInt.of(DEFAULT_RESERVED_CONCURRENCY),
          Optional.empty());

  /** Good enough to catch a typo; SNS itself confirms the address by mail. */
  static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

  /** An EventBridge event bus ARN, in any partition and Region. */
  static final Pattern EVENT_BUS_ARN =
      Pattern.compile(
          "arn:aws(-[a-z]+)*:events:[a-z]{2}(-[a-z]+)+-\\d:\\d{12}:event-bus/[A-Za-z0-9._\\-]{1,256}");

  static final Set<String> FIELDS =
      Set.of(
          "logRetentionDays",
          "memorySize",
          "timeoutSeconds",
          "retryAttempts",
          "maximumEventAgeSeconds",
          "architecture",
          "alarmEmail",
          "checkPermissionsOnDeploy",
          "centralEventBusArn",
          "reservedConcurrency",
          "verify");

  /** The Lambda instruction set, as {@code cdk.json} spells it. */
  public enum Architecture {
    ARM64("arm64"),
    X86_64("x86_64");

    private final String jsonName;

    Architecture(String jsonName) {
      this.jsonName = jsonName;
    }

    public String jsonName() {
      return jsonName;
    }

    static Architecture fromJsonName(String name) {
      return valueOf(name.toUpperCase(Locale.ROOT));
    }
  }

  public DeploymentSettings {
    // parse() reports these one field at a time; this guards records built in code.
    if (!LOG_RETENTION_DAYS.contains(logRetentionDays)
        || memorySize < MIN_MEMORY
        || memorySize > MAX_MEMORY
        || timeoutSeconds < MIN_TIMEOUT
        || timeoutSeconds > MAX_TIMEOUT
        || retryAttempts < 0
        || retryAttempts > MAX_RETRY_ATTEMPTS
        || maximumEventAgeSeconds < MIN_EVENT_AGE
        || maximumEventAgeSeconds > MAX_EVENT_AGE
        || architecture == null
        || alarmEmail == null
        || centralEventBusArn == null
        || reservedConcurrency == null
        || (reservedConcurrency.isPresent()
            && (reservedConcurrency.getAsInt() < 1
                || reservedConcurrency.getAsInt() > MAX_RESERVED_CONCURRENCY))
        || verify == null) {
      throw new IllegalArgumentException(
          "deployment settings out of range: logRetentionDays="
              + logRetentionDays
              + ", memorySize="
              + memorySize
              + ", timeoutSeconds="
              + timeoutSeconds
              + ", retryAttempts="
              + retryAttempts
              + ", maximumEventAgeSeconds="
              + maximumEventAgeSeconds
              + ", architecture="
              + architecture
              + ", reservedConcurrency="
              + reservedConcurrency);
    }
  }

  /**
   * Parses and validates the settings object. A field left out takes its default; an unknown field
   * is an error.
   *
   * @param where how errors name the document, e.g. {@code cdk.json context
   *     "remediator-deployment"}
   * @throws ConfigException naming the first field that is wrong, on one line
   */
  public static DeploymentSettings parse(String json, String where) {
    StrictObject o = ConfigRoot.of(json, where);
    o.allowOnly(FIELDS);
    DeploymentSettings d = DEFAULT;
    int retention = o.node("logRetentionDays").map(v -> retention(o, v)).orElse(d.logRetentionDays);
    return new DeploymentSettings(
        retention,
        o.integer("memorySize", MIN_MEMORY, MAX_MEMORY).orElse(d.memorySize),
        o.integer("timeoutSeconds", MIN_TIMEOUT, MAX_TIMEOUT).orElse(d.timeoutSeconds),
        o.integer("retryAttempts", 0, MAX_RETRY_ATTEMPTS).orElse(d.retryAttempts),
        o.integer("maximumEventAgeSeconds", MIN_EVENT_AGE, MAX_EVENT_AGE)
            .orElse(d.maximumEventAgeSeconds),
        o.text("architecture", Pattern.compile("arm64|x86_64"), "arm64 or x86_64")
            .map(Architecture::fromJsonName)
            .orElse(d.architecture),
        o.text("alarmEmail", EMAIL, "an email address"),
        o.bool("checkPermissionsOnDeploy").orElse(d.checkPermissionsOnDeploy),
        o.text(
            "centralEventBusArn",
            EVENT_BUS_ARN,
            "an event bus ARN (arn:aws:events:<region>:<account>:event-bus/<name>)"),
        o.node("reservedConcurrency")
            .map(v -> reservedConcurrency(o, v))
            .orElse(d.reservedConcurrency),
        o.object("verify").map(VerifySettings::parse));
  }

  /** An integer, or {@code false} for no reservation. */
  private static OptionalInt reservedConcurrency(StrictObject o, JsonNode v) {
    if (v.isBoolean() && !v.booleanValue()) {
      return OptionalInt.empty();
    }
    if (!v.isIntegralNumber()) {
      throw o.fail(
          o.child("reservedConcurrency"),
          "must be an integer from 3 to "
              + MAX_RESERVED_CONCURRENCY
              + ", or false for no reservation, got "
              + StrictObject.describe(v));
    }
    return OptionalInt.of(
        o.integerValue(v, o.child("reservedConcurrency"), 3, MAX_RESERVED_CONCURRENCY));
  }

  private static int retention(StrictObject o, JsonNode v) {
    if (!v.isIntegralNumber()
        || !v.canConvertToInt()
        || !LOG_RETENTION_DAYS.contains(v.intValue())) {
      throw o.fail(
          "logRetentionDays",
          "must be one of "
              + LOG_RETENTION_DAYS.stream().map(String::valueOf).collect(Collectors.joining(", "))
              + " (the values CloudWatch Logs accepts), got "
              + StrictObject.describe(v));
    }
    return v.intValue();
  }
}
