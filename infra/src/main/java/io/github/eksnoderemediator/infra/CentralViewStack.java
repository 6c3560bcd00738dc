package io.github.eksnoderemediator.infra;

import io.github.eksnoderemediator.infra.constructs.CentralView;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.constructs.Construct;

/**
 * The central view on its own, for the organization's security or audit account: the {@link
 * CentralView} construct and the outputs members need. An organization app may instead add the
 * construct to a stack of its own.
 */
public final class CentralViewStack extends Stack {
  /**
   * @param stackProps name, environment, tags
   * @param settings the validated settings
   */
  public record Props(StackProps stackProps, CentralViewSettings settings) {}

  private final CentralView view;

  public CentralViewStack(Construct scope, String id, Props props) {
    super(scope, id, props.stackProps());
    this.view = new CentralView(this, "CentralView", props.settings());
    CfnOutput.Builder.create(this, "CentralEventBusArn")
        .description("Set as remediator-deployment.centralEventBusArn in every member's deployment")
        .value(view.bus().getEventBusArn())
        .build();
    CfnOutput.Builder.create(this, "DecisionLogGroup")
        .description("Every decision event of the organization; query it with Logs Insights")
        .value(view.logGroup().getLogGroupName())
        .build();
    CfnOutput.Builder.create(this, "DashboardName")
        .description("The CloudWatch dashboard of the organization's decisions")
        .value(view.dashboard().getDashboardName())
        .build();
  }

  public CentralView view() {
    return view;
  }
}
