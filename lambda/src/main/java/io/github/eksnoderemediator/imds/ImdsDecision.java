package io.github.eksnoderemediator.imds;

import io.github.eksnoderemediator.config.ImdsConfig.ResolvedBand;
import io.github.eksnoderemediator.config.ImdsConfig.ResolvedMode;
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

  /**
   * The options would change, but the node still has IMDSv1 callers (or nobody can tell) and its
   * mode is {@code defer}: nothing is written, neither tokens nor hop limit, since a lower hop
   * limit can break pods as surely as required tokens.
   *
   * @param wouldBe the options the policy would send
   * @param changes what would change
   * @param mode the {@code defer} mode and where it came from
   * @param use what the IMDSv1-use check found
   */
  record Deferred(
      MetadataOptions wouldBe,
      List<String> changes,
      ResolvedBand band,
      ResolvedMode mode,
      ImdsV1Use use)
      implements ImdsDecision {
    public Deferred {
      changes = List.copyOf(changes);
    }
  }
}
