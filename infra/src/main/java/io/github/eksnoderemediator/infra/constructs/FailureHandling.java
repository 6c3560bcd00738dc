package io.github.eksnoderemediator.infra.constructs;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.sqs.IQueue;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * The one queue where events that could not be handled end up: Lambda's on-failure records (an
 * invocation that failed after its retries, or an event older than its maximum age) and
 * EventBridge's undeliverable events (the rule could not invoke the function at all). An operator
 * reads it, fixes the cause and invokes the function by hand for the instances it names.
 */
public final class FailureHandling extends Construct {
  private final Queue queue;

  public FailureHandling(Construct scope, String id) {
    super(scope, id);
    // SQS-managed keys, not KMS: EventBridge cannot write to a dead-letter queue encrypted with
    // the AWS managed SQS key, and a customer key would need a key policy for both services.
    this.queue =
        Queue.Builder.create(this, "Queue")
            .encryption(QueueEncryption.SQS_MANAGED)
            .enforceSsl(true)
            .retentionPeriod(Duration.days(14))
            .build();
    NagReasons.failureQueue(this);
    CheckovSkips.skip(queue, CheckovSkips.QUEUE);
  }

  public IQueue queue() {
    return queue;
  }
}
