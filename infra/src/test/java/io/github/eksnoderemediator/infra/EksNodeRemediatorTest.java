package io.github.eksnoderemediator.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.eksnoderemediator.infra.EksNodeRemediatorProps.EniProfileSpec;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.sqs.Queue;

/**
 * The public construct in a stack of someone else's app, under an id of theirs, next to a resource
 * of theirs: what a user of the library gets, and what its getters hand them.
 */
class EksNodeRemediatorTest {
  private static EksNodeRemediator remediator;
  private static JsonNode template;

  @BeforeAll
  static void synthesizeAUsersStack() {
    App app = new App();
    Stack stack = new Stack(app, "Platform");
    Queue.Builder.create(stack, "TheirQueue").enforceSsl(true).build();
    remediator =
        new EksNodeRemediator(
            stack,
            "NodeRemediator",
            EksNodeRemediatorProps.builder()
                .code(TestStacks.stubCode())
                .clusters("prod")
                .eniProfile(
                    EniProfileSpec.named("multus-data")
                        .cluster("prod")
                        .subnetTags(Map.of("multus", "data"))
                        .securityGroupNames(List.of("multus-data"))
                        .deviceIndex(1))
                .alarmEmail("oncall@example.com")
                .build());
    template = TestStacks.JSON.valueToTree(Template.fromStack(stack).toJSON());
  }

  @Test
  void version_isTheMavenProjectVersion_andStampedIntoTheTemplate() throws Exception {
    String pom = Files.readString(TestStacks.repoRoot().resolve("pom.xml"));
    Matcher m =
        Pattern.compile("<artifactId>eks-node-remediator-parent</artifactId>\\s*<version>([^<]+)<")
            .matcher(pom);
    assertThat(m.find()).as("the root pom's version").isTrue();

    assertThat(EksNodeRemediator.VERSION).isEqualTo(m.group(1));
    assertThat(template.at("/Metadata/EksNodeRemediator/version").asText())
        .isEqualTo(EksNodeRemediator.VERSION);
  }

  @Test
  void resources_areNamedUnderTheUsersId_besideTheirOwn() {
    List<String> ids = LogicalIdsTest.idsAndTypes(template);

    assertThat(ids).anyMatch(l -> l.startsWith("TheirQueue"));
    assertThat(ids)
        .filteredOn(l -> !l.startsWith("TheirQueue") && !l.startsWith("AWSCDKTrigger"))
        .isNotEmpty()
        .allMatch(l -> l.startsWith("NodeRemediator"), "under the construct's id");
    // Outputs of a nested construct get a hash after the path, as every CDK output does.
    assertThat(ids)
        .anyMatch(l -> l.matches("NodeRemediatorImdsFunctionName[0-9A-F]{8} Output"))
        .anyMatch(l -> l.matches("NodeRemediatorEniFunctionName[0-9A-F]{8} Output"))
        .anyMatch(l -> l.matches("NodeRemediatorAlarmTopicArn[0-9A-F]{8} Output"));
  }

  @Test
  void getters_nameTheResourcesInTheTemplate() {
    Stack stack = Stack.of(remediator);

    assertThat(resolvedRef(stack, remediator.imdsFunction().getFunctionName()))
        .isEqualTo(
            TestStacks.idOf(templateOf(), "AWS::Lambda::Function", "NodeRemediatorImdsFunction"));
    assertThat(remediator.eniFunction()).isPresent();
    assertThat(resolvedRef(stack, remediator.eniFunction().orElseThrow().getFunctionName()))
        .isEqualTo(
            TestStacks.idOf(templateOf(), "AWS::Lambda::Function", "NodeRemediatorEniFunction"));
    assertThat(resolvedRef(stack, remediator.failureQueue().getQueueUrl()))
        .isEqualTo(TestStacks.idOf(templateOf(), "AWS::SQS::Queue", "NodeRemediatorFailuresQueue"));
    assertThat(resolvedRef(stack, remediator.imdsQueue().getQueueUrl()))
        .isEqualTo(
            TestStacks.idOf(templateOf(), "AWS::SQS::Queue", "NodeRemediatorImdsQueueEvents"));
    assertThat(resolvedRef(stack, remediator.alarmTopic().orElseThrow().getTopicArn()))
        .isEqualTo(TestStacks.idOf(templateOf(), "AWS::SNS::Topic", "NodeRemediatorAlarms"));
    assertThat(remediator.imdsRole().getRoleArn()).isNotBlank();
    assertThat(remediator.eniRole()).isPresent();
    assertThat(remediator.eniQueue()).isPresent();
    assertThat(remediator.eniDeadLetters()).isPresent();
    assertThat(remediator.eniAlias()).isPresent();
    assertThat(remediator.settings().remediator().clusters()).containsExactly("prod");
  }

  @Test
  void withoutEniProfilesOrAlarmEmail_theOptionalPartsAreEmpty() {
    App app = new App();
    Stack stack = new Stack(app, "Small");
    EksNodeRemediator small =
        new EksNodeRemediator(
            stack,
            "Remediator",
            EksNodeRemediatorProps.builder()
                .code(TestStacks.stubCode())
                .checkPermissionsOnDeploy(false)
                .build());

    assertThat(small.eniFunction()).isEmpty();
    assertThat(small.eniRole()).isEmpty();
    assertThat(small.alarmTopic()).isEmpty();
    assertThat(small.imdsAlias()).isNotNull();
  }

  private static Template templateOf() {
    return Template.fromJSON(TestStacks.JSON.convertValue(template, Map.class));
  }

  /** The logical id a token such as {@code {"Ref": id}} or a GetAtt resolves to. */
  private static String resolvedRef(Stack stack, String token) {
    JsonNode resolved = TestStacks.JSON.valueToTree(stack.resolve(token));
    if (resolved.has("Ref")) {
      return resolved.get("Ref").asText();
    }
    return resolved.at("/Fn::GetAtt/0").asText();
  }
}
