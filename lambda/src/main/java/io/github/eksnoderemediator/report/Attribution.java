package io.github.eksnoderemediator.report;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Who made the AWS call that brought a node to the remediator, as CloudTrail recorded it: someone
 * who loosened its metadata options, or the launcher of a node that arrived weak. Every field is
 * what the event says, clipped to one short line; any may be missing.
 *
 * @param action the API call ({@code ModifyInstanceMetadataOptions}, {@code RunInstances}, ...)
 * @param principal {@code userIdentity.arn}: for an assumed role the STS session ARN, which names
 *     the session (often a person or a pod); otherwise the user's ARN, or the service that called
 * @param principalType {@code userIdentity.type} ({@code AssumedRole}, {@code IAMUser}, {@code
 *     Root}, ...)
 * @param role {@code userIdentity.sessionContext.sessionIssuer.arn}: the IAM role behind an assumed
 *     role session
 * @param sourceIp {@code sourceIPAddress}
 * @param userAgent {@code userAgent}
 * @param invokedBy {@code userIdentity.invokedBy}: an AWS service calling on the principal's behalf
 * @param eventTime {@code eventTime}
 * @param requested what the call asked for, e.g. {@code HttpTokens optional, hop limit 3}, or the
 *     launch template a launch used
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Attribution(
    String action,
    String principal,
    String principalType,
    String role,
    String sourceIp,
    String userAgent,
    String invokedBy,
    String eventTime,
    String requested) {

  /** One phrase for a reason: {@code arn:aws:iam::…:user/alice from 198.51.100.7 (aws-cli/2…)}. */
  public String describe() {
    StringBuilder s = new StringBuilder(principal == null ? "an unknown principal" : principal);
    if (sourceIp != null) {
      s.append(" from ").append(sourceIp);
    }
    if (userAgent != null && !userAgent.equals(sourceIp)) {
      s.append(" (").append(userAgent).append(")");
    }
    return s.toString();
  }
}
