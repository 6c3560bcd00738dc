package io.github.eksnoderemediator.infra;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagPackProps;
import io.github.eksnoderemediator.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.lambda.Code;

/**
 * The CDK app {@code cdk.json} runs (through infra/cdk-app.sh) from the repository root. A wrong
 * configuration or a missing function jar ends it with one line on stderr and exit code 1.
 */
public final class RemediatorApp {
  public static final String STACK_NAME = "EksNodeRemediator";

  /** Relative to the repository root, where the CDK CLI runs the app. */
  static final String FUNCTION_JAR = "lambda/target/remediator.jar";

  private RemediatorApp() {}

  public static void main(String[] args) {
    if (!Files.isRegularFile(Path.of(FUNCTION_JAR))) {
      exit(FUNCTION_JAR + " not found; build it first with ./dev build");
    }
    App app = new App();
    try {
      stack(app, STACK_NAME, Code.fromAsset(FUNCTION_JAR));
    } catch (ConfigException e) {
      exit(e.getMessage());
    }
    app.synth();
  }

  /** One line for the operator, no stack trace: the message says what to fix. */
  private static void exit(String message) {
    System.err.println("error: " + message);
    System.exit(1);
  }

  /**
   * Validates the app's context and adds the stack: what {@link #main} does, with the function code
   * given (tests pass a stub).
   *
   * @throws ConfigException when the context is wrong
   */
  public static RemediatorStack stack(App app, String stackName, Code functionCode) {
    AppSettings settings =
        AppSettings.fromContext(
            app.getNode().tryGetContext(AppSettings.REMEDIATOR_KEY),
            app.getNode().tryGetContext(AppSettings.DEPLOYMENT_KEY));
    RemediatorStack stack =
        new RemediatorStack(
            app,
            stackName,
            new RemediatorStack.Props(
                StackProps.builder()
                    .description(
                        "EKS Node Remediator: hardens the metadata options of new EKS nodes")
                    .build(),
                functionCode,
                settings));
    // AWS Solutions checks on every synth: an unsuppressed finding is an error that stops it.
    // Each suppression in the constructs says why it is acceptable.
    Aspects.of(stack).add(new AwsSolutionsChecks(NagPackProps.builder().verbose(true).build()));
    return stack;
  }
}
