package io.github.eksnoderemediator.infra;

import io.github.eksnoderemediator.infra.constructs.Alarms;
import io.github.eksnoderemediator.infra.constructs.FailureHandling;
import io.github.eksnoderemediator.infra.constructs.ImdsFunction;
import io.github.eksnoderemediator.infra.constructs.ImdsPermissions;
import io.github.eksnoderemediator.infra.constructs.ImdsRules;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.lambda.Code;
import software.constructs.Construct;

/** EventBridge rules, the IMDS function with its narrow role, and where failures go. */
public final class RemediatorStack extends Stack {

  /**
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
        new ImdsFunction(
            this,
            "Imds",
            new ImdsFunction.Props(
                props.code(),
                settings.remediatorJson(),
                settings.deployment(),
                permissions.role(),
                failures.queue()));
    new ImdsRules(this, "ImdsRules", imds.alias(), failures.queue());
    new Alarms(this, "Alarms", imds.alias(), failures.queue());

    CfnOutput.Builder.create(this, "ImdsFunctionName")
        .description("The IMDS function; invoke its live alias by hand with a manual payload")
        .value(imds.function().getFunctionName())
        .build();
    CfnOutput.Builder.create(this, "ImdsAliasArn")
        .description("The alias EventBridge invokes")
        .value(imds.alias().getFunctionArn())
        .build();
    CfnOutput.Builder.create(this, "FailureQueueUrl")
        .description("Events that could not be handled, from Lambda and from EventBridge")
        .value(failures.queue().getQueueUrl())
        .build();
  }
}
