package io.github.eksnoderemediator.testing;

import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.eni.EniCleanup;
import io.github.eksnoderemediator.eni.EniDecisionLog;
import io.github.eksnoderemediator.eni.EniJanitor;
import io.github.eksnoderemediator.eni.EniPermissionsCheck;
import io.github.eksnoderemediator.eni.EniReconciler;
import io.github.eksnoderemediator.eni.EniService;
import io.github.eksnoderemediator.eni.EniSweep;
import io.github.eksnoderemediator.eni.EniTamper;
import io.github.eksnoderemediator.metrics.Metrics;
import io.github.eksnoderemediator.port.NetworkGateway;
import io.github.eksnoderemediator.wait.BoundedWait;
import java.time.Clock;

/** Wires an {@link EniService} the way production does, from test collaborators. */
public final class EniServices {
  private EniServices() {}

  public static EniService of(
      NetworkGateway ec2,
      RemediatorConfig config,
      BoundedWait wait,
      Clock clock,
      EniDecisionLog log,
      Metrics metrics) {
    EniReconciler reconciler = new EniReconciler(ec2, config, wait, clock);
    EniJanitor janitor = new EniJanitor(ec2, config, wait);
    return new EniService(
        reconciler,
        new EniCleanup(ec2, janitor),
        new EniSweep(ec2, reconciler, janitor, config, clock),
        new EniPermissionsCheck(ec2, config, clock),
        log,
        metrics,
        clock,
        new EniTamper(ec2));
  }
}
