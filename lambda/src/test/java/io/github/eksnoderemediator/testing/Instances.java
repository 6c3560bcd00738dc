package io.github.eksnoderemediator.testing;

import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.port.InstanceState;
import io.github.eksnoderemediator.port.InstanceView;
import io.github.eksnoderemediator.port.MetadataOptions;
import io.github.eksnoderemediator.port.MetadataOptions.ApplyState;
import io.github.eksnoderemediator.port.MetadataOptions.Endpoint;
import io.github.eksnoderemediator.port.MetadataOptions.Tokens;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** Instance views for domain tests. */
public final class Instances {
  public static final InstanceId ID = new InstanceId("i-0a1b2c3d4e5f60002");
  public static final Instant LAUNCHED = Instant.parse("2026-11-20T14:03:10Z");

  public static final Map<String, String> MANAGED_PROD =
      Map.of(
          "eks:cluster-name", "prod",
          "eks:nodegroup-name", "general",
          "kubernetes.io/cluster/prod", "owned");
  public static final Map<String, String> KARPENTER_PROD =
      Map.of(
          "eks:eks-cluster-name", "prod",
          "karpenter.sh/nodepool", "batch",
          "karpenter.k8s.aws/ec2nodeclass", "default",
          "kubernetes.io/cluster/prod", "owned");
  public static final Map<String, String> SELF_MANAGED_PROD =
      Map.of(
          "kubernetes.io/cluster/prod", "owned",
          "alpha.eksctl.io/cluster-name", "prod",
          "alpha.eksctl.io/nodegroup-name", "legacy-ng");

  private Instances() {}

  public static MetadataOptions options(Tokens tokens, int hopLimit) {
    return new MetadataOptions(tokens, hopLimit, Endpoint.ENABLED, ApplyState.APPLIED);
  }

  public static MetadataOptions imdsV1() {
    return options(Tokens.OPTIONAL, 1);
  }

  public static InstanceView running(Map<String, String> tags, MetadataOptions options) {
    return new InstanceView(ID, InstanceState.RUNNING, tags, options, LAUNCHED, Optional.empty());
  }

  public static InstanceView withState(InstanceView v, InstanceState state) {
    return new InstanceView(
        v.id(), state, v.tags(), v.metadataOptions(), v.launchTime(), v.managedBy());
  }

  public static InstanceView managedBy(InstanceView v, String principal) {
    return new InstanceView(
        v.id(), v.state(), v.tags(), v.metadataOptions(), v.launchTime(), Optional.of(principal));
  }

  public static InstanceView withOptions(InstanceView v, MetadataOptions options) {
    return new InstanceView(v.id(), v.state(), v.tags(), options, v.launchTime(), v.managedBy());
  }
}
