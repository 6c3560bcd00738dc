package io.github.eksnoderemediator.infra.release;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The bundle's README.md: the exact commands, what the template creates (read from the template
 * itself, so it cannot drift), the IAM it asks for, how to update and remove the stack.
 */
final class BundleReadme {
  private BundleReadme() {}

  static String text(String version, String key, JsonNode template, List<String> capabilities) {
    StringBuilder md = new StringBuilder();
    String stack = ReleaseBundle.STACK_NAME;
    md.append("# EKS Node Remediator ").append(version).append(": release bundle\n\n");
    md.append(
        """
        Everything needed to deploy EKS Node Remediator into one AWS account and Region with the
        AWS CLI (v2, or v1) and nothing else: no JDK, Maven, Node.js or CDK bootstrap. The stack is
        the one `cdk deploy` would create from the same configuration (`config.json`, baked into
        the template: the IAM roles are derived from it).

        | file | what |
        |---|---|
        | `remediator.jar` | the function code |
        | `template.json` | the CloudFormation template; the jar's location is its only parameters |
        | `deploy.sh` | uploads the jar to your bucket and deploys the template |
        | `config.json` | the configuration baked in |
        | `SHA256SUMS` | the digests of the other files |

        ## Deploy

        You need: credentials that may create CloudFormation stacks with IAM roles, the Region in
        `AWS_REGION` (or your profile), and an S3 bucket in that Region **with versioning on**
        (the functions run the exact object version that was uploaded). For the launch rule, a
        CloudTrail trail with management events in the Region; without one, the state-change rule
        alone still hardens every node.

        ```sh
        sha256sum -c SHA256SUMS                  # the files are what was built
        export AWS_REGION=eu-west-1              # or AWS_PROFILE=... with a Region
        # once, if you have no versioned bucket yet (bucket names are global: pick your own):
        aws s3api create-bucket --bucket my-remediator-artifacts \\
          --create-bucket-configuration LocationConstraint=$AWS_REGION
        aws s3api put-bucket-versioning --bucket my-remediator-artifacts \\
          --versioning-configuration Status=Enabled
        ./deploy.sh my-remediator-artifacts      # or: ./deploy.sh BUCKET STACK_NAME
        ```

        (In us-east-1, leave out `--create-bucket-configuration`.) `deploy.sh` refuses a bucket
        without versioning, uploads `remediator.jar` to
        """);
    md.append("`s3://BUCKET/").append(key).append("`");
    md.append(
        """
         (skipped when that object is already there), runs `aws cloudformation deploy` with the
        object version and the capabilities below, and prints the stack outputs and the next step.
        The same, by hand:

        ```sh
        VERSION=$(aws s3api put-object --bucket BUCKET --key\
        """);
    md.append(" ").append(key);
    md.append(
        """
         \\
          --body remediator.jar --query VersionId --output text)
        aws cloudformation deploy --stack-name\
        """);
    md.append(" ").append(stack);
    md.append(
        """
         --template-file template.json \\
          --s3-bucket BUCKET --parameter-overrides ArtifactBucket=BUCKET \\
        """);
    md.append("  ArtifactKey=").append(key).append(" \\\n");
    md.append("  ArtifactObjectVersion=$VERSION --capabilities ")
        .append(String.join(" ", capabilities))
        .append('\n');
    md.append("```\n\n");
    md.append(
        """
        The stack runs the same deploy-time permissions check as `cdk deploy`: a custom resource
        (`Custom::PermissionsCheck`) served by a check function from the same jar, running as each
        function's own role, proves the role with EC2 dry runs and **fails the deployment** when it
        cannot do its job or reaches out of scope (CloudFormation then rolls back). Set
        `checkPermissionsOnDeploy` to `false` in the configuration to leave it out and run the
        check by hand instead:

        ```sh
        aws lambda invoke --function-name <ImdsAliasArn> --cli-binary-format raw-in-base64-out \\
          --payload '{"check": "permissions"}' report.json && cat report.json
        ```

        (AWS CLI v1: leave out `--cli-binary-format raw-in-base64-out`.)

        ## What the template creates

        """);
    Map<String, Integer> byType = new TreeMap<>();
    template.path("Resources").forEach(r -> byType.merge(r.path("Type").asText(), 1, Integer::sum));
    md.append("| resource type | count |\n|---|---|\n");
    byType.forEach(
        (type, n) -> md.append("| `").append(type).append("` | ").append(n).append(" |\n"));
    md.append("\nStack outputs: ");
    List<String> outputs = new java.util.ArrayList<>();
    template.path("Outputs").fieldNames().forEachRemaining(o -> outputs.add("`" + o + "`"));
    md.append(String.join(", ", outputs)).append(".\n\n");

    md.append("## The IAM it asks for\n\n");
    md.append("Capabilities: `")
        .append(String.join(" ", capabilities))
        .append(
            "` (it creates IAM roles; none has a fixed name). Each role, with the actions its"
                + " policies allow (conditions and resources: `template.json`, and docs/iam.md in"
                + " the repository):\n\n");
    md.append("| role | assumed by | actions |\n|---|---|---|\n");
    Map<String, Set<String>> actions = new TreeMap<>();
    template
        .path("Resources")
        .fields()
        .forEachRemaining(
            e -> {
              JsonNode r = e.getValue();
              if (r.path("Type").asText().equals("AWS::IAM::Role")) {
                actions.computeIfAbsent(e.getKey(), k -> new TreeSet<>());
                r.path("Properties")
                    .path("Policies")
                    .forEach(p -> addActions(p.path("PolicyDocument"), actions.get(e.getKey())));
              }
            });
    template
        .path("Resources")
        .forEach(
            r -> {
              String type = r.path("Type").asText();
              if (type.equals("AWS::IAM::Policy") || type.equals("AWS::IAM::ManagedPolicy")) {
                JsonNode roles = r.path("Properties").path("Roles");
                roles.forEach(
                    role -> {
                      String name = role.path("Ref").asText();
                      if (actions.containsKey(name)) {
                        addActions(r.path("Properties").path("PolicyDocument"), actions.get(name));
                      }
                    });
              }
            });
    actions.forEach(
        (role, allowed) -> {
          Set<String> principals = new TreeSet<>();
          template
              .path("Resources")
              .path(role)
              .path("Properties")
              .path("AssumeRolePolicyDocument")
              .path("Statement")
              .forEach(
                  s ->
                      s.path("Principal").path("Service").forEach(p -> principals.add(p.asText())));
          template
              .path("Resources")
              .path(role)
              .path("Properties")
              .path("AssumeRolePolicyDocument")
              .path("Statement")
              .forEach(
                  s -> {
                    JsonNode service = s.path("Principal").path("Service");
                    if (service.isTextual()) {
                      principals.add(service.asText());
                    }
                  });
          md.append("| `")
              .append(role)
              .append("` | ")
              .append(String.join(", ", principals))
              .append(" | ")
              .append(allowed.isEmpty() ? "(none)" : "`" + String.join("`, `", allowed) + "`")
              .append(" |\n");
        });
    md.append(
        """

        Deny statements (loosening a node, nodes out of scope) are in the same policies; the
        check above proves both directions in your account.

        ## Update

        Deploy a newer bundle, or this one rebuilt with another configuration, the same way:
        `./deploy.sh BUCKET` again. A new jar gets a new key (the key holds its digest), so the
        functions publish new versions and the `live` aliases move to them. Running the same
        bundle again changes nothing.

        ## Remove

        ```sh
        aws cloudformation delete-stack --stack-name\
        """);
    md.append(" ").append(stack).append('\n');
    md.append("aws cloudformation wait stack-delete-complete --stack-name ")
        .append(stack)
        .append('\n');
    md.append(
        """
        ```

        The functions' log groups are kept (the decisions stay auditable): delete them by hand
        when no longer needed. Instances keep the metadata options they were given. The jar stays
        in your bucket until you delete it.
        """);
    return md.toString();
  }

  private static void addActions(JsonNode document, Set<String> into) {
    document
        .path("Statement")
        .forEach(
            s -> {
              if (!"Allow".equals(s.path("Effect").asText())) {
                return;
              }
              JsonNode action = s.path("Action");
              if (action.isTextual()) {
                into.add(action.asText());
              } else {
                action.forEach(a -> into.add(a.asText()));
              }
            });
  }
}
