package io.github.eksnoderemediator.infra.org;

import io.github.eksnoderemediator.config.ConfigException;
import io.github.eksnoderemediator.json.Json;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.organizations.OrganizationsClient;
import software.amazon.awssdk.services.organizations.model.AwsOrganizationsNotInUseException;
import software.amazon.awssdk.services.organizations.model.ChildNotFoundException;
import software.amazon.awssdk.services.organizations.model.OrganizationalUnitNotFoundException;
import software.amazon.awssdk.services.organizations.model.Parent;
import software.amazon.awssdk.services.organizations.model.ParentType;

/**
 * {@code ./dev org-check}: what {@link OrganizationSettings} cannot see offline. Targeting an OU
 * also targets every OU below it, so an OU of one StackSet nested inside an OU of another gives its
 * accounts two remediators. With the management or delegated-admin account's read credentials, this
 * walks each configured OU up to the root ({@code organizations:ListParents}), prints the path, and
 * refuses each nested overlap on one line.
 *
 * <p>Exit codes: 0 no overlap, 1 an overlap found, 2 nothing could be checked (the settings are
 * wrong, an OU is not in the organization, or AWS refused the calls).
 */
public final class OrganizationCheck {
  static final int OK = 0;
  static final int OVERLAP = 1;
  static final int BAD_INPUT = 2;

  private final OrganizationsClient organizations;
  private final Map<String, Parent> parents = new HashMap<>();

  OrganizationCheck(OrganizationsClient organizations) {
    this.organizations = organizations;
  }

  /**
   * One configured target.
   *
   * @param id the OU or root id
   * @param field where the settings list it, e.g. {@code overrides[0].organizationalUnits}
   * @param stackSet the StackSet that targets it
   */
  record Target(String id, String field, String stackSet) {}

  public static void main(String[] args) {
    Path root = Path.of("").toAbsolutePath();
    int code;
    try {
      OrganizationSettings settings = settings(root.resolve("cdk.json"));
      Optional<URI> endpoint =
          Optional.ofNullable(System.getenv("AWS_ENDPOINT_URL")).map(URI::create);
      try (OrganizationsClient client = client(endpoint)) {
        code = new OrganizationCheck(client).check(settings, System.out);
      }
    } catch (ConfigException e) {
      System.err.println("error: " + e.getMessage());
      code = BAD_INPUT;
    } catch (SdkException e) {
      // Credentials, network, or Organizations refusing (AccessDenied...): its own words.
      System.err.println("error: Organizations: " + e.getMessage().replaceAll("\\s+", " "));
      code = BAD_INPUT;
    }
    System.exit(code);
  }

  /**
   * Checks every configured target and prints one line per target (its path from the root) and one
   * per overlap.
   *
   * @return {@link #OK} or {@link #OVERLAP}
   * @throws ConfigException when the credentials belong to another organization, or a target is not
   *     in it
   */
  int check(OrganizationSettings settings, PrintStream out) {
    String organizationId = organizationId();
    if (!organizationId.equals(settings.organizationId())) {
      throw ConfigException.of(
          OrganizationSettings.WHERE
              + " organizationId: "
              + settings.organizationId()
              + ", but these credentials are in "
              + organizationId
              + "; use the management or delegated-admin account's");
    }
    List<Target> targets = targets(settings);
    Map<Target, List<String>> paths = new LinkedHashMap<>();
    for (Target target : targets) {
      List<String> path = pathFromRoot(target);
      paths.put(target, path);
      out.println(
          "ok: "
              + target.id()
              + " ("
              + target.field()
              + ", StackSet "
              + target.stackSet()
              + "): "
              + String.join(" / ", path));
    }
    int overlaps = 0;
    for (Target inner : targets) {
      List<String> path = paths.get(inner);
      for (Target outer : targets) {
        boolean above = !outer.id().equals(inner.id()) && path.contains(outer.id());
        if (above && !outer.stackSet().equals(inner.stackSet())) {
          out.println(
              "overlap: "
                  + inner.id()
                  + " ("
                  + inner.field()
                  + ", StackSet "
                  + inner.stackSet()
                  + ") is inside "
                  + outer.id()
                  + " ("
                  + outer.field()
                  + ", StackSet "
                  + outer.stackSet()
                  + "): its accounts would get two remediators");
          overlaps++;
        }
      }
    }
    if (overlaps > 0) {
      return OVERLAP;
    }
    out.println("no overlap: every account is targeted by one StackSet at most");
    return OK;
  }

  private String organizationId() {
    try {
      return organizations.describeOrganization().organization().id();
    } catch (AwsOrganizationsNotInUseException e) {
      throw ConfigException.of("these credentials' account is not in an organization");
    }
  }

  /** Every target of every StackSet, in the order the settings list them. */
  static List<Target> targets(OrganizationSettings settings) {
    List<Target> targets = new ArrayList<>();
    settings
        .organizationalUnits()
        .forEach(ou -> targets.add(new Target(ou, "organizationalUnits", settings.stackSetName())));
    for (int i = 0; i < settings.overrides().size(); i++) {
      OrganizationSettings.Override override = settings.overrides().get(i);
      String field = "overrides[" + i + "].organizationalUnits";
      String stackSet = settings.stackSetName() + "-" + override.name();
      override.organizationalUnits().forEach(ou -> targets.add(new Target(ou, field, stackSet)));
    }
    return targets;
  }

  /** The ids from the root down to the target, both included. */
  private List<String> pathFromRoot(Target target) {
    List<String> path = new ArrayList<>();
    String id = target.id();
    path.add(id);
    // An OU tree is at most five levels below the root (AWS Organizations quotas); the bound only
    // guards against a cycle an emulator could answer with.
    for (int depth = 0; !OrganizationSettings.isRoot(id) && depth < 10; depth++) {
      Parent parent = parent(target, id);
      id = parent.id();
      path.add(0, id);
      if (parent.type() == ParentType.ROOT) {
        break;
      }
    }
    return path;
  }

  private Parent parent(Target target, String childId) {
    Parent known = parents.get(childId);
    if (known != null) {
      return known;
    }
    List<Parent> found;
    try {
      found = organizations.listParents(r -> r.childId(childId)).parents();
    } catch (ChildNotFoundException | OrganizationalUnitNotFoundException e) {
      // AWS documents ChildNotFoundException for ListParents; moto answers the other.
      throw ConfigException.of(
          OrganizationSettings.WHERE
              + " "
              + target.field()
              + ": "
              + childId
              + " is not an OU of this organization");
    }
    if (found.isEmpty()) {
      throw ConfigException.of(
          OrganizationSettings.WHERE + " " + target.field() + ": " + childId + " has no parent");
    }
    // An OU has exactly one parent (ListParents: "In the current release, a child can have only
    // a single parent").
    parents.put(childId, found.get(0));
    return found.get(0);
  }

  /** {@code remediator-organization} from cdk.json, validated as the organization app does. */
  static OrganizationSettings settings(Path cdkJson) {
    return OrganizationSettings.parse(
        Json.compact(
            OrganizationSettings.fromCdkJson(
                cdkJson, "./dev org-check", "organizationalUnits and overrides")));
  }

  /** Organizations is a global service: its one endpoint is in us-east-1 (aws partition). */
  static OrganizationsClient client(Optional<URI> endpoint) {
    var builder =
        OrganizationsClient.builder()
            .region(Region.AWS_GLOBAL)
            .httpClientBuilder(UrlConnectionHttpClient.builder());
    endpoint.ifPresent(builder::endpointOverride);
    return builder.build();
  }
}
