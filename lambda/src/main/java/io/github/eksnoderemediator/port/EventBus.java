package io.github.eksnoderemediator.port;

import java.util.List;

/** An EventBridge event bus the functions publish to: one PutEvents call per {@link #put}. */
public interface EventBus {
  /**
   * One event as PutEvents takes it.
   *
   * @param source the event's {@code source}
   * @param detailType the event's {@code detail-type}
   * @param detail the event's {@code detail}, a JSON object
   */
  record Entry(String source, String detailType, String detail) {}

  /** The call as a whole failed, after the SDK's own retries; the code is EventBridge's. */
  final class CallFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String errorCode;

    public CallFailed(String errorCode, String message, Throwable cause) {
      super(message, cause);
      this.errorCode = errorCode;
    }

    /** EventBridge's error code ({@code AccessDeniedException}, ...), or {@code ClientError}. */
    public String errorCode() {
      return errorCode;
    }
  }

  /**
   * Sends at most 10 entries in one call. Account and Region are the caller's: EventBridge puts
   * them in the envelope.
   *
   * @return one element per entry, in order: null when the entry was accepted, else the error code
   *     EventBridge gave it
   * @throws CallFailed when the call as a whole failed (after the SDK's own retries)
   */
  List<String> put(List<Entry> entries);
}
