package io.github.eksnoderemediator.config;

/** What the remediator does with {@code HttpEndpoint}. */
public enum HttpEndpointSetting {
  /** Keep whatever the instance has (the default). */
  UNCHANGED,
  /** Ensure the endpoint is enabled. */
  ENABLED,
  /** Ensure the endpoint is disabled: pods and the node itself lose IMDS. */
  DISABLED
}
