package io.github.eksnoderemediator.aws;

import io.github.eksnoderemediator.port.ImdsV1Usage;
import io.github.eksnoderemediator.port.InstanceId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataResponse;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;

/**
 * {@link ImdsV1Usage} over CloudWatch GetMetricData: one query per instance ({@code Sum} of {@code
 * MetadataNoToken} over one period as long as the window), up to 500 queries per call.
 */
public final class SdkImdsV1Usage implements ImdsV1Usage {
  static final String NAMESPACE = "AWS/EC2";
  static final String METRIC = "MetadataNoToken";
  static final String DIMENSION = "InstanceId";

  private final CloudWatchClient cloudWatch;

  public SdkImdsV1Usage(CloudWatchClient cloudWatch) {
    this.cloudWatch = cloudWatch;
  }

  @Override
  public Map<InstanceId, Long> noTokenCalls(
      Collection<InstanceId> ids, Instant start, Instant end) {
    List<InstanceId> all = List.copyOf(new java.util.LinkedHashSet<>(ids));
    int period = period(Duration.between(start, end));
    Map<InstanceId, Long> calls = new HashMap<>();
    for (int from = 0; from < all.size(); from += MAX_PER_CALL) {
      List<InstanceId> batch = all.subList(from, Math.min(all.size(), from + MAX_PER_CALL));
      List<MetricDataQuery> queries = new ArrayList<>(batch.size());
      for (int i = 0; i < batch.size(); i++) {
        InstanceId id = batch.get(i);
        queries.add(
            MetricDataQuery.builder()
                // Query ids must start with a lower-case letter and be unique within the call.
                .id("m" + i)
                .returnData(true)
                .metricStat(
                    s ->
                        s.stat("Sum")
                            .period(period)
                            .metric(
                                m ->
                                    m.namespace(NAMESPACE)
                                        .metricName(METRIC)
                                        .dimensions(
                                            Dimension.builder()
                                                .name(DIMENSION)
                                                .value(id.value())
                                                .build())))
                .build());
      }
      try {
        // The paginator follows NextToken: CloudWatch may split one call's datapoints.
        for (GetMetricDataResponse page :
            cloudWatch.getMetricDataPaginator(
                r -> r.startTime(start).endTime(end).metricDataQueries(queries))) {
          for (MetricDataResult result : page.metricDataResults()) {
            InstanceId id = batch.get(Integer.parseInt(result.id().substring(1)));
            if (!result.values().isEmpty()) {
              long sum =
                  Math.round(result.values().stream().mapToDouble(Double::doubleValue).sum());
              calls.merge(id, sum, Long::sum);
            }
          }
        }
      } catch (SdkException e) {
        throw AwsErrors.classify(e);
      }
    }
    return calls;
  }

  /**
   * One datapoint for the whole window: the period in whole minutes (CloudWatch wants a multiple of
   * 60 seconds; windows of whole hours also meet its rule for data older than 15 days).
   */
  static int period(Duration window) {
    long minutes = Math.max(1, (window.toSeconds() + 59) / 60);
    return (int) Math.min(Integer.MAX_VALUE, minutes * 60);
  }
}
