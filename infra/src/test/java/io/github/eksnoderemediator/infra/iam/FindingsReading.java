package io.github.eksnoderemediator.infra.iam;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What Security Hub might put into {@code securityhub:ASFFSyntaxPath/<field>} for a
 * BatchUpdateFindings request. The Security Hub User Guide documents the key "for an ASFF field"
 * with {@code Workflow.Status} as its one example, present when the request sets the field and
 * holding the value it sets; it does not say whether an object such as {@code Severity} or {@code
 * Note} has a key of its own besides its members, and AWS's own managed policies use both levels.
 * The role must be safe under each, so the tests evaluate every one (docs/security-hub.md).
 */
public enum FindingsReading {
  /** A key per member set ({@code Workflow.Status}, {@code Severity.Label}): the documented one. */
  MEMBERS,
  /** Keys for the members and for the objects that hold them ({@code Severity}, {@code Note}). */
  OBJECTS_AND_MEMBERS,
  /** Keys only for the top-level fields, objects included, none for members. */
  OBJECTS_ONLY,
  /** No key at all. */
  NONE;

  /**
   * The context keys for a BatchUpdateFindings request that sets these fields.
   *
   * @param set member path (e.g. {@code Workflow.Status}, {@code Confidence}) to the value set
   */
  public Map<String, List<String>> context(Map<String, String> set) {
    Map<String, List<String>> keys = new LinkedHashMap<>();
    for (var e : set.entrySet()) {
      String path = e.getKey();
      int dot = path.indexOf('.');
      String top = dot < 0 ? path : path.substring(0, dot);
      boolean member = dot >= 0;
      switch (this) {
        case MEMBERS -> keys.put(key(path), List.of(e.getValue()));
        case OBJECTS_AND_MEMBERS -> {
          keys.put(key(path), List.of(e.getValue()));
          if (member) {
            keys.put(key(top), List.of("{}"));
          }
        }
        case OBJECTS_ONLY -> keys.put(key(top), List.of(member ? "{}" : e.getValue()));
        case NONE -> {}
      }
    }
    return keys;
  }

  /** True when Security Hub tells IAM the workflow status a request sets, as documented. */
  public boolean statusKnown() {
    return this == MEMBERS || this == OBJECTS_AND_MEMBERS;
  }

  private static String key(String path) {
    return "securityhub:ASFFSyntaxPath/" + path;
  }

  /** The hub of the simulated account and Region. */
  public static String hubArn() {
    return "arn:"
        + IamSimulator.PARTITION
        + ":securityhub:"
        + IamSimulator.REGION
        + ":"
        + IamSimulator.ACCOUNT
        + ":hub/default";
  }
}
