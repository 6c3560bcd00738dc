package io.github.eksnoderemediator.iam;

import io.github.eksnoderemediator.infra.iam.IamDecision;
import io.github.eksnoderemediator.infra.iam.IamRequest;
import io.github.eksnoderemediator.infra.iam.IamSimulator;
import io.github.eksnoderemediator.infra.iam.MetadataReading;
import io.github.eksnoderemediator.infra.iam.RolePolicies;
import io.github.eksnoderemediator.testing.Ec2Fixtures;
import io.github.eksnoderemediator.testing.RecordingProxy;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * IAM between the functions and the emulator, which checks none: every request that reaches the
 * {@link RecordingProxy} is evaluated, by the IAM policy simulator, against the role the CDK app
 * synthesizes for the test's configuration, the role chosen by the access key the request was
 * signed with ({@link Ec2Fixtures#IMDS_ACCESS_KEY}, {@link Ec2Fixtures#ENI_ACCESS_KEY}). A refused
 * request is answered {@code UnauthorizedOperation} (EKS: {@code AccessDeniedException}) as AWS
 * answers it, and never reaches the emulator. A {@code DryRun} request is answered here as EC2
 * answers it ({@code DryRunOperation} when allowed), because the emulator ignores the flag.
 *
 * <p>Every refusal of a real (not dry-run) request is kept: a test that did not expect it fails in
 * {@link #assertNoUnexpectedRefusals()}. The system tests run under {@link MetadataReading#B}
 * unless they choose another.
 */
public final class IamEnforcement implements RecordingProxy.Gate {
  private final Map<String, RolePolicies> roles;
  private final AuthorizationRequests authorizations;
  private final List<Refusal> refusals = new ArrayList<>();
  private volatile MetadataReading reading;
  private volatile Predicate<Refusal> expected = r -> false;

  /**
   * One request IAM refused.
   *
   * @param action what was called, e.g. {@code ec2:ModifyInstanceMetadataOptions}
   * @param resource the resource that was not allowed
   * @param decision the simulator's decision, with the statements that made it
   * @param dryRun whether the request was a dry run (a permissions check expects some refusals)
   */
  public record Refusal(String action, String resource, String decision, boolean dryRun) {}

  private IamEnforcement(Map<String, RolePolicies> roles, URI moto, MetadataReading reading) {
    this.roles = Map.copyOf(roles);
    this.authorizations = new AuthorizationRequests(Ec2Fixtures.client(moto, "iam-lookups"));
    this.reading = reading;
  }

  /**
   * Enforces, on everything {@code proxy} forwards from now on, the roles the CDK app synthesizes
   * for {@code remediatorJson}, under reading B.
   */
  public static IamEnforcement on(RecordingProxy proxy, URI moto, String remediatorJson) {
    return on(proxy, moto, remediatorJson, MetadataReading.B);
  }

  /** As {@link #on(RecordingProxy, URI, String)}, under {@code reading}. */
  public static IamEnforcement on(
      RecordingProxy proxy, URI moto, String remediatorJson, MetadataReading reading) {
    return on(proxy, moto, SynthesizedRoles.of(remediatorJson), reading);
  }

  /**
   * As {@link #on(RecordingProxy, URI, String)}, with these {@code remediator-deployment} settings
   * (the central view's bus, say), under reading B.
   */
  public static IamEnforcement on(
      RecordingProxy proxy, URI moto, String remediatorJson, String deploymentJson) {
    return on(proxy, moto, SynthesizedRoles.of(remediatorJson, deploymentJson), MetadataReading.B);
  }

  private static IamEnforcement on(
      RecordingProxy proxy, URI moto, SynthesizedRoles synthesized, MetadataReading reading) {
    Map<String, RolePolicies> roles = new LinkedHashMap<>();
    roles.put(Ec2Fixtures.IMDS_ACCESS_KEY, synthesized.imds());
    synthesized.eni().ifPresent(eni -> roles.put(Ec2Fixtures.ENI_ACCESS_KEY, eni));
    IamEnforcement enforcement = new IamEnforcement(roles, moto, reading);
    proxy.gate(enforcement);
    return enforcement;
  }

  /** Evaluates from now on under another reading. */
  public void reading(MetadataReading reading) {
    this.reading = reading;
  }

  /** Refusals matching {@code expected} do not fail {@link #assertNoUnexpectedRefusals()}. */
  public void expect(Predicate<Refusal> expected) {
    this.expected = expected;
  }

  @Override
  public RecordingProxy.Fault answer(RecordingProxy.Request request) {
    try {
      return decide(request);
    } catch (RuntimeException e) {
      // A request the proxy or the simulator cannot evaluate: a test bug, never a pass.
      String action = request.param("Action");
      return refuse(
          new Refusal(String.valueOf(action), "-", "cannot evaluate: " + e, false), action);
    }
  }

  private RecordingProxy.Fault decide(RecordingProxy.Request request) {
    String ec2Action = request.param("Action");
    boolean dryRun = "true".equalsIgnoreCase(request.param("DryRun"));
    RolePolicies role = roles.get(request.accessKeyId());
    if (role == null) {
      return refuse(
          new Refusal(
              String.valueOf(ec2Action),
              "-",
              "signed with access key "
                  + request.accessKeyId()
                  + ", which is no function's role here",
              dryRun),
          ec2Action);
    }
    List<IamRequest> needed;
    try {
      needed = authorizations.of(request, reading);
    } catch (RuntimeException e) {
      // A request the proxy cannot map to IAM's authorizations: a test bug, never a pass.
      return refuse(
          new Refusal(String.valueOf(ec2Action), "-", "cannot authorize: " + e, false), ec2Action);
    }
    for (IamRequest r : needed) {
      IamDecision decision = IamSimulator.shared().evaluate(role, r);
      if (!decision.allowed()) {
        return refuse(
            new Refusal(r.action(), r.resource(), decision + " (" + role.role() + ")", dryRun),
            ec2Action);
      }
    }
    if (dryRun) {
      return new RecordingProxy.Fault(
          ec2Action,
          412,
          "DryRunOperation",
          "Request would have succeeded, but DryRun flag is set.");
    }
    return null;
  }

  private RecordingProxy.Fault refuse(Refusal refusal, String ec2Action) {
    synchronized (refusals) {
      refusals.add(refusal);
    }
    String message =
        "You are not authorized to perform this operation. User: "
            + IamSimulator.PRINCIPAL
            + " is not authorized to perform: "
            + refusal.action()
            + " on resource: "
            + refusal.resource()
            + " ("
            + refusal.decision()
            + ")";
    return ec2Action == null
        ? new RecordingProxy.Fault(null, 403, "AccessDeniedException", message)
        : new RecordingProxy.Fault(ec2Action, 403, "UnauthorizedOperation", message);
  }

  /**
   * IAM for CloudWatch requests through a {@link
   * io.github.eksnoderemediator.testing.CloudWatchBridge}: a function's request is evaluated
   * against its role ({@code GetMetricData} has no resource-level permissions: resource {@code *});
   * requests signed with any other key are the test's own setup and pass.
   */
  public io.github.eksnoderemediator.testing.CloudWatchBridge.Authorizer cloudWatch() {
    return (accessKeyId, action) -> {
      RolePolicies role = roles.get(accessKeyId);
      if (role == null) {
        return null;
      }
      IamDecision decision = IamSimulator.shared().evaluate(role, IamRequest.of(action, "*"));
      if (decision.allowed()) {
        return null;
      }
      return refuse(new Refusal(action, "*", decision + " (" + role.role() + ")", false), action)
          .message();
    };
  }

  /** Every refusal so far, dry runs included. */
  public List<Refusal> refusals() {
    synchronized (refusals) {
      return List.copyOf(refusals);
    }
  }

  /** Forgets the refusals so far (between tests sharing one proxy). */
  public void clear() {
    synchronized (refusals) {
      refusals.clear();
    }
    expected = r -> false;
  }

  /** Fails when IAM refused a real request that the test did not {@link #expect}. */
  public void assertNoUnexpectedRefusals() {
    List<Refusal> unexpected =
        refusals().stream().filter(r -> !r.dryRun() && !expected.test(r)).toList();
    if (!unexpected.isEmpty()) {
      throw new AssertionError(
          "IAM (the synthesized role, under reading "
              + reading
              + ") refused requests the code sent:\n  "
              + String.join("\n  ", unexpected.stream().map(Refusal::toString).toList()));
    }
  }
}
