package io.github.eksnoderemediator.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.eksnoderemediator.json.Json;
import io.github.eksnoderemediator.testing.SampleConfigs;
import io.github.eksnoderemediator.testing.SampleEvents;
import io.github.eksnoderemediator.testing.SchemaAgreement;
import io.github.eksnoderemediator.testing.SchemaAgreement.Site;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * docs/remediator.schema.json, which users' editors check {@code cdk.json} with, and {@link
 * RemediatorConfig#parse}, which the CDK app and the functions run, know the same fields and the
 * same bounds. Adding a field to one and not the other fails here.
 *
 * <p>A new field: read it in its object's parse method and add it to that object's {@code
 * allowOnly} list; add it with its type and bounds to docs/remediator.schema.json (under {@code
 * $defs/remediator}); set it in {@link SampleConfigs#FULL} (required for a new object or a bounded
 * or enumerated value); document it in docs/configuration.md.
 */
class RemediatorSchemaTest {
  private static final SchemaAgreement AGREEMENT =
      new SchemaAgreement(
          "/$defs/remediator",
          "test ",
          json -> {
            try {
              RemediatorConfig.parse(json, "test");
              return Optional.empty();
            } catch (ConfigException e) {
              return Optional.of(e.getMessage());
            }
          });

  @Test
  void fullExample_isValidForBoth_andSetsEveryFieldOfTheSchema() {
    assertThat(AGREEMENT.schemaErrors(SampleConfigs.FULL)).isEmpty();
    assertThat(AGREEMENT.readerError(SampleConfigs.FULL)).isEmpty();
    assertThat(pointers(AGREEMENT.objects(SampleConfigs.FULL)))
        .isEqualTo(AGREEMENT.schemaSites(true));
    assertThat(pointers(AGREEMENT.leaves(SampleConfigs.FULL)))
        .isEqualTo(AGREEMENT.schemaSites(false));
  }

  @Test
  void everyObject_refusesAnUnknownField_listingTheSchemasFields() {
    SoftAssertions soft = new SoftAssertions();
    for (Site object : AGREEMENT.objects(SampleConfigs.FULL)) {
      String document = SchemaAgreement.withField(SampleConfigs.FULL, object.at(), "zzz");
      String field = object.path().isEmpty() ? "zzz" : object.path() + ".zzz";
      soft.assertThat(AGREEMENT.readerError(document))
          .as(object.path())
          .contains(
              "test "
                  + field
                  + ": unknown field (expected one of "
                  + SchemaAgreement.fieldList(object.schema())
                  + ")");
      soft.assertThat(AGREEMENT.schemaErrors(document)).as(object.path()).isNotEmpty();
    }
    soft.assertAll();
  }

  @Test
  void everyBound_isTheSameInBoth() {
    SoftAssertions soft = new SoftAssertions();
    for (Site leaf : AGREEMENT.leaves(SampleConfigs.FULL)) {
      for (JsonNode value : SchemaAgreement.outside(leaf.schema())) {
        String document = SchemaAgreement.withValue(SampleConfigs.FULL, leaf.at(), value);
        Optional<String> error = AGREEMENT.readerError(document);
        soft.assertThat(AGREEMENT.namesField(error, leaf.path()))
            .as(leaf.path() + " = " + value + " is refused naming the field, got " + error)
            .isTrue();
        soft.assertThat(AGREEMENT.schemaErrors(document))
            .as(leaf.path() + " = " + value + " fails the schema")
            .isNotEmpty();
      }
      for (JsonNode value : SchemaAgreement.inside(leaf.schema())) {
        String document = SchemaAgreement.withValue(SampleConfigs.FULL, leaf.at(), value);
        Optional<String> error = AGREEMENT.readerError(document);
        if (AGREEMENT.schemaErrors(document).isEmpty()) {
          // Another field may still object (min over max): only this field's range is compared.
          soft.assertThat(AGREEMENT.namesField(error, leaf.path()))
              .as(leaf.path() + " = " + value + " is accepted, got " + error)
              .isFalse();
        } else {
          // A rule across fields that the schema has too (a batch window of 0 over 10 messages).
          soft.assertThat(error)
              .as(leaf.path() + " = " + value + " is refused by both")
              .isPresent();
        }
      }
    }
    soft.assertAll();
  }

  @Test
  void imdsHopLimitDefault_isTheReadersDefault_andWhatCdkJsonShips() throws Exception {
    JsonNode schema = Json.MAPPER.readTree(SchemaAgreement.SCHEMA.toFile());
    JsonNode declared = schema.at("/$defs/remediator/properties/imds/properties/hopLimit/default");
    assertThat(declared.isMissingNode()).as("the schema declares the default").isFalse();
    HopLimitBand band =
        RemediatorConfig.parse("{\"imds\": {\"hopLimit\": " + declared + "}}", "test")
            .imds()
            .hopLimit();

    assertThat(band).isEqualTo(RemediatorConfig.parse("{}", "test").imds().hopLimit());
    assertThat(band).isEqualTo(HopLimitBand.DEFAULT).isEqualTo(new HopLimitBand(1, 2));
    JsonNode cdkJson = Json.MAPPER.readTree(SampleEvents.root().resolve("cdk.json").toFile());
    assertThat(cdkJson.at("/context/remediator/imds/hopLimit")).isEqualTo(declared);
  }

  private static TreeSet<String> pointers(List<Site> sites) {
    TreeSet<String> pointers = new TreeSet<>();
    sites.forEach(s -> pointers.add(s.schemaPointer()));
    return pointers;
  }
}
