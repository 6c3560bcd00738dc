package io.github.eksnoderemediator.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;

/**
 * A fast fake EC2 for fleet-scale benches, spoken to by the real SDK over HTTP (EC2 Query
 * protocol): {@code DescribeInstances} with the sweep's filters, pages of up to 1,000 and {@code
 * NextToken}, or by {@code InstanceId.N}; {@code ModifyInstanceMetadataOptions}, answered {@code
 * pending} and applied a second later. EC2's token buckets (docs/aws-behaviour.md, "Throttling":
 * filtered describes 100 refilled at 20 per second, the metadata write 100 at 5) answer {@code
 * RequestLimitExceeded} when empty. Latency is simulated on the bench's {@link FleetClock} instead
 * of slept, so a 15-minute sweep runs in seconds while the sweep's deadline sees EC2's time. Nodes
 * are held in arrays (a few bytes each) so the fake barely weighs on the heap it measures.
 */
final class FleetEc2 implements AutoCloseable {
  /** Per call, then per instance returned: about 1.2 s for a page of 1,000. */
  static final Duration DESCRIBE_LATENCY = Duration.ofMillis(150);

  static final Duration DESCRIBE_PER_INSTANCE = Duration.ofNanos(1_000_000);
  static final Duration MODIFY_LATENCY = Duration.ofMillis(250);
  static final Duration APPLY_DELAY = Duration.ofSeconds(1);
  private static final long ID_BASE = 0x0a000000000000L;
  private static final String NS = "http://ec2.amazonaws.com/doc/2016-11-15/";

  private final FleetClock clock;
  private final HttpServer server;
  private final int size;
  private final boolean[] required;
  private final long[] appliedAtNanos;
  private final boolean[] alwaysFails;
  private final Bucket describes;
  private final Bucket writes;
  private final Map<String, Integer> calls = new TreeMap<>();
  private final Map<String, Integer> throttled = new TreeMap<>();

