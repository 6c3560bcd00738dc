package io.github.eksnoderemediator.drift;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Where non-compliant nodes come from: node groups whose launch templates launch nodes the policy
 * would change, and account defaults weaker than the policy. Fix these and the remediator has
 * nothing left to do.
 *
 * @param clusters one entry per cluster in scope
 * @param account the account's instance-metadata defaults
 * @param driftingNodeGroups how many node groups drift, over all clusters
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DriftReport(
    List<ClusterDrift> clusters, AccountDefaults account, int driftingNodeGroups) {

  public DriftReport {
    clusters = List.copyOf(clusters);
  }

  /**
   * One cluster: its node groups' launch templates, or why it was not checked.
   *
   * @param cluster the cluster
   * @param skipped why it was not checked (Auto Mode, not found, an error), or null
   * @param nodeGroups its managed node groups
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ClusterDrift(String cluster, String skipped, List<NodeGroupDrift> nodeGroups) {
    public ClusterDrift {
      nodeGroups = List.copyOf(nodeGroups);
    }
  }

  /**
   * One managed node group: what its launch template says and whether that drifts from the policy.
   *
   * @param nodeGroup the node group
   * @param launchTemplate the template and version it launches from, or null for EKS's default
   * @param httpTokens what the template says, or null when unset
   * @param hopLimit what the template says, or null when unset
   * @param drifting true when the policy would change its nodes
   * @param reasons what to fix in the template
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record NodeGroupDrift(
      String nodeGroup,
      String launchTemplate,
      String httpTokens,
      Integer hopLimit,
      boolean drifting,
      List<String> reasons) {
    public NodeGroupDrift {
      reasons = List.copyOf(reasons);
    }
  }

  /**
   * The account's instance metadata defaults in this Region.
   *
   * @param httpTokens the account default, or null when unreadable
   * @param hopLimit the account default ({@code -1}: no preference), or null
   * @param httpTokensEnforced {@code enabled} or {@code disabled}: whether the account refuses
   *     launches that allow IMDSv1 and re-enabling IMDSv1; null when EC2 did not say
   * @param managedBy {@code account} or {@code declarative-policy}; null when EC2 did not say
   * @param weaker true when weaker than the policy
   * @param reasons why, or why they could not be read
   * @param recommendation what to do about account-level enforcement, or null when it is on
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record AccountDefaults(
      String httpTokens,
      Integer hopLimit,
      String httpTokensEnforced,
      String managedBy,
      boolean weaker,
      List<String> reasons,
      String recommendation) {
    public AccountDefaults {
      reasons = List.copyOf(reasons);
    }
  }
}
