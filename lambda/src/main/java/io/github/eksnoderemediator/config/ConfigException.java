package io.github.eksnoderemediator.config;

/**
 * Configuration is invalid. The message is one line naming the field, for example {@code
 * imds.hopLimit.max: must be an integer from 1 to 64, got 70}.
 */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String path, String problem) {
    super(path + ": " + problem);
  }

  private ConfigException(String message) {
    super(message);
  }

  /** Wraps a message that already names where the problem is. */
  public static ConfigException of(String message) {
    return new ConfigException(message);
  }
}
