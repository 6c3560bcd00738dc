package io.github.eksnoderemediator.infra;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.eksnoderemediator.config.ConfigException;
import io.github.eksnoderemediator.config.HttpEndpointSetting;
import io.github.eksnoderemediator.config.ImdsV1Mode;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import software.amazon.awscdk.services.lambda.Code;

/**
 * What an {@link EksNodeRemediator} is built from: the function code and the validated
 * configuration. Build it with {@link #builder()}.
 *
 * <p>The builder writes each option into the same two JSON objects {@code cdk.json} holds ({@code
 * remediator} and {@code remediator-deployment}) and {@link Builder#build()} validates them with
 * the same code the standalone app runs on {@code cdk.json} (and the function runs again at start),
 * so the rules, defaults and messages are the same: a wrong value fails with one line naming the
 * field by its {@code cdk.json} path, e.g. {@code EksNodeRemediatorProps imds.hopLimit: must be an
 * integer from 1 to 64, got 70}. An option not set takes the default documented in
 * docs/configuration.md and docs/deploy.md.
 */
public final class EksNodeRemediatorProps {

  /** How validation errors name the props. */
  public static final String WHERE = "EksNodeRemediatorProps";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Code code;
  private final AppSettings settings;

  private EksNodeRemediatorProps(Code code, AppSettings settings) {
    this.code = code;
    this.settings = settings;
  }

  /** A builder with every option at its default; {@link Builder#code} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Props from settings already validated, as the standalone app reads them from {@code cdk.json}.
   */
  public static EksNodeRemediatorProps of(Code code, AppSettings settings) {
    return new EksNodeRemediatorProps(
        Objects.requireNonNull(code, "code"), Objects.requireNonNull(settings, "settings"));
  }

  /** The function code (both functions and the permissions checks run the same jar). */
  public Code code() {
    return code;
  }

  /** The validated configuration: what the functions receive and what the roles derive from. */
  public AppSettings settings() {
    return settings;
  }

  /**
   * Collects the options. Each setter overwrites that one field; {@link #remediator(Object)} and
   * {@link #deployment(Object)} replace their whole object, so call them first when you combine
   * them with the typed setters.
   */
  public static final class Builder {
    private Code code;
    private ObjectNode remediator = MAPPER.createObjectNode();
    private ObjectNode deployment = MAPPER.createObjectNode();

    private Builder() {}

    /**
     * Required: the functions' code, the shaded jar {@code lambda/target/remediator.jar} of the
     * same version as this library. Usually {@link EksNodeRemediator#codeFromJar}; any {@link Code}
     * works, e.g. {@code Code.fromBucket(...)} for a jar already in S3.
     */
    public Builder code(Code code) {
      this.code = code;
      return this;
    }

    // ---- the whole objects, for configuration kept in cdk.json ---------------------------------

    /**
     * The whole {@code remediator} object, replacing everything set so far for it: a {@code Map}
     * (as {@code node.tryGetContext("remediator")} returns it from {@code cdk.json}) or a JSON
     * string. Reference: docs/configuration.md.
     */
    public Builder remediator(Object remediator) {
      this.remediator = objectOf(remediator, "remediator");
      return this;
    }

    /**
     * The whole {@code remediator-deployment} object, replacing everything set so far for it: a
     * {@code Map} or a JSON string. Reference: docs/deploy.md.
     */
    public Builder deployment(Object deployment) {
      this.deployment = objectOf(deployment, "remediator-deployment");
      return this;
    }

    // ---- remediator: scope --------------------------------------------------------------------

    /**
     * {@code clusters}: the EKS clusters in scope; none (the default) means every cluster. Listing
     * them also narrows the IAM roles.
     */
    public Builder clusters(List<String> clusters) {
      remediator.set("clusters", MAPPER.valueToTree(clusters));
      return this;
    }

