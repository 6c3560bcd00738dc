package io.github.eksnoderemediator.infra.constructs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import software.amazon.awscdk.services.iam.PolicyStatement;

/** How big an inline policy is as IAM counts it, so the app can refuse one IAM would reject. */
final class PolicySize {
  /**
   * IAM allows 10,240 characters (whitespace excluded) for all inline policies of a role. The
   * statements a role construct builds may use this much; the grants CDK adds to the same role (the
   * function's log group, the failure queue, the permissions check's log group, and the intake
   * queue's event source) take the rest.
   */
  static final int BUDGET = 10_240 - 1_200;

  /** The longest ARN prefix a partition, Region and account can produce, to size the policy. */
  static final String LONGEST_ARN_PREFIX = "arn:aws-iso-b:ec2:us-isob-east-1:123456789012:";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private PolicySize() {}

  /** The policy's size: its JSON without whitespace. */
  static int of(List<PolicyStatement> statements) {
    int size = "{\"Version\":\"2012-10-17\",\"Statement\":[]}".length();
    for (PolicyStatement s : statements) {
      try {
        size += MAPPER.writeValueAsString(s.toStatementJson()).replaceAll("\\s", "").length() + 1;
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("cannot measure an IAM statement", e);
      }
    }
    return size;
  }
}
