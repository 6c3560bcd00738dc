package io.github.eksnoderemediator.infra.constructs;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.List;
import software.constructs.Construct;

/**
 * The cdk-nag findings this stack accepts, each with the reason, in one place so a reviewer reads
 * them together. Anything not listed here fails the synth (RemediatorApp adds the checks).
 */
final class NagReasons {
  private NagReasons() {}

  /** The EC2 and EKS ARN patterns the roles use; each is narrowed by conditions or is read-only. */
  static final String INSTANCES =
      "Resource::arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:instance/*";

  static void lambdaRuntime(Construct function) {
    suppress(
        function,
        "AwsSolutions-L1",
        "java21 is deliberate: the code is compiled with --release 21 and tested on it; moving to"
            + " java25 is a toolchain decision, not a setting",
        List.of());
  }

  static void imdsRole(Construct permissions) {
    suppress(
        permissions,
        "AwsSolutions-IAM5",
        "Resource * only for read-only calls without resource-level permissions"
            + " (DescribeInstances, DescribeLaunchTemplateVersions, GetInstanceMetadataDefaults,"
            + " ListClusters); instance/* only for ModifyInstanceMetadataOptions under EKS"
            + " cluster-tag conditions, with explicit Denies for the opt-out tag and for any"
            + " non-hardening value being set (docs/iam.md); EKS cluster/* and nodegroup/*/*/* only"
            + " for read-only"
            + " describes of the drift report",
        List.of(
            "Resource::*",
            INSTANCES,
            "Resource::arn:<AWS::Partition>:eks:<AWS::Region>:<AWS::AccountId>:cluster/*",
            "Resource::arn:<AWS::Partition>:eks:<AWS::Region>:<AWS::AccountId>:nodegroup/*/*/*"));
  }

  static void eniRole(Construct permissions) {
    suppress(
        permissions,
        "AwsSolutions-IAM5",
        "Resource * only for read-only describes without resource-level permissions;"
            + " network-interface/* only with the ownership tag as a request-tag (create) or"
            + " resource-tag (attach, modify, detach, delete) condition; instance/* only under EKS"
            + " cluster-tag conditions; subnet/* only under the profiles' subnet tag conditions and"
            + " security-group/* only when a profile names groups by name, which IAM cannot"
            + " express (docs/iam.md)",
        List.of(
            "Resource::*",
            INSTANCES,
            "Resource::arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:network-interface/*",
            "Resource::arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:subnet/*",
            "Resource::arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:security-group/*"));
  }

  static void canaryRole(Construct canary) {
    String ec2 = "Resource::arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:";
    suppress(
        canary,
        "AwsSolutions-IAM5",
        "Resource * only for read-only calls without resource-level permissions; RunInstances on"
            + " instance/* and volume/* only with the canary tags as request tags and the"
            + " configured types, network-interface/* only in the configured subnet, image/* only"
            + " Amazon's; Modify and Terminate on instance/* only with the canary tags; the"
            + " stack's own queues and the public AMI parameters read only (docs/deploy.md)",
        List.of(
            "Resource::*",
            INSTANCES,
            ec2 + "volume/*",
            ec2 + "network-interface/*",
            ec2 + "security-group/*",
            "Resource::arn:<AWS::Partition>:ec2:<AWS::Region>::image/*",
            "Resource::arn:<AWS::Partition>:sqs:<AWS::Region>:<AWS::AccountId>:<AWS::StackName>-*",
            "Resource::arn:<AWS::Partition>:ssm:<AWS::Region>::parameter/aws/service/"
                + "ami-amazon-linux-latest/*",
            "Resource::<ImdsLogsF0E5DA1B.Arn>:*"));
  }

  static void failureQueue(Construct queue) {
    suppress(
        queue,
        "AwsSolutions-SQS3",
        "this queue is the destination of last resort (Lambda's on-failure destination and"
            + " EventBridge's dead-letter queue); a dead-letter queue behind it would only move the"
            + " same messages, and its alarm fires on the first one",
        List.of());
  }

  static void deadLetterQueue(Construct queue) {
    suppress(
        queue,
        "AwsSolutions-SQS3",
        "this is the dead-letter queue of a launch queue; its alarm fires on the first message and"
            + " the runbook redrives it (docs/runbook.md)",
        List.of());
  }

  private static void suppress(Construct scope, String id, String reason, List<String> appliesTo) {
    NagPackSuppression.Builder suppression = NagPackSuppression.builder().id(id).reason(reason);
    if (!appliesTo.isEmpty()) {
      suppression.appliesTo(List.copyOf(appliesTo));
    }
    NagSuppressions.addResourceSuppressions(scope, List.of(suppression.build()), true);
  }
}