    /** {@code clusters}: the EKS clusters in scope, see {@link #clusters(List)}. */
    public Builder clusters(String... clusters) {
      return clusters(List.of(clusters));
    }

    /**
     * {@code optOutTagKey}: instances carrying this tag key (any value) are never touched. Default
     * {@code eks-node-remediator/opt-out}.
     */
    public Builder optOutTagKey(String tagKey) {
      remediator.put("optOutTagKey", tagKey);
      return this;
    }

    // ---- remediator: IMDS -----------------------------------------------------------------------

    /**
     * {@code imds.hopLimit}: every node's hop limit, 1 to 64 (min = max): raises nodes below it.
     * Default: at most 2 (a node above 2 is lowered, none is raised; {@link
     * ImdsOverride#hopLimitMin} raises a node group or pool).
     */
    public Builder hopLimit(int hopLimit) {
      imds().put("hopLimit", hopLimit);
      return this;
    }

    /**
     * {@code imds.hopLimit}: the band of hop limits left as they are, each bound 1 to 64; a node
     * outside it is moved to the nearer bound. Default 1 to 2.
     */
    public Builder hopLimit(int min, int max) {
      imds().set("hopLimit", band(min, max));
      return this;
    }

    /** {@code imds.httpEndpoint}: what to do with {@code HttpEndpoint}. Default unchanged. */
    public Builder httpEndpoint(HttpEndpointSetting httpEndpoint) {
      imds().put("httpEndpoint", label(httpEndpoint));
      return this;
    }

    /**
     * {@code imds.imdsV1Usage}: what to do with a node whose tokens are still optional and that
     * still made IMDSv1 calls in the lookback. Default enforce.
     */
    public Builder imdsV1Usage(ImdsV1Mode mode) {
      imds().put("imdsV1Usage", mode == null ? null : mode.label());
      return this;
    }

    /** {@code imds.imdsV1Check.lookbackHours}: how far back IMDSv1 calls count, 1 to 1512. */
    public Builder imdsV1CheckLookbackHours(int hours) {
      child(imds(), "imdsV1Check").put("lookbackHours", hours);
      return this;
    }

    /**
     * {@code imds.imdsV1Check.minNodeAgeMinutes}: nodes younger than this are not checked for
     * IMDSv1 use and are hardened at once, 0 to 10080.
     */
    public Builder imdsV1CheckMinNodeAgeMinutes(int minutes) {
      child(imds(), "imdsV1Check").put("minNodeAgeMinutes", minutes);
      return this;
    }

    /**
     * {@code imds.overrides[]}: adds a band or IMDSv1 mode for one cluster, node group or node
     * pool. The most specific override wins (docs/configuration.md).
     */
    public Builder imdsOverride(ImdsOverride override) {
      array(imds(), "overrides").add(override.json.deepCopy());
      return this;
    }

    // ---- remediator: sweep, queue, waits --------------------------------------------------------

    /** {@code sweep.rateMinutes}: how often the reconcile sweep runs, 1 to 1440. Default 15. */
    public Builder sweepRateMinutes(int minutes) {
      child(remediator, "sweep").put("rateMinutes", minutes);
      return this;
    }

    /** {@code sweep.writesPerSecond}: the sweep's metadata-option writes per second, 0.1 to 5. */
    public Builder sweepWritesPerSecond(double writesPerSecond) {
      child(remediator, "sweep").put("writesPerSecond", writesPerSecond);
      return this;
    }

    /** {@code sweep.burst}: writes a sweep may make at once before the rate applies, 1 to 100. */
    public Builder sweepBurst(int burst) {
      child(remediator, "sweep").put("burst", burst);
      return this;
    }

    /** {@code queue.batchSize}: the most launch events per invocation, 1 to 10000. */
    public Builder queueBatchSize(int batchSize) {
      child(remediator, "queue").put("batchSize", batchSize);
      return this;
    }

