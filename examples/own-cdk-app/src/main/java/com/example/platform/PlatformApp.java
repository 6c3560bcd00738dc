package com.example.platform;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.eksnoderemediator.config.ConfigException;
import io.github.eksnoderemediator.config.ImdsV1Mode;
import io.github.eksnoderemediator.infra.EksNodeRemediator;
import io.github.eksnoderemediator.infra.EksNodeRemediatorProps;
import io.github.eksnoderemediator.infra.EksNodeRemediatorProps.ImdsOverride;
import java.nio.file.Path;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.constructs.Construct;

/**
 * A platform team's own CDK app with EKS Node Remediator in one of its stacks, configured in code.
 * The function jar's path comes from the context value {@code remediatorJar} (cdk.json).
 */
public final class PlatformApp {
  private PlatformApp() {}

  public static void main(String[] args) {
    App app = new App();
    try {
      new NodeSecurityStack(
          app, "PlatformNodeSecurity", (String) app.getNode().tryGetContext("remediatorJar"));
    } catch (ConfigException e) {
      // One line that names the option, not a stack trace.
      System.err.println("error: " + e.getMessage());
      System.exit(1);
    }
    // The AWS Solutions checks, as the standalone app runs them: the construct's resources carry
    // their suppressions, each with its reason, so only findings on your own resources show.
    Aspects.of(app).add(new AwsSolutionsChecks());
    app.synth();
  }

  /**
   * The team's stack: the remediator for clusters prod and staging, plus whatever else it holds.
   */
  static final class NodeSecurityStack extends Stack {
    NodeSecurityStack(Construct scope, String id, String remediatorJar) {
      super(scope, id, StackProps.builder().description("Platform: EKS node hardening").build());
      EksNodeRemediator remediator =
          new EksNodeRemediator(
              this,
              "NodeRemediator",
              EksNodeRemediatorProps.builder()
                  .code(EksNodeRemediator.codeFromJar(Path.of(remediatorJar)))
                  .clusters("prod", "staging")
                  // Hop limits above 2 are lowered to 2 and none is raised (the default), except
                  // the general node group's: its pods read IMDS, so its nodes get at least 2.
                  .imdsOverride(ImdsOverride.forCluster("prod").nodeGroup("general").hopLimitMin(2))
                  // Pods of the untrusted pool must not reach the node's credentials.
                  .imdsOverride(ImdsOverride.forCluster("prod").nodePool("untrusted").hopLimit(1))
                  // Legacy nodes still using IMDSv1 are reported, not broken.
                  .imdsOverride(
                      ImdsOverride.forCluster("staging")
                          .nodeGroup("legacy")
                          .imdsV1Usage(ImdsV1Mode.DEFER))
                  .alarmEmail("platform-oncall@example.com")
                  .logRetentionDays(90)
                  .build());
      CfnOutput.Builder.create(this, "RemediatorVersion")
          .description("The EKS Node Remediator version deployed")
          .value(EksNodeRemediator.VERSION)
          .build();
      CfnOutput.Builder.create(this, "RemediatorRoleArn")
          .description("The role that may modify node metadata options")
          .value(remediator.imdsRole().getRoleArn())
          .build();
    }
  }
}
