package io.github.eksnoderemediator.infra;

import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.lambda.Code;
import software.constructs.Construct;

/**
 * The standalone app's stack: one {@link EksNodeRemediator} and nothing else, configured from
 * {@code cdk.json}.
 */
public final class RemediatorStack extends Stack {

  /**
   * The construct's id. CDK leaves a construct named {@code Default} out of logical ids, so every
   * resource keeps the logical id it had when this stack built them itself: existing deployments
   * update in place (LogicalIdsTest).
   */
  static final String REMEDIATOR_ID = "Default";

  private final EksNodeRemediator remediator;

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
    this.remediator =
        new EksNodeRemediator(
            this, REMEDIATOR_ID, EksNodeRemediatorProps.of(props.code(), props.settings()));
  }

  /** The remediator this stack holds, for additions to it. */
  public EksNodeRemediator remediator() {
    return remediator;
  }
}
