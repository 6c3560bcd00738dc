package io.github.eksnoderemediator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.amazonaws.services.lambda.runtime.Context;
import io.github.eksnoderemediator.aws.SdkEc2Gateway;
import io.github.eksnoderemediator.config.RemediatorConfig;
import io.github.eksnoderemediator.handler.ImdsHandler;
import io.github.eksnoderemediator.iam.IamChecks;
import io.github.eksnoderemediator.metrics.Metrics;
import io.github.eksnoderemediator.port.InstanceId;
import io.github.eksnoderemediator.report.Decision;
import io.github.eksnoderemediator.report.InstanceResult;
import io.github.eksnoderemediator.testing.Ec2Fixtures;
import io.github.eksnoderemediator.testing.Ec2Throttle;
import io.github.eksnoderemediator.testing.ImdsServices;
import io.github.eksnoderemediator.testing.Instances;
import io.github.eksnoderemediator.testing.MotoServer;
import io.github.eksnoderemediator.testing.RecordingProxy;
import io.github.eksnoderemediator.testing.SampleEvents;
import io.github.eksnoderemediator.testing.SqsBatches;
import io.github.eksnoderemediator.testing.SqsBatches.Message;
import io.github.eksnoderemediator.wait.BoundedWait;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The IMDS function's queue path: an SQS batch as Lambda's event source mapping sends it, into the
 * handler, through the real SDK over HTTP to the moto emulator, with the recording proxy counting
 * EC2 calls and playing EC2's token buckets.
 */
class QueueBatchIT {
  private static final String CONFIG =
      """
      {"clusters": ["prod"],
       "waits": {"notFoundSeconds": 1, "tagSettleSeconds": 1, "appliedSeconds": 1,
                 "firstBackoffMillis": 100}}
      """;

  /** The synthesized roles must allow every call the test's code makes (reading B). */
  @RegisterExtension static final IamChecks IAM = new IamChecks();

  private static RecordingProxy proxy;
  private static Ec2Fixtures fixtures;
  private final List<InstanceResult> logged = Collections.synchronizedList(new ArrayList<>());

  @BeforeAll
  static void startEmulator() throws Exception {
    MotoServer moto = MotoServer.shared();
    moto.reset();
    proxy = new RecordingProxy(moto.endpoint());
    IAM.enforce(proxy, moto.endpoint(), CONFIG);
    fixtures = new Ec2Fixtures(moto.endpoint());
  }

  @AfterAll
  static void stopProxy() {
    proxy.close();
  }

  @AfterEach
  void noThrottling() {
    proxy.throttle(Ec2Throttle.NONE);
  }

  private ImdsHandler handler(String config) {
    return new ImdsHandler(
        ImdsServices.of(
            new SdkEc2Gateway(Ec2Fixtures.client(proxy.endpoint())),
            null,
            RemediatorConfig.parse(config, "test"),
            BoundedWait.system(),
            Clock.systemUTC(),
            (input, eventId, result) -> logged.add(result),
            Metrics.NONE));
  }

  @Test
  void batch_readsEveryInstanceInOneDescribe_writesEachOnce_logsEachOnce() {
    List<InstanceId> weak = fixtures.launch(20, Instances.MANAGED_PROD, "optional", 1);
    List<InstanceId> compliant = fixtures.launch(5, Instances.MANAGED_PROD, "required", 2);
    List<InstanceId> outOfScope = fixtures.launch(2, Map.of("Name", "bastion"), "optional", 1);
    List<InstanceId> all = new ArrayList<>(weak);
    all.addAll(compliant);
    all.addAll(outOfScope);
    List<Message> batch = new ArrayList<>();
    for (InstanceId id : all) {
      batch.add(message(batch.size(), stateChange("state-change-running.json", id)));
    }
    // The same instances again, as their pending events and one CloudTrail launch of two.
    for (InstanceId id : weak.subList(0, 10)) {
      batch.add(message(batch.size(), stateChange("state-change-pending.json", id)));
    }
    batch.add(
        message(
            batch.size(),
            SampleEvents.withIds(
                "cloudtrail-runinstances-self-managed-two-instances.json",
                Map.of(
                    "i-0a1b2c3d4e5f60003", weak.get(0).value(),
                    "i-0a1b2c3d4e5f60004", weak.get(1).value()))));
    proxy.clear();

    List<String> again = SqsBatches.invoke(handler(CONFIG), batch);

    assertThat(again).isEmpty();
    assertThat(proxy.calls("DescribeInstances")).hasSize(1);
    assertThat(proxy.calls("ModifyInstanceMetadataOptions")).hasSize(weak.size());
    weak.forEach(id -> assertThat(fixtures.options(id)).isEqualTo("required/1/enabled"));
    outOfScope.forEach(id -> assertThat(fixtures.options(id)).isEqualTo("optional/1/enabled"));
    assertThat(logged).hasSize(all.size());
    assertThat(logged.stream().map(InstanceResult::instanceId).distinct()).hasSize(all.size());
    assertThat(logged)
        .filteredOn(r -> r.decision() == Decision.CHANGED)
        .hasSize(weak.size())
        .allSatisfy(r -> assertThat(r.applied()).isTrue());
    assertThat(logged).filteredOn(r -> r.decision() == Decision.COMPLIANT).hasSize(5);
    assertThat(logged).filteredOn(r -> r.decision() == Decision.SKIPPED).hasSize(2);
  }

