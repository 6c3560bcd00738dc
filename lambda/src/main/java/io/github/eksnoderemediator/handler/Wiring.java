package io.github.eksnoderemediator.handler;

import io.github.eksnoderemediator.aws.AwsClients;
import io.github.eksnoderemediator.aws.SdkEc2Gateway;
import io.github.eksnoderemediator.aws.SdkEksGateway;
import io.github.eksnoderemediator.aws.SdkEventBus;
import io.github.eksnoderemediator.aws.SdkFindingsGateway;
import io.github.eksnoderemediator.aws.SdkImdsV1Usage;
import io.github.eksnoderemediator.aws.SdkNetworkGateway;
import io.github.eksnoderemediator.central.DecisionEvents;
import io.github.eksnoderemediator.central.PublishingDecisionLog;
import io.github.eksnoderemediator.central.PublishingEniLog;
import io.github.eksnoderemediator.config.ConfigException;
import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.drift.DriftReporter;
import io.github.eksnoderemediator.eni.EniCleanup;
import io.github.eksnoderemediator.eni.EniJanitor;
import io.github.eksnoderemediator.eni.EniPermissionsCheck;
import io.github.eksnoderemediator.eni.EniReconciler;
import io.github.eksnoderemediator.eni.EniService;
import io.github.eksnoderemediator.eni.EniSweep;
import io.github.eksnoderemediator.eni.EniTamper;
import io.github.eksnoderemediator.eni.JsonLinesEniLog;
import io.github.eksnoderemediator.imds.FindingsResolver;
import io.github.eksnoderemediator.imds.ImdsPermissionsCheck;
import io.github.eksnoderemediator.imds.ImdsRemediator;
import io.github.eksnoderemediator.imds.ImdsService;
import io.github.eksnoderemediator.imds.ImdsSweep;
import io.github.eksnoderemediator.imds.ImdsV1UseCheck;
import io.github.eksnoderemediator.metrics.EmfMetrics;
import io.github.eksnoderemediator.metrics.Metrics;
import io.github.eksnoderemediator.report.JsonLinesDecisionLog;
import io.github.eksnoderemediator.wait.AdaptiveWritePacer;
import io.github.eksnoderemediator.wait.BoundedWait;
import java.time.Clock;
import java.util.Map;
import java.util.regex.Pattern;

/** The one place that builds production objects: at Lambda INIT, once per process. */
final class Wiring {
  /**
   * The bus the functions send their decision events to, set by the stack only when the deployment
   * names a central bus: unset, nothing is published and no EventBridge client is ever built.
   */
  static final String DECISION_EVENT_BUS = "DECISION_EVENT_BUS";

  /** An event bus name, or an event bus ARN (PutEvents takes either). */
  private static final Pattern BUS =
      Pattern.compile(
          "[A-Za-z0-9._\\-]{1,256}|arn:aws[a-z-]*:events:[a-z0-9-]+:\\d{12}:event-bus/[A-Za-z0-9._\\-]{1,256}");

  private Wiring() {}

  /**
   * The decision events of one function.
   *
   * @throws ConfigException when {@code DECISION_EVENT_BUS} is set but is no bus name or ARN
   */
  static DecisionEvents decisionEvents(Map<String, String> env, Metrics metrics, Clock clock) {
    String bus = env.get(DECISION_EVENT_BUS);
    if (bus == null || bus.isBlank()) {
      return DecisionEvents.OFF;
    }
    if (!BUS.matcher(bus).matches()) {
      throw ConfigException.of(
          DECISION_EVENT_BUS + ": expected an event bus name or ARN, got '" + bus + "'");
    }
    return new DecisionEvents(
        new SdkEventBus(bus, AwsClients::eventBridge), metrics, System.err, clock);
  }

