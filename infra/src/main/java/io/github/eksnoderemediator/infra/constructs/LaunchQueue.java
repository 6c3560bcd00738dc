package io.github.eksnoderemediator.infra.constructs;

import io.github.eksnoderemediator.config.QueueConfig;
import io.github.eksnoderemediator.infra.DeploymentSettings;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.lambda.eventsources.SqsEventSource;
import software.amazon.awscdk.services.sqs.DeadLetterQueue;
import software.amazon.awscdk.services.sqs.IQueue;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * One function's launch-event intake: the queue its EventBridge rules send launch events to, the
 * event source mapping that hands them to its {@code live} alias in batches, and the dead-letter
 * queue where a message lands after {@value #MAX_RECEIVE_COUNT} receives without success.
 *
 * <p>Batches let the function read up to 1,000 instances with one DescribeInstances call, and the
 * mapping's maximum concurrency lets it divide the account's ModifyInstanceMetadataOptions budget
 * between a known number of workers. With {@code ReportBatchItemFailures} the function names the
 * messages it could not finish; only those come back.
 */
public final class LaunchQueue extends Construct {
  /**
   * AWS's guidance for SQS event source mappings: a visibility timeout of six times the function's
   * timeout, so a message is not handed out again while an invocation and its retries may still
   * hold it.
   */
  static final int VISIBILITY_PER_TIMEOUT = 6;

  /**
   * Receives before a message moves to the dead-letter queue. At least 5, as AWS advises for Lambda
   * consumers, so that a throttled invocation does not send messages there early.
   */
  static final int MAX_RECEIVE_COUNT = 5;

  /** SQS's most: 12 hours. */
  static final int MAX_VISIBILITY_SECONDS = 43_200;

  private final Queue queue;
  private final Queue deadLetters;

  /**
   * @param alias the function's {@code live} alias, which the mapping invokes
   * @param config batching and concurrency ({@code queue} in the configuration)
   * @param settings the function's timeout, from which the visibility timeout follows
   */
  public LaunchQueue(
      Construct scope,
      String id,
      IFunction alias,
      QueueConfig config,
      DeploymentSettings settings) {
    super(scope, id);
    // SQS-managed keys, not KMS: EventBridge cannot send to a queue encrypted with the AWS managed
    // SQS key, and a customer key would need a key policy for EventBridge and Lambda.
    this.deadLetters =
        Queue.Builder.create(this, "DeadLetters")
            .encryption(QueueEncryption.SQS_MANAGED)
            .enforceSsl(true)
            .retentionPeriod(Duration.days(14))
            .build();
    NagReasons.deadLetterQueue(deadLetters);
    CheckovSkips.skip(deadLetters, CheckovSkips.QUEUE);
    this.queue =
        Queue.Builder.create(this, "Events")
            .encryption(QueueEncryption.SQS_MANAGED)
            .enforceSsl(true)
            .visibilityTimeout(
                Duration.seconds(
                    Math.min(
                        MAX_VISIBILITY_SECONDS,
                        VISIBILITY_PER_TIMEOUT * settings.timeoutSeconds())))
            // Longer than MAX_RECEIVE_COUNT visibility timeouts, so nothing expires before it
            // reaches the dead-letter queue.
            .retentionPeriod(Duration.days(4))
            .deadLetterQueue(
                DeadLetterQueue.builder()
                    .queue(deadLetters)
                    .maxReceiveCount(MAX_RECEIVE_COUNT)
                    .build())
            .build();
    CheckovSkips.skip(queue, CheckovSkips.QUEUE);

    // The mapping grants the alias's role what it needs on this queue (sqs:ReceiveMessage,
    // sqs:DeleteMessage, sqs:ChangeMessageVisibility, sqs:GetQueueAttributes, sqs:GetQueueUrl).
    SqsEventSource.Builder mapping =
        SqsEventSource.Builder.create(queue)
            .batchSize(config.batchSize())
            .maxConcurrency(config.maxConcurrency())
            .reportBatchItemFailures(true);
    if (!config.batchWindow().isZero()) {
      mapping.maxBatchingWindow(Duration.seconds(config.batchWindow().toSeconds()));
    }
    alias.addEventSource(mapping.build());
  }

  /** Where the function's rules send launch events. */
  public IQueue queue() {
    return queue;
  }

  /** Where a message lands after {@value #MAX_RECEIVE_COUNT} receives without success. */
  public IQueue deadLetters() {
    return deadLetters;
  }
}
