package io.github.eksnoderemediator.central;

import io.github.eksnoderemediator.json.Json;
import io.github.eksnoderemediator.metrics.Metrics;
import io.github.eksnoderemediator.port.EventBus;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Collects an invocation's decision events and sends them to the bus when its decisions are made,
 * in as few PutEvents calls as EventBridge allows. Best effort on purpose: the decision is already
 * made, written and logged, so a bus that cannot be reached costs a log line and a metric, never
 * the remediation or a retry of it.
 */
public final class DecisionEvents {
  /** PutEvents takes at most 10 entries per call (EventBridge API Reference, PutEvents). */
  static final int MAX_ENTRIES = 10;

  /**
   * The entries of one call must add up to less than 256 KB, counted as EventBridge counts them
   * ("Calculating PutEvents event entry size", EventBridge User Guide).
   */
  static final int MAX_REQUEST_BYTES = 256 * 1024;

  /** Publishes nothing and builds nothing: no bus configured. */
  public static final DecisionEvents OFF = new DecisionEvents(null, Metrics.NONE, null, null, 0);

  private final EventBus bus;
  private final Metrics metrics;
  private final PrintStream log;
  private final Clock clock;
  private final int maxRequestBytes;
  private final List<DecisionEvent> pending = new ArrayList<>();

  /**
   * @param bus where events go
   * @param metrics where {@link Metrics#DECISION_EVENTS_PUBLISHED} and {@link
   *     Metrics#DECISION_EVENTS_UNSENT} are counted
   * @param log where a failure to publish is written, one JSON line
   */
  public DecisionEvents(EventBus bus, Metrics metrics, PrintStream log, Clock clock) {
    this(bus, metrics, log, clock, MAX_REQUEST_BYTES);
  }

  DecisionEvents(EventBus bus, Metrics metrics, PrintStream log, Clock clock, int maxRequestBytes) {
    this.bus = bus;
    this.metrics = metrics;
    this.log = log;
    this.clock = clock;
    this.maxRequestBytes = maxRequestBytes;
  }

  /** Whether events go anywhere. */
  public boolean on() {
    return bus != null;
  }

  /** Keeps an event until {@link #publish}. */
  public void add(DecisionEvent event) {
    if (bus == null) {
      return;
    }
    synchronized (pending) {
      pending.add(event);
    }
  }

  /**
   * Sends what was added since the last call: batches of at most 10 entries under the size limit;
   * entries EventBridge reports as failed are sent once more; what still fails is logged and
   * counted. Never throws.
   */
  public void publish() {
    if (bus == null) {
      return;
    }
    List<DecisionEvent> events;
    synchronized (pending) {
      events = List.copyOf(pending);
      pending.clear();
    }
    if (events.isEmpty()) {
      return;
    }
    List<Item> items = new ArrayList<>(events.size());
    for (DecisionEvent e : events) {
      EventBus.Entry entry =
          new EventBus.Entry(DecisionEvent.SOURCE, DecisionEvent.DETAIL_TYPE, Json.compact(e));
      if (size(entry) >= maxRequestBytes) {
        unsent(List.of(new Item(e, entry)), "EntryTooLarge", "an entry alone is over the limit");
      } else {
        items.add(new Item(e, entry));
      }
    }
    Map<String, List<Item>> failed = send(items);
    List<Item> again = failed.values().stream().flatMap(List::stream).toList();
    if (!again.isEmpty()) {
      // EventBridge fails entries one by one (throttling, an internal error): one more try, no
      // more, so a bus that is down does not hold the invocation.
      send(again).forEach((code, lost) -> unsent(lost, code, "failed twice"));
    }
  }

  /**
   * Sends items in batches.
   *
   * @return the items that failed, by error code, in order
   */
  private Map<String, List<Item>> send(List<Item> items) {
    Map<String, List<Item>> failed = new TreeMap<>();
    for (List<Item> batch : batches(items)) {
      List<String> codes;
      try {
        codes = bus.put(batch.stream().map(Item::entry).toList());
      } catch (RuntimeException e) {
        // The SDK has retried already; the whole call failed (no permission, bus gone, network).
        String code =
            e instanceof EventBus.CallFailed f ? f.errorCode() : e.getClass().getSimpleName();
        unsent(batch, code, oneLine(e.getMessage()));
        continue;
      }
      for (int i = 0; i < batch.size(); i++) {
        String code = i < codes.size() ? codes.get(i) : "NoResultEntry";
        if (code == null) {
          metrics.count(batch.get(i).event().cluster(), Metrics.DECISION_EVENTS_PUBLISHED, 1);
        } else {
          failed.computeIfAbsent(code, k -> new ArrayList<>()).add(batch.get(i));
        }
      }
    }
    return failed;
  }

  /** Consecutive batches of at most 10 entries whose sizes add up to less than the limit. */
  List<List<Item>> batches(List<Item> items) {
    List<List<Item>> batches = new ArrayList<>();
    List<Item> current = new ArrayList<>();
    long bytes = 0;
    for (Item item : items) {
      long size = size(item.entry());
      if (!current.isEmpty()
          && (current.size() == MAX_ENTRIES || bytes + size >= maxRequestBytes)) {
        batches.add(current);
        current = new ArrayList<>();
        bytes = 0;
      }
      current.add(item);
      bytes += size;
    }
    if (!current.isEmpty()) {
      batches.add(current);
    }
    return batches;
  }

  /**
   * An entry's size as EventBridge counts it: the UTF-8 bytes of source, detail-type and detail (no
   * Time and no Resources are sent).
   */
  static long size(EventBus.Entry entry) {
    return utf8(entry.source()) + utf8(entry.detailType()) + utf8(entry.detail());
  }

  private static int utf8(String s) {
    return s == null ? 0 : s.getBytes(StandardCharsets.UTF_8).length;
  }

  private void unsent(List<Item> items, String code, String message) {
    items.forEach(i -> metrics.count(i.event().cluster(), Metrics.DECISION_EVENTS_UNSENT, 1));
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("timestamp", clock.instant().toString());
    line.put("level", "WARN");
    line.put("message", "decision events not published");
    line.put("errorCode", code);
    line.put("error", message);
    line.put("count", items.size());
    line.put(
        "instances",
        items.stream().map(i -> String.valueOf(i.event().instanceId())).distinct().toList());
    String json = Json.compact(line);
    synchronized (log) {
      log.println(json);
    }
  }

  private static String oneLine(String message) {
    if (message == null) {
      return "";
    }
    String flat = message.replaceAll("\\s+", " ").strip();
    return flat.length() > 300 ? flat.substring(0, 300) + "…" : flat;
  }

  /** An event and the entry it became. */
  record Item(DecisionEvent event, EventBus.Entry entry) {}
}
