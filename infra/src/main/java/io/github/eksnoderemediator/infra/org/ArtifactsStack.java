package io.github.eksnoderemediator.infra.org;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import io.github.eksnoderemediator.infra.constructs.CheckovSkips;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.iam.AnyPrincipal;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.ObjectOwnership;
import software.constructs.Construct;

/**
 * One Region's artifact bucket, in the management or delegated-admin account: versioned, private,
 * TLS only, S3-managed encryption, and readable by the organization's principals under the jar
 * prefix only. Lambda reads function code from a bucket in the function's own Region (the bucket
 * may be in another account), so every deployed Region has one.
 */
public final class ArtifactsStack extends Stack {

  /**
   * @param props the Region's environment
   * @param organization names the bucket and the organization allowed to read
   */
  public ArtifactsStack(
      Construct scope,
      String id,
      StackProps props,
      OrganizationSettings organization,
      String region) {
    super(scope, id, props);
    Bucket bucket =
        Bucket.Builder.create(this, "Bucket")
            .bucketName(organization.bucketName(region))
            .versioned(true)
            .enforceSsl(true)
            .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
            .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
            // SSE-S3, not SSE-KMS: a member's CloudFormation reads the jar through Lambda, and a
            // KMS key would need a key policy for every account besides the bucket policy.
            .encryption(BucketEncryption.S3_MANAGED)
            // Members' functions were created from these objects; deleting the stack must not
            // take away the only copy a rollback would need.
            .removalPolicy(RemovalPolicy.RETAIN)
            .build();
    // Members' CloudFormation (the StackSet execution role) calls Lambda's CreateFunction and
    // UpdateFunctionCode, and Lambda fetches the object with the caller's permissions: every
    // principal of the organization may read the jars, nothing else in the bucket, no one else.
    bucket.addToResourcePolicy(
        PolicyStatement.Builder.create()
            .sid("OrganizationReadsFunctionJars")
            .effect(Effect.ALLOW)
            .principals(List.of(new AnyPrincipal()))
            .actions(List.of("s3:GetObject", "s3:GetObjectVersion"))
            .resources(List.of(bucket.arnForObjects(OrganizationSettings.JAR_KEY_PREFIX + "*")))
            .conditions(
                Map.of("StringEquals", Map.of("aws:PrincipalOrgID", organization.organizationId())))
            .build());
    NagSuppressions.addResourceSuppressions(
        bucket,
        List.of(
            NagPackSuppression.builder()
                .id("AwsSolutions-S1")
                .reason(
                    "holds only release jars written by ./dev upload and read at deployment;"
                        + " CloudTrail (management and, if wanted, S3 data events) records who"
                        + " wrote and read them, without a second bucket for access logs")
                .build()),
        true);
    CheckovSkips.skip(bucket, CheckovSkips.ARTIFACT_BUCKET_LOGS);
    CfnOutput.Builder.create(this, "BucketName")
        .description("./dev upload puts the function jar here")
        .value(bucket.getBucketName())
        .build();
  }
}
