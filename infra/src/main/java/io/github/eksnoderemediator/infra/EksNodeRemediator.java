package io.github.eksnoderemediator.infra;

import io.github.eksnoderemediator.canary.Canary;
import io.github.eksnoderemediator.config.ConfigException;
import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.infra.constructs.Alarms;
import io.github.eksnoderemediator.infra.constructs.DecisionEvents;
import io.github.eksnoderemediator.infra.constructs.EniFunction;
import io.github.eksnoderemediator.infra.constructs.EniPermissions;
import io.github.eksnoderemediator.infra.constructs.EniRules;
import io.github.eksnoderemediator.infra.constructs.FailureHandling;
import io.github.eksnoderemediator.infra.constructs.ImdsFunction;
import io.github.eksnoderemediator.infra.constructs.ImdsPermissions;
import io.github.eksnoderemediator.infra.constructs.ImdsRules;
import io.github.eksnoderemediator.infra.constructs.LaunchQueue;
import io.github.eksnoderemediator.infra.constructs.PermissionsCheck;
import io.github.eksnoderemediator.infra.constructs.RemediatorFunction;
import io.github.eksnoderemediator.infra.constructs.ScheduledCanary;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.sns.ITopic;
import software.amazon.awscdk.services.sqs.IQueue;
import software.constructs.Construct;

/**
 * EKS Node Remediator as one construct: EventBridge rules, the IMDS function with its narrow role
 * and its launch queue, the ENI function with its own when the configuration has ENI profiles,
 * where failures go, alarms, and the stack outputs that name the functions and queues. The
 * standalone app's stack holds exactly one, and so can a stack of your own CDK app (one per account
 * and Region: EventBridge events are regional). Usage, every option and versioning:
 * docs/construct.md.
 *
 * <pre>{@code
 * new EksNodeRemediator(stack, "Remediator", EksNodeRemediatorProps.builder()
 *     .code(EksNodeRemediator.codeFromJar(Path.of("remediator.jar")))
 *     .clusters("prod")
 *     .hopLimit(1)
 *     .build());
 * }</pre>
 *
 * <p>The construct adds {@code CfnOutput}s to its stack and records its {@link #VERSION} in the
 * template's {@code Metadata}. It adds no cdk-nag aspect (the standalone app does; add {@code
 * AwsSolutionsChecks} to your app to check it the same way): its resources carry their own
 * suppressions, each with a reason.
 */
public final class EksNodeRemediator extends Construct {

  /**
   * This library's version (its Maven project version), also written into the template's {@code
   * Metadata} under {@value #METADATA_KEY}.
   */
  public static final String VERSION = loadVersion();

  /** The template {@code Metadata} key that holds {@code {"version": VERSION}}. */
  public static final String METADATA_KEY = "EksNodeRemediator";

  private final AppSettings settings;
  private final Function imdsFunction;
  private final IFunction imdsAlias;
  private final IRole imdsRole;
  private final IQueue imdsQueue;
  private final IQueue imdsDeadLetters;
  private final IQueue failureQueue;
  private Function eniFunction;
  private IFunction eniAlias;
  private IRole eniRole;
  private IQueue eniQueue;
  private IQueue eniDeadLetters;
  private ITopic alarmTopic;

