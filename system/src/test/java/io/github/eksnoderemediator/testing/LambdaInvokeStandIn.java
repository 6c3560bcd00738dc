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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lambda's endpoint for a test, where the emulator stops: moto serves Lambda's control plane
 * (functions, versions, aliases, event source mappings) but runs a function's code only in Docker,
 * which the tests do not have. This stand-in forwards every Lambda request to moto unchanged,
 * except {@code Invoke}, which it answers by running the function's code itself (the caller says
 * how, e.g. the shipped jar's local command with the same payload).
 */
public final class LambdaInvokeStandIn implements AutoCloseable {
  private static final Pattern INVOKE =
      Pattern.compile("/2015-03-31/functions/([^/]+)/invocations");
  private static final Set<String> NOT_FORWARDED =
      Set.of("host", "connection", "content-length", "expect", "upgrade", "transfer-encoding");

  private final HttpServer server;
  private final HttpClient client = HttpClient.newHttpClient();
  private final URI target;
  private final Function function;
  private final List<String> invoked = new ArrayList<>();

  /** Runs one invocation. */
  @FunctionalInterface
  public interface Function {
    /**
     * @param functionName the name or ARN the caller invoked (an alias ARN, say)
     * @param payload the request's payload
     */
    Answer invoke(String functionName, byte[] payload) throws Exception;
  }

  /**
   * What Lambda would return.
   *
   * @param functionError null when the function returned normally, else {@code Unhandled}
   */
  public record Answer(byte[] payload, String functionError) {}

  public LambdaInvokeStandIn(URI target, Function function) throws IOException {
    this.target = target;
    this.function = function;
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.start();
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** The function names invoked so far. */
  public synchronized List<String> invoked() {
    return List.copyOf(invoked);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      Matcher m = INVOKE.matcher(exchange.getRequestURI().getRawPath());
      if ("POST".equals(exchange.getRequestMethod()) && m.matches()) {
        String name = URLDecoder.decode(m.group(1), StandardCharsets.UTF_8);
        synchronized (this) {
          invoked.add(name);
        }
        Answer answer = function.invoke(name, body);
        if (answer.functionError() != null) {
          exchange.getResponseHeaders().add("X-Amz-Function-Error", answer.functionError());
        }
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.getResponseHeaders().add("X-Amz-Executed-Version", "1");
        send(exchange, 200, answer.payload());
        return;
      }
      HttpRequest.Builder forward =
          HttpRequest.newBuilder(
                  target.resolve(
                      exchange.getRequestURI().getRawPath()
                          + (exchange.getRequestURI().getRawQuery() == null
                              ? ""
                              : "?" + exchange.getRequestURI().getRawQuery())))
              .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
      exchange
          .getRequestHeaders()
          .forEach(
              (k, values) -> {
                if (!NOT_FORWARDED.contains(k.toLowerCase(java.util.Locale.ROOT))) {
                  values.forEach(v -> forward.header(k, v));
                }
              });
      HttpResponse<byte[]> response =
          client.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
      response
          .headers()
          .map()
          .forEach(
              (k, values) -> {
                if (!NOT_FORWARDED.contains(k.toLowerCase(java.util.Locale.ROOT))
                    && !k.startsWith(":")) {
                  values.forEach(v -> exchange.getResponseHeaders().add(k, v));
                }
              });
      send(exchange, response.statusCode(), response.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      send(
          exchange,
          500,
          ("{\"message\":\"stand-in failed: " + e + "\"}").getBytes(StandardCharsets.UTF_8));
    }
  }

  private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream os = exchange.getResponseBody()) {
      os.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
