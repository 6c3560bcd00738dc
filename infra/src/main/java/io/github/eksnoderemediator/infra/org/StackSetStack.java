package io.github.eksnoderemediator.infra.org;

import java.util.List;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.cloudformation.CfnStackSet;
import software.constructs.Construct;

/**
 * The StackSets that put the member stack into every account of the targeted OUs and every Region:
 * one for the base configuration, one per override. Service-managed permissions (trusted access
 * with Organizations), so accounts that join a targeted OU get the stack automatically.
 */
public final class StackSetStack extends Stack {

  /**
   * One StackSet's template and targets.
   *
   * @param name the StackSet's name
   * @param template the member template for this configuration
   * @param organizationalUnits where it goes
   */
  public record Target(String name, MemberTemplate template, List<String> organizationalUnits) {
    public Target {
      organizationalUnits = List.copyOf(organizationalUnits);
    }
  }

  public StackSetStack(
      Construct scope,
      String id,
      StackProps props,
      OrganizationSettings organization,
      List<Target> targets) {
    super(scope, id, props);
    for (Target target : targets) {
      CfnStackSet stackSet =
          CfnStackSet.Builder.create(this, target.name())
              .stackSetName(target.name())
              .description("EKS Node Remediator in every account and Region of its OUs")
              .permissionModel("SERVICE_MANAGED")
              .callAs(organization.callAs().name())
              .autoDeployment(
                  CfnStackSet.AutoDeploymentProperty.builder()
                      .enabled(true)
                      .retainStacksOnAccountRemoval(organization.retainStacksOnAccountRemoval())
                      .build())
              // Lets StackSets queue and run non-conflicting operations instead of refusing them
              // while one is in progress. (A map: CDK types this property loosely and would write a
              // builder's field in lower case.)
              .managedExecution(java.util.Map.of("Active", true))
              .operationPreferences(
                  CfnStackSet.OperationPreferencesProperty.builder()
                      .failureTolerancePercentage(organization.failureTolerancePercentage())
                      .maxConcurrentPercentage(organization.maxConcurrentPercentage())
                      .regionConcurrencyType(organization.regionConcurrency().name())
                      .concurrencyMode(organization.concurrencyMode().name())
                      .regionOrder(organization.regions())
                      .build())
              .capabilities(target.template().capabilities())
              // Inline, not a TemplateURL: MemberTemplate checks it fits CloudFormation's 51,200
              // bytes, and the template then shows in this stack's own diff.
              .templateBody(target.template().json())
              .stackInstancesGroup(
                  List.of(
                      CfnStackSet.StackInstancesProperty.builder()
                          .deploymentTargets(
                              CfnStackSet.DeploymentTargetsProperty.builder()
                                  .organizationalUnitIds(target.organizationalUnits())
                                  .build())
                          .regions(organization.regions())
                          .build()))
              .build();
      CfnOutput.Builder.create(this, target.name() + "Id")
          .description("The StackSet's id, for aws cloudformation list-stack-instances")
          .value(stackSet.getAttrStackSetId())
          .build();
    }
  }
}
