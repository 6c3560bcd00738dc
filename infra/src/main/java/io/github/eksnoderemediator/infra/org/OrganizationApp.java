package io.github.eksnoderemediator.infra.org;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagPackProps;
import io.github.eksnoderemediator.config.ConfigException;
import io.github.eksnoderemediator.infra.AppSettings;
import io.github.eksnoderemediator.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.StackProps;

/**
 * The organization deployment, for the management account or a delegated StackSets administrator
 * (infra/org-app.sh, {@code ./dev cdk-org}): an artifact bucket per Region and the StackSets that
 * deploy the member stack to the chosen OUs and Regions. Remediation itself stays in each member
 * account and Region. A wrong configuration ends it with one line on stderr and exit code 1.
 */
public final class OrganizationApp {
  public static final String STACK_SETS_STACK = "EksNodeRemediatorStackSets";
  public static final String ARTIFACTS_STACK_PREFIX = "EksNodeRemediatorArtifacts-";

  private OrganizationApp() {}

  public static void main(String[] args) {
    App app = new App();
    try {
      Stacks stacks = stacks(app);
      if (stacks.stackSets().isEmpty()) {
        System.err.println(
            "note: no functionJar in "
                + OrganizationSettings.WHERE
                + " yet, so only the artifact stacks are synthesized; deploy them, run ./dev"
                + " upload, and add what it prints");
      }
    } catch (ConfigException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(1);
    }
    app.synth();
  }

  /**
   * What the app adds: the artifact stacks by Region, and the StackSets stack once a jar has been
   * uploaded.
   */
  public record Stacks(List<ArtifactsStack> artifacts, Optional<StackSetStack> stackSets) {}

  /**
   * Validates the app's context and adds the stacks, as {@link #main} does.
   *
   * @throws ConfigException when the context is wrong
   */
  public static Stacks stacks(App app) {
    Object organizationContext = app.getNode().tryGetContext(OrganizationSettings.KEY);
    if (organizationContext == null) {
      throw ConfigException.of(
          OrganizationSettings.WHERE
              + " is missing: the organization app needs it (docs/organization.md)");
    }
    OrganizationSettings organization =
        OrganizationSettings.parse(compactJson(organizationContext));
    Object remediatorContext = app.getNode().tryGetContext(AppSettings.REMEDIATOR_KEY);
    Object deploymentContext = app.getNode().tryGetContext(AppSettings.DEPLOYMENT_KEY);
    AppSettings base = AppSettings.fromContext(remediatorContext, deploymentContext);

    List<ArtifactsStack> artifacts = new ArrayList<>();
    for (String region : organization.regions()) {
      artifacts.add(
          new ArtifactsStack(
              app,
              ARTIFACTS_STACK_PREFIX + region,
              StackProps.builder()
                  .env(Environment.builder().region(region).build())
                  .description(
                      "EKS Node Remediator: the function jar for the organization's " + region)
                  .build(),
              organization,
              region));
    }

    Optional<StackSetStack> stackSets =
        organization
            .functionJar()
            .map(
                jar -> {
                  List<StackSetStack.Target> targets = new ArrayList<>();
                  targets.add(
                      new StackSetStack.Target(
                          organization.stackSetName(),
                          MemberTemplate.synthesize(base, organization, jar),
                          organization.organizationalUnits()));
                  for (int i = 0; i < organization.overrides().size(); i++) {
                    OrganizationSettings.Override override = organization.overrides().get(i);
                    AppSettings merged = overrideSettings(base, override, i, deploymentContext);
                    targets.add(
                        new StackSetStack.Target(
                            organization.stackSetName() + "-" + override.name(),
                            MemberTemplate.synthesize(merged, organization, jar),
                            override.organizationalUnits()));
                  }
                  return new StackSetStack(
                      app,
                      STACK_SETS_STACK,
                      StackProps.builder()
                          .env(Environment.builder().region(organization.homeRegion()).build())
                          .description(
                              "EKS Node Remediator: StackSets that deploy it across the organization")
                          .build(),
                      organization,
                      targets);
                });
    // The central view (docs/central-view.md) is not one of these stacks: it belongs in the
    // security account and is deployed with that account's credentials (infra/central-view-app.sh);
    // members reach it through remediator-deployment.centralEventBusArn.

    Aspects.of(app).add(new AwsSolutionsChecks(NagPackProps.builder().verbose(true).build()));
    return new Stacks(artifacts, stackSets);
  }

  /**
   * The base configuration with an override's merge patch applied, validated like the base: the
   * override's roles are derived from the merged configuration.
   */
  private static AppSettings overrideSettings(
      AppSettings base, OrganizationSettings.Override override, int index, Object deployment) {
    String merged =
        Json.compact(
            OrganizationSettings.mergePatch(
                Json.parse(
                    base.remediatorJson().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    "remediator"),
                override.remediatorPatch()));
    try {
      return AppSettings.fromContext(merged, deployment);
    } catch (ConfigException e) {
      throw ConfigException.of(
          OrganizationSettings.WHERE
              + " overrides["
              + index
              + "] (\""
              + override.name()
              + "\", merged over \"remediator\"): "
              + e.getMessage());
    }
  }

  private static String compactJson(Object contextValue) {
    if (contextValue instanceof String text) {
      return text;
    }
    return Json.compact(contextValue);
  }
}
