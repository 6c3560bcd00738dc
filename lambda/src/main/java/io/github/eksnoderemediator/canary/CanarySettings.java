package io.github.eksnoderemediator.canary;

import io.github.eksnoderemediator.config.ConfigException;
import io.github.eksnoderemediator.config.HopLimitBand;
import io.github.eksnoderemediator.port.SubnetId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What one canary run needs: where to launch, what, as a node of which cluster, how long to wait,
 * and where to look when a path fails.
 *
 * @param subnet the subnet the instance is launched in
 * @param instanceType the type to launch, or empty for {@link #DEFAULT_INSTANCE_TYPE}
 * @param cluster the cluster the instance is tagged as a node of (one the remediator covers)
 * @param band the hop-limit band the remediator enforces on that cluster's nodes
 * @param stack the deployed stack's name: its rules and queues start with it
 * @param logGroup the IMDS function's log group, where its decisions are read; empty: the caller
 *     named by the tamper decision is not checked
 * @param centralLogGroup the central view's decision log group, readable from here; empty: path (d)
 *     is skipped
 * @param launchTimeout how long a launch may stay unhardened before path (a) fails
 * @param tamperTimeout how long a loosened canary may stay loose before path (b) fails (CloudTrail
 *     delivers to EventBridge within minutes, not seconds)
 */
public record CanarySettings(
    SubnetId subnet,
    Optional<String> instanceType,
    String cluster,
    HopLimitBand band,
    String stack,
    Optional<String> logGroup,
    Optional<String> centralLogGroup,
    Duration launchTimeout,
    Duration tamperTimeout) {

  /** Graviton, current generation, the cheapest there is; its AMI is the arm64 one. */
  public static final String DEFAULT_INSTANCE_TYPE = "t4g.nano";

  public static final String DEFAULT_CLUSTER = "eks-node-remediator-canary";
  public static final String DEFAULT_STACK = "EksNodeRemediator";
  static final Duration DEFAULT_LAUNCH_TIMEOUT = Duration.ofMinutes(5);
  static final Duration DEFAULT_TAMPER_TIMEOUT = Duration.ofMinutes(10);

  public static final String USAGE =
      "usage: java -jar remediator.jar verify --end-to-end --subnet subnet-... [--instance-type T]"
          + " [--cluster C] [--hop-limit MIN-MAX] [--stack NAME] [--log-group NAME]"
          + " [--central-log-group NAME] [--timeout-seconds N] [--tamper-timeout-seconds N]";

  public CanarySettings {
    if (launchTimeout.isNegative() || launchTimeout.isZero()) {
      throw ConfigException.of("--timeout-seconds must be positive");
    }
    if (tamperTimeout.isNegative() || tamperTimeout.isZero()) {
      throw ConfigException.of("--tamper-timeout-seconds must be positive");
    }
  }

  public String type() {
    return instanceType.orElse(DEFAULT_INSTANCE_TYPE);
  }

  /**
   * Reads the command line after {@code verify}; {@code --end-to-end} itself may appear anywhere.
   *
   * @throws ConfigException one line naming what is wrong
   */
  public static CanarySettings parse(List<String> args) {
    String subnet = null;
    String type = null;
    String cluster = DEFAULT_CLUSTER;
    HopLimitBand band = HopLimitBand.DEFAULT;
    String stack = DEFAULT_STACK;
    String logGroup = null;
    String centralLogGroup = null;
    Duration launch = DEFAULT_LAUNCH_TIMEOUT;
    Duration tamper = DEFAULT_TAMPER_TIMEOUT;
    List<String> rest = new ArrayList<>(args);
    rest.remove("--end-to-end");
    for (int i = 0; i < rest.size(); i++) {
      String flag = rest.get(i);
      if (i + 1 >= rest.size()) {
        throw ConfigException.of(flag + ": expected a value after it; " + USAGE);
      }
      String value = rest.get(++i);
      switch (flag) {
        case "--subnet" -> subnet = value;
        case "--instance-type" -> type = value;
        case "--cluster" -> cluster = value;
        case "--hop-limit" -> band = band(value);
        case "--stack" -> stack = value;
        case "--log-group" -> logGroup = value;
        case "--central-log-group" -> centralLogGroup = value;
        case "--timeout-seconds" -> launch = Duration.ofSeconds(seconds(flag, value));
        case "--tamper-timeout-seconds" -> tamper = Duration.ofSeconds(seconds(flag, value));
        default -> throw ConfigException.of("unknown option " + flag + "; " + USAGE);
      }
    }
    if (subnet == null) {
      throw ConfigException.of("--subnet is required: the subnet the canary instance runs in");
    }
    if (!subnet.matches("subnet-[0-9a-f]{8,17}")) {
      throw ConfigException.of("--subnet: not a subnet id: " + subnet);
    }
    if (type != null && !type.matches("[a-z0-9-]+\\.[a-z0-9]+")) {
      throw ConfigException.of("--instance-type: not an instance type: " + type);
    }
    return new CanarySettings(
        new SubnetId(subnet),
        Optional.ofNullable(type),
        cluster,
        band,
        stack,
        Optional.ofNullable(logGroup),
        Optional.ofNullable(centralLogGroup),
        launch,
        tamper);
  }

  private static long seconds(String flag, String value) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw ConfigException.of(flag + ": not a number of seconds: " + value);
    }
  }

  private static HopLimitBand band(String value) {
    String[] parts = value.split("-", -1);
    try {
      int min = Integer.parseInt(parts[0]);
      int max = parts.length == 2 ? Integer.parseInt(parts[1]) : min;
      if (parts.length > 2) {
        throw new NumberFormatException(value);
      }
      return new HopLimitBand(min, max);
    } catch (NumberFormatException e) {
      throw ConfigException.of("--hop-limit: expected N or MIN-MAX, got " + value);
    } catch (IllegalArgumentException e) {
      throw ConfigException.of("--hop-limit: " + e.getMessage());
    }
  }
}