    /** {@code queue.batchWindowSeconds}: how long a batch gathers, 0 to 300. */
    public Builder queueBatchWindowSeconds(int seconds) {
      child(remediator, "queue").put("batchWindowSeconds", seconds);
      return this;
    }

    /** {@code queue.maxConcurrency}: the most batches at once per function, 2 to 1000. */
    public Builder queueMaxConcurrency(int maxConcurrency) {
      child(remediator, "queue").put("maxConcurrency", maxConcurrency);
      return this;
    }

    /**
     * {@code queue.accountWritesPerSecond}: the account's refill rate for {@code
     * ModifyInstanceMetadataOptions} in the Region, 0.1 to 1000. Default 5 (EC2's).
     */
    public Builder queueAccountWritesPerSecond(double writesPerSecond) {
      child(remediator, "queue").put("accountWritesPerSecond", writesPerSecond);
      return this;
    }

    /** {@code queue.accountWriteBurst}: the account's bucket for it, 1 to 10000. Default 100. */
    public Builder queueAccountWriteBurst(int burst) {
      child(remediator, "queue").put("accountWriteBurst", burst);
      return this;
    }

    /**
     * {@code securityHub.updateFindings}: after a node is hardened, resolve its open EC2.8 findings
     * in Security Hub (default true; it acts only where Security Hub is enabled). False also leaves
     * the Security Hub permissions out of the IMDS role.
     */
    public Builder securityHubUpdateFindings(boolean update) {
      child(remediator, "securityHub").put("updateFindings", update);
      return this;
    }

    /**
     * {@code securityHub.allowInAdministratorAccount}: update findings even where this account is a
     * Security Hub administrator with member accounts, whose findings the role then reaches too
     * (default false: findings there are left open). IAM cannot limit the role to EC2.8 findings.
     */
    public Builder securityHubAllowInAdministratorAccount(boolean allow) {
      child(remediator, "securityHub").put("allowInAdministratorAccount", allow);
      return this;
    }

    /** {@code waits.notFoundSeconds}: how long to describe an instance EC2 does not show yet. */
    public Builder waitsNotFoundSeconds(int seconds) {
      child(remediator, "waits").put("notFoundSeconds", seconds);
      return this;
    }

    /** {@code waits.tagSettleSeconds}: how long to wait for a new instance's launcher's tags. */
    public Builder waitsTagSettleSeconds(int seconds) {
      child(remediator, "waits").put("tagSettleSeconds", seconds);
      return this;
    }

    /** {@code waits.appliedSeconds}: how long to wait for changed options to be applied. */
    public Builder waitsAppliedSeconds(int seconds) {
      child(remediator, "waits").put("appliedSeconds", seconds);
      return this;
    }

    /** {@code waits.firstBackoffMillis}: the first pause of those waits, 1 to 60000. */
    public Builder waitsFirstBackoffMillis(int millis) {
      child(remediator, "waits").put("firstBackoffMillis", millis);
      return this;
    }

    // ---- remediator: ENI ------------------------------------------------------------------------

    /**
     * {@code eni.profiles[]}: adds a secondary network interface that matching nodes must have.
     * With at least one profile the ENI function is deployed (docs/eni.md).
     */
    public Builder eniProfile(EniProfileSpec profile) {
      array(child(remediator, "eni"), "profiles").add(profile.json.deepCopy());
      return this;
    }

    /** {@code eni.sweep.rateMinutes}: how often the ENI clean-up sweep runs, 1 to 1440. */
    public Builder eniSweepRateMinutes(int minutes) {
      child(child(remediator, "eni"), "sweep").put("rateMinutes", minutes);
      return this;
    }

    /**
     * {@code eni.sweep.graceMinutes}: how old an unattached interface of ours must be before the
     * sweep deletes it, 1 to 1440.
     */
    public Builder eniSweepGraceMinutes(int minutes) {
      child(child(remediator, "eni"), "sweep").put("graceMinutes", minutes);
      return this;
    }

