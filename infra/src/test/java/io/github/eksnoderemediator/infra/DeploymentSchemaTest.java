package io.github.eksnoderemediator.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.eksnoderemediator.config.ConfigException;
import io.github.eksnoderemediator.testing.SampleEvents;
import io.github.eksnoderemediator.testing.SchemaAgreement;
import io.github.eksnoderemediator.testing.SchemaAgreement.Site;
import java.util.Optional;
import java.util.TreeSet;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * docs/remediator.schema.json and {@link DeploymentSettings#parse} know the same {@code
 * remediator-deployment} fields and bounds, and the repository's own cdk.json passes the schema.
 */
class DeploymentSchemaTest {
  private static final String FULL =
      """
      {"logRetentionDays": 7, "memorySize": 1024, "timeoutSeconds": 900, "retryAttempts": 2,
       "maximumEventAgeSeconds": 3600, "architecture": "x86_64",
       "alarmEmail": "platform-oncall@example.com", "checkPermissionsOnDeploy": true,
       "centralEventBusArn":
         "arn:aws:events:eu-west-1:111122223333:event-bus/eks-node-remediator-decisions",
       "reservedConcurrency": 5,
       "verify": {"schedule": "rate(1 day)", "subnetId": "subnet-0a1b2c3d4e5f60718",
                  "instanceTypes": ["t4g.nano"], "cluster": "prod"}}
      """;

  private static final SchemaAgreement AGREEMENT =
      new SchemaAgreement(
          "/$defs/remediator-deployment",
          "test ",
          json -> {
            try {
              DeploymentSettings.parse(json, "test");
              return Optional.empty();
            } catch (ConfigException e) {
              return Optional.of(e.getMessage());
            }
          });

  @Test
  void repositoryCdkJson_passesTheSchema() {
    assertThat(AGREEMENT.cdkJsonErrors(SampleEvents.root().resolve("cdk.json"))).isEmpty();
  }

  @Test
  void fullExample_isValidForBoth_andSetsEveryBoundedField() {
    assertThat(AGREEMENT.schemaErrors(FULL)).isEmpty();
    assertThat(AGREEMENT.readerError(FULL)).isEmpty();
    TreeSet<String> leaves = new TreeSet<>();
    AGREEMENT.leaves(FULL).forEach(l -> leaves.add(l.schemaPointer()));
    assertThat(leaves).isEqualTo(AGREEMENT.schemaSites(false));
  }

  @Test
  void unknownField_isRefusedByBoth_listingTheSchemasFields() {
    Site object = AGREEMENT.objects(FULL).get(0);
    String document = SchemaAgreement.withField(FULL, object.at(), "zzz");

    assertThat(AGREEMENT.readerError(document))
        .contains(
            "test zzz: unknown field (expected one of "
                + SchemaAgreement.fieldList(object.schema())
                + ")");
    assertThat(AGREEMENT.schemaErrors(document)).isNotEmpty();
  }

  @Test
  void everyBound_isTheSameInBoth() {
    SoftAssertions soft = new SoftAssertions();
    for (Site leaf : AGREEMENT.leaves(FULL)) {
      for (JsonNode value : SchemaAgreement.outside(leaf.schema())) {
        String document = SchemaAgreement.withValue(FULL, leaf.at(), value);
        Optional<String> error = AGREEMENT.readerError(document);
        soft.assertThat(AGREEMENT.namesField(error, leaf.path()))
            .as(leaf.path() + " = " + value + " is refused naming the field, got " + error)
            .isTrue();
        soft.assertThat(AGREEMENT.schemaErrors(document)).as(leaf.path()).isNotEmpty();
      }
      for (JsonNode value : SchemaAgreement.inside(leaf.schema())) {
        String document = SchemaAgreement.withValue(FULL, leaf.at(), value);
        soft.assertThat(AGREEMENT.readerError(document)).as(leaf.path() + " = " + value).isEmpty();
        soft.assertThat(AGREEMENT.schemaErrors(document)).as(leaf.path() + " = " + value).isEmpty();
      }
    }
    soft.assertAll();
  }
}
