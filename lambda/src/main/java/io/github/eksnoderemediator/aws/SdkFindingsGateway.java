package io.github.eksnoderemediator.aws;

import io.github.eksnoderemediator.port.FindingsGateway;
import io.github.eksnoderemediator.port.InstanceId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.securityhub.SecurityHubClient;
import software.amazon.awssdk.services.securityhub.model.AwsSecurityFinding;
import software.amazon.awssdk.services.securityhub.model.AwsSecurityFindingFilters;
import software.amazon.awssdk.services.securityhub.model.AwsSecurityFindingIdentifier;
import software.amazon.awssdk.services.securityhub.model.BatchUpdateFindingsResponse;
import software.amazon.awssdk.services.securityhub.model.BatchUpdateFindingsUnprocessedFinding;
import software.amazon.awssdk.services.securityhub.model.GetFindingsRequest;
import software.amazon.awssdk.services.securityhub.model.GetFindingsResponse;
import software.amazon.awssdk.services.securityhub.model.ListMembersRequest;
import software.amazon.awssdk.services.securityhub.model.ListMembersResponse;
import software.amazon.awssdk.services.securityhub.model.Resource;
import software.amazon.awssdk.services.securityhub.model.StringFilter;
import software.amazon.awssdk.services.securityhub.model.StringFilterComparison;
import software.amazon.awssdk.services.securityhub.model.WorkflowStatus;

/** {@link FindingsGateway} over the AWS SDK's Security Hub client. */
public final class SdkFindingsGateway implements FindingsGateway {
  /** Security Hub's identifier of the control "EC2 instances should use IMDSv2". */
  static final String CONTROL = "EC2.8";

  /** GetFindings returns at most 100 findings per page. */
  static final int PAGE_SIZE = 100;

  /** ListMembers returns at most 50 members per page (Security Hub API Reference). */
  static final int MEMBERS_PAGE_SIZE = 50;

  private final SecurityHubClient client;

  public SdkFindingsGateway(SecurityHubClient client) {
    this.client = client;
  }

  @Override
  public List<Finding> openImdsFindings(List<InstanceId> instances) {
    if (instances.isEmpty()) {
      return List.of();
    }
    if (instances.size() > MAX_INSTANCES_PER_QUERY) {
      throw new IllegalArgumentException(
          instances.size() + " instances in one GetFindings; at most " + MAX_INSTANCES_PER_QUERY);
    }
    // Compliance.SecurityControlId is EC2.8 in the control's findings whether consolidated control
    // findings are on (GeneratorId security-control/EC2.8) or off (one finding per standard, with
    // a standard's GeneratorId): the one filter that finds both. The finding's resource is the
    // instance's ARN; the account is not known here, so the filter matches the ARN's
    // ":instance/<id>" part and the match is made exact below.
    Map<String, InstanceId> bySuffix = new HashMap<>();
    List<StringFilter> resources = new ArrayList<>();
    for (InstanceId id : instances) {
      String suffix = ":instance/" + id.value();
      bySuffix.put(suffix, id);
      resources.add(filter(StringFilterComparison.CONTAINS, suffix));
    }
    AwsSecurityFindingFilters filters =
        AwsSecurityFindingFilters.builder()
            .complianceSecurityControlId(filter(StringFilterComparison.EQUALS, CONTROL))
            .resourceId(resources)
            .recordState(filter(StringFilterComparison.EQUALS, "ACTIVE"))
            .workflowStatus(
                filter(StringFilterComparison.EQUALS, WorkflowStatus.NEW.toString()),
                filter(StringFilterComparison.EQUALS, WorkflowStatus.NOTIFIED.toString()))
            .build();
    List<Finding> found = new ArrayList<>();
    String token = null;
    try {
      do {
        GetFindingsResponse page =
            client.getFindings(
                GetFindingsRequest.builder()
                    .filters(filters)
                    .maxResults(PAGE_SIZE)
                    .nextToken(token)
                    .build());
        for (AwsSecurityFinding f : page.findings()) {
          InstanceId instance = instanceOf(f, bySuffix);
          if (instance != null) {
            found.add(new Finding(f.id(), f.productArn(), instance));
          }
        }
        token = page.nextToken();
      } while (token != null && !token.isEmpty());
    } catch (SdkException e) {
      throw AwsErrors.securityHub(e);
    }
    return found;
  }

  @Override
  public List<Unprocessed> resolve(List<Finding> findings, String note) {
    if (findings.isEmpty()) {
      return List.of();
    }
    if (findings.size() > MAX_FINDINGS_PER_UPDATE) {
      throw new IllegalArgumentException(
          findings.size()
              + " findings in one BatchUpdateFindings; at most "
              + MAX_FINDINGS_PER_UPDATE);
    }
    Map<String, Finding> byKey = new HashMap<>();
    List<AwsSecurityFindingIdentifier> ids = new ArrayList<>();
    for (Finding f : findings) {
      byKey.put(f.id() + "\n" + f.productArn(), f);
      ids.add(AwsSecurityFindingIdentifier.builder().id(f.id()).productArn(f.productArn()).build());
    }
    BatchUpdateFindingsResponse response;
    try {
      response =
          client.batchUpdateFindings(
              r ->
                  r.findingIdentifiers(ids)
                      .workflow(w -> w.status(WorkflowStatus.RESOLVED))
                      .note(n -> n.text(note).updatedBy(NOTE_AUTHOR)));
    } catch (SdkException e) {
      throw AwsErrors.securityHub(e);
    }
    List<Unprocessed> unprocessed = new ArrayList<>();
    for (BatchUpdateFindingsUnprocessedFinding u : response.unprocessedFindings()) {
      AwsSecurityFindingIdentifier id = u.findingIdentifier();
      Finding f =
          id == null
              ? null
              : byKey.getOrDefault(
                  id.id() + "\n" + id.productArn(), new Finding(id.id(), id.productArn(), null));
      unprocessed.add(new Unprocessed(f, u.errorCode(), u.errorMessage()));
    }
    return unprocessed;
  }

  @Override
  public boolean administersMembers() {
    String token = null;
    try {
      do {
        // OnlyAssociated=false: every member, invited ones included (the default, true, lists only
        // ENABLED members, and an invited account can accept at any time).
        ListMembersResponse page =
            client.listMembers(
                ListMembersRequest.builder()
                    .onlyAssociated(false)
                    .maxResults(MEMBERS_PAGE_SIZE)
                    .nextToken(token)
                    .build());
        if (!page.members().isEmpty()) {
          return true;
        }
        token = page.nextToken();
      } while (token != null && !token.isEmpty());
    } catch (SdkException e) {
      throw AwsErrors.securityHub(e);
    }
    return false;
  }

  /** The instance among the asked ones that one of the finding's resources is, or null. */
  private static InstanceId instanceOf(AwsSecurityFinding f, Map<String, InstanceId> bySuffix) {
    for (Resource r : f.resources()) {
      String id = r.id();
      if (id == null) {
        continue;
      }
      int at = id.lastIndexOf(":instance/");
      if (at >= 0 && bySuffix.containsKey(id.substring(at))) {
        return bySuffix.get(id.substring(at));
      }
    }
    return null;
  }

  private static StringFilter filter(StringFilterComparison comparison, String value) {
    return StringFilter.builder().comparison(comparison).value(value).build();
  }
}
