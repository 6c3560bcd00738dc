package io.github.eksnoderemediator.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lets the real CloudWatch client talk to moto. The AWS SDK for Java speaks CloudWatch's Smithy RPC
 * v2 CBOR protocol ({@code POST /service/GraniteServiceVersion20100801/operation/<Op>}, CBOR
 * bodies), which moto does not serve; moto serves the same operations over CloudWatch's AWS JSON
 * 1.0 protocol ({@code X-Amz-Target}, JSON bodies), with the same member names. This bridge
 * converts each request body from CBOR to JSON and each answer back, and forwards everything else
 * (the signature, the status code, error bodies' {@code __type}) unchanged, so moto's CloudWatch
 * decides what the SDK gets. It records each operation, so a test can count GetMetricData calls.
 */
public final class CloudWatchBridge implements AutoCloseable {
  private static final Pattern OPERATION =
      Pattern.compile("/service/(GraniteServiceVersion20100801)/operation/([A-Za-z]+)");

  private final HttpServer server;
  private final HttpClient client = HttpClient.newHttpClient();
  private final URI target;
  private final ObjectMapper cbor = new CBORMapper();
  private final ObjectMapper json = new ObjectMapper();
  private final List<String> operations = new ArrayList<>();
  private volatile Authorizer authorizer = (accessKeyId, action) -> null;

  /** Decides whether a request may reach the emulator: IAM in the system tests. */
  public interface Authorizer {
    /**
     * Why a caller may not make the call.
     *
     * @param action e.g. {@code cloudwatch:GetMetricData}
     * @return null when allowed, else the refusal's message
     */
    String refusal(String accessKeyId, String action);
  }

  public CloudWatchBridge(URI target) throws IOException {
    this.target = target;
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::bridge);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.start();
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** How many requests of one operation arrived. */
  public synchronized long calls(String operation) {
    return operations.stream().filter(operation::equals).count();
  }

  public synchronized void clear() {
    operations.clear();
  }

  /** Lets {@code authorizer} refuse requests from now on. */
  public void authorize(Authorizer authorizer) {
    this.authorizer = authorizer;
  }

  private void bridge(HttpExchange exchange) throws IOException {
    try (exchange) {
      Matcher m = OPERATION.matcher(exchange.getRequestURI().getPath());
      if (!m.matches()) {
        send(
            exchange,
            404,
            "{\"__type\":\"UnknownOperation\"}".getBytes(StandardCharsets.UTF_8),
            "application/json");
        return;
      }
      synchronized (this) {
        operations.add(m.group(2));
      }
      byte[] body = exchange.getRequestBody().readAllBytes();
      String refusal =
          authorizer.refusal(
              accessKeyId(exchange.getRequestHeaders().getFirst("Authorization")),
              "cloudwatch:" + m.group(2));
      if (refusal != null) {
        exchange.getResponseHeaders().add("smithy-protocol", "rpc-v2-cbor");
        send(
            exchange,
            403,
            cbor.writeValueAsBytes(
                json.createObjectNode().put("__type", "AccessDenied").put("message", refusal)),
            "application/cbor");
        return;
      }
      JsonNode request = body.length == 0 ? json.createObjectNode() : cbor.readTree(body);
      HttpRequest.Builder forward =
          HttpRequest.newBuilder(target.resolve("/"))
              .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(request)))
              .header("Content-Type", "application/x-amz-json-1.0")
              .header("X-Amz-Target", m.group(1) + "." + m.group(2));
      // moto reads the Region and service from the SigV4 Authorization header.
      for (String header : List.of("Authorization", "X-Amz-Date")) {
        String value = exchange.getRequestHeaders().getFirst(header);
        if (value != null) {
          forward.header(header, value);
        }
      }
      HttpResponse<byte[]> response =
          client.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
      byte[] answer = response.body();
      byte[] out = answer.length == 0 ? answer : cbor.writeValueAsBytes(json.readTree(answer));
      exchange.getResponseHeaders().add("smithy-protocol", "rpc-v2-cbor");
      send(exchange, response.statusCode(), out, "application/cbor");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  private static void send(HttpExchange exchange, int status, byte[] body, String type)
      throws IOException {
    exchange.getResponseHeaders().add("Content-Type", type);
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream os = exchange.getResponseBody()) {
      os.write(body);
    }
  }

  /** {@code AKID} from {@code AWS4-HMAC-SHA256 Credential=AKID/...}, or null. */
  private static String accessKeyId(String authorization) {
    if (authorization == null || !authorization.contains("Credential=")) {
      return null;
    }
    String rest = authorization.substring(authorization.indexOf("Credential=") + 11);
    return rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : null;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
