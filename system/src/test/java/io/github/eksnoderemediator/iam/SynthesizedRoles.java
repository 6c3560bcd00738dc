package io.github.eksnoderemediator.iam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.eksnoderemediator.infra.AppSettings;
import io.github.eksnoderemediator.infra.RemediatorApp;
import io.github.eksnoderemediator.infra.iam.RolePolicies;
import io.github.eksnoderemediator.testing.SampleEvents;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.lambda.Code;

/**
 * The two functions' roles exactly as the CDK app synthesizes them for one {@code remediator}
 * configuration: the app's own stack code, the repository's {@code cdk.json} for everything else, a
 * stub in place of the function jar. Synthesized once per configuration and JVM (seconds each).
 *
 * @param imds the IMDS function's role
 * @param eni the ENI function's role; empty when the configuration has no ENI profiles (the stack
 *     then has no ENI function)
 */
public record SynthesizedRoles(RolePolicies imds, Optional<RolePolicies> eni) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, SynthesizedRoles> CACHE = new HashMap<>();

  /** The roles for this {@code remediator} configuration (JSON, as in cdk.json). */
  public static synchronized SynthesizedRoles of(String remediatorJson) {
    return of(remediatorJson, null);
  }

  /**
   * The roles for this {@code remediator} configuration and these {@code remediator-deployment}
   * settings (JSON; null for cdk.json's).
   */
  public static synchronized SynthesizedRoles of(String remediatorJson, String deploymentJson) {
    return CACHE.computeIfAbsent(
        remediatorJson + "\n" + deploymentJson, k -> synthesize(remediatorJson, deploymentJson));
  }

  private static SynthesizedRoles synthesize(String remediatorJson, String deploymentJson) {
    Map<String, Object> context = new LinkedHashMap<>(cdkJsonContext());
    try {
      context.put(AppSettings.REMEDIATOR_KEY, JSON.readValue(remediatorJson, Object.class));
      if (deploymentJson != null) {
        context.put(AppSettings.DEPLOYMENT_KEY, JSON.readValue(deploymentJson, Object.class));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    App app = App.Builder.create().context(context).outdir(tempDir("synth").toString()).build();
    var stack = RemediatorApp.stack(app, "EksNodeRemediator", stubCode());
    JsonNode template = JSON.valueToTree(Template.fromStack(stack).toJSON());
    boolean hasEni =
        template.path("Resources").properties().stream()
            .anyMatch(
                e ->
                    e.getKey().startsWith("EniPermissionsRole")
                        && "AWS::IAM::Role".equals(e.getValue().path("Type").asText()));
    return new SynthesizedRoles(
        RolePolicies.fromTemplate(template, "ImdsPermissionsRole"),
        hasEni
            ? Optional.of(RolePolicies.fromTemplate(template, "EniPermissionsRole"))
            : Optional.empty());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cdkJsonContext() {
    try {
      Map<String, Object> cdkJson =
          JSON.readValue(SampleEvents.root().resolve("cdk.json").toFile(), Map.class);
      return (Map<String, Object>) cdkJson.getOrDefault("context", Map.of());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Code stubCode() {
    Path jar = tempDir("stub").resolve("stub.jar");
    try (OutputStream out = Files.newOutputStream(jar);
        ZipOutputStream zip = new ZipOutputStream(out)) {
      zip.putNextEntry(new ZipEntry("README"));
      zip.write("stub function code for the system tests\n".getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Code.fromAsset(jar.toString());
  }

  private static Path tempDir(String name) {
    try {
      Path dir = Files.createTempDirectory("remediator-" + name);
      dir.toFile().deleteOnExit();
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
