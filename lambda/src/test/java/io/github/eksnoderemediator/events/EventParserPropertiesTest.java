package io.github.eksnoderemediator.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verifyNoInteractions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.json.Json;
import io.github.eksnoderemediator.metrics.Metrics;
import io.github.eksnoderemediator.port.Ec2Gateway;
import io.github.eksnoderemediator.port.EksGateway;
import io.github.eksnoderemediator.testing.ImdsServices;
import io.github.eksnoderemediator.testing.MutableClock;
import io.github.eksnoderemediator.testing.SampleEvents;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Generated malformed and unexpected inputs: truncated documents, wrong types, missing fields, huge
 * arrays, unknown sources, ids of the wrong kind. Whatever arrives, the parser either returns an
 * {@link Input} or rejects it with one line; it never throws anything else, and a rejected input
 * never reaches AWS.
 */
class EventParserPropertiesTest {
  private static final List<String> SAMPLES = samples();

  private static List<String> samples() {
    try (Stream<Path> files = Files.list(SampleEvents.eventsDir())) {
      return files
          .filter(p -> p.toString().endsWith(".json"))
          .sorted()
          .map(
              p -> {
                try {
                  return Files.readString(p, StandardCharsets.UTF_8);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              })
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Either an Input or a one-line InvalidInputException; nothing else. */
  private static void parsesOrRejectsInOneLine(byte[] document) {
    try {
      assertThat(EventParser.parse(document)).isNotNull();
    } catch (InvalidInputException e) {
      assertThat(e.getMessage()).isNotBlank().doesNotContain("\n", "\r");
      assertThat(e.getMessage().length()).isLessThan(500);
    }
  }

  @Property(tries = 300)
  void truncatedSamples_areRejectedInOneLine(@ForAll("truncated") byte[] document) {
    parsesOrRejectsInOneLine(document);
  }

  @Property(tries = 500)
  void mutatedSamples_parseOrAreRejectedInOneLine(@ForAll("mutated") String document) {
    parsesOrRejectsInOneLine(document.getBytes(StandardCharsets.UTF_8));
  }

  @Property(tries = 300)
  void arbitraryBytes_parseOrAreRejectedInOneLine(@ForAll byte[] document) {
    parsesOrRejectsInOneLine(document);
  }

  @Property(tries = 200)
  void manualPayloadsWithWrongIds_areRejected_andNeverReachAws(@ForAll("wrongIds") String id) {
    Ec2Gateway ec2 = mock(Ec2Gateway.class);
    EksGateway eks = mock(EksGateway.class);
    MutableClock clock = new MutableClock(Instant.parse("2026-11-20T00:00:00Z"));
    var service =
        ImdsServices.of(
            ec2,
            eks,
            RemediatorConfig.DEFAULT,
            clock.boundedWait(),
            clock,
            (i, e, r) -> {},
            Metrics.NONE);
    ObjectNode payload = JsonNodeFactory.instance.objectNode();
    payload.putArray("instanceIds").add("i-0a1b2c3d4e5f60002").add(id);
    byte[] document = payload.toString().getBytes(StandardCharsets.UTF_8);

    try {
      service.handle(EventParser.parse(document), false);
      throw new AssertionError("accepted a manual payload with id " + id);
    } catch (InvalidInputException e) {
      assertThat(e.getMessage())
          .startsWith("instanceIds[1]: must be an EC2 instance id")
          .doesNotContain("\n");
    }
    verifyNoInteractions(ec2, eks);
  }

  @Provide
  Arbitrary<byte[]> truncated() {
    return Combinators.combine(
            Arbitraries.of(SAMPLES), Arbitraries.doubles().between(0, 0.999).ofScale(3))
        .as(
            (sample, cut) ->
                sample
                    .substring(0, (int) (sample.length() * cut))
                    .getBytes(StandardCharsets.UTF_8));
  }

  @Provide
  Arbitrary<String> mutated() {
    return Combinators.combine(
            Arbitraries.of(SAMPLES), Arbitraries.longs(), Arbitraries.integers().between(1, 4))
        .as((sample, seed, mutations) -> mutate(sample, new Random(seed), mutations));
  }

  @Provide
  Arbitrary<String> wrongIds() {
    return Arbitraries.oneOf(
        Arbitraries.of(
            "vol-0a1b2c3d4e5f60001",
            "eni-0a1b2c3d4e5f60001",
            "I-0A1B2C3D4E5F60002",
            "i-",
            "i-xyz",
            ""),
        Arbitraries.strings()
            .ofMaxLength(40)
            .filter(s -> !s.matches("i-([0-9a-f]{8}|[0-9a-f]{17})")),
        Arbitraries.strings().withCharRange('0', 'f').ofLength(12).map(s -> "i-" + s));
  }

  /**
   * Replaces, removes or inflates random values of a sample: wrong types, missing fields, huge
   * arrays.
   */
  private static String mutate(String sample, Random random, int mutations) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(sample);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (int m = 0; m < mutations; m++) {
      List<JsonNode> containers = new ArrayList<>();
      collect(root, containers);
      JsonNode target = containers.get(random.nextInt(containers.size()));
      if (target instanceof ObjectNode object && object.size() > 0) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        String name = names.get(random.nextInt(names.size()));
        switch (random.nextInt(4)) {
          case 0 -> object.remove(name);
          case 1 -> object.set(name, randomValue(random));
          case 2 -> object.put(name, "vol-" + Long.toHexString(random.nextLong()));
          default -> object.set(name, hugeArray(random));
        }
      } else if (target instanceof ArrayNode array && array.size() > 0) {
        array.set(random.nextInt(array.size()), randomValue(random));
      }
    }
    return root.toString();
  }

  private static void collect(JsonNode node, List<JsonNode> out) {
    if (node.isContainerNode()) {
      out.add(node);
      Iterator<JsonNode> children = node.elements();
      children.forEachRemaining(child -> collect(child, out));
    }
  }

  private static JsonNode randomValue(Random random) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    return switch (random.nextInt(7)) {
      case 0 -> f.nullNode();
      case 1 -> f.numberNode(random.nextInt());
      case 2 -> f.booleanNode(random.nextBoolean());
      case 3 -> f.textNode("x".repeat(random.nextInt(3000)));
      case 4 -> f.objectNode().put("unexpected", 1);
      case 5 -> f.arrayNode().add(1).add("two");
      default -> f.textNode("aws.s3");
    };
  }

  private static ArrayNode hugeArray(Random random) {
    ArrayNode array = JsonNodeFactory.instance.arrayNode();
    int size = 1000 + random.nextInt(20_000);
    for (int i = 0; i < size; i++) {
      array.add(String.format("i-%017x", i));
    }
    return array;
  }
}
