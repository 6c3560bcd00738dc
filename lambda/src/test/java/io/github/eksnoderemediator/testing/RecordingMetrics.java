package io.github.eksnoderemediator.testing;

import io.github.eksnoderemediator.metrics.Metrics;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Metrics kept in memory, so a test can prove a code path records what the docs promise. */
public final class RecordingMetrics implements Metrics {
  private final Map<String, Long> flushed = new ConcurrentHashMap<>();
  private final Map<String, Long> pending = new ConcurrentHashMap<>();

  @Override
  public void count(String cluster, String metric, long n) {
    pending.merge((cluster == null ? NO_CLUSTER : cluster) + "/" + metric, n, Long::sum);
  }

  @Override
  public void flush() {
    pending.forEach((k, v) -> flushed.merge(k, v, Long::sum));
    pending.clear();
  }

  /** What was flushed for {@code cluster/metric}, 0 when nothing. */
  public long flushed(String cluster, String metric) {
    return flushed.getOrDefault(cluster + "/" + metric, 0L);
  }
}
