package io.github.eksnoderemediator.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.eksnoderemediator.json.Json;
import io.github.eksnoderemediator.json.JsonInputException;
import io.github.eksnoderemediator.json.StrictObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Everything the functions are told by the operator. It is written once, as the {@code remediator}
 * object in {@code cdk.json}'s context; the CDK app validates it at synth time and hands the same
 * JSON to the function in {@value #ENV_VAR}, where the function validates it again at start. The
 * format is documented in docs/configuration.md.
 *
 * @param clusters the clusters in scope; empty means every cluster
 * @param optOutTagKey instances carrying this tag key (any value) are never touched
 * @param imds the metadata-options policy
 * @param eni the secondary network interfaces nodes must have
 * @param sweep the scheduled IMDS sweep
 * @param waits bounded waits inside one invocation
 * @param queue the launch-event queue: batching, concurrency and the account's write budget
 * @param securityHub what the IMDS function tells Security Hub after it hardens a node
 */
public record RemediatorConfig(
    Set<String> clusters,
    String optOutTagKey,
    ImdsConfig imds,
    EniConfig eni,
    SweepConfig sweep,
    Waits waits,
    QueueConfig queue,
    SecurityHubConfig securityHub) {

  public static final String ENV_VAR = "REMEDIATOR_CONFIG";
  public static final String DEFAULT_OPT_OUT_TAG_KEY = "eks-node-remediator/opt-out";
  public static final RemediatorConfig DEFAULT =
      new RemediatorConfig(
          Set.of(),
          DEFAULT_OPT_OUT_TAG_KEY,
          ImdsConfig.DEFAULT,
          EniConfig.DEFAULT,
          SweepConfig.DEFAULT,
          Waits.DEFAULT,
          QueueConfig.DEFAULT,
          SecurityHubConfig.DEFAULT);

  /** EKS cluster and node group names: a letter or digit, then letters, digits, - and _. */
  public static final Pattern EKS_NAME = Pattern.compile("[0-9A-Za-z][0-9A-Za-z_-]{0,99}");

  /** Kubernetes object names, which Karpenter node pools are. */
  public static final Pattern K8S_NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");

  static final Pattern TAG_KEY = Pattern.compile("(?!aws:)[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]{1,128}");

  public RemediatorConfig {
    clusters = Set.copyOf(clusters);
  }

  /** True when the configuration puts this cluster in scope. */
  public boolean clusterInScope(String cluster) {
    return clusters.isEmpty() || clusters.contains(cluster);
  }

  /** The configuration in {@value #ENV_VAR}, or the defaults when it is unset or blank. */
  public static RemediatorConfig fromEnvironment(Map<String, String> env) {
    String json = env.get(ENV_VAR);
    if (json == null || json.isBlank()) {
      return DEFAULT;
    }
    return parse(json, ENV_VAR);
  }

  /**
   * Parses and validates the configuration object.
   *
   * @param where how errors name the document, e.g. {@code cdk.json context "remediator"}
   * @throws ConfigException naming the first field that is wrong
   */
  public static RemediatorConfig parse(String json, String where) {
    JsonNode root;
    try {
      root = Json.parse(json.getBytes(StandardCharsets.UTF_8), where);
    } catch (JsonInputException e) {
      throw ConfigException.of(e.getMessage());
    }
    StrictObject config = StrictObject.of(root, "", (path, problem) -> error(where, path, problem));
    config.allowOnly(
        Set.of(
            "clusters", "optOutTagKey", "imds", "eni", "sweep", "waits", "queue", "securityHub"));

    Set<String> clusters = new LinkedHashSet<>();
    for (StrictObject.Element e : config.array("clusters", 1000)) {
      clusters.add(text(e, EKS_NAME, "an EKS cluster name", where));
    }
    String optOut =
        config
            .text("optOutTagKey", TAG_KEY, "a tag key (1-128 characters, not starting with aws:)")
            .orElse(DEFAULT_OPT_OUT_TAG_KEY);
    ImdsConfig imds = config.object("imds").map(o -> imds(o, clusters)).orElse(ImdsConfig.DEFAULT);
    Waits waits = config.object("waits").map(RemediatorConfig::waits).orElse(Waits.DEFAULT);
    EniConfig eni =
        config
            .object("eni")
            .map(o -> EniConfig.parse(o, clusters, waits))
            .orElse(EniConfig.defaults(waits));
    SweepConfig sweep = config.object("sweep").map(SweepConfig::parse).orElse(SweepConfig.DEFAULT);
    QueueConfig queue = config.object("queue").map(QueueConfig::parse).orElse(QueueConfig.DEFAULT);
    SecurityHubConfig securityHub =
        config
            .object("securityHub")
            .map(SecurityHubConfig::parse)
            .orElse(SecurityHubConfig.DEFAULT);
    return new RemediatorConfig(clusters, optOut, imds, eni, sweep, waits, queue, securityHub);
  }

  private static ImdsConfig imds(StrictObject imds, Set<String> clusters) {
    imds.allowOnly(Set.of("hopLimit", "httpEndpoint", "overrides", "imdsV1Usage", "imdsV1Check"));
    HopLimitBand band =
        imds.node("hopLimit")
            .map(v -> band(imds, v, imds.child("hopLimit")))
            .orElse(HopLimitBand.DEFAULT);
    HttpEndpointSetting endpoint =
        imds.text(
                "httpEndpoint",
                Pattern.compile("unchanged|enabled|disabled"),
                "unchanged, enabled or disabled")
            .map(s -> HttpEndpointSetting.valueOf(s.toUpperCase(java.util.Locale.ROOT)))
            .orElse(HttpEndpointSetting.UNCHANGED);
    ImdsV1Mode mode = imdsV1Mode(imds).orElse(ImdsV1Mode.ENFORCE);
    ImdsV1Check check =
        imds.object("imdsV1Check").map(RemediatorConfig::imdsV1Check).orElse(ImdsV1Check.DEFAULT);

    List<HopLimitOverride> overrides = new ArrayList<>();
    Set<String> selectors = new HashSet<>();
    for (StrictObject.Element e : imds.array("overrides", 500)) {
      StrictObject o = StrictObject.of(e.value(), e.path(), imds::fail);
      o.allowOnly(Set.of("cluster", "nodeGroup", "nodePool", "hopLimit", "imdsV1Usage"));
      String cluster =
          o.text("cluster", EKS_NAME, "an EKS cluster name")
              .orElseThrow(() -> o.fail(o.child("cluster"), "is required"));
      if (!clusters.isEmpty() && !clusters.contains(cluster)) {
        throw o.fail(
            o.child("cluster"),
            "\"" + cluster + "\" is not one of the clusters in scope " + clusters);
      }
      Optional<String> nodeGroup = o.text("nodeGroup", EKS_NAME, "a node group name");
      Optional<String> nodePool = o.text("nodePool", K8S_NAME, "a Karpenter node pool name");
      if (nodeGroup.isPresent() && nodePool.isPresent()) {
        throw o.fail(o.path(), "names both a nodeGroup and a nodePool; use one override for each");
      }
      Optional<ImdsV1Mode> overrideMode = imdsV1Mode(o);
      Optional<JsonNode> limit = o.node("hopLimit");
      if (limit.isEmpty() && overrideMode.isEmpty()) {
        throw o.fail(o.child("hopLimit"), "is required (or give imdsV1Usage)");
      }
      Integer[] bounds =
          limit.isPresent() ? bounds(o, limit.get(), o.child("hopLimit")) : new Integer[2];
      String selector =
          cluster
              + "|"
              + nodeGroup.map(g -> "g:" + g).orElse("")
              + nodePool.map(p -> "p:" + p).orElse("");
      if (!selectors.add(selector)) {
        throw o.fail(
            o.path(), "repeats an earlier override for the same cluster, node group or node pool");
      }
      overrides.add(
          new HopLimitOverride(cluster, nodeGroup, nodePool, bounds[0], bounds[1], overrideMode));
    }
    return new ImdsConfig(band, endpoint, overrides, mode, check);
  }

  private static Optional<ImdsV1Mode> imdsV1Mode(StrictObject owner) {
    return owner
        .text("imdsV1Usage", Pattern.compile("enforce|defer"), "enforce or defer")
        .map(s -> ImdsV1Mode.valueOf(s.toUpperCase(java.util.Locale.ROOT)));
  }

  private static ImdsV1Check imdsV1Check(StrictObject check) {
    check.allowOnly(Set.of("lookbackHours", "minNodeAgeMinutes"));
    ImdsV1Check d = ImdsV1Check.DEFAULT;
    return new ImdsV1Check(
        check
            .integer("lookbackHours", 1, ImdsV1Check.MAX_LOOKBACK_HOURS)
            .map(h -> Duration.ofHours(h))
            .orElse(d.lookback()),
        check
            .integer("minNodeAgeMinutes", 0, 7 * 24 * 60)
            .map(m -> Duration.ofMinutes(m))
            .orElse(d.minNodeAge()));
  }

  /** A band written as an integer (min = max) or as {@code {"min": m, "max": n}}. */
  private static HopLimitBand band(StrictObject owner, JsonNode value, String path) {
    Integer[] b = bounds(owner, value, path);
    return HopLimitBand.DEFAULT.narrowedBy(b[0], b[1]);
  }

  private static Integer[] bounds(StrictObject owner, JsonNode value, String path) {
    if (value.isNumber()) {
      int limit = owner.integerValue(value, path, HopLimitBand.LOWEST, HopLimitBand.HIGHEST);
      return new Integer[] {limit, limit};
    }
    StrictObject o = StrictObject.of(value, path, owner::fail);
    o.allowOnly(Set.of("min", "max"));
    Integer min = o.integer("min", HopLimitBand.LOWEST, HopLimitBand.HIGHEST).orElse(null);
    Integer max = o.integer("max", HopLimitBand.LOWEST, HopLimitBand.HIGHEST).orElse(null);
    if (min == null && max == null) {
      throw o.fail(path, "must give min, max or both");
    }
    if (min != null && max != null && min > max) {
      throw o.fail(path, "min " + min + " is greater than max " + max);
    }
    return new Integer[] {min, max};
  }

  private static Waits waits(StrictObject w) {
    w.allowOnly(
        Set.of("notFoundSeconds", "tagSettleSeconds", "appliedSeconds", "firstBackoffMillis"));
    Waits d = Waits.DEFAULT;
    return new Waits(
        w.integer("notFoundSeconds", 0, 600).map(s -> Duration.ofSeconds(s)).orElse(d.notFound()),
        w.integer("tagSettleSeconds", 0, 600).map(s -> Duration.ofSeconds(s)).orElse(d.tagSettle()),
        w.integer("appliedSeconds", 0, 600).map(s -> Duration.ofSeconds(s)).orElse(d.applied()),
        w.integer("firstBackoffMillis", 1, 60_000)
            .map(s -> Duration.ofMillis(s))
            .orElse(d.firstBackoff()));
  }

  private static String text(
      StrictObject.Element e, Pattern format, String description, String where) {
    if (!e.value().isTextual() || !format.matcher(e.value().textValue()).matches()) {
      throw error(
          where, e.path(), "must be " + description + ", got " + StrictObject.describe(e.value()));
    }
    return e.value().textValue();
  }

  private static ConfigException error(String where, String path, String problem) {
    return new ConfigException(where + (path.isEmpty() ? "" : " " + path), problem);
  }
}
