package io.github.eksnoderemediator.infra.org;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.cloudformation.CfnStackSet;
import software.amazon.awscdk.services.s3.assets.Asset;
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
      // Inline while it fits CloudFormation's 51,200 bytes for TemplateBody: the template then
      // shows in this stack's own diff. A larger one (ENI profiles, many clusters) goes by URL,
      // as a file asset of this stack, which the CDK CLI publishes to this account's bootstrap
      // bucket; members still publish nothing.
      if (target.template().bytes() <= MemberTemplate.TEMPLATE_BODY_MAX_BYTES) {
        stackSet.setTemplateBody(target.template().json());
      } else {
        stackSet.setTemplateUrl(templateAsset(target).getHttpUrl());
      }
      CfnOutput.Builder.create(this, target.name() + "Id")
          .description("The StackSet's id, for aws cloudformation list-stack-instances")
          .value(stackSet.getAttrStackSetId())
          .build();
    }
  }

  private Asset templateAsset(Target target) {
    try {
      Path file = Files.createTempFile("member-" + target.name() + "-", ".template.json");
      file.toFile().deleteOnExit();
      Files.writeString(file, target.template().json(), StandardCharsets.UTF_8);
      return Asset.Builder.create(this, target.name() + "Template").path(file.toString()).build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
