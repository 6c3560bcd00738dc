package io.github.eksnoderemediator.handler;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.github.eksnoderemediator.json.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The custom resource answers CloudFormation over real HTTP (a local server standing in for the
 * pre-signed S3 URL), as Lambda runs it.
 */
class PermissionsCheckResourceHandlerTest {
  private static final String IMDS =
      "io.github.eksnoderemediator.handler.ImdsPermissionsCheckHandler::handleRequest";

  private HttpServer server;
  private final List<String> methods = new ArrayList<>();
  private final List<String> contentTypes = new ArrayList<>();
  private final List<JsonNode> answers = new ArrayList<>();

  @BeforeEach
  void startServer() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/response",
        exchange -> {
          methods.add(exchange.getRequestMethod());
          contentTypes.add(String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type")));
          answers.add(Json.parse(exchange.getRequestBody().readAllBytes(), "answer"));
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  private String request(String type, String check) {
    return """
        {"RequestType": "%s", "ResponseURL": "http://127.0.0.1:%d/response?X-Amz-Signature=abc",
         "StackId": "arn:aws:cloudformation:eu-west-1:123456789012:stack/EksNodeRemediator/1",
         "RequestId": "req-1", "LogicalResourceId": "ImdsPermissionsCheckResource",
         "ResourceType": "Custom::PermissionsCheck",
         "ResourceProperties": {"ServiceToken": "arn", "CheckHandler": "%s"}}
        """
        .formatted(type, server.getAddress().getPort(), check);
  }

  private JsonNode invoke(String request, Map<String, Supplier<RequestStreamHandler>> checks)
      throws Exception {
    PermissionsCheckResourceHandler handler =
        new PermissionsCheckResourceHandler(checks, PermissionsCheckResourceHandler::httpPut);
    handler.handleRequest(
        new ByteArrayInputStream(request.getBytes(StandardCharsets.UTF_8)),
        new ByteArrayOutputStream(),
        null);
    assertThat(answers).hasSize(1);
    return answers.get(0);
  }

  private static RequestStreamHandler passing() {
    return (in, out, context) ->
        out.write("{\"summary\":\"passed: 9 ok, 0 warning(s), 0 failed\"}".getBytes(UTF8));
  }

  private static final java.nio.charset.Charset UTF8 = StandardCharsets.UTF_8;

  @Test
  void create_answersSuccess_withTheCheckSummary_whenTheCheckPasses() throws Exception {
    JsonNode answer = invoke(request("Create", IMDS), Map.of(IMDS, () -> passing()));

    assertThat(methods).containsExactly("PUT");
    assertThat(contentTypes).containsExactly("null");
    assertThat(answer.path("Status").asText()).isEqualTo("SUCCESS");
    assertThat(answer.path("Reason").asText()).isEqualTo("passed: 9 ok, 0 warning(s), 0 failed");
    assertThat(answer.path("PhysicalResourceId").asText())
        .isEqualTo("permissions-check-ImdsPermissionsCheckResource");
    assertThat(answer.path("RequestId").asText()).isEqualTo("req-1");
    assertThat(answer.path("LogicalResourceId").asText()).isEqualTo("ImdsPermissionsCheckResource");
    assertThat(answer.path("StackId").asText()).endsWith("stack/EksNodeRemediator/1");
  }

  @Test
  void update_answersFailed_withTheFailingProbes_whenTheCheckFails() throws Exception {
    RequestStreamHandler failing =
        (in, out, context) -> {
          throw new PermissionsCheckHandler.PermissionsCheckFailedException(
              "FAILED: 3 ok, 0 warning(s), 1 failed: harden on i-1: the role refuses");
        };

    JsonNode answer = invoke(request("Update", IMDS), Map.of(IMDS, () -> failing));

    assertThat(answer.path("Status").asText()).isEqualTo("FAILED");
    assertThat(answer.path("Reason").asText())
        .isEqualTo(
            "permissions check failed: FAILED: 3 ok, 0 warning(s), 1 failed: harden on i-1: the"
                + " role refuses");
  }

  @Test
  void delete_answersSuccess_withoutRunningTheCheck() throws Exception {
    List<String> ran = new ArrayList<>();

    JsonNode answer =
        invoke(
            request("Delete", IMDS),
            Map.of(
                IMDS,
                () -> {
                  ran.add("check");
                  return passing();
                }));

    assertThat(answer.path("Status").asText()).isEqualTo("SUCCESS");
    assertThat(ran).isEmpty();
  }

  @Test
  void create_answersFailed_whenTheCheckCannotBeBuilt() throws Exception {
    JsonNode answer =
        invoke(
            request("Create", IMDS),
            Map.of(
                IMDS,
                () -> {
                  throw new IllegalStateException("REMEDIATOR_CONFIG imds.hopLimit: wrong");
                }));

    assertThat(answer.path("Status").asText()).isEqualTo("FAILED");
    assertThat(answer.path("Reason").asText()).contains("REMEDIATOR_CONFIG imds.hopLimit: wrong");
  }

  @Test
  void create_answersFailed_forAnUnknownCheck() throws Exception {
    JsonNode answer = invoke(request("Create", "java.lang.Runtime::exec"), Map.of());

    assertThat(answer.path("Status").asText()).isEqualTo("FAILED");
    assertThat(answer.path("Reason").asText()).startsWith("CheckHandler must be one of");
  }

  @Test
  void aLongFailure_isCutToFitCloudFormationsResponseLimit() throws Exception {
    String probes = "x".repeat(10_000);
    RequestStreamHandler failing =
        (in, out, context) -> {
          throw new PermissionsCheckHandler.PermissionsCheckFailedException(probes);
        };

    invoke(request("Create", IMDS), Map.of(IMDS, () -> failing));

    assertThat(answers.get(0).toString().getBytes(UTF8).length).isLessThan(4096);
  }

  @Test
  void theRealChecks_areTheTwoFunctionsDeployTimeChecks() {
    assertThat(PermissionsCheckResourceHandler.CHECKS.keySet())
        .containsExactly(
            "io.github.eksnoderemediator.handler.EniPermissionsCheckHandler::handleRequest", IMDS);
  }
}
