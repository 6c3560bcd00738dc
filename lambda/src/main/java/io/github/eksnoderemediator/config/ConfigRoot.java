package io.github.eksnoderemediator.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.eksnoderemediator.json.Json;
import io.github.eksnoderemediator.json.JsonInputException;
import io.github.eksnoderemediator.json.StrictObject;
import java.nio.charset.StandardCharsets;

/**
 * The root object of a settings document (the app's deployment, organization and central-view
 * context objects), read so that every error is one {@link ConfigException} line naming {@code
 * where} and the field's path.
 */
public final class ConfigRoot {
  private ConfigRoot() {}

  /**
   * @param json the document
   * @param where how errors name it, e.g. {@code cdk.json context "remediator-deployment"}
   * @throws ConfigException when it is not JSON or not an object
   */
  public static StrictObject of(String json, String where) {
    JsonNode root;
    try {
      root = Json.parse(json.getBytes(StandardCharsets.UTF_8), "the value");
    } catch (JsonInputException e) {
      throw new ConfigException(where, e.getMessage());
    }
    return StrictObject.of(
        root,
        "",
        (path, problem) ->
            new ConfigException(path.isEmpty() ? where : where + " " + path, problem));
  }
}
