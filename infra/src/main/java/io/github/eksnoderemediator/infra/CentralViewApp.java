package io.github.eksnoderemediator.infra;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagPackProps;
import io.github.eksnoderemediator.config.ConfigException;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.StackProps;

/**
 * The CDK app of the central view alone (infra/central-view-app.sh): {@code ./dev cdk --app "sh
 * infra/central-view-app.sh" --context central-view='{"organizationId": "o-…"}' deploy}. A wrong
 * setting ends it with one line on stderr and exit code 1.
 */
public final class CentralViewApp {
  public static final String STACK_NAME = "EksNodeRemediatorCentralView";

  private CentralViewApp() {}

  public static void main(String[] args) {
    App app = new App();
    try {
      stack(app, STACK_NAME);
    } catch (ConfigException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(1);
    }
    app.synth();
  }

  /**
   * Validates the context and adds the stack, with cdk-nag's AWS Solutions checks on it.
   *
   * @throws ConfigException when the context is wrong
   */
  public static CentralViewStack stack(App app, String stackName) {
    CentralViewSettings settings =
        CentralViewSettings.fromContext(
            app.getNode().tryGetContext(CentralViewSettings.CONTEXT_KEY));
    CentralViewStack stack =
        new CentralViewStack(
            app,
            stackName,
            new CentralViewStack.Props(
                StackProps.builder()
                    .description(
                        "EKS Node Remediator central view: the organization's decision events")
                    .build(),
                settings));
    Aspects.of(stack).add(new AwsSolutionsChecks(NagPackProps.builder().verbose(true).build()));
    return stack;
  }
}
