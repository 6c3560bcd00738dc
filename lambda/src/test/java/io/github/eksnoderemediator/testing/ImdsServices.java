package io.github.eksnoderemediator.testing;

import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.drift.DriftReporter;
import io.github.eksnoderemediator.imds.FindingsResolver;
import io.github.eksnoderemediator.imds.ImdsPermissionsCheck;
import io.github.eksnoderemediator.imds.ImdsRemediator;
import io.github.eksnoderemediator.imds.ImdsService;
import io.github.eksnoderemediator.imds.ImdsSweep;
import io.github.eksnoderemediator.imds.ImdsV1UseCheck;
import io.github.eksnoderemediator.metrics.Metrics;
import io.github.eksnoderemediator.port.Ec2Gateway;
import io.github.eksnoderemediator.port.EksGateway;
import io.github.eksnoderemediator.report.DecisionLog;
import io.github.eksnoderemediator.wait.AdaptiveWritePacer;
import io.github.eksnoderemediator.wait.BoundedWait;
import java.time.Clock;

/** Wires an {@link ImdsService} the way production does, from test collaborators. */
public final class ImdsServices {
  private ImdsServices() {}

  public static ImdsService of(
      Ec2Gateway ec2,
      EksGateway eks,
      RemediatorConfig config,
      BoundedWait wait,
      Clock clock,
      DecisionLog log,
      Metrics metrics) {
    return of(ec2, eks, config, wait, clock, log, metrics, ImdsV1UseCheck.none(clock));
  }

  /** As production wires it, with this IMDSv1-use check. */
  public static ImdsService of(
      Ec2Gateway ec2,
      EksGateway eks,
      RemediatorConfig config,
      BoundedWait wait,
      Clock clock,
      DecisionLog log,
      Metrics metrics,
      ImdsV1UseCheck imdsV1) {
    return of(ec2, eks, config, wait, clock, log, metrics, imdsV1, FindingsResolver.off());
  }

  /** As production wires it, with this IMDSv1-use check and this Security Hub resolver. */
  public static ImdsService of(
      Ec2Gateway ec2,
      EksGateway eks,
      RemediatorConfig config,
      BoundedWait wait,
      Clock clock,
      DecisionLog log,
      Metrics metrics,
      ImdsV1UseCheck imdsV1,
      FindingsResolver findings) {
    ImdsRemediator remediator = new ImdsRemediator(ec2, config, wait, clock, imdsV1);
    return new ImdsService(
        remediator,
        new ImdsSweep(ec2, remediator, config, clock),
        new DriftReporter(eks, ec2, config),
        new ImdsPermissionsCheck(ec2, config),
        config.sweep(),
        log,
        metrics,
        AdaptiveWritePacer.of(config.queue()),
        findings);
  }
}