  /**
   * Adds the remediator to {@code scope}, which must be inside a {@link Stack}.
   *
   * @param props the validated configuration and the function code, from {@link
   *     EksNodeRemediatorProps#builder()}
   */
  public EksNodeRemediator(Construct scope, String id, EksNodeRemediatorProps props) {
    super(scope, id);
    AppSettings settings = props.settings();
    this.settings = settings;
    Stack.of(this).addMetadata(METADATA_KEY, Map.of("version", VERSION));

    FailureHandling failures = new FailureHandling(this, "Failures");
    ImdsPermissions permissions =
        new ImdsPermissions(this, "ImdsPermissions", settings.remediator());
    ImdsFunction imds =
        new ImdsFunction(this, "Imds", imdsProps(settings, props, permissions, failures));
    LaunchQueue imdsQueue =
        new LaunchQueue(
            this, "ImdsQueue", imds.alias(), settings.remediator().queue(), settings.deployment());
    new ImdsRules(
        this,
        "ImdsRules",
        imds.alias(),
        imdsQueue.queue(),
        failures.queue(),
        settings.remediator().sweep().rate(),
        permissions.role().getRoleArn());
    if (settings.deployment().checkPermissionsOnDeploy()) {
      new PermissionsCheck(
          this,
          "ImdsPermissionsCheck",
          imdsProps(settings, props, permissions, failures),
          "io.github.eksnoderemediator.handler.ImdsPermissionsCheckHandler::handleRequest",
          permissions.role(),
          imds.function());
    }
    // The central view, only when the deployment names its bus (docs/central-view.md).
    Optional<DecisionEvents> central =
        settings
            .deployment()
            .centralEventBusArn()
            .map(arn -> new DecisionEvents(this, "DecisionEvents", arn, failures.queue()));
    central.ifPresent(c -> c.publishFrom(imds.function(), permissions.role()));
    this.imdsFunction = imds.function();
    this.imdsAlias = imds.alias();
    this.imdsRole = permissions.role();
    this.imdsQueue = imdsQueue.queue();
    this.imdsDeadLetters = imdsQueue.deadLetters();
    this.failureQueue = failures.queue();
    Alarms alarms = new Alarms(this, "Alarms", imds.alias(), failures.queue());
    alarms.addDeadLetters("ImdsDeadLetters", imdsQueue.deadLetters(), "the IMDS function");
    // The scheduled end-to-end canary, only when the deployment asks for it (docs/deploy.md).
    settings
        .deployment()
        .verify()
        .ifPresent(
            verify ->
                alarms.add(
                    new ScheduledCanary(
                            this,
                            "Canary",
                            props.code(),
                            settings.deployment(),
                            verify,
                            settings
                                .remediator()
                                .imds()
                                .bandFor(
                                    verify.cluster(),
                                    Optional.of(Canary.NODE_GROUP),
                                    Optional.empty())
                                .band(),
                            imds.function().getLogGroup())
                        .alarm()));

    CfnOutput.Builder.create(this, "ImdsFunctionName")
        .description("The IMDS function; invoke its live alias by hand with a manual payload")
        .value(imds.function().getFunctionName())
        .build();
    CfnOutput.Builder.create(this, "ImdsAliasArn")
        .description("The alias EventBridge invokes")
        .value(imds.alias().getFunctionArn())
        .build();
    CfnOutput.Builder.create(this, "ImdsDeadLetterQueueUrl")
        .description("Launch events the IMDS function failed on repeatedly; redrive after a fix")
        .value(imdsQueue.deadLetters().getQueueUrl())
        .build();
    CfnOutput.Builder.create(this, "FailureQueueUrl")
        .description("Events that could not be handled, from Lambda and from EventBridge")
        .value(failures.queue().getQueueUrl())
        .build();

    // Without profiles the ENI function would have nothing to do: it is not deployed at all.
    if (!settings.remediator().eni().profiles().isEmpty()) {
      addEni(settings, props, failures, alarms, central);
    }

    settings
        .deployment()
        .alarmEmail()
        .ifPresent(
            email -> {
              alarmTopic = alarms.notify(email);
              CfnOutput.Builder.create(this, "AlarmTopicArn")
                  .description(
                      "Alarm notifications; confirm the subscription mail sent to " + email)
                  .value(alarmTopic.getTopicArn())
                  .build();
            });
  }

  /**
   * The function code from a jar file: {@code lambda/target/remediator.jar} as {@code ./dev build}
   * writes it, of the same version as this construct (docs/construct.md). Checked here, so a wrong
   * path fails the synth on one line instead of at deploy.
   *
   * @throws ConfigException when {@code jar} is not a file
   */
  public static Code codeFromJar(Path jar) {
    if (!Files.isRegularFile(jar)) {
      throw new ConfigException(
          "EksNodeRemediator function jar",
          jar + " not found; build it with ./dev build (lambda/target/remediator.jar)");
    }
    return Code.fromAsset(jar.toString());
  }

  /** The validated configuration the construct was built from. */
  public AppSettings settings() {
    return settings;
  }

  /** The IMDS function (its published versions are what {@link #imdsAlias()} points at). */
  public Function imdsFunction() {
    return imdsFunction;
  }

  /** The {@code live} alias of the IMDS function: what EventBridge and the queue invoke. */
  public IFunction imdsAlias() {
    return imdsAlias;
  }

  /** The IMDS function's role (also the role its deploy-time permissions check proves). */
  public IRole imdsRole() {
    return imdsRole;
  }

