package io.github.eksnoderemediator.infra;

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
import java.util.Optional;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.lambda.Code;
import software.constructs.Construct;

/**
 * EventBridge rules, the IMDS function with its narrow role and its launch queue, the ENI function
 * with its own when the configuration has ENI profiles, and where failures go.
 */
public final class RemediatorStack extends Stack {

  /**
   * What the stack is built from.
   *
   * @param stackProps name, environment, tags
   * @param code the function's code: the shaded jar in the app, a stub in tests
   * @param settings the validated context
   */
  public record Props(StackProps stackProps, Code code, AppSettings settings) {}

  public RemediatorStack(Construct scope, String id, Props props) {
    super(scope, id, props.stackProps());
    AppSettings settings = props.settings();

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
    Alarms alarms = new Alarms(this, "Alarms", imds.alias(), failures.queue());
    alarms.addDeadLetters("ImdsDeadLetters", imdsQueue.deadLetters(), "the IMDS function");

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
            email ->
                CfnOutput.Builder.create(this, "AlarmTopicArn")
                    .description(
                        "Alarm notifications; confirm the subscription mail sent to " + email)
                    .value(alarms.notify(email).getTopicArn())
                    .build());
  }

  private static RemediatorFunction.Props imdsProps(
      AppSettings settings, Props props, ImdsPermissions permissions, FailureHandling failures) {
    return new RemediatorFunction.Props(
        props.code(),
        settings.remediatorJson(),
        settings.deployment(),
        permissions.role(),
        failures.queue());
  }

  private void addEni(
      AppSettings settings,
      Props props,
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