    /** {@code eni.waits.reconcileSeconds}: how long one ENI reconcile may keep going, 0 to 600. */
    public Builder eniWaitsReconcileSeconds(int seconds) {
      child(child(remediator, "eni"), "waits").put("reconcileSeconds", seconds);
      return this;
    }

    /** {@code eni.waits.detachSeconds}: how long clean-up waits for a detach, 0 to 600. */
    public Builder eniWaitsDetachSeconds(int seconds) {
      child(child(remediator, "eni"), "waits").put("detachSeconds", seconds);
      return this;
    }

    // ---- remediator-deployment ------------------------------------------------------------------

    /** {@code logRetentionDays}: one of the values CloudWatch Logs accepts. Default 30. */
    public Builder logRetentionDays(int days) {
      deployment.put("logRetentionDays", days);
      return this;
    }

    /** {@code memorySize}: the functions' memory in MB, 128 to 10240. Default 1024. */
    public Builder memorySize(int megabytes) {
      deployment.put("memorySize", megabytes);
      return this;
    }

    /** {@code timeoutSeconds}: the functions' timeout, 10 to 900. Default 900. */
    public Builder timeoutSeconds(int seconds) {
      deployment.put("timeoutSeconds", seconds);
      return this;
    }

    /** {@code retryAttempts}: Lambda's retries of a failed asynchronous invocation, 0 to 2. */
    public Builder retryAttempts(int attempts) {
      deployment.put("retryAttempts", attempts);
      return this;
    }

    /** {@code maximumEventAgeSeconds}: how long Lambda keeps an asynchronous event, 60 to 21600. */
    public Builder maximumEventAgeSeconds(int seconds) {
      deployment.put("maximumEventAgeSeconds", seconds);
      return this;
    }

    /** {@code architecture}: the functions' instruction set. Default arm64. */
    public Builder architecture(DeploymentSettings.Architecture architecture) {
      deployment.put("architecture", architecture == null ? null : architecture.jsonName());
      return this;
    }

    /** {@code alarmEmail}: where alarm notifications go (an SNS topic). Default none. */
    public Builder alarmEmail(String email) {
      deployment.put("alarmEmail", email);
      return this;
    }

    /**
     * {@code checkPermissionsOnDeploy}: prove each function's role with EC2 dry runs at the end of
     * every deploy, and fail the deploy when it cannot do the job. Default true.
     */
    public Builder checkPermissionsOnDeploy(boolean check) {
      deployment.put("checkPermissionsOnDeploy", check);
      return this;
    }

    /**
     * {@code centralEventBusArn}: the central view's event bus (an {@code event-bus} ARN); the
     * functions' decisions are forwarded to it (docs/central-view.md). Unset, nothing leaves the
     * account.
     */
    public Builder centralEventBusArn(String arn) {
      deployment.put("centralEventBusArn", arn);
      return this;
    }

    /**
     * {@code reservedConcurrency}: the concurrency each function reserves from the account, more
     * than the launch queue's {@code maxConcurrency}, at most 1000. Default 5.
     */
    public Builder reservedConcurrency(int concurrency) {
      deployment.put("reservedConcurrency", concurrency);
      return this;
    }

    /**
     * {@code "reservedConcurrency": false}: the functions reserve no concurrency and share the
     * account's unreserved pool (for accounts whose concurrency quota leaves no room to reserve).
     */
    public Builder withoutReservedConcurrency() {
      deployment.put("reservedConcurrency", false);
      return this;
    }

    /**
     * Validates everything with the standalone app's own validator.
     *
     * @throws ConfigException naming the first wrong field, on one line
     */
    public EksNodeRemediatorProps build() {
      if (code == null) {
        throw new ConfigException(
            WHERE + " code",
            "is required: the function jar, e.g."
                + " EksNodeRemediator.codeFromJar(Path.of(\"remediator.jar\"))");
      }
      return new EksNodeRemediatorProps(
          code, AppSettings.from(remediator.toString(), WHERE, deployment.toString(), WHERE));
    }

