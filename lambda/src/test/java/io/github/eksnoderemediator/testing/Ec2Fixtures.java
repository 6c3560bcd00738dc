package io.github.eksnoderemediator.testing;

import io.github.eksnoderemediator.aws.AwsClients;
import io.github.eksnoderemediator.port.InstanceId;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.HttpTokensState;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceType;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/** Creates EC2 resources in the emulator through the real SDK. */
public final class Ec2Fixtures {
  /** An AMI id moto ships with. */
  static final String AMI = "ami-12c6146b";

  private final Ec2Client ec2;
  private final String subnetId;

  public Ec2Fixtures(URI endpoint) {
    this.ec2 = client(endpoint);
    String vpc = ec2.createVpc(r -> r.cidrBlock("10.0.0.0/16")).vpc().vpcId();
    this.subnetId =
        ec2.createSubnet(
                r ->
                    r.vpcId(vpc)
                        .cidrBlock("10.0.16.0/20")
                        .availabilityZone(MotoServer.REGION + "a"))
            .subnet()
            .subnetId();
  }

  /**
   * The access key the IMDS function's requests are signed with in the tests: an IAM-enforcing
   * proxy takes it for the IMDS function's role.
   */
  public static final String IMDS_ACCESS_KEY = "AKIDIMDSFUNCTION";

  /** The access key of the ENI function's requests, for its own role. */
  public static final String ENI_ACCESS_KEY = "AKIDENIFUNCTION";

  /**
   * The SDK client the IMDS function uses, pointed at {@code endpoint}, signed with {@link
   * #IMDS_ACCESS_KEY}.
   */
  public static Ec2Client client(URI endpoint) {
    return client(endpoint, IMDS_ACCESS_KEY);
  }

  /**
   * The SDK client the functions use, pointed at {@code endpoint}, signed with {@code accessKey}.
   */
  public static Ec2Client client(URI endpoint, String accessKey) {
    return AwsClients.ec2Builder()
        .endpointOverride(endpoint)
        .region(Region.of(MotoServer.REGION))
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, "testing")))
        .build();
  }

  /** The subnet {@link #launch} launches into (zone {@code a} of the emulator's Region). */
  public String subnetId() {
    return subnetId;
  }

  public Ec2Client ec2() {
    return ec2;
  }

  /** Launches one instance with these tags and metadata options. */
  public InstanceId launch(Map<String, String> tags, String httpTokens, int hopLimit) {
    return launch(1, tags, httpTokens, hopLimit).get(0);
  }

  public List<InstanceId> launch(
      int count, Map<String, String> tags, String httpTokens, int hopLimit) {
    if (count > LAUNCH_CHUNK) {
      // A loaded emulator takes over the SDK's 60 s to launch 1,000 at once (seen in ./dev bench).
      List<InstanceId> all = new ArrayList<>();
      for (int left = count; left > 0; left -= LAUNCH_CHUNK) {
        all.addAll(launch(Math.min(left, LAUNCH_CHUNK), tags, httpTokens, hopLimit));
      }
      return all;
    }
    return run(
        subnetId,
        count,
        tags,
        r ->
            r.metadataOptions(
                m ->
                    m.httpTokens(HttpTokensState.fromValue(httpTokens))
                        .httpPutResponseHopLimit(hopLimit)));
  }

  /** The most instances one RunInstances call of {@link #launch(int, Map, String, int)} asks. */
  private static final int LAUNCH_CHUNK = 100;

  /** Launches {@code count} {@code m5.large} instances with these tags into a given subnet. */
  public List<InstanceId> launchInto(String subnet, int count, Map<String, String> tags) {
    return run(subnet, count, tags, r -> {});
  }

  private List<InstanceId> run(
      String subnet,
      int count,
      Map<String, String> tags,
      java.util.function.Consumer<
              software.amazon.awssdk.services.ec2.model.RunInstancesRequest.Builder>
          more) {
    List<Tag> tagList = new ArrayList<>();
    tags.forEach((k, v) -> tagList.add(Tag.builder().key(k).value(v).build()));
    return ec2
        .runInstances(
            r -> {
              r.imageId(AMI)
                  .minCount(count)
                  .maxCount(count)
                  .instanceType(InstanceType.M5_LARGE)
                  .subnetId(subnet);
              if (!tagList.isEmpty()) {
                r.tagSpecifications(
                    TagSpecification.builder()
                        .resourceType(ResourceType.INSTANCE)
                        .tags(tagList)
                        .build());
              }
              more.accept(r);
            })
        .instances()
        .stream()
        .map(i -> new InstanceId(i.instanceId()))
        .toList();
  }

  /** Terminates an instance. */
  public void terminate(InstanceId id) {
    ec2.terminateInstances(r -> r.instanceIds(id.value()));
  }

  public Instance describe(InstanceId id) {
    return ec2.describeInstances(r -> r.instanceIds(id.value()))
        .reservations()
        .get(0)
        .instances()
        .get(0);
  }

  /** {@code tokens/hopLimit/endpoint}, e.g. {@code required/2/enabled}. */
  public String options(InstanceId id) {
    var o = describe(id).metadataOptions();
    return o.httpTokensAsString()
        + "/"
        + o.httpPutResponseHopLimit()
        + "/"
        + o.httpEndpointAsString();
  }

  public void stop(List<InstanceId> ids) {
    ec2.stopInstances(r -> r.instanceIds(ids.stream().map(InstanceId::value).toList()));
  }

  public void terminate(List<InstanceId> ids) {
    ec2.terminateInstances(r -> r.instanceIds(ids.stream().map(InstanceId::value).toList()));
  }

  /** A launch template stating these metadata options; returns its id. */
  public String launchTemplate(String name, String httpTokens, int hopLimit) {
    return ec2.createLaunchTemplate(
            r ->
                r.launchTemplateName(name)
                    .launchTemplateData(
                        d ->
                            d.metadataOptions(
                                m ->
                                    m.httpTokens(
                                            software.amazon.awssdk.services.ec2.model
                                                .LaunchTemplateHttpTokensState.fromValue(
                                                httpTokens))
                                        .httpPutResponseHopLimit(hopLimit))))
        .launchTemplate()
        .launchTemplateId();
  }
}
