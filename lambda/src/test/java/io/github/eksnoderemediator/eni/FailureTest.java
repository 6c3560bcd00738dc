package io.github.eksnoderemediator.eni;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.eksnoderemediator.port.Ec2CallException;
import io.github.eksnoderemediator.port.Ec2CallException.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The one retry rule behind every {@code retryable} in an ENI report. */
class FailureTest {
  @ParameterizedTest
  @EnumSource(Kind.class)
  void anEc2Error_isRetryableExactlyWhenItsErrorClassIs(Kind kind) {
    Failure f = Failure.ec2("attach", new Ec2CallException(kind, "Code", "message", null));

    assertThat(f.retryable()).isEqualTo(kind.retryable());
    assertThat(f.reason()).isEqualTo("attach: Code: message");
  }

  @Test
  void whatDidNotFinishInTime_isRetryable_whatThePlannerRefuses_isNot() {
    assertThat(new Failure.Unsettled("still attaching").retryable()).isTrue();
    assertThat(new Failure.Refused("slot taken").retryable()).isFalse();
  }

  @Test
  void because_keepsTheKind_andReplacesTheSentence() {
    Failure f = new Failure.Ec2Error("x", Kind.UNAUTHORIZED).because("created; then x");

    assertThat(f).isEqualTo(new Failure.Ec2Error("created; then x", Kind.UNAUTHORIZED));
    assertThat(new Failure.Refused("a").because("b")).isEqualTo(new Failure.Refused("b"));
    assertThat(new Failure.Unsettled("a").because("b")).isEqualTo(new Failure.Unsettled("b"));
  }
}