  /**
   * @param size nodes, all running EKS managed node group nodes of cluster {@code prod}
   * @param nonCompliant how many of them (the ones spread evenly through the listing) allow IMDSv1
   */
  FleetEc2(FleetClock clock, int size, int nonCompliant) throws IOException {
    this.clock = clock;
    this.size = size;
    this.required = new boolean[size];
    this.appliedAtNanos = new long[size];
    this.alwaysFails = new boolean[size];
    for (int i = 0; i < size; i++) {
      required[i] = true;
    }
    for (int k = 0; k < nonCompliant; k++) {
      required[(int) ((long) k * size / nonCompliant)] = false;
    }
    this.describes = new Bucket(clock, 100, 20);
    this.writes = new Bucket(clock, 100, 5);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(Executors.newFixedThreadPool(2));
    server.start();
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  static String id(int index) {
    return String.format("i-%017x", ID_BASE + index);
  }

  /** Someone loosens these nodes again (tokens optional), as between two sweeps. */
  synchronized void loosen(int from, int to) {
    for (int i = from; i < to; i++) {
      required[i] = false;
    }
  }

  /** Every write to these nodes fails ({@code UnauthorizedOperation}), sweep after sweep. */
  synchronized void failAlways(int from, int to) {
    for (int i = from; i < to; i++) {
      alwaysFails[i] = true;
    }
  }

  synchronized int nonCompliant() {
    int n = 0;
    for (boolean r : required) {
      n += r ? 0 : 1;
    }
    return n;
  }

  synchronized boolean compliant(int index) {
    return required[index];
  }

  synchronized Map<String, Integer> calls() {
    return new TreeMap<>(calls);
  }

  synchronized Map<String, Integer> throttled() {
    return new TreeMap<>(throttled);
  }

  synchronized void resetCounts() {
    calls.clear();
    throttled.clear();
  }

  private void handle(HttpExchange exchange) throws IOException {
    Map<String, List<String>> form;
    try (var in = exchange.getRequestBody()) {
      form = parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    String action = first(form, "Action");
    int status;
    String body;
    synchronized (this) {
      calls.merge(action == null ? "?" : action, 1, Integer::sum);
      Bucket bucket =
          "ModifyInstanceMetadataOptions".equals(action)
              ? writes
              : "DescribeInstances".equals(action) ? describes : null;
      if (bucket != null && !bucket.take()) {
        throttled.merge(action, 1, Integer::sum);
        status = 503;
        body = error("RequestLimitExceeded", "Request limit exceeded.");
      } else if ("DescribeInstances".equals(action)) {
        status = 200;
        body = describe(form);
      } else if ("ModifyInstanceMetadataOptions".equals(action)) {
        int index = index(first(form, "InstanceId"));
        if (index < 0) {
          status = 400;
          body = error("InvalidInstanceID.NotFound", "The instance ID does not exist");
        } else if (alwaysFails[index]) {
          clock.skip(MODIFY_LATENCY);
          status = 403;
          body =
              error("UnauthorizedOperation", "You are not authorized to perform this operation.");
        } else {
          clock.skip(MODIFY_LATENCY);
          if ("required".equals(first(form, "HttpTokens"))) {
            required[index] = true;
          }
          appliedAtNanos[index] = clock.nanos() + APPLY_DELAY.toNanos();
          status = 200;
          body =
              "<ModifyInstanceMetadataOptionsResponse xmlns=\""
                  + NS
                  + "\"><requestId>r</requestId><instanceId>"
                  + id(index)
                  + "</instanceId><instanceMetadataOptions>"
                  + options(index)
                  + "</instanceMetadataOptions></ModifyInstanceMetadataOptionsResponse>";
        }
      } else {
        status = 400;
        body = error("InvalidAction", "The fleet fake does not answer " + action);
      }
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "text/xml;charset=UTF-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private String describe(Map<String, List<String>> form) {
    List<Integer> indexes = new ArrayList<>();
    String next = null;
    List<String> ids = new ArrayList<>();
    form.forEach(
        (k, v) -> {
          if (k.startsWith("InstanceId.")) {
            ids.addAll(v);
          }
        });
    if (!ids.isEmpty()) {
      for (String id : ids) {
        int index = index(id);
        if (index >= 0) {
          indexes.add(index);
        }
      }
    } else {
      // The sweep's listing: its tag-key and state filters, every node here matches both.
      if (!form.containsValue(List.of("tag-key"))
          || !form.containsValue(List.of("instance-state-name"))) {
        return error("InvalidParameterCombination", "the fleet fake expects the sweep's filters");
      }
      int max = Integer.parseInt(orElse(first(form, "MaxResults"), "1000"));
      int from = Integer.parseInt(orElse(first(form, "NextToken"), "0"));
      int to = Math.min(size, from + Math.min(max, 1000));
      for (int i = from; i < to; i++) {
        indexes.add(i);
      }
      next = to < size ? Integer.toString(to) : null;
    }
    clock.skip(DESCRIBE_LATENCY.plus(DESCRIBE_PER_INSTANCE.multipliedBy(indexes.size())));
    StringBuilder xml = new StringBuilder(indexes.size() * 1_400 + 256);
    xml.append("<DescribeInstancesResponse xmlns=\"")
        .append(NS)
        .append("\"><requestId>r</requestId><reservationSet>");
    for (int i : indexes) {
      xml.append("<item><reservationId>r-")
          .append(Integer.toHexString(i))
          .append("</reservationId><ownerId>111122223333</ownerId><instancesSet><item>")
          .append("<instanceId>")
          .append(id(i))
          .append("</instanceId><imageId>ami-0123456789abcdef0</imageId>")
          .append("<instanceState><code>16</code><name>running</name></instanceState>")
          .append("<privateDnsName>ip-10-0-")
          .append(i % 250)
          .append('-')
          .append(i / 250 % 250)
          .append(".ec2.internal</privateDnsName><instanceType>m7i.large</instanceType>")
          .append("<launchTime>2026-11-01T00:00:00.000Z</launchTime>")
          .append("<placement><availabilityZone>us-east-1a</availabilityZone></placement>")
          .append("<subnetId>subnet-0123456789abcdef0</subnetId><vpcId>vpc-0123456789abcdef0")
          .append("</vpcId><privateIpAddress>10.0.")
          .append(i / 250 % 250)
          .append('.')
          .append(i % 250)
          .append("</privateIpAddress><tagSet>");
      tags(xml, i);
      xml.append("</tagSet><metadataOptions>")
          .append(options(i))
          .append("</metadataOptions></item></instancesSet></item>");
    }
    xml.append("</reservationSet>");
    if (next != null) {
      xml.append("<nextToken>").append(next).append("</nextToken>");
    }
    return xml.append("</DescribeInstancesResponse>").toString();
  }

  /** The tags EKS, the Auto Scaling group and the launch template put on a managed node. */
  private static void tags(StringBuilder xml, int i) {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("eks:cluster-name", "prod");
    tags.put("eks:nodegroup-name", "general-" + i / 5_000);
    tags.put("kubernetes.io/cluster/prod", "owned");
    tags.put("k8s.io/cluster-autoscaler/enabled", "true");
    tags.put("k8s.io/cluster-autoscaler/prod", "owned");
    tags.put("aws:autoscaling:groupName", "eks-general-" + i / 5_000 + "-0123abcd");
    tags.put("aws:ec2launchtemplate:id", "lt-0123456789abcdef0");
    tags.put("aws:ec2launchtemplate:version", "3");
    tags.put("aws:eks:cluster-name", "prod");
    tags.put("Name", "prod-general-node");
    tags.forEach(
        (k, v) ->
            xml.append("<item><key>")
                .append(k)
                .append("</key><value>")
                .append(v)
                .append("</value></item>"));
  }

  private String options(int i) {
    boolean applied = clock.nanos() >= appliedAtNanos[i];
    return "<state>"
        + (applied ? "applied" : "pending")
        + "</state><httpTokens>"
        + (required[i] ? "required" : "optional")
        + "</httpTokens><httpPutResponseHopLimit>2</httpPutResponseHopLimit>"
        + "<httpEndpoint>enabled</httpEndpoint><httpProtocolIpv6>disabled</httpProtocolIpv6>"
        + "<instanceMetadataTags>disabled</instanceMetadataTags>";
  }

  private int index(String id) {
    if (id == null || !id.startsWith("i-")) {
      return -1;
    }
    try {
      long index = Long.parseLong(id.substring(2), 16) - ID_BASE;
      return index >= 0 && index < size ? (int) index : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static String error(String code, String message) {
    return "<Response><Errors><Error><Code>"
        + code
        + "</Code><Message>"
        + message
        + "</Message></Error></Errors><RequestID>r</RequestID></Response>";
  }

  private static Map<String, List<String>> parse(String body) {
    Map<String, List<String>> form = new LinkedHashMap<>();
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        form.computeIfAbsent(
                URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                k -> new ArrayList<>())
            .add(URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return form;
  }

  private static String first(Map<String, List<String>> form, String key) {
    List<String> v = form.get(key);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  private static String orElse(String value, String otherwise) {
    return value == null ? otherwise : value;
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }

  /** A token bucket on the bench's clock: {@code capacity}, refilled at {@code perSecond}. */
  private static final class Bucket {
    private final FleetClock clock;
    private final double capacity;
    private final double perSecond;
    private double tokens;
    private long at;

    Bucket(FleetClock clock, double capacity, double perSecond) {
      this.clock = clock;
      this.capacity = capacity;
      this.perSecond = perSecond;
      this.tokens = capacity;
      this.at = clock.nanos();
    }

    boolean take() {
      long now = clock.nanos();
      tokens = Math.min(capacity, tokens + (now - at) / 1e9 * perSecond);
      at = now;
      if (tokens < 1) {
        return false;
      }
      tokens--;
      return true;
    }
  }
}
