package io.github.eksnoderemediator.bench;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.databind.DeserializationFeature;
import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.events.EventParser;
import io.github.eksnoderemediator.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Run by {@link Bench} in a fresh JVM on the shipped jar: what reading the configuration and one
 * manual payload costs a cold process, with the shipped reader ({@code shipped}) or with Jackson
 * databind binding the same documents to records ({@code databind}: binding only, no range checks,
 * so a lower bound for a databind reader), or with jackson-jr doing the same ({@code jackson-jr},
 * which has no aliases: the payload is given the field's own spelling). Prints {@code mapper config
 * payload} in microseconds.
 */
public final class ReaderCost {
  static final String PAYLOAD =
      "{\"cluster\": \"prod\", \"nodegroup\": \"ingress\", \"dryRun\": true}";

  private ReaderCost() {}

  public static void main(String[] args) throws java.io.IOException {
    String config = args[1];
    long start = System.nanoTime();
    Object mapper = Json.MAPPER;
    long mapperReady = System.nanoTime();
    Object read;
    long configRead;
    if ("jackson-jr".equals(args[0])) {
      com.fasterxml.jackson.jr.ob.JSON jr =
          com.fasterxml
              .jackson
              .jr
              .ob
              .JSON
              .builder()
              .enable(com.fasterxml.jackson.jr.ob.JSON.Feature.FAIL_ON_UNKNOWN_BEAN_PROPERTY)
              .build();
      read = jr.beanFrom(Config.class, config);
      configRead = System.nanoTime();
      read = jr.beanFrom(Manual.class, PAYLOAD.replace("nodegroup", "nodeGroup"));
    } else if ("databind".equals(args[0])) {
      read = bind(config);
      configRead = System.nanoTime();
      read =
          Json.MAPPER
              .readerFor(Manual.class)
              .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
              .readValue(PAYLOAD.getBytes(StandardCharsets.UTF_8), Manual.class);
    } else {
      read = RemediatorConfig.parse(config, "bench");
      configRead = System.nanoTime();
      read = EventParser.parse(PAYLOAD.getBytes(StandardCharsets.UTF_8));
    }
    long payloadRead = System.nanoTime();
    if (mapper == null || read == null) {
      throw new IllegalStateException("nothing read");
    }
    System.out.println(
        (mapperReady - start) / 1000
            + " "
            + (configRead - mapperReady) / 1000
            + " "
            + (payloadRead - configRead) / 1000);
  }

  private static Config bind(String json) {
    try {
      return Json.MAPPER
          .readerFor(Config.class)
          .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .readValue(json);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public record Override(
      String cluster, String nodeGroup, String nodePool, Object hopLimit, String imdsV1Usage) {}

  public record Check(Integer lookbackHours, Integer minNodeAgeMinutes) {}

  public record Imds(
      Object hopLimit,
      String httpEndpoint,
      List<Override> overrides,
      String imdsV1Usage,
      Check imdsV1Check) {}

  public record Selector(List<String> ids, Map<String, String> tags, List<String> names) {}

  public record Profile(
      String name,
      String cluster,
      String nodeGroup,
      String nodePool,
      Map<String, String> matchTags,
      Selector subnets,
      Selector securityGroups,
      Integer deviceIndex,
      Integer networkCardIndex,
      Boolean deleteOnTermination,
      String description,
      Map<String, String> tags,
      Integer secondaryPrivateIpCount,
      Boolean sourceDestCheck) {}

  public record EniSweep(Integer rateMinutes, Integer graceMinutes) {}

  public record EniWaits(Integer reconcileSeconds, Integer detachSeconds) {}

  public record Eni(List<Profile> profiles, EniSweep sweep, EniWaits waits) {}

  public record Sweep(Integer rateMinutes, Double writesPerSecond, Integer burst) {}

  public record Waits(
      Integer notFoundSeconds,
      Integer tagSettleSeconds,
      Integer appliedSeconds,
      Integer firstBackoffMillis) {}

  public record Queue(
      Integer batchSize,
      Integer batchWindowSeconds,
      Integer maxConcurrency,
      Double accountWritesPerSecond,
      Integer accountWriteBurst) {}

  public record SecurityHub(Boolean updateFindings, Boolean allowInAdministratorAccount) {}

  public record Config(
      List<String> clusters,
      String optOutTagKey,
      Imds imds,
      Eni eni,
      Sweep sweep,
      Waits waits,
      Queue queue,
      SecurityHub securityHub) {}

  public record Manual(
      String instanceId,
      List<String> instanceIds,
      String cluster,
      @JsonAlias("nodegroup") String nodeGroup,
      @JsonAlias("nodepool") String nodePool,
      String report,
      String check,
      Boolean dryRun) {}
}
