package io.github.eksnoderemediator.infra.release;

import java.util.List;

/**
 * The bundle's deploy.sh: POSIX sh and the AWS CLI, nothing else (no coreutils: it is run in tests
 * with a PATH that holds only {@code aws}). Only flags that AWS CLI v1 and v2 both accept.
 */
final class DeployScript {
  private DeployScript() {}

  static String text(String version, String key, String jarSha256, List<String> capabilities) {
    return TEMPLATE
        .replace("@VERSION@", version)
        .replace("@KEY@", key)
        .replace("@SHA256@", jarSha256)
        .replace("@STACK@", ReleaseBundle.STACK_NAME)
        .replace("@CAPABILITIES@", String.join(" ", capabilities))
        .replace("@BUCKET_PARAMETER@", ReleaseTemplate.BUCKET)
        .replace("@KEY_PARAMETER@", ReleaseTemplate.KEY)
        .replace("@VERSION_PARAMETER@", ReleaseTemplate.VERSION);
  }

  private static final String TEMPLATE =
      """
      #!/bin/sh
      # EKS Node Remediator @VERSION@: deploys template.json into one account and Region with the
      # AWS CLI (v2, or v1) and nothing else. Run it from anywhere:
      #
      #   ./deploy.sh BUCKET [STACK_NAME]
      #
      # BUCKET is an S3 bucket of yours in the Region you deploy to, with versioning on: the jar is
      # uploaded there and the functions run exactly that object version. STACK_NAME defaults to
      # @STACK@. Credentials and Region are the AWS CLI's usual (AWS_PROFILE, AWS_REGION, ...).
      # Running it again with the same bundle changes nothing; with a new bundle it updates the stack.
      set -eu

      case "$0" in */*) cd "${0%/*}" ;; esac
      if [ "$#" -lt 1 ] || [ "$#" -gt 2 ]; then
        echo "usage: ./deploy.sh BUCKET [STACK_NAME]" >&2
        exit 2
      fi
      bucket=$1
      stack=${2:-@STACK@}
      key='@KEY@'
      sha256='@SHA256@'
      # AWS CLI v2 pages long output through less; this script's output is a log, not a pager.
      AWS_PAGER=''
      export AWS_PAGER

      if ! command -v aws >/dev/null 2>&1; then
        echo "deploy.sh: needs the AWS CLI (aws) on PATH" >&2
        exit 1
      fi
      if ! status=$(aws s3api get-bucket-versioning --bucket "$bucket" --query Status --output text); then
        echo "deploy.sh: cannot read the versioning of s3://$bucket (see the AWS CLI's error above)" >&2
        exit 1
      fi
      if [ "$status" != "Enabled" ]; then
        echo "deploy.sh: s3://$bucket is not versioned; the stack runs the jar by object version. Turn it on: aws s3api put-bucket-versioning --bucket $bucket --versioning-configuration Status=Enabled" >&2
        exit 1
      fi

      # The key holds the jar's digest: an object already there with that digest is this jar.
      version=
      if found=$(aws s3api head-object --bucket "$bucket" --key "$key" \\
          --query '[Metadata.sha256, VersionId]' --output text 2>/dev/null); then
        found_sha256=${found%%[[:space:]]*}
        if [ "$found_sha256" = "$sha256" ]; then
          version=${found##*[[:space:]]}
          echo "remediator.jar is already at s3://$bucket/$key (version $version)"
        fi
      fi
      if [ -z "$version" ]; then
        echo "uploading remediator.jar to s3://$bucket/$key"
        version=$(aws s3api put-object --bucket "$bucket" --key "$key" --body remediator.jar \\
          --metadata "sha256=$sha256" --query VersionId --output text)
      fi
      if [ -z "$version" ] || [ "$version" = "None" ] || [ "$version" = "null" ]; then
        echo "deploy.sh: S3 returned no object version for s3://$bucket/$key; is versioning on?" >&2
        exit 1
      fi

      # template.json is larger than CloudFormation takes inline: deploy puts it into the same bucket.
      aws cloudformation deploy \\
        --stack-name "$stack" \\
        --template-file template.json \\
        --s3-bucket "$bucket" \\
        --s3-prefix "eks-node-remediator/@VERSION@/templates" \\
        --parameter-overrides "@BUCKET_PARAMETER@=$bucket" "@KEY_PARAMETER@=$key" "@VERSION_PARAMETER@=$version" \\
        --capabilities @CAPABILITIES@ \\
        --no-fail-on-empty-changeset

      aws cloudformation describe-stacks --stack-name "$stack" \\
        --query 'Stacks[0].Outputs[].[OutputKey,OutputValue]' --output text

      echo
      echo "Next step, verify it: the IMDS function proves its own role with EC2 dry runs."
      echo "  aws lambda invoke --function-name <ImdsAliasArn above> --cli-binary-format raw-in-base64-out --payload '{\\"check\\": \\"permissions\\"}' report.json"
      echo "  (AWS CLI v1: leave out --cli-binary-format raw-in-base64-out)"
      echo "With Java 21 or newer, check every path (rules, trail, queues, aliases, the sweep, both roles):"
      echo "  java -jar remediator.jar verify --stack-name $stack"
      """;
}
