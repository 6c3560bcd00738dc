package io.github.eksnoderemediator.infra;

import io.github.eksnoderemediator.infra.iam.IamDecision;
import io.github.eksnoderemediator.infra.iam.IamRequest;
import io.github.eksnoderemediator.infra.iam.IamSimulator;
import io.github.eksnoderemediator.infra.iam.RolePolicies;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs calls a function makes (or must never be able to make) through the IAM simulator against a
 * role's policies and reports every call whose outcome is not the expected one. The property checks
 * of {@link ImdsRoleProperties} and {@link EniRoleProperties} return lists of these calls, so the
 * tests on the synthesized roles and the tests on deliberately broken roles run the same code.
 */
final class RoleChecks {
  private RoleChecks() {}

  /** What IAM must answer for a call. */
  enum Expect {
    /** Every resource the call authorizes is allowed. */
    ALLOWED,
    /** At least one resource is not allowed (implicitly or explicitly). */
    REFUSED,
    /** At least one resource is refused by an explicit Deny, which no Allow can override. */
    EXPLICITLY_DENIED
  }

  /**
   * One API call: IAM authorizes each of its resources separately, and the call goes through only
   * when every one is allowed (AttachNetworkInterface: the instance and the interface).
   *
   * @param what a sentence naming the call and its situation, for the violation message
   */
  record Call(String what, List<IamRequest> authorizations, Expect expect) {
    Call {
      authorizations = List.copyOf(authorizations);
      if (authorizations.isEmpty()) {
        throw new IllegalArgumentException("a call authorizes at least one resource: " + what);
      }
    }

    static Call of(String what, Expect expect, IamRequest... authorizations) {
      return new Call(what, List.of(authorizations), expect);
    }
  }

  /**
   * The calls whose outcome differs from the expected one, one line each; empty when the role
   * behaves. A call is also a violation when the simulator ignored a context key it was given: the
   * Service Authorization Reference does not list that key for the action and resource, so AWS
   * would not supply it, and a result that depends on it proves nothing.
   */
  static List<String> violations(RolePolicies policies, List<Call> calls) {
    List<String> violations = new ArrayList<>();
    for (Call call : calls) {
      List<IamDecision> decisions = new ArrayList<>();
      for (IamRequest request : call.authorizations()) {
        IamDecision decision = IamSimulator.shared().evaluate(policies, request);
        decisions.add(decision);
        if (!decision.ignoredContextKeys().isEmpty()) {
          violations.add(
              call.what()
                  + ": the simulator ignored "
                  + decision.ignoredContextKeys()
                  + " for "
                  + request.action()
                  + " on "
                  + request.resource());
        }
      }
      boolean allowed = decisions.stream().allMatch(IamDecision::allowed);
      boolean explicitlyDenied =
          decisions.stream().anyMatch(d -> d.outcome() == IamDecision.Outcome.ExplicitlyDenied);
      boolean asExpected =
          switch (call.expect()) {
            case ALLOWED -> allowed;
            case REFUSED -> !allowed;
            case EXPLICITLY_DENIED -> explicitlyDenied;
          };
      if (!asExpected) {
        violations.add(
            call.what() + ": expected " + call.expect() + ", got " + describe(call, decisions));
      }
    }
    return violations;
  }

  /** Each resource's decision, e.g. {@code instance/i-1: Allowed allowed by [Sid]}. */
  private static String describe(Call call, List<IamDecision> decisions) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < decisions.size(); i++) {
      IamRequest r = call.authorizations().get(i);
      String resource = r.resource().substring(r.resource().lastIndexOf(':') + 1);
      parts.add(r.action() + " " + resource + ": " + decisions.get(i));
    }
    return String.join("; ", parts);
  }
}
