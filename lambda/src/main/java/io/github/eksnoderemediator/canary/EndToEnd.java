package io.github.eksnoderemediator.canary;

import io.github.eksnoderemediator.aws.SdkCanaryCloud;
import io.github.eksnoderemediator.config.ConfigException;
import io.github.eksnoderemediator.port.Ec2CallException;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code java -jar remediator.jar verify --end-to-end --subnet subnet-...}: runs the canary with
 * the operator's credentials and prints its table. Exit codes as the local command's: 0 every path
 * OK (or skipped), 1 a path failed, 2 the command line or the AWS setup is wrong (one line).
 */
public final class EndToEnd {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int BAD_INPUT = 2;

  private EndToEnd() {}

  /** Runs against the standard AWS environment (Region, credentials, endpoint). */
  public static int run(List<String> args, PrintStream out, PrintStream err) {
    return run(args, out, err, SdkCanaryCloud::fromEnvironment, Duration.ofSeconds(2), true);
  }

  /**
   * Runs against the cloud the supplier builds.
   *
   * @param poll how often the instance is read
   * @param shutdownHook whether Ctrl-C terminates the instance (a test JVM runs many canaries)
   */
  public static int run(
      List<String> args,
      PrintStream out,
      PrintStream err,
      Supplier<CanaryCloud> clouds,
      Duration poll,
      boolean shutdownHook) {
    CanarySettings settings;
    CanaryCloud cloud;
    try {
      settings = CanarySettings.parse(args);
      cloud = clouds.get();
    } catch (ConfigException e) {
      err.println("error: " + e.getMessage());
      return BAD_INPUT;
    }
    Canary canary = new Canary(cloud, settings, Clock.systemUTC(), d -> Thread.sleep(d), poll);
    Thread hook =
        new Thread(
            () -> {
              if (!canary.running().isEmpty()) {
                err.println("verify: interrupted; terminating " + canary.running());
                canary.cleanUp();
              }
            },
            "canary-cleanup");
    if (shutdownHook) {
      Runtime.getRuntime().addShutdownHook(hook);
    }
    out.println(
        "verify --end-to-end: launching one "
            + settings.type()
            + " in "
            + settings.subnet().value()
            + " as a node of "
            + settings.cluster()
            + "/"
            + Canary.NODE_GROUP);
    try {
      CanaryReport report = canary.run();
      out.print(report.table());
      if (report.failed()) {
        err.println("error: a path failed; see the table's check column");
        return FAILED;
      }
      return OK;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      canary.cleanUp();
      err.println("error: interrupted; the canary instance was terminated");
      return FAILED;
    } catch (ConfigException e) {
      canary.cleanUp();
      err.println("error: " + e.getMessage());
      return BAD_INPUT;
    } catch (RuntimeException e) {
      canary.cleanUp();
      String why = e instanceof Ec2CallException ec2 ? ec2.summary() : firstLine(e.getMessage());
      err.println("error: " + e.getClass().getSimpleName() + ": " + why);
      return FAILED;
    } finally {
      if (shutdownHook) {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // The hook is running or about to: it cleans up.
        }
      }
    }
  }

  private static String firstLine(String message) {
    return message == null ? "" : message.lines().findFirst().orElse("");
  }
}
