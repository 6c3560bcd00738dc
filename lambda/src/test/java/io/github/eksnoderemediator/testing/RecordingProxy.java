package io.github.eksnoderemediator.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;

/**
 * An HTTP proxy on a free loopback port that forwards everything to the emulator and records the
 * EC2 {@code Action} of each request; it can also answer requests with injected EC2 errors. A
 * process under test (the shaded jar, say) points {@code AWS_ENDPOINT_URL} here, and the test can
 * then prove which calls it made and which it did not.
 */
public final class RecordingProxy implements AutoCloseable {
  private static final Set<String> HOP_BY_HOP =
      Set.of(
          "connection",
          "content-length",
          "host",
          "transfer-encoding",
          "expect",
          "upgrade",
          "keep-alive");

  private final HttpServer server;
  private final HttpClient client = HttpClient.newHttpClient();
  private final URI target;
  private final List<Call> calls = new ArrayList<>();
  private final java.util.ArrayDeque<Fault> faults = new java.util.ArrayDeque<>();
  private volatile Ec2Throttle throttle = Ec2Throttle.NONE;
  private volatile Chaos chaos = null;
  private volatile Gate gate = null;

  /**
   * Random faults on top of forwarding: a share of requests answered 500 or 503, a share whose
   * connection is dropped without an answer, and added latency. Seeded, so a failure replays.
   */
  public record Chaos(
      java.util.Random random, double serverErrors, double resets, int maxLatencyMillis) {}

  /**
   * An EC2-style error answered instead of forwarding.
   *
   * @param action the EC2 action it applies to, or null for any
   * @param message the error's message
   */
  public record Fault(String action, int status, String code, String message) {
    public Fault(String action, int status, String code) {
      this(action, status, code, "injected by the test proxy");
    }
  }

  /**
   * One request as it reached the proxy, for a {@link Gate}.
   *
   * @param method the HTTP method
   * @param path the request path and query ({@code /} for EC2's query protocol, REST paths for EKS)
   * @param accessKeyId the access key the request was signed with (from its Authorization header)
   * @param body the request body (EC2: the form parameters)
   * @param target the {@code X-Amz-Target} header of a JSON-protocol request (EventBridge: {@code
   *     AWSEvents.PutEvents}), or null
   */
  public record Request(
      String method, String path, String accessKeyId, String body, String target) {
    public Request(String method, String path, String accessKeyId, String body) {
      this(method, path, accessKeyId, body, null);
    }

    /** The decoded value of one form parameter, or null. */
    public String param(String name) {
      return new Call(null, body).param(name);
    }
  }

  /**
   * Decides, before a request is forwarded, whether to answer it itself: IAM enforcement and EC2's
   * DryRun in the system tests. Called concurrently.
   */
  public interface Gate {
    /**
     * The fault to inject for a request, if any.
     *
     * @return the answer to send instead of forwarding, or null to forward
     */
    Fault answer(Request request);
  }

  /** One forwarded EC2 request: its action and the form parameters it carried. */
  public record Call(String action, String body, boolean throttled) {
    public Call(String action, String body) {
      this(action, body, false);
    }

