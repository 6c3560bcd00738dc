package io.github.eksnoderemediator.imds;

import io.github.eksnoderemediator.config.ImdsConfig.ResolvedBand;
import io.github.eksnoderemediator.port.MetadataOptions;
import java.util.List;

/** What the policy wants for one node's metadata options. */
public sealed interface ImdsDecision {

  /** The band that applied, and where it came from. */
  ResolvedBand band();

  /** The options already satisfy the policy: no call to make. */
  record Compliant(ResolvedBand band) implements ImdsDecision {}

  /**
   * The options must change.
   *
   * @param target the complete options to send
   * @param changes one phrase per field that changes, e.g. {@code HttpTokens optional -> required}
   */
  record Change(MetadataOptions target, List<String> changes, ResolvedBand band)
      implements ImdsDecision {
    public Change {
      changes = List.copyOf(changes);
    }
  }
}
