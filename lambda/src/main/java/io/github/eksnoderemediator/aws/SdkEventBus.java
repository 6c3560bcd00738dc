package io.github.eksnoderemediator.aws;

import io.github.eksnoderemediator.port.EventBus;
import java.util.List;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequest;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

/**
 * {@link EventBus} over EventBridge's PutEvents. The client is built on the first call, not at
 * INIT: an invocation with no decision to publish (most of them: nodes already compliant) never
 * pays for it.
 */
public final class SdkEventBus implements EventBus {
  private final String bus;
  private final Supplier<EventBridgeClient> clients;
  private EventBridgeClient client;

  /**
   * @param bus the bus's name or ARN, as PutEvents' {@code EventBusName} takes it
   * @param clients builds the client, once, on the first call
   */
  public SdkEventBus(String bus, Supplier<EventBridgeClient> clients) {
    this.bus = bus;
    this.clients = clients;
  }

  @Override
  public synchronized List<String> put(List<Entry> entries) {
    if (client == null) {
      client = clients.get();
    }
    PutEventsResponse response;
    try {
      response = send(entries);
    } catch (SdkException e) {
      var c = AwsErrors.classify(e);
      throw new CallFailed(c.errorCode(), c.getMessage(), e);
    }
    // EventBridge answers one result entry per request entry, in request order: a failed one has
    // an ErrorCode and no EventId ("Handling failures with PutEvents", EventBridge User Guide).
    List<PutEventsResultEntry> results = response.entries();
    return java.util.stream.IntStream.range(0, entries.size())
        .mapToObj(
            i -> {
              if (i >= results.size()) {
                return "NoResultEntry";
              }
              PutEventsResultEntry r = results.get(i);
              return r.errorCode() == null || r.errorCode().isEmpty() ? null : r.errorCode();
            })
        .toList();
  }

  private PutEventsResponse send(List<Entry> entries) {
    return client.putEvents(
        PutEventsRequest.builder()
            .entries(
                entries.stream()
                    .map(
                        e ->
                            PutEventsRequestEntry.builder()
                                .eventBusName(bus)
                                .source(e.source())
                                .detailType(e.detailType())
                                .detail(e.detail())
                                .build())
                    .toList())
            .build());
  }
}
