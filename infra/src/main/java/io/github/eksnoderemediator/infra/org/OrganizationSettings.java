package io.github.eksnoderemediator.infra.org;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.eksnoderemediator.config.ConfigException;
import io.github.eksnoderemediator.config.ConfigRoot;
import io.github.eksnoderemediator.json.Json;
import io.github.eksnoderemediator.json.StrictObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code remediator-organization} object of {@code cdk.json}'s context, validated: where the
 * organization app deploys the member stack and how. Documented field by field in
 * docs/organization.md.
 *
 * @param organizationId the organization's id ({@code o-...}); the artifact buckets let only its
 *     principals read
 * @param homeRegion where the StackSet itself lives, in the management or delegated-admin account
 * @param regions where every member gets the stack (and where the artifact buckets are)
 * @param organizationalUnits the OUs (or the root, {@code r-...}) the base configuration goes to
 * @param artifactBucketPrefix the artifact bucket of a Region is named {@code <prefix>-<region>}
 * @param functionJar the uploaded jar, or empty before the first {@code ./dev upload}: then the app
 *     synthesizes the artifact stacks only
 * @param stackSetName the base StackSet's name; an override's is {@code <name>-<override name>}
 * @param callAs {@code SELF} in the management account, {@code DELEGATED_ADMIN} in a delegated
 *     administrator account
 * @param retainStacksOnAccountRemoval keep a member's stack when its account leaves the targeted
 *     OUs (true), or delete it (false)
 * @param failureTolerancePercentage per Region, the share of accounts that may fail before the
 *     operation stops in that Region
 * @param maxConcurrentPercentage per Region, the share of accounts deployed at once
 * @param regionConcurrency {@code SEQUENTIAL} (one Region after another, in {@code regions}' order)
 *     or {@code PARALLEL}
 * @param concurrencyMode {@code STRICT_FAILURE_TOLERANCE} (StackSets runs at most failure tolerance
 *     + 1 accounts at once) or {@code SOFT_FAILURE_TOLERANCE} (at the maximum concurrency)
 * @param overrides OUs that get another configuration, each in a StackSet of its own
 */
public record OrganizationSettings(
    String organizationId,
    String homeRegion,
    List<String> regions,
    List<String> organizationalUnits,
    String artifactBucketPrefix,
    Optional<FunctionJar> functionJar,
    String stackSetName,
    CallAs callAs,
    boolean retainStacksOnAccountRemoval,
    int failureTolerancePercentage,
    int maxConcurrentPercentage,
    RegionConcurrency regionConcurrency,
    ConcurrencyMode concurrencyMode,
    List<Override> overrides) {

  public static final String KEY = "remediator-organization";
  public static final String WHERE = "cdk.json context \"" + KEY + "\"";

  /** Key prefix in the artifact buckets: the bucket policy lets the organization read only this. */
  public static final String JAR_KEY_PREFIX = "eks-node-remediator/";

  static final Pattern ORGANIZATION_ID = Pattern.compile("o-[a-z0-9]{10,32}");
  static final Pattern OU_OR_ROOT =
      Pattern.compile("ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32}");
  static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d");

  /** S3 bucket naming rules, minus what {@code -<region>} appended must still satisfy. */
  static final Pattern BUCKET_PREFIX = Pattern.compile("[a-z0-9][a-z0-9-]{1,40}[a-z0-9]");

  static final Pattern STACK_SET_NAME = Pattern.compile("[a-zA-Z][a-zA-Z0-9-]{0,99}");
  static final Pattern OVERRIDE_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9]{0,26}");
  static final Pattern JAR_KEY =
      Pattern.compile(
          Pattern.quote(JAR_KEY_PREFIX) + "[A-Za-z0-9._-]+/remediator-[0-9a-f]{64}\\.jar");

  /** S3 version ids are opaque; this only rejects what cannot be one. */
  static final Pattern VERSION_ID = Pattern.compile("[A-Za-z0-9._-]{1,1024}");

  static final Set<String> FIELDS =
      Set.of(
          "organizationId",
          "homeRegion",
          "regions",
          "organizationalUnits",
          "artifactBucketPrefix",
          "functionJar",
          "stackSetName",
          "callAs",
          "retainStacksOnAccountRemoval",
          "failureTolerancePercentage",
          "maxConcurrentPercentage",
          "regionConcurrency",
          "concurrencyMode",
          "overrides");

  /** Who creates the StackSet. */
  public enum CallAs {
    SELF,
    DELEGATED_ADMIN
  }

  /** How StackSets moves from Region to Region. */
  public enum RegionConcurrency {
    SEQUENTIAL,
    PARALLEL
  }

  /** How failures limit concurrency within a Region (StackSetOperationPreferences). */
  public enum ConcurrencyMode {
    STRICT_FAILURE_TOLERANCE,
    SOFT_FAILURE_TOLERANCE
  }

  /**
   * The jar {@code ./dev upload} put into every Region's artifact bucket.
   *
   * @param key the same content-addressed key in every bucket
   * @param versions the S3 object version of that key in each Region's bucket
   */
  public record FunctionJar(String key, Map<String, String> versions) {
    public FunctionJar {
      versions = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(versions));
    }
  }

  /**
   * OUs that get another {@code remediator} configuration, as its own StackSet: the roles'
   * permissions are derived from the configuration at synth, so a different configuration is a
   * different template, not a parameter.
   *
   * @param name part of the StackSet's name
   * @param organizationalUnits the OUs it targets; none may be targeted by another StackSet here
   * @param remediatorPatch a JSON merge patch (RFC 7386) over the base {@code remediator} object
   */
  public record Override(String name, List<String> organizationalUnits, JsonNode remediatorPatch) {
    public Override {
      organizationalUnits = List.copyOf(organizationalUnits);
    }
  }

  public OrganizationSettings {
    regions = List.copyOf(regions);
    organizationalUnits = List.copyOf(organizationalUnits);
    overrides = List.copyOf(overrides);
  }

  /** The artifact bucket of one Region. */
  public String bucketName(String region) {
    return artifactBucketPrefix + "-" + region;
  }

  /**
   * The {@code remediator-organization} object of a {@code cdk.json}, for the commands that read it
   * outside the CDK app ({@code ./dev upload}, {@code ./dev org-check}).
   *
   * @param command how the error lines name the command, e.g. {@code ./dev upload}
   * @param reads what the command reads from the object, for the line that says it is missing
   * @throws ConfigException when the file or the object is missing, on one line
   */
  public static ObjectNode fromCdkJson(Path cdkJson, String command, String reads) {
    JsonNode organization;
    try {
      organization = Json.parse(Files.readAllBytes(cdkJson), "cdk.json").path("context").path(KEY);
    } catch (NoSuchFileException e) {
      throw ConfigException.of("cdk.json not found; run " + command + " in the repository root");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (!organization.isObject()) {
      throw ConfigException.of(
          WHERE
              + " is missing: "
              + command
              + " reads "
              + reads
              + " from it (docs/organization.md)");
    }
    return (ObjectNode) organization;
  }

  /**
   * Parses and validates the object, the way {@code node.tryGetContext} returns it (null when
   * absent, a map, or a JSON string given with {@code --context}).
   *
   * @param json the object as JSON
   * @throws ConfigException naming the first wrong field, on one line
   */
  public static OrganizationSettings parse(String json) {
    StrictObject o = ConfigRoot.of(json, WHERE);
    o.allowOnly(FIELDS);
    String organizationId =
        required(o, "organizationId", ORGANIZATION_ID, "o- and 10 to 32 letters or digits");
    List<String> regions = distinctTexts(o, "regions", REGION, "a Region name such as eu-west-1");
    if (regions.isEmpty()) {
      throw o.fail(o.child("regions"), "must name at least one Region");
    }
    String homeRegion = required(o, "homeRegion", REGION, "a Region name such as eu-west-1");
    List<String> ous =
        distinctTexts(
            o, "organizationalUnits", OU_OR_ROOT, "an OU id (ou-...) or the root id (r-...)");
    if (ous.isEmpty()) {
      throw o.fail(o.child("organizationalUnits"), "must name at least one OU or the root");
    }
    String prefix =
        required(
            o,
            "artifactBucketPrefix",
            BUCKET_PREFIX,
            "3 to 42 lowercase letters, digits and hyphens, starting and ending with a letter or digit");
    Optional<FunctionJar> jar = o.object("functionJar").map(j -> functionJar(j, regions));
    List<Override> overrides = overrides(o, ous);
    return new OrganizationSettings(
        organizationId,
        homeRegion,
        regions,
        ous,
        prefix,
        jar,
        o.text(
                "stackSetName",
                STACK_SET_NAME,
                "a letter, then up to 99 letters, digits and hyphens")
            .orElse("EksNodeRemediator"),
        o.text("callAs", Pattern.compile("SELF|DELEGATED_ADMIN"), "SELF or DELEGATED_ADMIN")
            .map(CallAs::valueOf)
            .orElse(CallAs.SELF),
        o.bool("retainStacksOnAccountRemoval").orElse(false),
        o.integer("failureTolerancePercentage", 0, 100).orElse(0),
        o.integer("maxConcurrentPercentage", 1, 100).orElse(25),
        o.text(
                "regionConcurrency",
                Pattern.compile("SEQUENTIAL|PARALLEL"),
                "SEQUENTIAL or PARALLEL")
            .map(RegionConcurrency::valueOf)
            .orElse(RegionConcurrency.SEQUENTIAL),
        o.text(
                "concurrencyMode",
                Pattern.compile("STRICT_FAILURE_TOLERANCE|SOFT_FAILURE_TOLERANCE"),
                "STRICT_FAILURE_TOLERANCE or SOFT_FAILURE_TOLERANCE")
            .map(ConcurrencyMode::valueOf)
            .orElse(ConcurrencyMode.STRICT_FAILURE_TOLERANCE),
        overrides);
  }

  private static String required(StrictObject o, String field, Pattern format, String description) {
    return o.text(field, format, description)
        .orElseThrow(() -> o.fail(o.child(field), "is required: " + description));
  }

  private static List<String> distinctTexts(
      StrictObject o, String field, Pattern format, String description) {
    List<String> values = new ArrayList<>();
    for (StrictObject.Element e : o.array(field, 100)) {
      JsonNode v = e.value();
      if (!v.isTextual() || !format.matcher(v.textValue()).matches()) {
        throw o.fail(e.path(), "must be " + description + ", got " + StrictObject.describe(v));
      }
      if (values.contains(v.textValue())) {
        throw o.fail(e.path(), "\"" + v.textValue() + "\" is listed twice");
      }
      values.add(v.textValue());
    }
    return values;
  }

  private static FunctionJar functionJar(StrictObject j, List<String> regions) {
    j.allowOnly(Set.of("key", "versions"));
    String key =
        j.text(
                "key",
                JAR_KEY,
                "a key ./dev upload printed ("
                    + JAR_KEY_PREFIX
                    + "<version>/remediator-<sha256>.jar)")
            .orElseThrow(() -> j.fail(j.child("key"), "is required: the key ./dev upload printed"));
    StrictObject versions =
        j.object("versions")
            .orElseThrow(
                () ->
                    j.fail(
                        j.child("versions"),
                        "is required: the version ids ./dev upload printed, by Region"));
    versions.allowOnly(Set.copyOf(regions));
    Map<String, String> byRegion = new LinkedHashMap<>();
    for (String region : regions) {
      byRegion.put(
          region,
          versions
              .text(region, VERSION_ID, "an S3 version id")
              .orElseThrow(
                  () ->
                      versions.fail(
                          versions.child(region),
                          "is missing: every Region in regions needs the jar; run ./dev upload")));
    }
    return new FunctionJar(key, byRegion);
  }

  private static List<Override> overrides(StrictObject o, List<String> baseOus) {
    // Where each OU is targeted already, by field: one account must not get two remediators,
    // and two StackSets on one OU would give it two.
    Map<String, String> targeted = new LinkedHashMap<>();
    baseOus.forEach(ou -> targeted.put(ou, "organizationalUnits"));
    Optional<String> baseRoot = baseOus.stream().filter(OrganizationSettings::isRoot).findFirst();
    Set<String> names = new HashSet<>();
    List<Override> overrides = new ArrayList<>();
    for (StrictObject.Element e : o.array("overrides", 20)) {
      StrictObject ov = StrictObject.of(e.value(), e.path(), (p, problem) -> o.fail(p, problem));
      ov.allowOnly(Set.of("name", "organizationalUnits", "remediator"));
      String name =
          required(ov, "name", OVERRIDE_NAME, "a letter, then up to 26 letters or digits");
      if (!names.add(name)) {
        throw ov.fail(ov.child("name"), "\"" + name + "\" is used by another override");
      }
      List<String> ous = distinctTexts(ov, "organizationalUnits", OU_OR_ROOT, "an OU id (ou-...)");
      if (ous.isEmpty()) {
        throw ov.fail(ov.child("organizationalUnits"), "must name at least one OU");
      }
      String field = ov.child("organizationalUnits");
      for (String ou : ous) {
        String other = targeted.putIfAbsent(ou, field);
        if (other != null) {
          throw ov.fail(
              field,
              ou
                  + " is also in "
                  + other
                  + ": two StackSets would put two remediators into its accounts");
        }
      }
      // The root holds every account: with it in one StackSet, any target of another StackSet
      // is reached twice. (Nested OUs cannot be seen offline; ./dev org-check looks them up.)
      if (baseRoot.isPresent()) {
        throw ov.fail(
            field,
            "the base organizationalUnits target the root "
                + baseRoot.get()
                + ", which holds every account: an override would put a second remediator into"
                + " its accounts");
      }
      Optional<String> root = ous.stream().filter(OrganizationSettings::isRoot).findFirst();
      if (root.isPresent()) {
        throw ov.fail(
            field,
            root.get()
                + " is the root, which holds every account, the base organizationalUnits' too:"
                + " their accounts would get two remediators");
      }
      JsonNode patch =
          ov.node("remediator")
              .filter(JsonNode::isObject)
              .orElseThrow(
                  () ->
                      ov.fail(
                          ov.child("remediator"),
                          "is required: a JSON object merged over the base remediator configuration"));
      overrides.add(new Override(name, ous, patch));
    }
    return overrides;
  }

  /** The root id ({@code r-...}) rather than an OU's. */
  public static boolean isRoot(String target) {
    return target.startsWith("r-");
  }

  /**
   * Applies a JSON merge patch (RFC 7386): objects merge field by field, {@code null} removes a
   * field, anything else (arrays too) replaces.
   */
  public static JsonNode mergePatch(JsonNode target, JsonNode patch) {
    if (!patch.isObject()) {
      return patch.deepCopy();
    }
    ObjectNode result =
        target != null && target.isObject()
            ? ((ObjectNode) target).deepCopy()
            : Json.MAPPER.createObjectNode();
    patch
        .properties()
        .forEach(
            field -> {
              if (field.getValue().isNull()) {
                result.remove(field.getKey());
              } else {
                result.set(
                    field.getKey(), mergePatch(result.get(field.getKey()), field.getValue()));
              }
            });
    return result;
  }
}
