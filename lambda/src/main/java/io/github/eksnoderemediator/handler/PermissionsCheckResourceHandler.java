package io.github.eksnoderemediator.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.eksnoderemediator.json.Json;
import io.github.eksnoderemediator.json.JsonInputException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The deploy-time permissions check as a CloudFormation custom resource ({@code
 * Custom::PermissionsCheck}), for templates deployed without the CDK (the release bundle's
 * template.json): aws-cdk-lib's triggers need a provider function that is a CDK asset, which such a
 * template cannot carry, so the check function serves its own custom resource from the same jar.
 *
 * <p>CloudFormation sends Create, Update and Delete requests. Create and Update run the check named
 * by the resource's {@code CheckHandler} property (one of {@link #CHECKS}) and answer SUCCESS when
 * it passed, FAILED with the failing probes otherwise, which fails (and rolls back) the deployment
 * as the trigger does. Delete always answers SUCCESS: removing the stack must never hang on a
 * check. The answer goes to the pre-signed S3 URL in the request ({@code ResponseURL}); every
 * request is answered, since CloudFormation otherwise waits for the resource's service timeout.
 */
public final class PermissionsCheckResourceHandler implements RequestStreamHandler {

  /** The checks a custom resource may name, by the handler the CDK trigger runs for each. */
  static final Map<String, Supplier<RequestStreamHandler>> CHECKS =
      new TreeMap<>(
          Map.of(
              "io.github.eksnoderemediator.handler.ImdsPermissionsCheckHandler::handleRequest",
              ImdsPermissionsCheckHandler::new,
              "io.github.eksnoderemediator.handler.EniPermissionsCheckHandler::handleRequest",
              EniPermissionsCheckHandler::new));

  /** The custom resource's property naming the check. */
  static final String CHECK_PROPERTY = "CheckHandler";

  /**
   * CloudFormation reads at most 4,096 bytes of response; the failing probes are cut to fit, the
   * full report is in the function's log.
   */
  static final int MAX_REASON_CHARS = 3_000;

  /** Sends a response document to the request's {@code ResponseURL}. */
  @FunctionalInterface
  interface Responder {
    void put(URI url, byte[] body) throws IOException;
  }

  private final Map<String, Supplier<RequestStreamHandler>> checks;
  private final Responder responder;

  /** Lambda INIT: the real checks, answering over HTTPS. */
  public PermissionsCheckResourceHandler() {
    this(CHECKS, PermissionsCheckResourceHandler::httpPut);
  }

  PermissionsCheckResourceHandler(
      Map<String, Supplier<RequestStreamHandler>> checks, Responder responder) {
    this.checks = checks;
    this.responder = responder;
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    JsonNode request;
    try {
      request = Json.parse(input.readAllBytes(), "custom resource request");
    } catch (JsonInputException e) {
      // No ResponseURL to answer: only CloudFormation invokes this function.
      System.err.println("not a CloudFormation custom resource request: " + e.getMessage());
      return;
    }
    String responseUrl = request.path("ResponseURL").asText("");
    if (responseUrl.isEmpty()) {
      System.err.println("not a CloudFormation custom resource request: no ResponseURL");
      return;
    }
    Outcome outcome = outcome(request, context);
    byte[] body = Json.compact(response(request, outcome)).getBytes(StandardCharsets.UTF_8);
    System.err.println(
        "custom resource "
            + request.path("RequestType").asText()
            + ": "
            + outcome.status()
            + " "
            + outcome.reason());
    responder.put(URI.create(responseUrl), body);
    output.write(body);
  }

  /** What to answer: SUCCESS or FAILED, and why. */
  record Outcome(String status, String reason) {
    static Outcome success(String reason) {
      return new Outcome("SUCCESS", reason);
    }

    static Outcome failed(String reason) {
      return new Outcome("FAILED", reason);
    }
  }

  private Outcome outcome(JsonNode request, Context context) {
    String type = request.path("RequestType").asText("");
    if ("Delete".equals(type)) {
      return Outcome.success("nothing to delete");
    }
    if (!"Create".equals(type) && !"Update".equals(type)) {
      return Outcome.failed("unknown RequestType \"" + type + "\"");
    }
    String name = request.path("ResourceProperties").path(CHECK_PROPERTY).asText("");
    Supplier<RequestStreamHandler> check = checks.get(name);
    if (check == null) {
      return Outcome.failed(
          CHECK_PROPERTY + " must be one of " + checks.keySet() + ", got \"" + name + "\"");
    }
    ByteArrayOutputStream report = new ByteArrayOutputStream();
    try {
      // Built here, inside the try: a wiring failure (a wrong configuration) is an answer too.
      check.get().handleRequest(new ByteArrayInputStream(new byte[0]), report, context);
    } catch (IOException | RuntimeException e) {
      // The check's own message names the failing probes (or EC2's refusal), on one line.
      return Outcome.failed("permissions check failed: " + e.getMessage());
    }
    JsonNode passed = Json.parse(report.toByteArray(), "permissions report");
    return Outcome.success(passed.path("summary").asText("passed"));
  }

  /** The response document CloudFormation expects for a custom resource request. */
  static ObjectNode response(JsonNode request, Outcome outcome) {
    ObjectNode response = Json.MAPPER.createObjectNode();
    response.put("Status", outcome.status());
    String reason = outcome.reason();
    response.put(
        "Reason",
        reason.length() > MAX_REASON_CHARS
            ? reason.substring(0, MAX_REASON_CHARS) + "... (the full report is in the log)"
            : reason);
    // Kept across updates, so an update never makes CloudFormation delete the old resource.
    String physicalId = request.path("PhysicalResourceId").asText("");
    response.put(
        "PhysicalResourceId",
        physicalId.isEmpty()
            ? "permissions-check-" + request.path("LogicalResourceId").asText()
            : physicalId);
    response.put("StackId", request.path("StackId").asText());
    response.put("RequestId", request.path("RequestId").asText());
    response.put("LogicalResourceId", request.path("LogicalResourceId").asText());
    return response;
  }

  /**
   * PUT to the pre-signed URL. No Content-Type: the URL is signed without one, and S3 refuses a
   * request whose headers differ from the signature.
   */
  static void httpPut(URI url, byte[] body) throws IOException {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    HttpRequest request =
        HttpRequest.newBuilder(url)
            .timeout(Duration.ofSeconds(30))
            .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    try {
      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() / 100 != 2) {
        throw new IOException(
            "the response URL answered HTTP " + response.statusCode() + ": " + response.body());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while answering CloudFormation", e);
    }
  }
}
