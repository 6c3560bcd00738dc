package io.github.eksnoderemediator.port;

import java.util.Map;
import java.util.Optional;

/**
 * How many network interfaces an instance type takes (DescribeInstanceTypes {@code NetworkInfo}).
 *
 * @param instanceType the type
 * @param maxInterfaces {@code MaximumNetworkInterfaces}: all cards together, the primary included
 * @param maxCards {@code MaximumNetworkCards}
 * @param perCard {@code NetworkCards[].MaximumNetworkInterfaces} by card index; empty when EC2 does
 *     not list the cards
 * @param ipv4PerInterface {@code Ipv4AddressesPerInterface}: private IPv4 addresses one interface
 *     takes, its primary address included (what the VPC CNI's max-pods formula reads)
 */
public record InterfaceLimits(
    String instanceType,
    int maxInterfaces,
    int maxCards,
    Map<Integer, Integer> perCard,
    int ipv4PerInterface) {

  public InterfaceLimits {
    perCard = Map.copyOf(perCard);
  }

  /** The limit of one card, when EC2 lists it. */
  public Optional<Integer> forCard(int card) {
    return Optional.ofNullable(perCard.get(card));
  }

  /**
   * The interfaces network card 0 takes, the primary included: EC2's figure for the card, or the
   * instance's when EC2 lists no cards.
   */
  public int onCardZero() {
    return forCard(0).orElse(maxInterfaces);
  }
}
