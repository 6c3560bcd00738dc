package io.github.eksnoderemediator.events;

import io.github.eksnoderemediator.node.NodeSelector;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.port.InstanceState;
import io.github.eksnoderemediator.report.Attribution;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One invocation's input, parsed: an EventBridge event or a manual payload. Every entry point
 * (EventBridge, {@code aws lambda invoke}, the local command) goes through {@link EventParser} into
 * one of these, so they all run the same code. What a function does with each kind is the
 * function's business: the parser only says what arrived.
 */
public sealed interface Input {

  /** How the report and logs name this input, e.g. {@code RunInstances via CloudTrail}. */
  String description();

  /** True when EventBridge delivered it (Lambda retries failures); false for a manual call. */
  boolean fromEventBridge();

  /**
   * {@code EC2 Instance State-change Notification}.
   *
   * @param eventId the EventBridge event id
   * @param instanceId {@code detail.instance-id}
   * @param state {@code detail.state}; the parser refuses a name EC2 does not use
   */
  record StateChange(String eventId, InstanceId instanceId, InstanceState state) implements Input {
    public StateChange {
      Objects.requireNonNull(state, "state");
    }

    @Override
    public String description() {
      return "EC2 state change to " + state;
    }

    @Override
    public boolean fromEventBridge() {
      return true;
    }
  }

  /**
   * {@code AWS API Call via CloudTrail} for {@code RunInstances} or {@code CreateFleet}.
   *
   * @param eventId the EventBridge event id
   * @param eventName {@code RunInstances} or {@code CreateFleet}
   * @param instanceIds every instance the call launched, in event order, without repeats; empty
   *     when the call failed or launched nothing
   * @param errorCode {@code detail.errorCode} of a failed call
   * @param launchedBy who launched them, and from which launch template when the request names one
   */
  record LaunchCall(
      String eventId,
      String eventName,
      List<InstanceId> instanceIds,
      Optional<String> errorCode,
      Optional<Attribution> launchedBy)
      implements Input {
    public LaunchCall {
      instanceIds = List.copyOf(instanceIds);
    }

    /** A launch call whose caller is not known. */
    public LaunchCall(
        String eventId,
        String eventName,
        List<InstanceId> instanceIds,
        Optional<String> errorCode) {
      this(eventId, eventName, instanceIds, errorCode, Optional.empty());
    }

    @Override
    public String description() {
      return eventName + " via CloudTrail";
    }

    @Override
    public boolean fromEventBridge() {
      return true;
    }
  }

  /**
   * {@code AWS API Call via CloudTrail} for {@code ModifyInstanceMetadataOptions}: someone changed
   * a node's metadata options. The EventBridge rule only sends calls by other principals than the
   * function's own role.
   *
   * @param eventId the EventBridge event id
   * @param instanceId the instance the call changed
   * @param by who made the call, from where, and what it asked for
   * @param errorCode {@code detail.errorCode} of a failed call (which changed nothing)
   */
  record MetadataOptionsChanged(
      String eventId, InstanceId instanceId, Attribution by, Optional<String> errorCode)
      implements Input {
    @Override
    public String description() {
      return "ModifyInstanceMetadataOptions via CloudTrail";
    }

    @Override
    public boolean fromEventBridge() {
      return true;
    }
  }

  /**
   * {@code AWS API Call via CloudTrail} for {@code DetachNetworkInterface}, {@code
   * DeleteNetworkInterface} or {@code ModifyNetworkInterfaceAttribute}: someone touched a network
   * interface. The EventBridge rule only sends calls by other principals than the ENI function's
   * own role; whether the interface is one of ours is for the function to find out.
   *
   * @param eventId the EventBridge event id
   * @param eventName the call
   * @param eni the interface, when the request names it (Delete, Modify)
   * @param attachmentId the attachment, when the request names it (Detach)
   * @param by who made the call
   * @param errorCode {@code detail.errorCode} of a failed call (which changed nothing)
   */
  record InterfaceChanged(
      String eventId,
      String eventName,
      Optional<io.github.eksnoderemediator.port.EniId> eni,
      Optional<String> attachmentId,
      Attribution by,
      Optional<String> errorCode)
      implements Input {
    @Override
    public String description() {
      return eventName + " via CloudTrail";
    }

    @Override
    public boolean fromEventBridge() {
      return true;
    }
  }

  /**
   * A manual payload: {@code {"instanceId": "i-..."}}, {@code {"instanceIds": [...]}}, {@code
   * {"cluster": "prod"}} optionally with {@code "nodeGroup"} or {@code "nodePool"}, {@code
   * {"report": "drift"}}, {@code {"report": "eni-capacity"}} or {@code {"check": "permissions"}};
   * the first three with optional {@code "dryRun": true}.
   *
   * @param target what the request names
   * @param dryRun report what would change and write nothing
   */
  record ManualRequest(Target target, boolean dryRun) implements Input {

    /** A request for these instances. */
    public ManualRequest(List<InstanceId> instanceIds, boolean dryRun) {
      this(new Target.Instances(instanceIds), dryRun);
    }

    /** The instances named one by one; empty for the other targets. */
    public List<InstanceId> instanceIds() {
      return target instanceof Target.Instances i ? i.ids() : List.of();
    }

    @Override
    public String description() {
      return switch (target) {
        case Target.Instances i -> "manual request";
        case Target.Nodes n -> "manual request for " + n.selector();
        case Target.DriftReport d -> "manual drift report";
        case Target.EniCapacityReport c -> "manual eni-capacity report";
        case Target.PermissionsCheck c -> "manual permissions check";
      };
    }

    @Override
    public boolean fromEventBridge() {
      return false;
    }

    /** What a manual request names. */
    public sealed interface Target {
      /** Instances by id, without repeats, in the order given. */
      record Instances(List<InstanceId> ids) implements Target {
        public Instances {
          ids = List.copyOf(ids);
        }
      }

      /** Every node of a cluster, node group or node pool. */
      record Nodes(NodeSelector selector) implements Target {}

      /** The launch-template drift report. */
      record DriftReport() implements Target {}

      /**
       * The ENI function's report of what its profiles leave to the VPC CNI per instance type
       * ({@code {"report": "eni-capacity"}}).
       */
      record EniCapacityReport() implements Target {}

      /**
       * The permissions check: the function's own role, probed in its account with EC2's {@code
       * DryRun} ({@code {"check": "permissions"}}).
       */
      record PermissionsCheck() implements Target {}
    }
  }

  /**
   * An EventBridge schedule fired ({@code source aws.events}, {@code detail-type Scheduled Event}):
   * time for a sweep.
   *
   * @param eventId the EventBridge event id
   */
  record Scheduled(String eventId) implements Input {
    @Override
    public String description() {
      return "scheduled sweep";
    }

    @Override
    public boolean fromEventBridge() {
      return true;
    }
  }

  /**
   * A well-formed EventBridge event this service has no use for (another source, another detail
   * type, another API call). It is answered with the reason and no AWS call.
   *
   * @param eventId the EventBridge event id
   * @param reason why it is not handled, for example {@code source aws.eks, detail type "EKS
   *     Nodegroup Update" is not handled}
   */
  record Unsupported(String eventId, String reason) implements Input {
    @Override
    public String description() {
      return "unsupported event";
    }

    @Override
    public boolean fromEventBridge() {
      return true;
    }
  }
}
