package io.github.eksnoderemediator.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.github.eksnoderemediator.check.PermissionsReport;
import io.github.eksnoderemediator.json.Json;
import io.github.eksnoderemediator.port.Ec2CallException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The deploy-time permissions check: what {@code cdk deploy} runs once the stack's functions exist
 * (aws-cdk-lib's triggers invoke it with no payload). It runs the function's {@code {"check":
 * "permissions"}} as that function's own role and fails the invocation, and so the deployment, when
 * a probe failed: a role that cannot do its job fails loudly at deploy time instead of filling the
 * failure queue later.
 *
 * <p>A role created a moment ago may not be in force everywhere yet (IAM is eventually consistent),
 * so a failed check is repeated a few times before it counts.
 */
abstract class PermissionsCheckHandler implements RequestStreamHandler {
  static final int ATTEMPTS = 4;
  static final Duration BETWEEN_ATTEMPTS = Duration.ofSeconds(15);

  private final Supplier<PermissionsReport> check;
  private final Duration pause;

  PermissionsCheckHandler(Supplier<PermissionsReport> check, Duration pause) {
    this.check = check;
    this.pause = pause;
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    PermissionsReport report = null;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      if (attempt > 1 && !pause()) {
        break;
      }
      report = attempt(attempt);
      if (report != null && report.passed()) {
        break;
      }
    }
    if (report == null) {
      throw new PermissionsCheckFailedException("interrupted before the check could finish");
    }
    String json = Json.compact(report);
    System.err.println(json);
    if (!report.passed()) {
      throw new PermissionsCheckFailedException(report.failureSummary());
    }
    output.write(json.getBytes(StandardCharsets.UTF_8));
  }

  private boolean pause() {
    try {
      Thread.sleep(pause.toMillis());
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * One run of the check; null when a read was refused ({@code UnauthorizedOperation}), which right
   * after the role was created can be IAM still propagating. Any other failure (EC2 unreachable)
   * ends the check at once.
   */
  private PermissionsReport attempt(int attempt) {
    try {
      PermissionsReport report = check.get();
      if (!report.passed()) {
        System.err.println("permissions check attempt " + attempt + ": " + report.summary());
      }
      return report;
    } catch (Ec2CallException e) {
      if (e.kind() != Ec2CallException.Kind.UNAUTHORIZED || attempt >= ATTEMPTS) {
        throw e;
      }
      System.err.println("permissions check attempt " + attempt + ": " + e.getMessage());
      return null;
    }
  }

  /** The role could not do the function's job, or could reach out of scope. */
  static final class PermissionsCheckFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PermissionsCheckFailedException(String message) {
      super(message);
    }
  }
}
