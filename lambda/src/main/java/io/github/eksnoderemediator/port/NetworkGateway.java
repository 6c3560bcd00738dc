package io.github.eksnoderemediator.port;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The EC2 calls the ENI function makes, in domain terms. Implementations map SDK errors to {@link
 * Ec2CallException} (classified by error code), leave throttling and 5xx retries to the SDK's retry
 * strategy, and read every listing with filters and pagination: never an unfiltered scan.
 */
public interface NetworkGateway {

  /**
   * Describes one instance with its attached interfaces.
   *
   * @return empty when EC2 answers {@code InvalidInstanceID.NotFound}; right after launch that can
   *     be eventual consistency, not absence
   */
  Optional<NetworkInstance> describeInstance(InstanceId id);

  /**
   * Describes the instances that still exist among {@code ids} (an {@code instance-id} filter, so
   * an id EC2 no longer knows is simply missing from the answer instead of failing the call).
   */
  List<NetworkInstance> describeInstances(Collection<InstanceId> ids);

  /**
   * Lists instances in {@code states} carrying tag {@code key}: with any value when {@code values}
   * is empty ({@code tag-key} filter), else with one of {@code values} ({@code tag:<key>} filter).
   */
  List<NetworkInstance> listInstancesByTag(
      String key, Set<String> values, Set<InstanceState> states);

  /**
   * Lists the network interfaces carrying tag {@code key}: with any value when {@code value} is
   * empty, else with exactly that value.
   */
  List<EniView> listEnisByTag(String key, Optional<String> value);

  /**
   * Describes these network interfaces, by id; ones EC2 does not show are missing from the answer.
   */
  List<EniView> describeEnis(Collection<EniId> ids);

  /**
   * The subnets of {@code vpcId} that are among {@code ids} (when not empty) and carry every tag in
   * {@code tags}.
   */
  List<Subnet> findSubnets(String vpcId, Collection<SubnetId> ids, Map<String, String> tags);

  /**
   * The security groups of {@code vpcId} whose id is among {@code ids} or name among {@code names}.
   */
  List<SecurityGroup> findSecurityGroups(
      String vpcId, Collection<SecurityGroupId> ids, Collection<String> names);

  /**
   * The interface limits of an instance type. They never change, so implementations may cache.
   *
   * @throws Ec2CallException when EC2 does not know the type or cannot be asked
   */
  InterfaceLimits interfaceLimits(String instanceType);

  /**
   * Creates a network interface, tagged at creation. The same {@code clientToken} with the same
   * parameters returns the same interface; with other parameters EC2 answers {@code
   * IdempotentParameterMismatch} ({@link Ec2CallException.Kind#CONFLICT}).
   */
  EniView createEni(NewEni request);

  /**
   * {@link #createEni} with {@code DryRun=true}: EC2 checks the permissions and creates nothing.
   */
  DryRunAnswer dryRunCreateEni(NewEni request);

  /** {@link #attach} with {@code DryRun=true}: EC2 checks the permissions and attaches nothing. */
  DryRunAnswer dryRunAttach(EniId eni, InstanceId instance, int networkCardIndex, int deviceIndex);

  /**
   * Attaches an interface at {@code (networkCardIndex, deviceIndex)}, always sending the card index
   * (EC2 has validated slots wrongly on multi-card types when it was omitted).
   *
   * @return the attachment id
   */
  String attach(EniId eni, InstanceId instance, int networkCardIndex, int deviceIndex);

  /**
   * Sets the attachment's DeleteOnTermination: AttachNetworkInterface takes none, and an attached
   * interface starts with {@code false}.
   */
  void setDeleteOnTermination(EniId eni, String attachmentId, boolean deleteOnTermination);

  /** Sets the interface's source/destination check. */
  void setSourceDestCheck(EniId eni, boolean enabled);

  /**
   * Detaches an attachment. {@code force} is a last resort: it can keep the instance from taking
   * another interface at that index until it is stopped and started.
   */
  void detach(String attachmentId, boolean force);

  /** Deletes an interface, which must be {@code available}. */
  void deleteEni(EniId eni);
}
