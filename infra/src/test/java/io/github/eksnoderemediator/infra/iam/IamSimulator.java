package io.github.eksnoderemediator.infra.iam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A maintained IAM policy evaluator, {@code @cloud-copilot/iam-simulate} with the Service
 * Authorization Reference as its data, run by Node.js from the repository's pinned {@code
 * node_modules} ({@code ./dev} installs it). One process per JVM, started on first use; requests go
 * one JSON line at a time through {@code infra/src/test/node/iam-simulator.mjs}. No policy logic is
 * written here.
 */
public final class IamSimulator implements AutoCloseable {
  public static final String ACCOUNT = "123456789012";
  public static final String REGION = "eu-west-1";
  public static final String PARTITION = "aws";
  public static final String PRINCIPAL = "arn:aws:iam::" + ACCOUNT + ":role/remediator-function";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static IamSimulator shared;

  private final Process process;
  private final BufferedWriter in;
  private final BufferedReader out;

  private IamSimulator(Process process) {
    this.process = process;
    this.in =
        new BufferedWriter(
            new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
    this.out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
  }

  /** The JVM's simulator, started on first call and stopped when the JVM exits. */
  public static synchronized IamSimulator shared() {
    if (shared == null) {
      shared = start();
      IamSimulator s = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(s::close));
    }
    return shared;
  }

  private static IamSimulator start() {
    Path root = repositoryRoot();
    Path script = root.resolve("infra/src/test/node/iam-simulator.mjs");
    if (!Files.isDirectory(root.resolve("node_modules/@cloud-copilot/iam-simulate"))) {
      throw new IllegalStateException(
          "the IAM simulator is not installed in "
              + root.resolve("node_modules")
              + "; run ./dev setup (it installs package.json's pinned tools)");
    }
    try {
      Process p =
          new ProcessBuilder("node", script.toString())
              .directory(root.toFile())
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      return new IamSimulator(p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start node for the IAM simulator", e);
    }
  }

  /** Maven's {@code repo.root}, else the nearest folder up from here that holds cdk.json. */
  private static Path repositoryRoot() {
    String property = System.getProperty("repo.root");
    if (property != null && !property.isBlank()) {
      return Path.of(property).toAbsolutePath().normalize();
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("cdk.json"))) {
        return dir;
      }
    }
    throw new IllegalStateException("cannot find the repository root (no cdk.json above here)");
  }

  /**
   * Evaluates one request against the identity policies, as IAM would for {@link #PRINCIPAL} in
   * account {@link #ACCOUNT}.
   *
   * @throws IllegalStateException when the simulator refuses the request itself (unknown action, a
   *     resource the action cannot take, an invalid policy): a test bug, never a denial
   */
  public synchronized IamDecision evaluate(RolePolicies policies, IamRequest request) {
    ObjectNode line = JSON.createObjectNode();
    var docs = line.putArray("policies");
    policies
        .documents()
        .forEach((name, document) -> docs.addObject().put("name", name).set("document", document));
    line.put("action", request.action());
    line.put("resource", request.resource());
    line.put("account", ACCOUNT);
    line.put("principal", PRINCIPAL);
    ObjectNode context = line.putObject("context");
    request
        .context()
        .forEach(
            (key, values) -> {
              if (values.size() == 1) {
                context.put(key, values.get(0));
              } else {
                var array = context.putArray(key);
                values.forEach(array::add);
              }
            });
    JsonNode answer;
    try {
      in.write(JSON.writeValueAsString(line));
      in.newLine();
      in.flush();
      String text = out.readLine();
      if (text == null) {
        throw new IllegalStateException("the IAM simulator exited (code " + exitCode() + ")");
      }
      answer = JSON.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException("the IAM simulator did not answer", e);
    }
    if (answer.has("error")) {
      throw new IllegalStateException(
          "the IAM simulator refused " + request + ": " + answer.get("error").asText());
    }
    return new IamDecision(
        IamDecision.Outcome.valueOf(answer.get("decision").asText()),
        strings(answer.get("allowedBy")),
        strings(answer.get("deniedBy")),
        strings(answer.get("ignoredContextKeys")));
  }

  private String exitCode() {
    return process.isAlive() ? "still running" : String.valueOf(process.exitValue());
  }

  private static List<String> strings(JsonNode array) {
    List<String> list = new ArrayList<>();
    if (array != null) {
      array.forEach(n -> list.add(n.asText()));
    }
    return List.copyOf(list);
  }

  @Override
  public void close() {
    process.destroy();
  }
}
