package io.github.eksnoderemediator.events;

import io.github.eksnoderemediator.json.JsonInputException;

/**
 * The input is malformed: not JSON, a field of the wrong type, an id that is not an instance id.
 * The message is one line naming the field, e.g. {@code detail.instance-id: must be an EC2 instance
 * id (i-...), got "vol-0a1b"}. Nothing is written to AWS for such an input.
 */
public final class InvalidInputException extends JsonInputException {
  private static final long serialVersionUID = 1L;

  public InvalidInputException(String message) {
    super(message);
  }

  public static InvalidInputException at(String path, String problem) {
    return new InvalidInputException(path.isEmpty() ? problem : path + ": " + problem);
  }
}
