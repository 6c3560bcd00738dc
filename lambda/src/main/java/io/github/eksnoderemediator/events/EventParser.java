package io.github.eksnoderemediator.events;

/** Turns raw invocation bytes into an {@link Input}. */
public final class EventParser {
  private EventParser() {}

  /**
   * @throws InvalidInputException with a one-line message naming what is wrong
   */
  public static Input parse(byte[] document) {
    throw new UnsupportedOperationException("not yet");
  }
}