    /** The decoded value of one form parameter, or null. */
    public String param(String name) {
      for (String pair : body.split("&", -1)) {
        int eq = pair.indexOf('=');
        if (eq > 0
            && URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8).equals(name)) {
          return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        }
      }
      return null;
    }
  }

  public RecordingProxy(URI target) throws IOException {
    this.target = target;
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::forward);
    server.setExecutor(Executors.newFixedThreadPool(8));
    server.start();
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  public synchronized List<Call> calls() {
    return List.copyOf(calls);
  }

  public List<Call> calls(String action) {
    return calls().stream().filter(c -> action.equals(c.action())).toList();
  }

  public synchronized void clear() {
    calls.clear();
    faults.clear();
  }

  /** Throttles requests the way EC2 does from now on ({@link Ec2Throttle#awsDefaults()}). */
  public void throttle(Ec2Throttle throttle) {
    this.throttle = throttle;
  }

  /** Lets {@code gate} answer requests before they are forwarded from now on; null stops it. */
  public void gate(Gate gate) {
    this.gate = gate;
  }

  /** Injects random faults into every request from now on; null stops them. */
  public void chaos(Chaos chaos) {
    this.chaos = chaos;
  }

  /** How many requests were answered with {@code RequestLimitExceeded} by the throttle. */
  public synchronized long throttled() {
    return calls.stream().filter(Call::throttled).count();
  }

  /** Answers the next {@code count} requests with this fault instead of forwarding them. */
  public void failNext(int count, int status, String code) {
    failNext(null, count, status, code);
  }

  /** Answers the next {@code count} requests for {@code action} with this fault. */
  public synchronized void failNext(String action, int count, int status, String code) {
    for (int i = 0; i < count; i++) {
      faults.add(new Fault(action, status, code));
    }
  }

  private Fault takeFault(String action) {
    for (var it = faults.iterator(); it.hasNext(); ) {
      Fault f = it.next();
      if (f.action() == null || f.action().equals(action)) {
        it.remove();
        return f;
      }
    }
    return null;
  }

  private void forward(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      String text = new String(body, StandardCharsets.UTF_8);
      String action = new Call(null, text).param("Action");
      boolean throttled = !throttle.admit(action, text);
      Call call = new Call(action, text, throttled);
      Fault fault;
      synchronized (this) {
        calls.add(call);
        fault =
            throttled ? new Fault(action, 503, "RequestLimitExceeded") : takeFault(call.action());
      }
      Gate g = gate;
      if (fault == null && g != null) {
        fault =
            g.answer(
                new Request(
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().toString(),
                    accessKeyId(exchange.getRequestHeaders().getFirst("Authorization")),
                    text,
                    exchange.getRequestHeaders().getFirst("X-Amz-Target")));
      }
      Chaos c = chaos;
      if (fault == null && c != null) {
        double roll;
        int latency;
        synchronized (c.random()) {
          roll = c.random().nextDouble();
          latency = c.maxLatencyMillis() == 0 ? 0 : c.random().nextInt(c.maxLatencyMillis());
        }
        Thread.sleep(latency);
        if (roll < c.resets()) {
          // Drop the connection without an answer, as a network reset does.
          exchange.getResponseBody().close();
          throw new IOException("injected connection reset");
        }
        if (roll < c.resets() + c.serverErrors()) {
          fault =
              new Fault(
                  action,
                  roll < c.resets() + c.serverErrors() / 2 ? 500 : 503,
                  roll < c.resets() + c.serverErrors() / 2 ? "InternalError" : "Unavailable");
        }
      }
      if (fault != null) {
        byte[] error;
        if (action == null) {
          // A REST JSON service (EKS): the error type in a header, the message in the body.
          error =
              ("{\"message\":\"" + fault.message().replace("\"", "'") + "\"}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.getResponseHeaders().add("x-amzn-ErrorType", fault.code());
        } else {
          // The EC2 query protocol's error document, as AWS sends it.
          error =
              ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Errors><Error><Code>"
                      + fault.code()
                      + "</Code><Message>"
                      + xml(fault.message())
                      + "</Message></Error></Errors>"
                      + "<RequestID>00000000-0000-0000-0000-000000000000</RequestID></Response>")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "text/xml;charset=UTF-8");
        }
        exchange.sendResponseHeaders(fault.status(), error.length);
        try (OutputStream os = exchange.getResponseBody()) {
          os.write(error);
        }
        return;
      }
      HttpRequest.Builder request =
          HttpRequest.newBuilder(target.resolve(exchange.getRequestURI().toString()))
              .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
      exchange
          .getRequestHeaders()
          .forEach(
              (name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                  values.forEach(v -> request.header(name, v));
                }
              });
      HttpResponse<byte[]> response =
          client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      response
          .headers()
          .map()
          .forEach(
              (name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase(java.util.Locale.ROOT))
                    && !name.startsWith(":")) {
                  exchange.getResponseHeaders().put(name, values);
                }
              });
      byte[] out = response.body();
      exchange.sendResponseHeaders(response.statusCode(), out.length == 0 ? -1 : out.length);
      try (OutputStream os = exchange.getResponseBody()) {
        os.write(out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  private static String xml(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  /** {@code AKID} from {@code AWS4-HMAC-SHA256 Credential=AKID/20260101/...}, or null. */
  private static String accessKeyId(String authorization) {
    if (authorization == null) {
      return null;
    }
    int start = authorization.indexOf("Credential=");
    if (start < 0) {
      return null;
    }
    start += "Credential=".length();
    int end = authorization.indexOf('/', start);
    return end < 0 ? null : authorization.substring(start, end);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
