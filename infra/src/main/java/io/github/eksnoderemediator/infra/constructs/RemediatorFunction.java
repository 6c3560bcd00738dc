package io.github.eksnoderemediator.infra.constructs;

import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.infra.DeploymentSettings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.CfnFunction;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.lambda.destinations.SqsDestination;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.sqs.IQueue;
import software.constructs.Construct;

/**
 * What every function of the remediator is made of: its own log group, the function (java21,
 * SnapStart on published versions, the configuration in {@value RemediatorConfig#ENV_VAR}), and the
 * {@code live} alias everything invokes, with Lambda's asynchronous retries and the failure queue
 * as on-failure destination. SnapStart only applies to published versions, so callers must use the
 * alias, never {@code $LATEST}. The subclasses only say which handler runs and what it is for.
 */
public abstract class RemediatorFunction extends Construct {
  static final String ALIAS_NAME = "live";

  /** C1 only: most of an invocation is a cold path, where C2's compile time is never repaid. */
  static final String JAVA_TOOL_OPTIONS = "-XX:+TieredCompilation -XX:TieredStopAtLevel=1";

  /**
   * What a function is built from.
   *
   * @param code the shaded jar (a stub in tests); every function runs the same jar
   * @param configJson the {@code remediator} configuration as compact JSON
   * @param settings memory, timeout, architecture, log retention, asynchronous retries
   * @param role the function's own role
   * @param failureQueue where failed asynchronous invocations end up
   */
  public record Props(
      Code code, String configJson, DeploymentSettings settings, IRole role, IQueue failureQueue) {}

  private final Function function;
  private final Alias alias;

  protected RemediatorFunction(
      Construct scope, String id, Props props, String handler, String description) {
    super(scope, id);
    DeploymentSettings settings = props.settings();

    LogGroup logGroup =
        LogGroup.Builder.create(this, "Logs")
            .retention(retention(settings.logRetentionDays()))
            .build();
    // Scoped to this log group: no AWSLambdaBasicExecutionRole, which allows every log group.
    logGroup.grantWrite(props.role());

    Function.Builder builder =
        Function.Builder.create(this, "Function")
            .description(description)
            .runtime(Runtime.JAVA_21)
            .handler(handler)
            .code(props.code())
            .architecture(architecture(settings))
            .memorySize(settings.memorySize())
            .timeout(Duration.seconds(settings.timeoutSeconds()))
            .role(props.role())
            .logGroup(logGroup)
            .environment(environment(props.configJson()))
            .snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS);
    // Reserved, so that no other function in the account can take the concurrency this one needs
    // (AppSettings keeps it above the launch queue's maxConcurrency, so the mapping is never
    // throttled by it).
    settings.reservedConcurrency().ifPresent(builder::reservedConcurrentExecutions);
    this.function = builder.build();
    NagReasons.lambdaRuntime(function);
    if (settings.reservedConcurrency().isPresent()) {
      CheckovSkips.skip(
          function, CheckovSkips.FUNCTION_DLQ, CheckovSkips.FUNCTION_VPC, CheckovSkips.ENVIRONMENT);
    } else {
      CheckovSkips.skip(
          function,
          CheckovSkips.NO_RESERVATION,
          CheckovSkips.FUNCTION_DLQ,
          CheckovSkips.FUNCTION_VPC,
          CheckovSkips.ENVIRONMENT);
    }
    CheckovSkips.skip(logGroup, CheckovSkips.LOG_GROUP);
    Annotations.of(function)
        .acknowledgeWarning(
            "@aws-cdk/aws-lambda:snapStartRequirePublish",
            "the live alias below publishes currentVersion, and only the alias is invoked");
    // CDK makes the function depend on its role explicitly (for the role's default policy too);
    // cfn-lint flags that as redundant with the Role GetAtt. Harmless, so silenced here only.
    ((CfnFunction) function.getNode().getDefaultChild())
        .addMetadata("cfn-lint", Map.of("config", Map.of("ignore_checks", List.of("W3005"))));

    // Lambda's own retries and age limit apply to the alias EventBridge invokes; what still fails
    // goes to the failure queue with the request and the error.
    this.alias =
        Alias.Builder.create(this, "Live")
            .aliasName(ALIAS_NAME)
            .version(function.getCurrentVersion())
            .retryAttempts(settings.retryAttempts())
            .maxEventAge(Duration.seconds(settings.maximumEventAgeSeconds()))
            .onFailure(new SqsDestination(props.failureQueue()))
            .build();
  }

  public Function function() {
    return function;
  }

  /** The alias to invoke: the published, SnapStart-enabled version. */
  public IFunction alias() {
    return alias;
  }

  /** The Lambda instruction set {@code settings} name. */
  static Architecture architecture(DeploymentSettings settings) {
    return settings.architecture() == DeploymentSettings.Architecture.ARM64
        ? Architecture.ARM_64
        : Architecture.X86_64;
  }

  /** In a fixed order, like everything that reaches the template. */
  private static Map<String, String> environment(String configJson) {
    Map<String, String> environment = new LinkedHashMap<>();
    environment.put(RemediatorConfig.ENV_VAR, configJson);
    environment.put("JAVA_TOOL_OPTIONS", JAVA_TOOL_OPTIONS);
    return environment;
  }

  private static RetentionDays retention(int days) {
    return switch (days) {
      case 1 -> RetentionDays.ONE_DAY;
      case 3 -> RetentionDays.THREE_DAYS;
      case 5 -> RetentionDays.FIVE_DAYS;
      case 7 -> RetentionDays.ONE_WEEK;
      case 14 -> RetentionDays.TWO_WEEKS;
      case 30 -> RetentionDays.ONE_MONTH;
      case 60 -> RetentionDays.TWO_MONTHS;
      case 90 -> RetentionDays.THREE_MONTHS;
      case 120 -> RetentionDays.FOUR_MONTHS;
      case 150 -> RetentionDays.FIVE_MONTHS;
      case 180 -> RetentionDays.SIX_MONTHS;
      case 365 -> RetentionDays.ONE_YEAR;
      case 400 -> RetentionDays.THIRTEEN_MONTHS;
      case 545 -> RetentionDays.EIGHTEEN_MONTHS;
      case 731 -> RetentionDays.TWO_YEARS;
      case 1096 -> RetentionDays.THREE_YEARS;
      case 1827 -> RetentionDays.FIVE_YEARS;
      case 2192 -> RetentionDays.SIX_YEARS;
      case 2557 -> RetentionDays.SEVEN_YEARS;
      case 2922 -> RetentionDays.EIGHT_YEARS;
      case 3288 -> RetentionDays.NINE_YEARS;
      case 3653 -> RetentionDays.TEN_YEARS;
      default -> throw new IllegalArgumentException("not a CloudWatch Logs retention: " + days);
    };
  }
}
