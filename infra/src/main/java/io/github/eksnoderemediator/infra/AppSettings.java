package io.github.eksnoderemediator.infra;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.eksnoderemediator.config.ConfigException;
import io.github.eksnoderemediator.config.RemediatorConfig;
import java.nio.charset.StandardCharsets;

/**
 * Everything the app reads from {@code cdk.json}'s context, validated; {@link
 * EksNodeRemediatorProps} builds the same record through the same validation.
 *
 * @param remediatorJson the {@code remediator} object as compact JSON: exactly what the function
 *     receives in {@value RemediatorConfig#ENV_VAR}
 * @param remediator the same configuration, parsed; the IAM policy is derived from it
 * @param deployment the {@code remediator-deployment} settings
 */
public record AppSettings(
    String remediatorJson, RemediatorConfig remediator, DeploymentSettings deployment) {

  public static final String REMEDIATOR_KEY = "remediator";
  public static final String DEPLOYMENT_KEY = "remediator-deployment";

  /** How error messages name the two context objects. */
  public static final String REMEDIATOR_WHERE = "cdk.json context \"" + REMEDIATOR_KEY + "\"";

  public static final String DEPLOYMENT_WHERE = "cdk.json context \"" + DEPLOYMENT_KEY + "\"";

  /**
   * Lambda allows 4 KB for all of a function's environment variables, names and values together.
   * The other variables the stack sets are far below this margin.
   */
  static final int MAX_CONFIG_BYTES = 4096 - 256;

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /**
   * Validates the two context values as {@code node.tryGetContext} returns them: null when absent,
   * a map when {@code cdk.json} holds an object, or a string when given on the command line ({@code
   * cdk synth --context remediator='{"clusters":["prod"]}'}), which is read as JSON.
   *
   * @throws ConfigException on the first wrong field, with a one-line message naming it
   */
  public static AppSettings fromContext(Object remediatorContext, Object deploymentContext) {
    return from(remediatorContext, REMEDIATOR_WHERE, deploymentContext, DEPLOYMENT_WHERE);
  }

  /**
   * Validates the two objects as {@link #fromContext} does, with errors naming them by {@code
   * remediatorWhere} and {@code deploymentWhere}: the one validator for {@code cdk.json} and for
   * {@link EksNodeRemediatorProps}.
   *
   * @param remediator null, a map or list tree (as Jackson writes it), or a JSON string
   * @throws ConfigException on the first wrong field, with a one-line message naming it
   */
  public static AppSettings from(
      Object remediator, String remediatorWhere, Object deployment, String deploymentWhere) {
    String remediatorJson = compactJson(remediator, remediatorWhere);
    RemediatorConfig config = RemediatorConfig.parse(remediatorJson, remediatorWhere);
    int bytes = remediatorJson.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_CONFIG_BYTES) {
      throw new ConfigException(
          remediatorWhere,
          "is "
              + bytes
              + " bytes as compact JSON; the function receives it in an environment variable and"
              + " Lambda allows 4 KB for all of them, so keep it under "
              + MAX_CONFIG_BYTES);
    }
    DeploymentSettings settings =
        DeploymentSettings.parse(compactJson(deployment, deploymentWhere), deploymentWhere);
    int reserved = settings.reservedConcurrency().orElse(Integer.MAX_VALUE);
    if (reserved <= config.queue().maxConcurrency()) {
      // The launch queue's mapping scales to maxConcurrency invocations; a reservation at or below
      // it throttles the mapping, whose messages then count receives towards the dead-letter queue.
      throw new ConfigException(
          deploymentWhere + " reservedConcurrency",
          "must be more than the remediator configuration's queue.maxConcurrency ("
              + config.queue().maxConcurrency()
              + "): the launch queue's pollers need that many and the sweep one more, got "
              + reserved);
    }
    return new AppSettings(remediatorJson, config, settings);
  }

  /** The context value as compact JSON; absent is {@code {}}. */
  static String compactJson(Object contextValue, String where) {
    if (contextValue == null) {
      return "{}";
    }
    try {
      if (contextValue instanceof String text) {
        try {
          return MAPPER.writeValueAsString(MAPPER.readTree(text));
        } catch (JsonProcessingException e) {
          return text; // the parser reports where it broke, on one line
        }
      }
      return MAPPER.writeValueAsString(contextValue);
    } catch (JsonProcessingException e) {
      throw new ConfigException(where, "cannot be written as JSON: " + e.getOriginalMessage());
    }
  }
}
