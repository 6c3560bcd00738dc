package io.github.eksnoderemediator.json;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class JsonTest {

  /**
   * Found by EventParserPropertiesTest's arbitrary bytes: Jackson reads four leading bytes as a
   * UCS-4 byte order it does not support and throws an IOException that is not a parse error. That
   * is still bad input: one line, not an UncheckedIOException.
   */
  @Test
  void bytesThatLookLikeAnUnsupportedUcs4Order_areRejectedInOneLine() {
    byte[] document = {0x00, 0x00, 0x7B, 0x00, 0x00, 0x00, 0x7D, 0x00};

    assertThatThrownBy(() -> Json.parse(document, "the event"))
        .isInstanceOf(JsonInputException.class)
        .hasMessageStartingWith("the event is not valid JSON: ")
        .hasMessageContaining("UCS-4")
        .hasMessageNotContaining("\n");
  }
}
