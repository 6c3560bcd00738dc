package io.github.eksnoderemediator.metrics;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import software.amazon.cloudwatchlogs.emf.environment.Environment;
import software.amazon.cloudwatchlogs.emf.exception.DimensionSetExceededException;
import software.amazon.cloudwatchlogs.emf.exception.InvalidDimensionException;
import software.amazon.cloudwatchlogs.emf.exception.InvalidMetricException;
import software.amazon.cloudwatchlogs.emf.exception.InvalidNamespaceException;
import software.amazon.cloudwatchlogs.emf.logger.MetricsLogger;
import software.amazon.cloudwatchlogs.emf.model.DimensionSet;
import software.amazon.cloudwatchlogs.emf.model.MetricsContext;
import software.amazon.cloudwatchlogs.emf.model.Unit;
import software.amazon.cloudwatchlogs.emf.sinks.ISink;

/**
 * {@link Metrics} as CloudWatch Embedded Metric Format lines, through AWS's EMF library, written to
 * the same stream as the decision log: in Lambda, CloudWatch Logs turns each line into metrics,
 * with no PutMetricData permission and no extra call. Each cluster's counters carry the dimension
 * {@code Cluster}, and also go into a dimensionless total that the alarms watch.
 */
public final class EmfMetrics implements Metrics {
  public static final String CLUSTER_DIMENSION = "Cluster";

  private final Environment environment;
  private final String function;
  private final Map<String, Map<String, Long>> counts = new TreeMap<>();

  /**
   * @param out where EMF lines go (the log stream)
   * @param function the value of the {@code Function} property on each line ({@code imds}, {@code
   *     eni})
   */
  public EmfMetrics(PrintStream out, String function) {
    this.environment = new StreamEnvironment(out);
    this.function = function;
  }

  @Override
  public synchronized void count(String cluster, String metric, long n) {
    counts
        .computeIfAbsent(cluster == null ? NO_CLUSTER : cluster, c -> new LinkedHashMap<>())
        .merge(metric, n, Long::sum);
  }

  @Override
  public synchronized void flush() {
    for (Map.Entry<String, Map<String, Long>> cluster : counts.entrySet()) {
      MetricsLogger logger = new MetricsLogger(environment);
      try {
        logger.setNamespace(Metrics.NAMESPACE);
        logger.setDimensions(
            DimensionSet.of(CLUSTER_DIMENSION, cluster.getKey()), new DimensionSet());
        logger.putProperty("Function", function);
        for (Map.Entry<String, Long> metric : cluster.getValue().entrySet()) {
          logger.putMetric(metric.getKey(), metric.getValue(), Unit.COUNT);
        }
      } catch (InvalidNamespaceException
          | InvalidDimensionException
          | DimensionSetExceededException
          | InvalidMetricException e) {
        throw new IllegalStateException("invalid metric definition: " + e.getMessage(), e);
      }
      logger.flush();
    }
    counts.clear();
  }

  /** The EMF library's environment, reduced to "write each serialized line to this stream". */
  private static final class StreamEnvironment implements Environment {
    private final ISink sink;

    StreamEnvironment(PrintStream out) {
      this.sink =
          new ISink() {
            @Override
            public void accept(MetricsContext context) {
              try {
                List<String> lines = context.serialize();
                synchronized (out) {
                  lines.forEach(out::println);
                }
              } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("cannot serialize metrics", e);
              }
            }

            @Override
            public CompletableFuture<Void> shutdown() {
              return CompletableFuture.completedFuture(null);
            }
          };
    }

    @Override
    public boolean probe() {
      return true;
    }

    @Override
    public String getName() {
      return "eks-node-remediator";
    }

    @Override
    public String getType() {
      return "AWS::Lambda::Function";
    }

    @Override
    public String getLogGroupName() {
      return "";
    }

    @Override
    public void configureContext(MetricsContext context) {}

    @Override
    public ISink getSink() {
      return sink;
    }
  }
}
