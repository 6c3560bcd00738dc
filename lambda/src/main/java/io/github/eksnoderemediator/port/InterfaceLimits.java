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
 */
public record InterfaceLimits(
    String instanceType, int maxInterfaces, int maxCards, Map<Integer, Integer> perCard) {

  public InterfaceLimits {
    perCard = Map.copyOf(perCard);
  }

  /** The limit of one card, when EC2 lists it. */
  public Optional<Integer> forCard(int card) {
    return Optional.ofNullable(perCard.get(card));
  }
}
