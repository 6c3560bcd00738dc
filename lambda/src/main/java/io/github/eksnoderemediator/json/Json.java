package io.github.eksnoderemediator.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.CharConversionException;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The one JSON mapper: built once, thread-safe, strict about duplicate keys. */
public final class Json {
  public static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
          .build();

  private Json() {}

  /**
   * Parses a document, turning Jackson's multi-line message into one line that says where the
   * document broke.
   */
  public static JsonNode parse(byte[] document, String what) {
    try {
      JsonNode node = MAPPER.readTree(document);
      if (node == null || node.isMissingNode()) {
        throw new JsonInputException(what + " is empty");
      }
      return node;
    } catch (JsonProcessingException e) {
      var location = e.getLocation();
      String where =
          location == null
              ? ""
              : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
      throw new JsonInputException(what + " is not valid JSON" + where + ": " + reason(e));
    } catch (CharConversionException e) {
      // Bytes that look like UTF-16 or UCS-4 but are not: bad input, like any other malformed JSON.
      throw new JsonInputException(what + " is not valid JSON: " + e.getMessage().strip());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Jackson's reason without its source excerpt, which repeats what the location says. */
  private static String reason(JsonProcessingException e) {
    String first = e.getOriginalMessage().lines().findFirst().orElse("");
    int source = first.indexOf(" (start marker at [Source");
    if (source < 0) {
      source = first.indexOf(" at [Source");
    }
    String reason =
        (source < 0 ? first : first.substring(0, source)).trim().replaceAll("\\p{Cntrl}", "?");
    return reason.length() <= 200 ? reason : reason.substring(0, 197) + "...";
  }

  /** Compact JSON for one log line or an environment variable. */
  public static String compact(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize " + value.getClass().getSimpleName(), e);
    }
  }

  /** Indented JSON for people. */
  public static String pretty(Object value) {
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize " + value.getClass().getSimpleName(), e);
    }
  }
}
