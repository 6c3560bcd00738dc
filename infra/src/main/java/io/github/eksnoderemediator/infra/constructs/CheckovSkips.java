package io.github.eksnoderemediator.infra.constructs;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.CfnResource;
import software.constructs.IConstruct;

/**
 * The Checkov checks this stack does not follow, each with the reason, in one place so a reviewer
 * reads them together (as {@link NagReasons} does for cdk-nag). A skip is written into the
 * resource's CloudFormation {@code Metadata} as {@code {"checkov": {"skip": [{"id", "comment"}]}}},
 * where Checkov reads it; infra's CheckovIT fails on any failed check without one, and
 * docs/iam.md's table lists every skip and its reason (CheckovIT keeps the two equal).
 */
public final class CheckovSkips {
  private CheckovSkips() {}

  /** One skipped check and the one-line reason written beside it. */
  public record Skip(String id, String comment) {}

  static final Skip FUNCTION_VPC =
      new Skip(
          "CKV_AWS_117",
          "calls only AWS APIs over their public endpoints and reaches nothing private: a VPC"
              + " would add NAT or endpoints, not protection");

  static final Skip FUNCTION_DLQ =
      new Skip(
          "CKV_AWS_116",
          "failed asynchronous events go to the failure queue (the live alias's on-failure"
              + " destination), failed queue batches to the launch queue's dead-letter queue");

  static final Skip DEPLOY_TIME_DLQ =
      new Skip(
          "CKV_AWS_116",
          "invoked synchronously during a deployment, which its failure fails: there is no"
              + " asynchronous event to keep");

  static final Skip DEPLOY_TIME_CONCURRENCY =
      new Skip(
          "CKV_AWS_115",
          "runs once per deployment: a reservation would take from the account's unreserved pool"
              + " for good");

  static final Skip NO_RESERVATION =
      new Skip(
          "CKV_AWS_115",
          "reservedConcurrency is false in remediator-deployment: the account's concurrency quota"
              + " leaves none to reserve");

  static final Skip ENVIRONMENT =
      new Skip(
          "CKV_AWS_173",
          "the variables hold the remediator configuration and JVM flags, no secret; Lambda"
              + " encrypts them at rest with its own key");

  static final Skip LOG_GROUP =
      new Skip(
          "CKV_AWS_158",
          "CloudWatch Logs encrypts every log group at rest; the log holds decisions about"
              + " instances, no secret, and a KMS key would need a key policy for the Logs service");

  static final Skip QUEUE =
      new Skip(
          "CKV_AWS_27",
          "encrypted with SQS-managed keys (SqsManagedSseEnabled), which this check does not read;"
              + " a KMS key would need a key policy for EventBridge and Lambda");

  static final Skip TOPIC =
      new Skip(
          "CKV_AWS_26",
          "alarm notifications carry alarm names and states only; CloudWatch can publish to an"
              + " encrypted topic only with a customer managed key whose policy lets it");

  /** The organization's artifact buckets (org/ArtifactsStack); the reason cdk-nag's S1 has too. */
  public static final Skip ARTIFACT_BUCKET_LOGS =
      new Skip(
          "CKV_AWS_18",
          "holds only release jars written by ./dev upload and read at deployment; CloudTrail"
              + " records who wrote and read them, without a second bucket for access logs");

  /**
   * Writes the skips into {@code resource}'s Metadata: a CloudFormation resource itself, or an L2
   * construct whose default child is one. Replaces any skips written before.
   */
  public static void skip(IConstruct resource, Skip... skips) {
    CfnResource cfn =
        resource instanceof CfnResource r ? r : (CfnResource) resource.getNode().getDefaultChild();
    // Ordered maps: the template's bytes must not depend on hash order.
    List<Map<String, String>> entries =
        List.of(skips).stream()
            .map(
                s -> {
                  Map<String, String> entry = new LinkedHashMap<>();
                  entry.put("id", s.id());
                  entry.put("comment", s.comment());
                  return entry;
                })
            .toList();
    Map<String, Object> checkov = new LinkedHashMap<>();
    checkov.put("skip", entries);
    cfn.addMetadata("checkov", checkov);
  }
}