  /** The IMDS function's launch-event queue. */
  public IQueue imdsQueue() {
    return imdsQueue;
  }

  /** Launch events the IMDS function failed on repeatedly. */
  public IQueue imdsDeadLetters() {
    return imdsDeadLetters;
  }

  /** Events that could not be handled, from Lambda and from EventBridge. */
  public IQueue failureQueue() {
    return failureQueue;
  }

  /** The ENI function; empty without ENI profiles (it is then not deployed). */
  public Optional<Function> eniFunction() {
    return Optional.ofNullable(eniFunction);
  }

  /** The ENI function's {@code live} alias; empty without ENI profiles. */
  public Optional<IFunction> eniAlias() {
    return Optional.ofNullable(eniAlias);
  }

  /** The ENI function's role; empty without ENI profiles. */
  public Optional<IRole> eniRole() {
    return Optional.ofNullable(eniRole);
  }

  /** The ENI function's launch-event queue; empty without ENI profiles. */
  public Optional<IQueue> eniQueue() {
    return Optional.ofNullable(eniQueue);
  }

  /** Launch events the ENI function failed on repeatedly; empty without ENI profiles. */
  public Optional<IQueue> eniDeadLetters() {
    return Optional.ofNullable(eniDeadLetters);
  }

  /** The SNS topic every alarm notifies; empty without {@code alarmEmail}. */
  public Optional<ITopic> alarmTopic() {
    return Optional.ofNullable(alarmTopic);
  }

  private static String loadVersion() {
    try (InputStream in = EksNodeRemediator.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        throw new IllegalStateException("version.properties missing from the infra jar");
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static RemediatorFunction.Props imdsProps(
      AppSettings settings,
      EksNodeRemediatorProps props,
      ImdsPermissions permissions,
      FailureHandling failures) {
    return new RemediatorFunction.Props(
        props.code(),
        settings.remediatorJson(),
        settings.deployment(),
        permissions.role(),
        failures.queue());
  }

  private void addEni(
      AppSettings settings,
      EksNodeRemediatorProps props,
      FailureHandling failures,
      Alarms alarms,
      Optional<DecisionEvents> central) {
    RemediatorConfig config = settings.remediator();
    EniPermissions permissions = new EniPermissions(this, "EniPermissions", config);
    RemediatorFunction.Props eniProps =
        new RemediatorFunction.Props(
            props.code(),
            settings.remediatorJson(),
            settings.deployment(),
            permissions.role(),
            failures.queue());
    EniFunction eni = new EniFunction(this, "Eni", eniProps);
    central.ifPresent(c -> c.publishFrom(eni.function(), permissions.role()));
    LaunchQueue eniQueue =
        new LaunchQueue(this, "EniQueue", eni.alias(), config.queue(), settings.deployment());
    this.eniFunction = eni.function();
    this.eniAlias = eni.alias();
    this.eniRole = permissions.role();
    this.eniQueue = eniQueue.queue();
    this.eniDeadLetters = eniQueue.deadLetters();
    if (settings.deployment().checkPermissionsOnDeploy()) {
      new PermissionsCheck(
          this,
          "EniPermissionsCheck",
          eniProps,
          "io.github.eksnoderemediator.handler.EniPermissionsCheckHandler::handleRequest",
          permissions.role(),
          eni.function());
    }
    new EniRules(
        this,
        "EniRules",
        eni.alias(),
        eniQueue.queue(),
        failures.queue(),
        config.eni().sweepRate(),
        permissions.role().getRoleArn());
    alarms.addTouchedInterfaces();
    alarms.addFunctionErrors("EniFunctionErrors", eni.alias(), "the ENI function");
    alarms.addDeadLetters("EniDeadLetters", eniQueue.deadLetters(), "the ENI function");

    CfnOutput.Builder.create(this, "EniFunctionName")
        .description("The ENI function; invoke its live alias by hand with a manual payload")
        .value(eni.function().getFunctionName())
        .build();
    CfnOutput.Builder.create(this, "EniAliasArn")
        .description("The ENI alias EventBridge invokes")
        .value(eni.alias().getFunctionArn())
        .build();
    CfnOutput.Builder.create(this, "EniDeadLetterQueueUrl")
        .description("Launch events the ENI function failed on repeatedly; redrive after a fix")
        .value(eniQueue.deadLetters().getQueueUrl())
        .build();
  }
}