    private ObjectNode imds() {
      return child(remediator, "imds");
    }
  }

  /**
   * One entry of {@code imds.overrides}: a hop-limit band, an IMDSv1 mode or both for one cluster,
   * or one node group or Karpenter node pool of it. Validated with the rest in {@link
   * Builder#build()}.
   */
  public static final class ImdsOverride {
    private final ObjectNode json = MAPPER.createObjectNode();

    private ImdsOverride(String cluster) {
      json.put("cluster", cluster);
    }

    /** {@code cluster}: the override's cluster (with {@code clusters} set, one of them). */
    public static ImdsOverride forCluster(String cluster) {
      return new ImdsOverride(cluster);
    }

    /** {@code nodeGroup}: narrows it to a managed or eksctl node group. */
    public ImdsOverride nodeGroup(String nodeGroup) {
      json.put("nodeGroup", nodeGroup);
      return this;
    }

    /** {@code nodePool}: narrows it to a Karpenter node pool (not with a node group). */
    public ImdsOverride nodePool(String nodePool) {
      json.put("nodePool", nodePool);
      return this;
    }

    /** {@code hopLimit}: exactly this hop limit, 1 to 64. */
    public ImdsOverride hopLimit(int hopLimit) {
      json.put("hopLimit", hopLimit);
      return this;
    }

    /** {@code hopLimit}: the band from {@code min} to {@code max}. */
    public ImdsOverride hopLimit(int min, int max) {
      json.set("hopLimit", band(min, max));
      return this;
    }

    /**
     * {@code hopLimit.min} only: the only way a node's hop limit is raised. The max is inherited
     * and moves up to it if below, so {@code hopLimitMin(2)} over the default is exactly 2 and
     * {@code hopLimitMin(3)} (Cilium, Docker-in-Docker) exactly 3 (docs/configuration.md).
     */
    public ImdsOverride hopLimitMin(int min) {
      child(json, "hopLimit").put("min", min);
      return this;
    }

    /** {@code hopLimit.max} only; the min is inherited and moves down to it if above. */
    public ImdsOverride hopLimitMax(int max) {
      child(json, "hopLimit").put("max", max);
      return this;
    }

    /** {@code imdsV1Usage}: the IMDSv1 mode for these nodes. */
    public ImdsOverride imdsV1Usage(ImdsV1Mode mode) {
      json.put("imdsV1Usage", mode == null ? null : mode.label());
      return this;
    }
  }

  /**
   * One entry of {@code eni.profiles}: a secondary network interface that matching nodes must have.
   * Every field and its rules: docs/eni.md. Validated with the rest in {@link Builder#build()}.
   */
  public static final class EniProfileSpec {
    private final ObjectNode json = MAPPER.createObjectNode();

    private EniProfileSpec(String name) {
      json.put("name", name);
    }

    /** {@code name}: the profile's name (lowercase letters, digits and -, at most 40). */
    public static EniProfileSpec named(String name) {
      return new EniProfileSpec(name);
    }

    /** {@code cluster}: required, the nodes' cluster. */
    public EniProfileSpec cluster(String cluster) {
      json.put("cluster", cluster);
      return this;
    }

    /** {@code nodeGroup}: only nodes of this node group. */
    public EniProfileSpec nodeGroup(String nodeGroup) {
      json.put("nodeGroup", nodeGroup);
      return this;
    }

    /** {@code nodePool}: only nodes of this Karpenter node pool. */
    public EniProfileSpec nodePool(String nodePool) {
      json.put("nodePool", nodePool);
      return this;
    }

    /** {@code matchTags}: only instances carrying all these tags. */
    public EniProfileSpec matchTags(Map<String, String> tags) {
      json.set("matchTags", MAPPER.valueToTree(tags));
      return this;
    }

