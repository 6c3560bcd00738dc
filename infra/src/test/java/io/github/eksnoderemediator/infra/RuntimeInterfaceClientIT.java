package io.github.eksnoderemediator.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The shipped jar under AWS's own Java runtime interface client, the code Lambda's managed java21
 * runtime runs, against a Lambda Runtime API served by this test: for every handler string the
 * synthesized stack configures, so a shading or handler-name mistake fails here instead of in a
 * deploy.
 */
class RuntimeInterfaceClientIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String API = "/2018-06-01/runtime";

  /** The functions of the stack with ENI profiles, as JSON. */
  private static List<JsonNode> functions() {
    return TestStacks.named("eni")
        .assertions()
        .findResources("AWS::Lambda::Function")
        .values()
        .stream()
        .<JsonNode>map(f -> TestStacks.JSON.valueToTree(f))
        .toList();
  }

  /**
   * Every java21 function of the stack with ENI profiles: both functions, and both deploy-time
   * permissions checks (the trigger's own provider is aws-cdk-lib's Node.js function).
   */
  static List<String> handlers() {
    List<String> handlers = new ArrayList<>();
    functions().stream()
        .filter(f -> "java21".equals(f.at("/Properties/Runtime").asText()))
        .forEach(f -> handlers.add(f.at("/Properties/Handler").asText()));
    assertThat(handlers).hasSize(4);
    return handlers;
  }

  static List<String> functionHandlers() {
    return handlers().stream().filter(h -> !h.contains("PermissionsCheck")).toList();
  }

  static List<String> checkHandlers() {
    return handlers().stream().filter(h -> h.contains("PermissionsCheck")).toList();
  }

  @ParameterizedTest
  @MethodSource("functionHandlers")
  void handler_runsUnderTheRuntimeInterfaceClient(String handler) throws Exception {
    Path root = TestStacks.repoRoot();
    byte[] unsupported = Files.readAllBytes(root.resolve("events/other-source-eks.json"));
    byte[] malformed = Files.readAllBytes(root.resolve("events/invalid/manual-wrong-id-kind.json"));

    byte[] batch = sqsBatch(Map.of("ok", unsupported, "bad", malformed));

    try (RuntimeApi api = new RuntimeApi(List.of(unsupported, malformed, batch))) {
      Process p = start(handler, api, Map.of());
      try {
        Result first = api.result(Duration.ofSeconds(60), api.log);
        Result second = api.result(Duration.ofSeconds(30), api.log);
        Result third = api.result(Duration.ofSeconds(30), api.log);
        String output = Files.readString(api.log);

        assertThat(api.initErrors()).as(output).isEmpty();
        assertThat(first.kind()).as(output).isEqualTo("response");
        assertThat(first.body().path("ignored").asText())
            .isEqualTo("source aws.eks, detail type \"EKS Nodegroup Update\" is not handled");
        assertThat(second.kind()).as(output).isEqualTo("error");
        assertThat(second.body().path("errorType").asText()).endsWith("InvalidInputException");
        assertThat(second.body().path("errorMessage").asText())
            .startsWith("instanceId: must be an EC2 instance id")
            .doesNotContain("\n");
        // The launch queue's batch: read as SQSEvent, each body through the parser; the answer
        // is an SQSBatchResponse naming only the message that cannot be handled.
        assertThat(third.kind()).as(output).isEqualTo("response");
        assertThat(third.body())
            .isEqualTo(JSON.readTree("{\"batchItemFailures\": [{\"itemIdentifier\": \"bad\"}]}"));
      } finally {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /**
   * The deploy-time checks start under the runtime client and report to it: here EC2 cannot be
   * reached (a closed local port), so the check fails with the SDK's error, as a deploy would.
   */
  @ParameterizedTest
  @MethodSource("checkHandlers")
  void permissionsCheck_runsUnderTheRuntimeInterfaceClient(String handler) throws Exception {
    byte[] triggerPayload = "{}".getBytes(StandardCharsets.UTF_8);
    // The check function's own configuration, as the stack sets it: the ENI check needs profiles.
    String config =
        functions().stream()
            .filter(f -> handler.equals(f.at("/Properties/Handler").asText()))
            .findFirst()
            .orElseThrow()
            .at("/Properties/Environment/Variables/REMEDIATOR_CONFIG")
            .asText();
    try (RuntimeApi api = new RuntimeApi(List.of(triggerPayload))) {
      Process p = start(handler, api, Map.of("REMEDIATOR_CONFIG", config));
      try {
        Result first = api.result(Duration.ofSeconds(120), api.log);
        String output = Files.readString(api.log);

        assertThat(api.initErrors()).as(output).isEmpty();
        assertThat(first.kind()).as(output).isEqualTo("error");
        assertThat(first.body().path("errorType").asText()).endsWith("Ec2CallException");
      } finally {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  private static Process start(String handler, RuntimeApi api, Map<String, String> extraEnv)
      throws IOException {
    Path root = TestStacks.repoRoot();
    Path jar = root.resolve("lambda/target/remediator.jar");
    assertThat(jar).as("the shaded jar (built by mvn package)").exists();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1"));
    // The client loads its native Runtime API client through JNI.
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("-cp");
    command.add(jar + File.pathSeparator + ricClasspath());
    command.add("com.amazonaws.services.lambda.runtime.api.client.AWSLambda");
    command.add(handler);
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.redirectOutput(api.log.toFile());
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("AWS_"));
    env.put("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:" + api.port());
    env.put("AWS_REGION", "eu-west-1");
    env.put("AWS_ACCESS_KEY_ID", "testing");
    env.put("AWS_SECRET_ACCESS_KEY", "testing");
    // Nothing here may reach AWS: an unused, closed local port.
    env.put("AWS_ENDPOINT_URL", "http://127.0.0.1:9");
    env.put("AWS_LAMBDA_FUNCTION_NAME", "remediator-under-test");
    env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024");
    env.put("AWS_LAMBDA_FUNCTION_VERSION", "1");
    env.putAll(extraEnv);
    return pb.start();
  }

  /**
   * The runtime interface client and the serialization library it needs, from this JVM's classpath.
   */
  private static String ricClasspath() {
    List<String> entries =
        Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
            .filter(
                e ->
                    e.contains("aws-lambda-java-runtime-interface-client")
                        || e.contains("aws-lambda-java-serialization"))
            .toList();
    assertThat(entries)
        .as("runtime interface client on the test classpath")
        .hasSizeGreaterThanOrEqualTo(2);
    return String.join(File.pathSeparator, entries);
  }

  /**
   * What Lambda's SQS event source mapping sends: the Lambda Developer Guide's example event, with
   * these message ids and bodies.
   */
  static byte[] sqsBatch(Map<String, byte[]> bodies) throws IOException {
    var root = JSON.createObjectNode();
    var records = root.putArray("Records");
    new java.util.TreeMap<>(bodies)
        .descendingMap()
        .forEach(
            (id, body) -> {
              var r = records.addObject();
              r.put("messageId", id);
              r.put("receiptHandle", "AQEB" + id);
              r.put("body", new String(body, StandardCharsets.UTF_8));
              var attributes = r.putObject("attributes");
              attributes.put("ApproximateReceiveCount", "1");
              attributes.put("SentTimestamp", "1764252000000");
              attributes.put("SenderId", "AIDAIENQZJOLO23YVJ4VO");
              attributes.put("ApproximateFirstReceiveTimestamp", "1764252000001");
              r.putObject("messageAttributes");
              r.put("md5OfBody", "0");
              r.put("eventSource", "aws:sqs");
              r.put("eventSourceARN", "arn:aws:sqs:eu-west-1:123456789012:launches");
              r.put("awsRegion", "eu-west-1");
            });
    return JSON.writeValueAsBytes(root);
  }

  record Result(String kind, JsonNode body) {}

  /** A Lambda Runtime API serving a fixed list of events, then holding the next request. */
  static final class RuntimeApi implements AutoCloseable {
    private final HttpServer server;
    private final List<byte[]> events;
    private final AtomicInteger served = new AtomicInteger();
    private final BlockingQueue<Result> results = new ArrayBlockingQueue<>(16);
    private final Map<String, String> initErrors = new ConcurrentHashMap<>();
    private final Path log;

    RuntimeApi(List<byte[]> events) throws IOException {
      this.events = events;
      this.log = Files.createTempFile("ric-", ".log");
      this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext(API, this::handle);
      server.setExecutor(Executors.newCachedThreadPool());
      server.start();
    }

    int port() {
      return server.getAddress().getPort();
    }

    Result result(Duration timeout, Path log) throws InterruptedException, IOException {
      Result r = results.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (r == null) {
        throw new AssertionError(
            "no response or error from the runtime client within "
                + timeout
                + "; its output:\n"
                + Files.readString(log));
      }
      return r;
    }

    Map<String, String> initErrors() {
      return initErrors;
    }

    private void handle(HttpExchange exchange) throws IOException {
      String path = exchange.getRequestURI().getPath();
      byte[] body = exchange.getRequestBody().readAllBytes();
      if (path.endsWith("/invocation/next")) {
        int n = served.getAndIncrement();
        if (n >= events.size()) {
          return; // hold it: the test ends the process
        }
        exchange.getResponseHeaders().add("Lambda-Runtime-Aws-Request-Id", "request-" + n);
        exchange
            .getResponseHeaders()
            .add("Lambda-Runtime-Deadline-Ms", String.valueOf(System.currentTimeMillis() + 60_000));
        exchange
            .getResponseHeaders()
            .add(
                "Lambda-Runtime-Invoked-Function-Arn",
                "arn:aws:lambda:eu-west-1:123456789012:function:remediator-under-test:live");
        exchange
            .getResponseHeaders()
            .add("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000");
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        respond(exchange, 200, events.get(n));
        return;
      }
      if (path.endsWith("/init/error")) {
        initErrors.put("init", new String(body, StandardCharsets.UTF_8));
      } else if (path.endsWith("/response")) {
        results.add(new Result("response", JSON.readTree(body)));
      } else if (path.endsWith("/error")) {
        results.add(new Result("error", JSON.readTree(body)));
      }
      respond(exchange, 202, "{}".getBytes(StandardCharsets.UTF_8));
    }

    private static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
      exchange.sendResponseHeaders(status, body.length);
      try (OutputStream os = exchange.getResponseBody()) {
        os.write(body);
      }
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }
}
