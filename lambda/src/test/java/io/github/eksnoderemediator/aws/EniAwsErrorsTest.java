package io.github.eksnoderemediator.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.eksnoderemediator.port.Ec2CallException;
import io.github.eksnoderemediator.port.Ec2CallException.Kind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;

/** The ENI error codes, classified by code only (the message says the opposite on purpose). */
class EniAwsErrorsTest {
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "InvalidInstanceID.NotFound, NOT_FOUND, true",
    "InvalidNetworkInterfaceID.NotFound, NOT_FOUND, true",
    "InvalidAttachmentID.NotFound, NOT_FOUND, true",
    "InvalidNetworkInterface.InUse, CONFLICT, true",
    "IdempotentParameterMismatch, CONFLICT, true",
    "IncorrectInstanceState, INCORRECT_STATE, true",
    "InvalidParameterValue, INVALID_REQUEST, false",
    "AttachmentLimitExceeded, INVALID_REQUEST, false",
    "UnauthorizedOperation, UNAUTHORIZED, false"
  })
  void classify_readsTheErrorCode(String code, Kind kind, boolean retryable) {
    Ec2CallException e =
        AwsErrors.classify(
            Ec2Exception.builder()
                .statusCode(400)
                .awsErrorDetails(
                    AwsErrorDetails.builder()
                        .errorCode(code)
                        .errorMessage("InvalidNetworkInterfaceID.NotFound throttled in use")
                        .build())
                .build());

    assertThat(e.kind()).isEqualTo(kind);
    assertThat(e.errorCode()).isEqualTo(code);
    assertThat(e.retryable()).isEqualTo(retryable);
  }
}
