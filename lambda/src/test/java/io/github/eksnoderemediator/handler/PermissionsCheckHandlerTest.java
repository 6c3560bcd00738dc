package io.github.eksnoderemediator.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.eksnoderemediator.check.PermissionsReport;
import io.github.eksnoderemediator.check.Probe;
import io.github.eksnoderemediator.port.DryRunAnswer;
import io.github.eksnoderemediator.port.Ec2CallException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class PermissionsCheckHandlerTest {
  private static final DryRunAnswer ALLOWED =
      new DryRunAnswer(DryRunAnswer.Outcome.ALLOWED, "DryRunOperation", "ok");
  private static final DryRunAnswer REFUSED =
      new DryRunAnswer(DryRunAnswer.Outcome.REFUSED, "UnauthorizedOperation", "not allowed");

  private static PermissionsReport report(DryRunAnswer hardening) {
    return PermissionsReport.of(
        List.of(
            Probe.of(
                "harden a karpenter node of prod",
                "ModifyInstanceMetadataOptions required/2/enabled",
                "i-0123456789abcdef0",
                Probe.Expect.ALLOWED,
                hardening,
                Probe.Verdict.FAIL,
                "the role refuses the hardening.")),
        List.of());
  }

  /** Answers from a queue, counting calls; an exception in the queue is thrown. */
  private static final class Sequence implements Supplier<PermissionsReport> {
    final Deque<Object> answers = new ArrayDeque<>();
    int calls;

    Sequence(Object... answers) {
      this.answers.addAll(List.of(answers));
    }

    @Override
    public PermissionsReport get() {
      calls++;
      Object next = answers.size() > 1 ? answers.poll() : answers.peek();
      if (next instanceof RuntimeException e) {
        throw e;
      }
      return (PermissionsReport) next;
    }
  }

  private static String run(Sequence check) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new ImdsPermissionsCheckHandler(check, Duration.ZERO)
        .handleRequest(new ByteArrayInputStream("{}".getBytes(StandardCharsets.UTF_8)), out, null);
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aPassingCheck_returnsItsReport_afterOneRun() throws Exception {
    Sequence check = new Sequence(report(ALLOWED));

    assertThat(run(check)).contains("\"passed\":true");
    assertThat(check.calls).isEqualTo(1);
  }

  @Test
  void aRefusalThatClearsUp_passes_becauseANewRoleTakesAMomentToBeInForce() throws Exception {
    Sequence check = new Sequence(report(REFUSED), report(REFUSED), report(ALLOWED));

    assertThat(run(check)).contains("\"passed\":true");
    assertThat(check.calls).isEqualTo(3);
  }

  @Test
  void aRefusalThatStays_failsTheInvocation_namingTheProbe() {
    Sequence check = new Sequence(report(REFUSED));

    assertThatThrownBy(() -> run(check))
        .isInstanceOf(PermissionsCheckHandler.PermissionsCheckFailedException.class)
        .hasMessageContaining("harden a karpenter node of prod");
    assertThat(check.calls).isEqualTo(PermissionsCheckHandler.ATTEMPTS);
  }

  @Test
  void aRefusedRead_isRetriedToo_butEc2BeingUnreachableIsNot() {
    Ec2CallException refused =
        new Ec2CallException(
            Ec2CallException.Kind.UNAUTHORIZED, "UnauthorizedOperation", "no", null);
    Sequence propagating = new Sequence(refused, report(ALLOWED));
    Ec2CallException down =
        new Ec2CallException(Ec2CallException.Kind.UNAVAILABLE, "ClientError", "down", null);
    Sequence unreachable = new Sequence(down);

    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> run(propagating))).isNull();
    assertThat(propagating.calls).isEqualTo(2);
    assertThatThrownBy(() -> run(unreachable)).isSameAs(down);
    assertThat(unreachable.calls).isEqualTo(1);
  }
}