    /** {@code subnets.ids}: the interface's subnets by id (docs/eni.md). */
    public EniProfileSpec subnetIds(List<String> ids) {
      child(json, "subnets").set("ids", MAPPER.valueToTree(ids));
      return this;
    }

    /** {@code subnets.tags}: the interface's subnets found by these tags (docs/eni.md). */
    public EniProfileSpec subnetTags(Map<String, String> tags) {
      child(json, "subnets").set("tags", MAPPER.valueToTree(tags));
      return this;
    }

    /** {@code securityGroups.ids}: the interface's security groups by id. */
    public EniProfileSpec securityGroupIds(List<String> ids) {
      child(json, "securityGroups").set("ids", MAPPER.valueToTree(ids));
      return this;
    }

    /** {@code securityGroups.names}: the interface's security groups by name. */
    public EniProfileSpec securityGroupNames(List<String> names) {
      child(json, "securityGroups").set("names", MAPPER.valueToTree(names));
      return this;
    }

    /** {@code deviceIndex}: required, where the interface attaches, 1 to 31. */
    public EniProfileSpec deviceIndex(int deviceIndex) {
      json.put("deviceIndex", deviceIndex);
      return this;
    }

    /** {@code networkCardIndex}: the network card, 0 to 15. Default 0. */
    public EniProfileSpec networkCardIndex(int networkCardIndex) {
      json.put("networkCardIndex", networkCardIndex);
      return this;
    }

    /** {@code deleteOnTermination}: delete the interface with the instance. Default true. */
    public EniProfileSpec deleteOnTermination(boolean delete) {
      json.put("deleteOnTermination", delete);
      return this;
    }

    /** {@code description}: the interface's description. */
    public EniProfileSpec description(String description) {
      json.put("description", description);
      return this;
    }

    /** {@code tags}: extra tags on the interface. */
    public EniProfileSpec tags(Map<String, String> tags) {
      json.set("tags", MAPPER.valueToTree(tags));
      return this;
    }

    /** {@code secondaryPrivateIpCount}: extra private addresses, 0 to 49. Default 0. */
    public EniProfileSpec secondaryPrivateIpCount(int count) {
      json.put("secondaryPrivateIpCount", count);
      return this;
    }

    /** {@code sourceDestCheck}: set the interface's source/destination check. */
    public EniProfileSpec sourceDestCheck(boolean check) {
      json.put("sourceDestCheck", check);
      return this;
    }
  }

  private static ObjectNode band(int min, int max) {
    ObjectNode band = MAPPER.createObjectNode();
    band.put("min", min);
    band.put("max", max);
    return band;
  }

  private static String label(HttpEndpointSetting setting) {
    return setting == null ? null : setting.name().toLowerCase(Locale.ROOT);
  }

  /** The object under {@code name}, created when absent (a non-object is replaced). */
  private static ObjectNode child(ObjectNode parent, String name) {
    JsonNode existing = parent.get(name);
    if (existing instanceof ObjectNode o) {
      return o;
    }
    return parent.putObject(name);
  }

  private static ArrayNode array(ObjectNode parent, String name) {
    JsonNode existing = parent.get(name);
    if (existing instanceof ArrayNode a) {
      return a;
    }
    return parent.putArray(name);
  }

  /** A whole object given as a map or JSON string, checked to be an object. */
  private static ObjectNode objectOf(Object value, String name) {
    JsonNode node;
    try {
      node = value instanceof String text ? MAPPER.readTree(text) : MAPPER.valueToTree(value);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new ConfigException(
          WHERE + " " + name,
          "is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
    }
    if (node == null || node.isNull()) {
      return MAPPER.createObjectNode();
    }
    if (!(node instanceof ObjectNode o)) {
      throw new ConfigException(
          WHERE + " " + name,
          "must be an object, got " + node.getNodeType().name().toLowerCase(Locale.ROOT));
    }
    return o;
  }
}
