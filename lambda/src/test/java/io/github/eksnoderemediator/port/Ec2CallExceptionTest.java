package io.github.eksnoderemediator.port;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class Ec2CallExceptionTest {
  @Test
  void summary_isTheErrorCodeThenEc2sMessage_asEveryReportSentenceQuotesIt() {
    Ec2CallException e =
        new Ec2CallException(
            Ec2CallException.Kind.INCORRECT_STATE,
            "IncorrectInstanceState",
            "The instance is not in a valid state.",
            null);

    assertThat(e.summary())
        .isEqualTo("IncorrectInstanceState: The instance is not in a valid state.");
  }
}
