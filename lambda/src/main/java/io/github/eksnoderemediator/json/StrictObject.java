package io.github.eksnoderemediator.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

/**
 * Reads one JSON object field by field, knowing its own path, so every problem is reported as
 * {@code path.to.field: what is wrong}. Unknown fields are an error: a typo such as {@code dryrun}
 * must not be silently ignored.
 */
public final class StrictObject {
  private final ObjectNode node;
  private final String path;
  private final BiFunction<String, String, RuntimeException> error;

  private StrictObject(
      ObjectNode node, String path, BiFunction<String, String, RuntimeException> error) {
    this.node = node;
    this.path = path;
    this.error = error;
  }

  /**
   * @param error builds the exception to throw from (field path, problem)
   */
  public static StrictObject of(
      JsonNode node, String path, BiFunction<String, String, RuntimeException> error) {
    if (!(node instanceof ObjectNode object)) {
      throw error.apply(path, "must be a JSON object, got " + describe(node));
    }
    return new StrictObject(object, path, error);
  }

  public String path() {
    return path;
  }

  /** The path of a field of this object; hostile field names are clipped to one short line. */
  public String child(String field) {
    String name = abbreviate(field);
    return path.isEmpty() ? name : path + "." + name;
  }

  public boolean has(String field) {
    JsonNode value = node.get(field);
    return value != null && !value.isNull();
  }

  /** Fails on any field not in {@code allowed}. */
  public StrictObject allowOnly(Set<String> allowed) {
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!allowed.contains(name)) {
        throw fail(
            child(name),
            "unknown field (expected one of " + String.join(", ", sorted(allowed)) + ")");
      }
    }
    return this;
  }

  public RuntimeException fail(String fieldPath, String problem) {
    return error.apply(fieldPath, problem);
  }

  public Optional<JsonNode> node(String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? Optional.empty() : Optional.of(value);
  }

  public Optional<StrictObject> object(String field) {
    return node(field).map(v -> of(v, child(field), error));
  }

  public Optional<String> text(String field, Pattern format, String formatDescription) {
    return node(field)
        .map(
            v -> {
              if (!v.isTextual()) {
                throw fail(child(field), "must be a string, got " + describe(v));
              }
              String text = v.textValue();
              if (format != null && !format.matcher(text).matches()) {
                throw fail(
                    child(field),
                    "must be " + formatDescription + ", got \"" + abbreviate(text) + "\"");
              }
              return text;
            });
  }

  public Optional<Boolean> bool(String field) {
    return node(field)
        .map(
            v -> {
              if (!v.isBoolean()) {
                throw fail(child(field), "must be true or false, got " + describe(v));
              }
              return v.booleanValue();
            });
  }

  public Optional<Integer> integer(String field, int min, int max) {
    return node(field).map(v -> integerValue(v, child(field), min, max));
  }

  public int integerValue(JsonNode v, String fieldPath, int min, int max) {
    if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < min || v.intValue() > max) {
      throw fail(
          fieldPath, "must be an integer from " + min + " to " + max + ", got " + describe(v));
    }
    return v.intValue();
  }

  /** The elements of an array field, each with its own path ({@code field[2]}). */
  public List<Element> array(String field, int maxSize) {
    Optional<JsonNode> value = node(field);
    if (value.isEmpty()) {
      return List.of();
    }
    JsonNode array = value.get();
    if (!array.isArray()) {
      throw fail(child(field), "must be a JSON array, got " + describe(array));
    }
    if (array.size() > maxSize) {
      throw fail(
          child(field), "has " + array.size() + " elements; at most " + maxSize + " are allowed");
    }
    List<Element> elements = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      elements.add(new Element(array.get(i), child(field) + "[" + i + "]"));
    }
    return elements;
  }

  /** One array element and its path. */
  public record Element(JsonNode value, String path) {}

  /** A short description of a JSON value for error messages: its type and a clipped rendering. */
  public static String describe(JsonNode v) {
    if (v == null || v.isMissingNode()) {
      return "nothing";
    }
    if (v.isNull()) {
      return "null";
    }
    if (v.isTextual()) {
      return "the string \"" + abbreviate(v.textValue()) + "\"";
    }
    if (v.isObject()) {
      return "an object";
    }
    if (v.isArray()) {
      return "an array";
    }
    return abbreviate(v.toString());
  }

  /** Clips text for a one-line message and drops control characters. */
  public static String abbreviate(String text) {
    String clean = text.replaceAll("\\p{Cntrl}", "?");
    return clean.length() <= 64 ? clean : clean.substring(0, 61) + "...";
  }

  private static List<String> sorted(Set<String> names) {
    return names.stream().sorted().toList();
  }
}
