package io.github.eksnoderemediator.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * The local AWS emulator: one moto server per test JVM, started on a free loopback port on first
 * use and stopped when the JVM exits. {@code ./dev} installs moto into {@code .tools/venv}; Maven
 * passes that folder as system property {@code tools.dir}.
 */
public final class MotoServer {
  public static final String REGION = "eu-west-1";
  private static MotoServer shared;

  private final Process process;
  private final URI endpoint;
  private final Path log;

  private MotoServer(Process process, URI endpoint, Path log) {
    this.process = process;
    this.endpoint = endpoint;
    this.log = log;
  }

  /** The JVM's moto server, started on first call. */
  public static synchronized MotoServer shared() {
    if (shared == null) {
      shared = start();
      MotoServer server = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
    }
    return shared;
  }

  /** A new moto server of its own, for a caller that stops it ({@code ./dev demo}). */
  public static MotoServer start() {
    Path executable = executable();
    IllegalStateException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      int port = freePort();
      try {
        Path log = Files.createTempFile("moto-", ".log");
        Process p =
            new ProcessBuilder(executable.toString(), "-H", "127.0.0.1", "-p", String.valueOf(port))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        MotoServer server = new MotoServer(p, URI.create("http://127.0.0.1:" + port), log);
        if (server.awaitReady(Duration.ofSeconds(30))) {
          return server;
        }
        server.stop();
        last =
            new IllegalStateException(
                "moto server did not start on port " + port + "; its log: " + log);
      } catch (IOException e) {
        last = new IllegalStateException("cannot start " + executable + ": " + e.getMessage(), e);
      }
    }
    throw last;
  }

  public URI endpoint() {
    return endpoint;
  }

  /** Forgets every resource: a clean account. */
  public void reset() {
    try {
      HttpResponse<Void> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(endpoint.resolve("/moto-api/reset"))
                      .POST(HttpRequest.BodyPublishers.noBody())
                      .build(),
                  HttpResponse.BodyHandlers.discarding());
      if (r.statusCode() != 200) {
        throw new IllegalStateException("moto reset answered " + r.statusCode());
      }
    } catch (IOException e) {
      throw new IllegalStateException("moto reset failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public void stop() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private boolean awaitReady(Duration timeout) {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline) && process.isAlive()) {
      try {
        HttpResponse<Void> r =
            client.send(
                HttpRequest.newBuilder(endpoint.resolve("/moto-api/"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return true;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }

  private static Path executable() {
    String tools = System.getProperty("tools.dir");
    if (tools != null) {
      Path venv = Path.of(tools, "venv", "bin", "moto_server");
      if (Files.isExecutable(venv)) {
        return venv;
      }
    }
    for (String dir :
        System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator, -1)) {
      Path candidate = Path.of(dir, "moto_server");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        "moto_server not found in .tools/venv or on PATH: run ./dev setup (it installs moto[server])");
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free loopback port", e);
    }
  }

  @Override
  public String toString() {
    return "moto at " + endpoint + " (log " + log + ")";
  }
}
