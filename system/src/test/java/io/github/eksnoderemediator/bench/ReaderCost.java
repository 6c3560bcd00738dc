package io.github.eksnoderemediator.bench;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
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
 * so a lower bound for a databind reader). Prints {@code mapper config payload} in microseconds.
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
    if ("databind".equals(args[0])) {
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

  record Band(Integer min, Integer max) {}

  record Override(
      String cluster, String nodeGroup, String nodePool, JsonNode hopLimit, String imdsV1Usage) {}

  record Check(Integer lookbackHours, Integer minNodeAgeMinutes) {}

  record Imds(
      JsonNode hopLimit,
      String httpEndpoint,
      List<Override> overrides,
      String imdsV1Usage,
      Check imdsV1Check) {}

  record Selector(List<String> ids, Map<String, String> tags, List<String> names) {}

  record Profile(
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

  record EniSweep(Integer rateMinutes, Integer graceMinutes) {}

  record EniWaits(Integer reconcileSeconds, Integer detachSeconds) {}

  record Eni(List<Profile> profiles, EniSweep sweep, EniWaits waits) {}

  record Sweep(Integer rateMinutes, Double writesPerSecond, Integer burst) {}

  record Waits(
      Integer notFoundSeconds,
      Integer tagSettleSeconds,
      Integer appliedSeconds,
      Integer firstBackoffMillis) {}

  record Queue(
      Integer batchSize,
      Integer batchWindowSeconds,
      Integer maxConcurrency,
      Double accountWritesPerSecond,
      Integer accountWriteBurst) {}

  record Config(
      List<String> clusters,
      String optOutTagKey,
      Imds imds,
      Eni eni,
      Sweep sweep,
      Waits waits,
      Queue queue) {}

  record Manual(
      String instanceId,
      List<String> instanceIds,
      String cluster,
      @JsonAlias("nodegroup") String nodeGroup,
      @JsonAlias("nodepool") String nodePool,
      String report,
      String check,
      Boolean dryRun) {}
}
