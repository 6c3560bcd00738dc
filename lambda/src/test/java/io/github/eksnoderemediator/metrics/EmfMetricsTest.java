package io.github.eksnoderemediator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.eksnoderemediator.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class EmfMetricsTest {

  @Test
  void flush_writesOneEmfLinePerCluster_withClusterAndTotalDimensions() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    EmfMetrics metrics = new EmfMetrics(new PrintStream(out, true, StandardCharsets.UTF_8), "imds");
    metrics.count("prod", Metrics.NODES_REMEDIATED, 1);
    metrics.count("prod", Metrics.NODES_REMEDIATED, 2);
    metrics.count("prod", Metrics.NODES_FAILED, 1);
    metrics.count(null, Metrics.NODES_SKIPPED, 4);

    metrics.flush();

    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines).hasSize(2);
    JsonNode none = Json.MAPPER.readTree(lines.get(0));
    JsonNode prod = Json.MAPPER.readTree(lines.get(1));
    assertThat(prod.path("Cluster").asText()).isEqualTo("prod");
    assertThat(prod.path("NodesRemediated").asDouble()).isEqualTo(3.0);
    assertThat(prod.path("NodesFailed").asDouble()).isEqualTo(1.0);
    assertThat(prod.path("Function").asText()).isEqualTo("imds");
    JsonNode directive = prod.path("_aws").path("CloudWatchMetrics").get(0);
    assertThat(directive.path("Namespace").asText()).isEqualTo("EksNodeRemediator");
    assertThat(directive.path("Dimensions").toString()).isEqualTo("[[\"Cluster\"],[]]");
    assertThat(directive.path("Metrics").findValuesAsText("Name"))
        .containsExactlyInAnyOrder("NodesRemediated", "NodesFailed");
    assertThat(none.path("Cluster").asText()).isEqualTo("none");
    assertThat(none.path("NodesSkipped").asDouble()).isEqualTo(4.0);
  }

  @Test
  void flush_startsOver_andWritesNothingWhenNothingWasCounted() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    EmfMetrics metrics = new EmfMetrics(new PrintStream(out, true, StandardCharsets.UTF_8), "imds");
    metrics.count("prod", Metrics.NODES_COMPLIANT, 1);
    metrics.flush();
    out.reset();

    metrics.flush();

    assertThat(out.size()).isZero();
  }
}
