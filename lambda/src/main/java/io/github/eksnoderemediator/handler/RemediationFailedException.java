package io.github.eksnoderemediator.handler;

/**
 * Thrown by the handler after an EventBridge-delivered invocation in which some instance failed, so
 * that Lambda retries the event and, when its retries run out, sends it to the failure queue.
 * Retrying is safe: remediation is idempotent.
 */
public final class RemediationFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public RemediationFailedException(String message) {
    super(message, null, false, false);
  }
}
