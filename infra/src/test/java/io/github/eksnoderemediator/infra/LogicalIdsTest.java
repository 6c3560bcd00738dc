package io.github.eksnoderemediator.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Existing deployments update in place: every resource keeps its logical id and type, and every
 * output its name. CloudFormation replaces a resource whose logical id changes (a new role, new
 * queues with their messages left behind), so a refactoring of the constructs must not move one.
 *
 * <p>The expected lists in {@code infra/src/test/resources/logical-ids/} were written from the
 * stack as released, before {@link EksNodeRemediator} took over RemediatorStack's body. Every line
 * of them must still be there; a feature may add resources (CloudFormation creates those, it
 * replaces nothing). A change that really means to replace or remove a resource rewrites them with
 * {@code -DlogicalIds.write=true}, and the diff shows in review.
 */
class LogicalIdsTest {

  @ParameterizedTest
  @ValueSource(strings = {"defaults", "clusters", "eni", "eniClusters"})
  void logicalIdsTypesAndOutputs_ofTheReleasedStack_areAllKept(String stack) throws IOException {
    List<String> actual =
        idsAndTypes(TestStacks.named(stack).template()).stream()
            .map(LogicalIdsTest::withoutVersionHash)
            .toList();
    Path expectedFile =
        TestStacks.repoRoot().resolve("infra/src/test/resources/logical-ids/" + stack + ".txt");

    if (Boolean.getBoolean("logicalIds.write")) {
      Files.write(expectedFile, actual, StandardCharsets.UTF_8);
    }

    assertThat(actual)
        .as("logical ids and types of %s against %s", stack, expectedFile)
        .containsAll(
            Files.readAllLines(expectedFile, StandardCharsets.UTF_8).stream()
                .map(LogicalIdsTest::withoutVersionHash)
                .toList());
  }

  /**
   * A function version's logical id ends in a hash of the function's configuration: CDK publishes a
   * new version, on purpose, whenever the configuration changes, so that part is not compared.
   */
  static String withoutVersionHash(String line) {
    return line.replaceFirst(
        "(CurrentVersion[0-9A-F]{8})[0-9a-f]{32}( AWS::Lambda::Version)", "$1$2");
  }

  /** One line per resource ({@code id type}) and per output ({@code id Output}), sorted. */
  static List<String> idsAndTypes(JsonNode template) {
    List<String> lines = new ArrayList<>();
    template
        .path("Resources")
        .properties()
        .forEach(r -> lines.add(r.getKey() + " " + r.getValue().path("Type").asText()));
    template.path("Outputs").properties().forEach(o -> lines.add(o.getKey() + " Output"));
    lines.sort(null);
    return lines;
  }
}
