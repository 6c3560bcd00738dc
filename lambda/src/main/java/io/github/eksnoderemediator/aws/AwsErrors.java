package io.github.eksnoderemediator.aws;

import io.github.eksnoderemediator.port.DryRunAnswer;
import io.github.eksnoderemediator.port.Ec2CallException;
import io.github.eksnoderemediator.port.Ec2CallException.Kind;
import io.github.eksnoderemediator.port.FindingsGateway;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The one place that classifies AWS errors, by error code (never by message text). Codes are from
 * the EC2 API Reference, "Error codes for the Amazon EC2 API".
 */
public final class AwsErrors {
  static final String INSTANCE_NOT_FOUND = "InvalidInstanceID.NotFound";

  /** A resource EC2 does not show (yet): eventual consistency right after creation, or gone. */
  private static final Set<String> NOT_FOUND =
      Set.of(
          INSTANCE_NOT_FOUND,
          "InvalidNetworkInterfaceID.NotFound",
          "InvalidAttachmentID.NotFound",
          "InvalidSubnetID.NotFound",
          "InvalidGroup.NotFound");

  /**
   * Someone else got there first: the interface is attached already, or the client token was used
   * with other parameters. (An index already in use comes back as the generic {@code
   * InvalidParameterValue}, so it stays an invalid request here; the ENI reconciler reads the
   * instance again to see whether the slot was taken.)
   */
  private static final Set<String> CONFLICT =
      Set.of("InvalidNetworkInterface.InUse", "IdempotentParameterMismatch");

  private static final Set<String> TEMPLATE_NOT_FOUND =
      Set.of(
          "InvalidLaunchTemplateId.NotFound",
          "InvalidLaunchTemplateName.NotFoundException",
          "InvalidLaunchTemplateId.VersionNotFound",
          "InvalidLaunchTemplateId.Malformed");
  private static final Set<String> INCORRECT_STATE =
      Set.of("IncorrectInstanceState", "IncorrectState");
  private static final Set<String> UNAUTHORIZED =
      Set.of("UnauthorizedOperation", "AccessDenied", "AccessDeniedException", "AuthFailure");

  private static final String DRY_RUN_OPERATION = "DryRunOperation";

  /**
   * Security Hub's answer to any findings call in an account and Region where it is not enabled
   * ("Account ... is not subscribed to AWS Security Hub"; Security Hub API Reference, "Common
   * errors": InvalidAccessException, HTTP 401).
   */
  static final String SECURITY_HUB_NOT_ENABLED = "InvalidAccessException";

  private AwsErrors() {}

  /**
   * What a request sent with {@code DryRun=true} was answered: EC2 answers {@code DryRunOperation}
   * when the caller may make it, {@code UnauthorizedOperation} when not (EC2 API Reference,
   * "DryRun").
   */
  public static DryRunAnswer dryRun(SdkException e) {
    Ec2CallException c = classify(e);
    DryRunAnswer.Outcome outcome =
        DRY_RUN_OPERATION.equals(c.errorCode())
            ? DryRunAnswer.Outcome.ALLOWED
            : c.kind() == Kind.UNAUTHORIZED
                ? DryRunAnswer.Outcome.REFUSED
                : DryRunAnswer.Outcome.OTHER;
    return new DryRunAnswer(outcome, c.errorCode(), c.getMessage());
  }

  /**
   * A failed Security Hub call: {@link FindingsGateway.NotEnabledException} when Security Hub is
   * not enabled here, otherwise classified as any other call.
   */
  public static RuntimeException securityHub(SdkException e) {
    if (e instanceof AwsServiceException service
        && service.awsErrorDetails() != null
        && SECURITY_HUB_NOT_ENABLED.equals(service.awsErrorDetails().errorCode())) {
      return new FindingsGateway.NotEnabledException(
          oneLine(service.awsErrorDetails().errorMessage()), e);
    }
    return classify(e);
  }

  /** Maps what the SDK threw, after its own retries, to what the caller can do about it. */
  public static Ec2CallException classify(SdkException e) {
    if (!(e instanceof AwsServiceException service) || service.awsErrorDetails() == null) {
      // No answer from the service: I/O failure, timeout, or the SDK gave up on retries.
      return new Ec2CallException(Kind.UNAVAILABLE, "ClientError", oneLine(e.getMessage()), e);
    }
    String code = String.valueOf(service.awsErrorDetails().errorCode());
    String message = oneLine(service.awsErrorDetails().errorMessage());
    Kind kind;
    if (NOT_FOUND.contains(code) || TEMPLATE_NOT_FOUND.contains(code)) {
      kind = Kind.NOT_FOUND;
    } else if (CONFLICT.contains(code)) {
      kind = Kind.CONFLICT;
    } else if (INCORRECT_STATE.contains(code)) {
      kind = Kind.INCORRECT_STATE;
    } else if (UNAUTHORIZED.contains(code)) {
      kind = Kind.UNAUTHORIZED;
    } else if (service.isThrottlingException()) {
      kind = Kind.THROTTLED;
    } else if (service.statusCode() >= 500) {
      kind = Kind.UNAVAILABLE;
    } else {
      kind = Kind.INVALID_REQUEST;
    }
    return new Ec2CallException(kind, code, message, e);
  }

  private static String oneLine(String text) {
    return text == null ? "" : text.replaceAll("\\s+", " ").trim();
  }
}
