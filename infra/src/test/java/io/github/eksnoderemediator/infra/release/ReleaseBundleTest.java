package io.github.eksnoderemediator.infra.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.eksnoderemediator.config.ConfigException;
import io.github.eksnoderemediator.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bundle's files, what they say, and a wrong configuration stopping it before anything. */
class ReleaseBundleTest {
  static final String CONFIG =
      """
      {"remediator": {"clusters": ["prod"], "imds": {"hopLimit": 1}},
       "remediator-deployment": {"logRetentionDays": 7, "checkPermissionsOnDeploy": true}}
      """;

  static Path stubJar(Path dir) throws Exception {
    Path jar = dir.resolve("stub.jar");
    Files.writeString(jar, "stub jar bytes for the release tests\n");
    return jar;
  }

  static ReleaseBundle.Input input(Path dir, String config) throws Exception {
    Path file = dir.resolve("config.json");
    Files.writeString(file, config);
    return new ReleaseBundle.Input(
        ReleaseBundle.readConfig(file, "--config config.json"), "--config config.json",
        stubJar(dir), "1.2.3");
  }

  @Test
  void build_writesTheSixFiles_withSumsThatMatch_andTheConfigurationItWasGiven(@TempDir Path dir)
      throws Exception {
    Path folder = ReleaseBundle.build(input(dir, CONFIG), dir.resolve("dist"));

    assertThat(folder).isEqualTo(dir.resolve("dist/eks-node-remediator-1.2.3"));
    try (var files = Files.list(folder)) {
      assertThat(files.map(f -> f.getFileName().toString()).sorted().toList())
          .containsExactly(
              "README.md",
              "SHA256SUMS",
              "config.json",
              "deploy.sh",
              "remediator.jar",
              "template.json");
    }
    try (var files = Files.list(dir.resolve("dist"))) {
      assertThat(files.toList()).as("no staging folder left").hasSize(1);
    }
    List<String> sums = Files.readAllLines(folder.resolve("SHA256SUMS"));
    assertThat(sums).hasSize(5);
    for (String line : sums) {
      String[] parts = line.split("  ", 2);
      assertThat(ReleaseBundle.sha256(folder.resolve(parts[1]))).as(line).isEqualTo(parts[0]);
    }
    assertThat(Json.parse(Files.readAllBytes(folder.resolve("config.json")), "config.json"))
        .isEqualTo(Json.parse(CONFIG.getBytes(StandardCharsets.UTF_8), "config"));
    assertThat(Files.isExecutable(folder.resolve("deploy.sh"))).isTrue();
    String jarSha = ReleaseBundle.sha256(folder.resolve("remediator.jar"));
    String deploy = Files.readString(folder.resolve("deploy.sh"));
    assertThat(deploy)
        .contains("key='eks-node-remediator/1.2.3/remediator-" + jarSha + ".jar'")
        .contains("--capabilities CAPABILITY_IAM \\")
        .contains("\"ArtifactObjectVersion=$version\"");
    String readme = Files.readString(folder.resolve("README.md"));
    assertThat(readme)
        .contains("./deploy.sh my-remediator-artifacts")
        .contains("aws cloudformation delete-stack --stack-name EksNodeRemediator")
        .contains("| `AWS::IAM::Role` |")
        .contains("ec2:ModifyInstanceMetadataOptions")
        .contains("Custom::PermissionsCheck");
  }

  @Test
  void build_givesTheSameBytes_forTheSameInput(@TempDir Path dir) throws Exception {
    Path first = ReleaseBundle.build(input(dir, CONFIG), dir.resolve("a"));
    Path second = ReleaseBundle.build(input(dir, CONFIG), dir.resolve("b"));

    for (String file :
        List.of(
            "README.md",
            "SHA256SUMS",
            "config.json",
            "deploy.sh",
            "remediator.jar",
            "template.json")) {
      assertThat(Files.readAllBytes(second.resolve(file)))
          .as(file)
          .isEqualTo(Files.readAllBytes(first.resolve(file)));
    }
  }

  @Test
  void build_refusesAWrongField_onOneLine_andWritesNothing(@TempDir Path dir) throws Exception {
    ReleaseBundle.Input wrong = input(dir, "{\"remediator\": {\"imds\": {\"hopLimit\": 70}}}");

    assertThatThrownBy(() -> ReleaseBundle.build(wrong, dir.resolve("dist")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("--config config.json \"remediator\" imds.hopLimit")
        .hasMessageNotContaining("\n");
    assertThat(dir.resolve("dist")).doesNotExist();
  }

  @Test
  void readConfig_refusesAnUnknownField_aMissingFile_andBrokenJson(@TempDir Path dir)
      throws Exception {
    Path unknown = dir.resolve("unknown.json");
    Files.writeString(unknown, "{\"remediator\": {}, \"remediatr-deployment\": {}}");
    Path broken = dir.resolve("broken.json");
    Files.writeString(broken, "{\"remediator\": {");

    assertThatThrownBy(() -> ReleaseBundle.readConfig(unknown, "--config unknown.json"))
        .hasMessage(
            "--config unknown.json: unknown field \"remediatr-deployment\"; it holds only"
                + " [remediator, remediator-deployment]");
    assertThatThrownBy(() -> ReleaseBundle.readConfig(dir.resolve("nope.json"), "--config nope"))
        .hasMessage("--config nope: no such file");
    assertThatThrownBy(() -> ReleaseBundle.readConfig(broken, "--config broken.json"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("--config broken.json is not valid JSON")
        .hasMessageNotContaining("\n");
  }

  @Test
  void options_refuseWhatTheyDoNotKnow() {
    assertThatThrownBy(() -> ReleaseBundle.options(new String[] {"--confg", "x"}))
        .hasMessageStartingWith("unknown option --confg; usage: ./dev release");
    assertThatThrownBy(() -> ReleaseBundle.options(new String[] {"--config"}))
        .hasMessageStartingWith("--config needs a value");
  }
}
