package io.github.eksnoderemediator.infra.constructs;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.services.events.EventBus;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.IEventBus;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.sqs.IQueue;
import software.constructs.Construct;

/**
 * The member side of the central view (docs/central-view.md): the functions publish their decision
 * events to this account's default bus, and one rule forwards them to the central bus in the
 * security account.
 *
 * <p>Why not PutEvents straight to the central bus: the documented way into a bus whose policy
 * grants a whole organization is a rule in the sending account whose target is that bus, with a
 * RoleArn (EventBridge API Reference, PutPermission; AWS::Events::EventBusPolicy). It also keeps
 * the function's permission inside its own account, and the events visible to the member's own
 * rules.
 */
public final class DecisionEvents extends Construct {
  /** The events' {@code source}, as the functions send it ({@code central.DecisionEvent}). */
  public static final String SOURCE = "eks-node-remediator";

  /** The events' {@code detail-type}. */
  public static final String DETAIL_TYPE = "EKS Node Remediator Decision";

  /** The function's environment variable naming the bus it publishes to. */
  public static final String BUS_ENV_VAR = "DECISION_EVENT_BUS";

  private final IEventBus local;
  private final Rule forward;

  /**
   * @param centralBusArn the central bus, validated by the deployment settings
   * @param deadLetters where EventBridge puts events it could not forward after retrying
   */
  public DecisionEvents(Construct scope, String id, String centralBusArn, IQueue deadLetters) {
    super(scope, id);
    this.local = EventBus.fromEventBusName(this, "DefaultBus", "default");
    IEventBus central = EventBus.fromEventBusArn(this, "CentralBus", centralBusArn);
    // A role of its own, allowed PutEvents on the central bus only: the bus policy grants the
    // organization, so the sending account's rule must name a role (AWS::Events::EventBusPolicy).
    Role forwarder =
        Role.Builder.create(this, "ForwardRole")
            .assumedBy(new ServicePrincipal("events.amazonaws.com"))
            .description("Lets EventBridge forward the remediator's decision events")
            .build();
    this.forward =
        Rule.Builder.create(this, "Forward")
            .description("Forwards the remediator's decision events to the central view's bus")
            .eventBus(local)
            .eventPattern(pattern())
            .build();
    forward.addTarget(
        software.amazon.awscdk.services.events.targets.EventBus.Builder.create(central)
            .role(forwarder)
            .deadLetterQueue(deadLetters)
            .build());
    // The target builder adds events:PutEvents on the central bus to the role; the alarm on the
    // failure queue shows events that never got there.
  }

  /** The decision events, as the functions send them: the forwarding rule's pattern. */
  public static EventPattern pattern() {
    return EventPattern.builder().source(List.of(SOURCE)).detailType(List.of(DETAIL_TYPE)).build();
  }

  /**
   * Lets {@code function} publish to this account's default bus, only with the remediator's source
   * and detail-type, and tells it where to publish.
   */
  public void publishFrom(Function function, IRole role) {
    role.addToPrincipalPolicy(
        PolicyStatement.Builder.create()
            .sid("PublishDecisionEvents")
            .effect(Effect.ALLOW)
            .actions(List.of("events:PutEvents"))
            .resources(List.of(local.getEventBusArn()))
            .conditions(ownEventsOnly())
            .build());
    function.addEnvironment(BUS_ENV_VAR, local.getEventBusArn());
  }

  /** The default bus's ARN in this stack's account and Region. */
  public String localBusArn() {
    return local.getEventBusArn();
  }

  /**
   * Both keys are multivalued (one value per entry of the call): every entry must be ours, and a
   * request without them is not (ForAllValues alone would match it). Ordered maps: the template
   * gets their iteration order.
   */
  private static Map<String, Object> ownEventsOnly() {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("events:source", List.of(SOURCE));
    values.put("events:detail-type", List.of(DETAIL_TYPE));
    Map<String, Object> present = new LinkedHashMap<>();
    present.put("events:source", "false");
    present.put("events:detail-type", "false");
    Map<String, Object> conditions = new LinkedHashMap<>();
    conditions.put("ForAllValues:StringEquals", values);
    conditions.put("Null", present);
    return conditions;
  }

  /** The forwarding rule. */
  public Rule forwardRule() {
    return forward;
  }
}
