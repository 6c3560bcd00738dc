package io.github.eksnoderemediator.aws;

import io.github.eksnoderemediator.port.EksGateway;
import io.github.eksnoderemediator.port.LaunchTemplateRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.model.Cluster;
import software.amazon.awssdk.services.eks.model.LaunchTemplateSpecification;
import software.amazon.awssdk.services.eks.model.Nodegroup;
import software.amazon.awssdk.services.eks.model.ResourceNotFoundException;

/** {@link EksGateway} over the AWS SDK. */
public final class SdkEksGateway implements EksGateway {
  private final EksClient eks;

  public SdkEksGateway(EksClient eks) {
    this.eks = eks;
  }

  @Override
  public List<String> listClusters() {
    try {
      List<String> names = new ArrayList<>();
      eks.listClustersPaginator(r -> r.maxResults(100)).clusters().forEach(names::add);
      return names;
    } catch (SdkException e) {
      throw AwsErrors.classify(e);
    }
  }

  @Override
  public Optional<ClusterInfo> describeCluster(String name) {
    try {
      Cluster c = eks.describeCluster(r -> r.name(name)).cluster();
      boolean autoMode =
          c.computeConfig() != null && Boolean.TRUE.equals(c.computeConfig().enabled());
      return Optional.of(new ClusterInfo(c.name(), autoMode));
    } catch (ResourceNotFoundException e) {
      return Optional.empty();
    } catch (SdkException e) {
      throw AwsErrors.classify(e);
    }
  }

  @Override
  public List<String> listNodegroups(String cluster) {
    try {
      List<String> names = new ArrayList<>();
      eks.listNodegroupsPaginator(r -> r.clusterName(cluster).maxResults(100))
          .nodegroups()
          .forEach(names::add);
      return names;
    } catch (SdkException e) {
      throw AwsErrors.classify(e);
    }
  }

  @Override
  public NodegroupInfo describeNodegroup(String cluster, String nodegroup) {
    try {
      Nodegroup ng =
          eks.describeNodegroup(r -> r.clusterName(cluster).nodegroupName(nodegroup)).nodegroup();
      LaunchTemplateSpecification lt = ng.launchTemplate();
      Optional<LaunchTemplateRef> ref =
          lt == null || (lt.id() == null && lt.name() == null)
              ? Optional.empty()
              : Optional.of(
                  new LaunchTemplateRef(
                      Optional.ofNullable(lt.id()),
                      Optional.ofNullable(lt.name()),
                      lt.version() == null ? "$Default" : lt.version()));
      return new NodegroupInfo(ng.nodegroupName(), ref);
    } catch (SdkException e) {
      throw AwsErrors.classify(e);
    }
  }
}
