package io.github.eksnoderemediator.events;

/**
 * One message of a queue batch, its body parsed by {@link EventParser}.
 *
 * @param messageId the SQS message id: what a batch names to have this message delivered again
 * @param input what the body is, an EventBridge event as the rule sent it
 */
public record QueuedInput(String messageId, Input input) {}
