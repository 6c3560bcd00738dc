package io.github.eksnoderemediator.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verifyNoInteractions;

import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.metrics.Metrics;
import io.github.eksnoderemediator.port.Ec2Gateway;
import io.github.eksnoderemediator.port.EksGateway;
import io.github.eksnoderemediator.report.Report;
import io.github.eksnoderemediator.testing.ImdsServices;
import io.github.eksnoderemediator.testing.MutableClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrimingTest {

  @Test
  void prime_runsEveryStep_andAFailingStepNeverStopsTheOthers() {
    List<String> ran = new ArrayList<>();
    Priming priming =
        new Priming(
            () -> ran.add("first"),
            () -> {
              throw new IllegalStateException("no network at snapshot time");
            },
            () -> ran.add("third"));

    assertThat(priming.prime()).isEqualTo(2);
    assertThat(ran).containsExactly("first", "third");
  }

  @Test
  void primingEvent_isAnsweredIgnored_withoutAnyAwsCall() {
    Ec2Gateway ec2 = mock(Ec2Gateway.class);
    EksGateway eks = mock(EksGateway.class);
    MutableClock clock = new MutableClock(Instant.parse("2026-11-20T00:00:00Z"));
    ImdsHandler handler =
        new ImdsHandler(
            ImdsServices.of(
                ec2,
                eks,
                RemediatorConfig.DEFAULT,
                clock.boundedWait(),
                clock,
                (i, e, r) -> {},
                Metrics.NONE));

    Report report = handler.process(Priming.UNSUPPORTED_EVENT, true);

    assertThat(report.ignored()).contains("is not handled");
    verifyNoInteractions(ec2, eks);
  }
}
