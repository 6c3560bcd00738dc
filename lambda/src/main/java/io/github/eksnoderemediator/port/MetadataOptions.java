package io.github.eksnoderemediator.port;

import java.util.Locale;

/**
 * The three metadata options this service owns. {@code InstanceMetadataTags} and the IPv6 endpoint
 * are not modelled on purpose: they are never read for a decision and never sent.
 *
 * @param httpTokens {@code optional} or {@code required}
 * @param hopLimit the PUT-response hop limit, 1 to 64
 * @param httpEndpoint {@code enabled} or {@code disabled}
 * @param state {@code pending} while a change is on its way, {@code applied} once in force
 */
public record MetadataOptions(
    Tokens httpTokens, int hopLimit, Endpoint httpEndpoint, ApplyState state) {

  public MetadataOptions {
    if (httpTokens == null || httpEndpoint == null || state == null) {
      throw new IllegalArgumentException("metadata options need tokens, endpoint and state");
    }
    if (hopLimit < 1 || hopLimit > 64) {
      throw new IllegalArgumentException("hop limit must be 1 to 64, got " + hopLimit);
    }
  }

  public MetadataOptions withState(ApplyState newState) {
    return new MetadataOptions(httpTokens, hopLimit, httpEndpoint, newState);
  }

  /** True when both carry the same tokens, hop limit and endpoint, whatever their state. */
  public boolean sameSettings(MetadataOptions other) {
    return httpTokens == other.httpTokens
        && hopLimit == other.hopLimit
        && httpEndpoint == other.httpEndpoint;
  }

  /** {@code HttpTokens}. */
  public enum Tokens {
    OPTIONAL,
    REQUIRED;

    public String ec2Name() {
      return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
      return ec2Name();
    }
  }

  /** {@code HttpEndpoint}. */
  public enum Endpoint {
    ENABLED,
    DISABLED;

    public String ec2Name() {
      return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
      return ec2Name();
    }
  }

  /** {@code MetadataOptions.State}. */
  public enum ApplyState {
    PENDING,
    APPLIED;

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
