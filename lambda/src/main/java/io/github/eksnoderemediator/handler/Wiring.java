package io.github.eksnoderemediator.handler;

import io.github.eksnoderemediator.aws.AwsClients;
import io.github.eksnoderemediator.aws.SdkEc2Gateway;
import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.imds.ImdsRemediator;
import io.github.eksnoderemediator.imds.ImdsService;
import io.github.eksnoderemediator.report.JsonLinesDecisionLog;
import io.github.eksnoderemediator.wait.BoundedWait;
import java.time.Clock;
import java.util.Map;

/** The one place that builds production objects: at Lambda INIT, once per process. */
final class Wiring {
  private Wiring() {}

  /**
   * @throws io.github.eksnoderemediator.config.ConfigException when {@code REMEDIATOR_CONFIG} is
   *     invalid: the function fails INIT with that one-line message
   */
  static ImdsService imdsService(Map<String, String> env) {
    RemediatorConfig config = RemediatorConfig.fromEnvironment(env);
    Clock clock = Clock.systemUTC();
    return new ImdsService(
        new ImdsRemediator(
            new SdkEc2Gateway(AwsClients.ec2()), config, BoundedWait.system(), clock),
        new JsonLinesDecisionLog(System.err, clock));
  }
}