  @Test
  void unknownInstance_isReadWithTheIdFilter_andOnlyItsMessageComesBack() {
    List<InstanceId> weak = fixtures.launch(3, Instances.MANAGED_PROD, "optional", 1);
    List<Message> batch = new ArrayList<>();
    weak.forEach(
        id -> batch.add(message(batch.size(), stateChange("state-change-running.json", id))));
    Message ghost =
        message(
            batch.size(),
            stateChange("state-change-running.json", new InstanceId("i-0123456789abcdef0")));
    batch.add(ghost);
    proxy.clear();

    List<String> again = SqsBatches.invoke(handler(CONFIG), batch);

    assertThat(again).containsExactly(ghost.messageId());
    weak.forEach(id -> assertThat(fixtures.options(id)).isEqualTo("required/1/enabled"));
    // EC2 refuses a whole id list for one unknown id; the filter reads the others.
    assertThat(proxy.calls("DescribeInstances"))
        .anySatisfy(c -> assertThat(c.param("Filter.1.Name")).isEqualTo("instance-id"));
    assertThat(logged)
        .filteredOn(r -> r.instanceId().equals("i-0123456789abcdef0"))
        .singleElement()
        .satisfies(r -> assertThat(r.decision()).isEqualTo(Decision.FAILED));
  }

  @Test
  void deadlineAlreadyPassed_returnsEveryMessage_andWritesNothing() {
    List<InstanceId> weak = fixtures.launch(3, Instances.MANAGED_PROD, "optional", 1);
    List<Message> batch = new ArrayList<>();
    weak.forEach(
        id -> batch.add(message(batch.size(), stateChange("state-change-running.json", id))));
    Context context = mock(Context.class);
    // Less than the handler's safety margin is left: nothing may start.
    when(context.getRemainingTimeInMillis()).thenReturn(5_000);
    proxy.clear();

    List<String> again = SqsBatches.invoke(handler(CONFIG), batch, context);

    assertThat(again).containsExactlyElementsOf(batch.stream().map(Message::messageId).toList());
    assertThat(proxy.calls()).isEmpty();
    weak.forEach(id -> assertThat(fixtures.options(id)).isEqualTo("optional/1/enabled"));
    assertThat(logged).isEmpty();
  }

  @Test
  void malformedBody_comesBack_andTheRestOfTheBatchIsHandled() {
    InstanceId weak = fixtures.launch(Instances.MANAGED_PROD, "optional", 1);
    Message bad =
        new Message("bad", "{\"instanceId\": \"vol-1\"}".getBytes(StandardCharsets.UTF_8), 1);
    Message good = message(1, stateChange("state-change-running.json", weak));

    List<String> again = SqsBatches.invoke(handler(CONFIG), List.of(bad, good));

    assertThat(again).containsExactly("bad");
    assertThat(fixtures.options(weak)).isEqualTo("required/1/enabled");
  }

  @Test
  void writesBeyondTheAccountBucket_areThrottledAndRetriedWithinTheBatch() {
    // A pacer far more generous than EC2 while other tools have drained most of the account's
    // bucket (40 tokens left, refilling at 5/s): EC2 throttles the rest, whatever the speed of
    // the calls, and the batch retries them before its deadline.
    String generous =
        """
        {"clusters": ["prod"],
         "queue": {"accountWritesPerSecond": 1000, "accountWriteBurst": 1000},
         "waits": {"notFoundSeconds": 1, "tagSettleSeconds": 1, "appliedSeconds": 1,
                   "firstBackoffMillis": 100}}
        """;
    List<InstanceId> weak = fixtures.launch(110, Instances.MANAGED_PROD, "optional", 1);
    List<Message> batch = new ArrayList<>();
    weak.forEach(
        id -> batch.add(message(batch.size(), stateChange("state-change-running.json", id))));
    proxy.clear();
    proxy.throttle(Ec2Throttle.awsDefaults().withBucket("ModifyInstanceMetadataOptions", 40, 5));

    List<String> again = SqsBatches.invoke(handler(generous), batch);

    assertThat(proxy.throttled()).isPositive();
    assertThat(again).isEmpty();
    weak.forEach(id -> assertThat(fixtures.options(id)).isEqualTo("required/1/enabled"));
    assertThat(proxy.calls("DescribeInstances").stream().filter(c -> !c.throttled())).hasSize(1);
  }

  @Test
  void aBucketOthersDrained_costsOneThrottledVolley_thenTheWritesGoAtEc2sPace() {
    // Other tools left 10 writes in the account's bucket (refilling at 5/s); the environment's
    // pacer, fresh, counts on a full one. Its writes go out in one SDK attempt each: the first
    // throttled answer empties its estimate, and the rest are paced instead of retried blind.
    List<InstanceId> weak = fixtures.launch(30, Instances.MANAGED_PROD, "optional", 1);
    List<Message> batch = new ArrayList<>();
    weak.forEach(
        id -> batch.add(message(batch.size(), stateChange("state-change-running.json", id))));
    proxy.clear();
    proxy.throttle(Ec2Throttle.awsDefaults().withBucket("ModifyInstanceMetadataOptions", 10, 5));

    List<String> again = SqsBatches.invoke(handler(CONFIG), batch);

    assertThat(again).isEmpty();
    weak.forEach(id -> assertThat(fixtures.options(id)).isEqualTo("required/1/enabled"));
    List<RecordingProxy.Call> writes = proxy.calls("ModifyInstanceMetadataOptions");
    long throttled = writes.stream().filter(RecordingProxy.Call::throttled).count();
    assertThat(writes.size() - throttled).isEqualTo(weak.size());
    // The writes in flight when the bucket ran dry (at most 10), and a few while the pacer found
    // EC2's pace; the SDK's own retries (up to 6 attempts each) would have made dozens.
    assertThat(throttled).isBetween(1L, 14L);
  }

  private static Message message(int n, byte[] body) {
    return new Message("m-" + n, body, 1);
  }

  private static byte[] stateChange(String sample, InstanceId id) {
    return SampleEvents.withIds(sample, Map.of("i-0a1b2c3d4e5f60001", id.value()));
  }
}
