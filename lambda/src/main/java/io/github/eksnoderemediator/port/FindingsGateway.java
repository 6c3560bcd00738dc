package io.github.eksnoderemediator.port;

import java.util.List;

/**
 * AWS Security Hub, as the IMDS function uses it: read the open EC2.8 findings of instances it just
 * hardened, and resolve them. Calls are made from the account the instances run in (a member
 * account can update only its own findings).
 */
public interface FindingsGateway {
  /**
   * Values one GetFindings filter field takes at most: Security Hub allows 20 per field (Security
   * Hub API Reference, "AwsSecurityFindingFilters").
   */
  int MAX_INSTANCES_PER_QUERY = 20;

  /** Findings one BatchUpdateFindings call takes at most (Security Hub User Guide). */
  int MAX_FINDINGS_PER_UPDATE = 100;

  /**
   * The active EC2.8 findings of these instances whose workflow status is {@code NEW} or {@code
   * NOTIFIED} (never one already {@code RESOLVED} or {@code SUPPRESSED}), every page.
   *
   * @param instances at most {@link #MAX_INSTANCES_PER_QUERY}
   * @throws NotEnabledException when Security Hub is not enabled in this account and Region
   * @throws Ec2CallException when the call fails otherwise (after the SDK's retries)
   */
  List<Finding> openImdsFindings(List<InstanceId> instances);

  /**
   * Sets the findings' workflow status to {@code RESOLVED} and their note to {@code note}, signed
   * {@link #NOTE_AUTHOR}.
   *
   * @param findings at most {@link #MAX_FINDINGS_PER_UPDATE}
   * @return the findings Security Hub did not update, with its reason; empty when all were
   * @throws NotEnabledException when Security Hub is not enabled in this account and Region
   * @throws Ec2CallException when the call fails otherwise (after the SDK's retries)
   */
  List<Unprocessed> resolve(List<Finding> findings, String note);

  /**
   * True when this account is a Security Hub administrator here: {@code ListMembers} with {@code
   * OnlyAssociated=false} lists at least one member account, whatever its relationship status (an
   * invited account can accept at any time). Its hub may then hold member accounts' findings, which
   * {@code BatchUpdateFindings} would reach too.
   *
   * @throws NotEnabledException when Security Hub is not enabled in this account and Region
   * @throws Ec2CallException when the call fails otherwise (after the SDK's retries)
   */
  boolean administersMembers();

  /** Who the note says updated the finding (the note's {@code UpdatedBy}). */
  String NOTE_AUTHOR = "eks-node-remediator";

  /**
   * One Security Hub finding: the pair BatchUpdateFindings identifies it by, and the instance it is
   * about.
   */
  record Finding(String id, String productArn, InstanceId instance) {}

  /** A finding BatchUpdateFindings did not update, with Security Hub's error code and message. */
  record Unprocessed(Finding finding, String errorCode, String message) {}

  /**
   * Security Hub is not enabled in this account and Region (it answers {@code
   * InvalidAccessException}): an expected situation, not a failure.
   */
  final class NotEnabledException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NotEnabledException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
