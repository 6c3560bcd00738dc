package io.github.eksnoderemediator.infra.constructs;

import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.infra.DeploymentSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awscdk.BootstraplessSynthesizer;
import software.amazon.awscdk.CfnResource;
import software.amazon.awscdk.CustomResource;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.lambda.CfnFunction;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.triggers.TriggerFunction;
import software.constructs.Construct;
import software.constructs.IConstruct;

/**
 * A function's permissions check at the end of {@code cdk deploy}: aws-cdk-lib's triggers invoke a
 * small function that runs the same code as {@code {"check": "permissions"}}, as the checked
 * function's own role, once the function and its role exist. A failed check fails the deployment
 * with the failing probes in the error, instead of a role that silently fills the failure queue. It
 * is re-run when the code changes (a new jar or configuration), not on every deploy.
 *
 * <p>In a stack that cannot publish assets (the release bundle's template), the same check runs as
 * a CloudFormation custom resource served from the function jar instead: see {@link
 * #asCustomResource}.
 */
public final class PermissionsCheck extends Construct {
  /** Enough for a few dry runs, repeated while a new role's policies propagate. */
  static final Duration TIMEOUT = Duration.minutes(5);

  static final int MEMORY = 1024;

  /**
   * @param handler the check's handler, e.g. {@code
   *     io.github.eksnoderemediator.handler.ImdsPermissionsCheckHandler::handleRequest}
   * @param role the checked function's role: the check proves exactly that role
   * @param after what must exist first (the checked function)
   */
  public PermissionsCheck(
      Construct scope,
      String id,
      RemediatorFunction.Props props,
      String handler,
      IRole role,
      Construct after) {
    super(scope, id);
    DeploymentSettings settings = props.settings();
    LogGroup logGroup =
        LogGroup.Builder.create(this, "Logs").retention(RetentionDays.ONE_MONTH).build();
    logGroup.grantWrite(role);
    CheckovSkips.skip(logGroup, CheckovSkips.LOG_GROUP);
    if (Stack.of(this).getSynthesizer() instanceof BootstraplessSynthesizer) {
      asCustomResource(props, handler, role, logGroup, after);
      return;
    }
    TriggerFunction check =
        TriggerFunction.Builder.create(this, "Function")
            .description("EKS Node Remediator: proves the function's role with EC2 dry runs")
            .runtime(Runtime.JAVA_21)
            .handler(handler)
            .code(props.code())
            .architecture(RemediatorFunction.architecture(settings))
            .memorySize(MEMORY)
            .timeout(TIMEOUT)
            .role(role)
            .logGroup(logGroup)
            .environment(Map.of(RemediatorConfig.ENV_VAR, props.configJson()))
            .executeAfter(List.of(after))
            .executeOnHandlerChange(true)
            .build();
    NagReasons.lambdaRuntime(check);
    ((CfnFunction) check.getNode().getDefaultChild()).addMetadata("cfn-lint", IGNORE_W3005);
    skipDeployTimeChecks(check, CheckovSkips.ENVIRONMENT);
    // aws-cdk-lib's trigger provider (one per stack) has the same redundant DependsOn on its role,
    // and runs at deployment only, as the check does.
    Stack.of(this).getNode().getChildren().stream()
        .filter(c -> c.getNode().getId().startsWith("AWSCDK.TriggerCustomResourceProvider"))
        .flatMap(c -> c.getNode().findAll().stream())
        .filter(
            c ->
                c instanceof CfnResource r
                    && "AWS::Lambda::Function".equals(r.getCfnResourceType()))
        .forEach(
            c -> {
              ((CfnResource) c).addMetadata("cfn-lint", IGNORE_W3005);
              skipDeployTimeChecks(c);
            });
  }

  /**
   * A function that runs once per deployment, synchronously: Checkov's reservation, dead-letter and
   * VPC checks do not apply ({@link CheckovSkips} says why), plus any {@code more}.
   */
  private static void skipDeployTimeChecks(IConstruct function, CheckovSkips.Skip... more) {
    List<CheckovSkips.Skip> skips =
        new ArrayList<>(
            List.of(
                CheckovSkips.DEPLOY_TIME_CONCURRENCY,
                CheckovSkips.DEPLOY_TIME_DLQ,
                CheckovSkips.FUNCTION_VPC));
    skips.addAll(List.of(more));
    CheckovSkips.skip(function, skips.toArray(CheckovSkips.Skip[]::new));
  }

  /** The custom resource handler in the function jar, for {@link #asCustomResource}. */
  static final String RESOURCE_HANDLER =
      "io.github.eksnoderemediator.handler.PermissionsCheckResourceHandler::handleRequest";

  /**
   * A stack that cannot publish assets (the release bundle's template, built with the bootstrapless
   * synthesizer) cannot hold aws-cdk-lib's trigger, whose provider function is an asset. The same
   * check then runs as a CloudFormation custom resource served by the check function itself, from
   * the same jar and as the same role: CloudFormation invokes it on create and update, and a failed
   * check fails the deployment as the trigger does. The function and its log group are the
   * trigger's, and so is its published version, which the custom resource names: a new jar or
   * configuration publishes a new one and runs the check again, as the trigger's handler-change
   * rule does.
   */
  private void asCustomResource(
      RemediatorFunction.Props props,
      String handler,
      IRole role,
      LogGroup logGroup,
      Construct after) {
    Function check =
        Function.Builder.create(this, "Function")
            .description("EKS Node Remediator: proves the function's role with EC2 dry runs")
            .runtime(Runtime.JAVA_21)
            .handler(RESOURCE_HANDLER)
            .code(props.code())
            .architecture(RemediatorFunction.architecture(props.settings()))
            .memorySize(MEMORY)
            .timeout(TIMEOUT)
            .role(role)
            .logGroup(logGroup)
            .environment(Map.of(RemediatorConfig.ENV_VAR, props.configJson()))
            .build();
    // Made before the suppressions below, which reach it as they reach the trigger's version.
    String version = check.getCurrentVersion().getVersion();
    NagReasons.lambdaRuntime(check);
    ((CfnFunction) check.getNode().getDefaultChild()).addMetadata("cfn-lint", IGNORE_W3005);
    skipDeployTimeChecks(check, CheckovSkips.ENVIRONMENT);
    // The trigger re-runs when the function's published version changes (a new jar or
    // configuration); naming that version here does the same for the custom resource.
    Map<String, Object> properties = new TreeMap<>();
    properties.put("CheckHandler", handler);
    properties.put("CheckFunctionVersion", version);
    CustomResource resource =
        CustomResource.Builder.create(this, "Resource")
            .resourceType("Custom::PermissionsCheck")
            .serviceToken(check.getFunctionArn())
            .serviceTimeout(TIMEOUT.plus(Duration.minutes(1)))
            .properties(properties)
            .build();
    resource.getNode().addDependency(after);
  }

  /**
   * CDK makes a function depend on its role explicitly; cfn-lint flags that as redundant with the
   * Role GetAtt. Harmless.
   */
  private static final Map<String, Object> IGNORE_W3005 =
      Map.of("config", Map.of("ignore_checks", List.of("W3005")));
}
