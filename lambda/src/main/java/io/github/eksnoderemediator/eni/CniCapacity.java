package io.github.eksnoderemediator.eni;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.github.eksnoderemediator.config.EniProfile;
import io.github.eksnoderemediator.port.InterfaceLimits;
import java.util.ArrayList;
import java.util.List;

/**
 * What our interfaces leave to the Amazon VPC CNI on one instance type, and the max-pods value to
 * set for it (docs/eni.md, "The VPC CNI's slots"). Pure arithmetic on DescribeInstanceTypes'
 * figures.
 *
 * <p>In its secondary-IP mode (the default) the CNI gives pods the secondary addresses of the
 * interfaces it can attach, and the node's max-pods is computed at bootstrap as {@code ENIs x (IPv4
 * addresses per ENI - 1) + 2}. Published values count the interfaces of network card 0 only
 * (p4d.24xlarge, four cards of 15: {@code 15 x 49 + 2 = 737}). Each interface of ours on card 0
 * takes one of those slots, so with {@code k} of them the CNI has {@code ENIs - k} and the
 * bootstrap's value is too high by {@code k x (IPv4 - 1)}.
 *
 * @param instanceType the type
 * @param profiles the matched profiles, in configuration order
 * @param interfaces the interfaces network card 0 takes, the primary included
 * @param ipv4PerInterface IPv4 addresses one interface takes, its primary address included
 * @param ours interfaces of ours on network card 0 (one per profile on that card)
 * @param leftToCni {@code interfaces - ours}: the interfaces the CNI can still use, its primary
 *     included; 1 or less leaves it no slot to attach one of its own
 * @param defaultMaxPods what the bootstrap computes for the type, as if all slots were the CNI's
 * @param maxPods the value to set ({@code nodeadm} {@code maxPods}, kubelet {@code --max-pods}):
 *     the formula with the interfaces left to the CNI (never fewer than its primary)
 * @param warning why the profiles leave the CNI no slot of its own; null when they leave one
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CniCapacity(
    String instanceType,
    List<String> profiles,
    int interfaces,
    int ipv4PerInterface,
    int ours,
    int leftToCni,
    int defaultMaxPods,
    int maxPods,
    String warning) {

  public CniCapacity {
    profiles = List.copyOf(profiles);
  }

  /** The CNI's secondary-IP max-pods for {@code interfaces} interfaces. */
  static int maxPods(int interfaces, int ipv4PerInterface) {
    return interfaces * (ipv4PerInterface - 1) + 2;
  }

  /** What {@code profiles} leave to the CNI on an instance type with these limits. */
  public static CniCapacity of(InterfaceLimits limits, List<EniProfile> profiles) {
    int interfaces = limits.onCardZero();
    int ips = limits.ipv4PerInterface();
    List<String> names = new ArrayList<>();
    int ours = 0;
    for (EniProfile p : profiles) {
      names.add(p.name());
      if (p.networkCardIndex() == 0) {
        ours++;
      }
    }
    int left = interfaces - ours;
    // The primary interface is never ours (profiles start at device index 1): the CNI keeps it.
    int maxPods = maxPods(Math.max(left, 1), ips);
    String warning = null;
    if (left <= 0) {
      warning =
          String.join(", ", names)
              + " need "
              + ours
              + " interface(s) on network card 0 of "
              + limits.instanceType()
              + ", which takes "
              + interfaces
              + " with the primary: they do not all fit, and the VPC CNI is left no slot (only"
              + " the primary interface's addresses); set max-pods to "
              + maxPods;
    } else if (left == 1) {
      warning =
          String.join(", ", names)
              + " take every slot on network card 0 of "
              + limits.instanceType()
              + " but the primary's: the VPC CNI is left no slot for an interface of its own"
              + " (only the primary interface's addresses); set max-pods to "
              + maxPods;
    }
    return new CniCapacity(
        limits.instanceType(),
        names,
        interfaces,
        ips,
        ours,
        left,
        maxPods(interfaces, ips),
        maxPods,
        warning);
  }
}