  /**
   * @throws io.github.eksnoderemediator.config.ConfigException when {@code REMEDIATOR_CONFIG} is
   *     invalid: the function fails INIT with that one-line message
   */
  static Imds imds(Map<String, String> env) {
    RemediatorConfig config = RemediatorConfig.fromEnvironment(env);
    Clock clock = Clock.systemUTC();
    SdkEc2Gateway ec2 = new SdkEc2Gateway(AwsClients.ec2());
    // The CloudWatch client is built when a node first needs an IMDSv1-use read (a sweep, a manual
    // request, a node loosened later), never at INIT: launches are new nodes and need none.
    ImdsV1UseCheck imdsV1 =
        new ImdsV1UseCheck(
            () -> new SdkImdsV1Usage(AwsClients.cloudWatch()), config.imds().imdsV1Check(), clock);
    ImdsRemediator remediator =
        new ImdsRemediator(ec2, config, BoundedWait.system(), clock, imdsV1);
    JsonLinesDecisionLog log = new JsonLinesDecisionLog(System.err, clock);
    EmfMetrics metrics = new EmfMetrics(System.err, "imds");
    // The Security Hub client is built when a node is first hardened, never at INIT.
    FindingsResolver findings =
        new FindingsResolver(
            config.securityHub(),
            () -> new SdkFindingsGateway(AwsClients.securityHub()),
            metrics,
            (level, message, detail) -> log.write(level, message, null, null, detail),
            clock);
    ImdsService service =
        new ImdsService(
            remediator,
            new ImdsSweep(ec2, remediator, config, clock),
            new DriftReporter(new SdkEksGateway(AwsClients.eks()), ec2, config),
            new ImdsPermissionsCheck(ec2, config),
            config.sweep(),
            new PublishingDecisionLog(log, decisionEvents(env, metrics, clock)),
            metrics,
            // Built once per execution environment: what it learned of the account's bucket
            // outlives
            // each batch.
            AdaptiveWritePacer.of(config.queue()),
            findings);
    // One read of an instance that cannot exist: the SDK's signing, HTTP client, XML and error
    // paths and the error classifier, exactly as the first event takes them; no write.
    return new Imds(service, () -> ec2.describeInstance(Priming.NO_SUCH_INSTANCE));
  }

  /** The IMDS function's permissions check alone: the deploy-time trigger runs only that. */
  static ImdsPermissionsCheck imdsPermissionsCheck(Map<String, String> env) {
    return new ImdsPermissionsCheck(
        new SdkEc2Gateway(AwsClients.ec2()), RemediatorConfig.fromEnvironment(env));
  }

  /** The ENI function's permissions check alone: the deploy-time trigger runs only that. */
  static EniPermissionsCheck eniPermissionsCheck(Map<String, String> env) {
    return new EniPermissionsCheck(
        new SdkNetworkGateway(AwsClients.ec2()),
        RemediatorConfig.fromEnvironment(env),
        Clock.systemUTC());
  }

  /** The IMDS function's service, and the SDK call that primes it before a SnapStart snapshot. */
  record Imds(ImdsService service, Runnable primeSdk) {}

  /**
   * The ENI function's service: its own gateway over the same client configuration, the same
   * configuration and clock.
   *
   * @throws io.github.eksnoderemediator.config.ConfigException when {@code REMEDIATOR_CONFIG} is
   *     invalid: the function fails INIT with that one-line message
   */
  static Eni eni(Map<String, String> env) {
    RemediatorConfig config = RemediatorConfig.fromEnvironment(env);
    Clock clock = Clock.systemUTC();
    BoundedWait wait = BoundedWait.system();
    SdkNetworkGateway ec2 = new SdkNetworkGateway(AwsClients.ec2());
    EniReconciler reconciler = new EniReconciler(ec2, config, wait, clock);
    EniJanitor janitor = new EniJanitor(ec2, config, wait);
    EmfMetrics metrics = new EmfMetrics(System.err, "eni");
    EniService service =
        new EniService(
            reconciler,
            new EniCleanup(ec2, janitor),
            new EniSweep(ec2, reconciler, janitor, config, clock),
            new EniPermissionsCheck(ec2, config, clock),
            new PublishingEniLog(
                new JsonLinesEniLog(new JsonLinesDecisionLog(System.err, clock)),
                decisionEvents(env, metrics, clock)),
            metrics,
            clock,
            new EniTamper(ec2));
    return new Eni(service, () -> ec2.describeInstance(Priming.NO_SUCH_INSTANCE));
  }

  /** The ENI function's service, and the SDK call that primes it before a SnapStart snapshot. */
  record Eni(EniService service, Runnable primeSdk) {}
}
