package io.github.eksnoderemediator.port;

/**
 * An EC2 call failed after the SDK's own retries. {@link #kind()} says what the caller can do about
 * it; {@link #errorCode()} is EC2's code, for the report.
 */
public final class Ec2CallException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final Kind kind;
  private final String errorCode;

  public Ec2CallException(Kind kind, String errorCode, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.errorCode = errorCode;
  }

  public Kind kind() {
    return kind;
  }

  public String errorCode() {
    return errorCode;
  }

  /** True when trying the same call later can succeed. */
  public boolean retryable() {
    return kind.retryable;
  }

  /** EC2's error code and message, for a report sentence: {@code ErrorCode: message}. */
  public String summary() {
    return errorCode + ": " + getMessage();
  }

  /** What a failed EC2 call means to the caller. */
  public enum Kind {
    /** The resource does not exist, or is not visible yet. */
    NOT_FOUND(true),
    /** The instance is in a state the call does not accept (for example {@code pending}). */
    INCORRECT_STATE(true),
    /** IAM denied the call: a scope or hardening condition did not hold. */
    UNAUTHORIZED(false),
    /** Throttled, and the SDK's retries did not get through. */
    THROTTLED(true),
    /** EC2 or the network failed (5xx, reset, timeout), and the SDK's retries did not help. */
    UNAVAILABLE(true),
    /**
     * Someone else got there first: the resource is in use, or an idempotency token was used
     * earlier with other parameters. Reading the current state again tells what to do.
     */
    CONFLICT(true),
    /** EC2 rejected the request itself. */
    INVALID_REQUEST(false);

    private final boolean retryable;

    Kind(boolean retryable) {
      this.retryable = retryable;
    }

    /** True when trying the same call later can succeed. */
    public boolean retryable() {
      return retryable;
    }
  }
}
