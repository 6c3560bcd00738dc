package io.github.eksnoderemediator.eni;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.eksnoderemediator.events.EventParser;
import io.github.eksnoderemediator.testing.MutableClock;
import io.github.eksnoderemediator.testing.SampleEvents;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Inputs that need no ENI work are answered with the reason and no EC2 call. */
class EniServiceTest {
  private final EniHarness h = new EniHarness();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-20T14:05:00Z"));
  private final EniService service = h.service(clock, clock.boundedWait());

  private EniReport handle(String sample) {
    return service.handle(EventParser.parse(SampleEvents.read(sample)), false);
  }

  @Test
  void inputsWithoutEniWork_areIgnored_withTheReason_andNoEc2Call() {
    assertThat(handle("state-change-pending.json").ignored())
        .isEqualTo(
            "state pending needs no ENI work: running reconciles, shutting-down and terminated clean up");
    assertThat(handle("state-change-stopped.json").ignored()).startsWith("state stopped");
    assertThat(handle("cloudtrail-runinstances-failed.json").ignored())
        .startsWith("RunInstances failed (");
    assertThat(handle("cloudtrail-terminateinstances.json").ignored())
        .isEqualTo("CloudTrail call TerminateInstances is not handled");
    assertThat(handle("other-source-eks.json").ignored()).contains("is not handled");
    // The IMDS function's event, and an interface change when no tamper rules are configured.
    EniReport metadataChange = handle("cloudtrail-modifyinstancemetadataoptions-by-user.json");
    assertThat(metadataChange.ignored()).isEqualTo("not handled by the ENI function");
    assertThat(metadataChange.eventId()).isNotBlank();
    assertThat(handle("cloudtrail-deletenetworkinterface-by-user.json").ignored())
        .isEqualTo("not handled by the ENI function");
    assertThat(h.ec2.calls()).isEmpty();
  }

  @Test
  void everySampleEvent_isHandledWithoutAnException() throws IOException {
    List<Path> samples;
    try (Stream<Path> files = Files.list(SampleEvents.eventsDir())) {
      samples = files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    for (Path sample : samples) {
      EniReport report = handle(sample.getFileName().toString());
      assertThat(report.input()).as(sample.toString()).isNotBlank();
    }
  }

  @Test
  void aManualDryRunForSeveralInstances_reportsEachAndWritesNothing() {
    EniReport report = handle("manual-several-instances-dry-run.json");

    assertThat(report.dryRun()).isTrue();
    assertThat(report.results()).isNotEmpty().allMatch(EniInstanceResult::dryRun);
    assertThat(h.ec2.writes()).isEmpty();
  }
}
