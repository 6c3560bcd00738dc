package io.github.eksnoderemediator.eni;

import io.github.eksnoderemediator.port.Ec2CallException;
import io.github.eksnoderemediator.port.EniView;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.port.NetworkGateway;
import io.github.eksnoderemediator.port.NetworkInstance;
import java.util.List;
import java.util.Optional;

/**
 * On {@code shutting-down} and {@code terminated}: deletes the interfaces of ours created for the
 * instance that survive it. Only interfaces carrying our ownership tag are ever listed, let alone
 * touched. Scope rules do not apply: the instance is going away, and only our own leftovers are
 * cleaned.
 */
public final class EniCleanup {
  private final NetworkGateway ec2;
  private final EniJanitor janitor;

  public EniCleanup(NetworkGateway ec2, EniJanitor janitor) {
    this.ec2 = ec2;
    this.janitor = janitor;
  }

  public EniInstanceResult cleanUp(InstanceId id, boolean dryRun) {
    List<EniView> ours;
    Optional<NetworkInstance> instance;
    try {
      ours =
          ec2.listEnisByTag(EniTags.INSTANCE, Optional.of(id.value())).stream()
              .filter(EniTags::isOurs)
              .toList();
      if (ours.isEmpty()) {
        return EniInstanceResult.about(id)
            .skipped("no interface of ours for this instance", dryRun);
      }
      instance = ec2.describeInstance(id);
    } catch (Ec2CallException e) {
      return EniInstanceResult.about(id)
          .failed(Failure.ec2("listing the instance's interfaces failed", e), List.of(), dryRun);
    }
    List<EniResult> results =
        ours.stream()
            .map(eni -> janitor.apply(CleanupPolicy.onTermination(eni, id, instance), dryRun))
            .toList();
    return EniInstanceResult.about(id)
        .inState(instance.map(i -> i.state().toString()).orElse("gone"))
        .cleaned(results, dryRun);
  }
}
