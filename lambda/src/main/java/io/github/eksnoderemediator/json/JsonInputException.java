package io.github.eksnoderemediator.json;

/** A JSON document could not be read; the message is one line saying where and why. */
public class JsonInputException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public JsonInputException(String message) {
    super(message);
  }
}
