package io.github.eksnoderemediator.handler;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.eksnoderemediator.events.InvalidInputException;
import io.github.eksnoderemediator.json.Json;
import io.github.eksnoderemediator.json.JsonInputException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * How a function tells an SQS batch from its other inputs, and reads and answers one. The batch is
 * read with AWS's serialization library, the code Lambda's Java runtime uses for a handler typed
 * {@code RequestHandler<SQSEvent, ...>}; the answer is {@link SQSBatchResponse}, the shape Lambda
 * expects with {@code ReportBatchItemFailures}.
 */
final class QueueBatches {
  private static final PojoSerializer<SQSEvent> READER =
      LambdaEventSerializers.serializerFor(SQSEvent.class, QueueBatches.class.getClassLoader());

  private QueueBatches() {}

  /**
   * True for what Lambda's SQS event source mapping sends: an object with a {@code Records} array
   * whose records come from {@code aws:sqs}. EventBridge events and manual payloads have no {@code
   * Records}.
   */
  static boolean isBatch(byte[] input) {
    JsonNode root;
    try {
      root = Json.parse(input, "the input");
    } catch (JsonInputException e) {
      return false; // the parser reports it, with the field
    }
    JsonNode records = root.path("Records");
    return records.isArray()
        && !records.isEmpty()
        && "aws:sqs".equals(records.get(0).path("eventSource").asText());
  }

  static SQSEvent read(byte[] input) {
    return READER.fromJson(new ByteArrayInputStream(input));
  }

  /**
   * Reads a batch given by hand (the local command), after checking what Lambda always sends: every
   * record has a message id and a body.
   *
   * @throws InvalidInputException naming the first record that lacks either
   */
  static SQSEvent readChecked(byte[] input) {
    JsonNode records = Json.parse(input, "the input").path("Records");
    for (int i = 0; i < records.size(); i++) {
      for (String field : List.of("messageId", "body")) {
        JsonNode value = records.get(i).path(field);
        if (!value.isTextual() || value.asText().isEmpty()) {
          throw InvalidInputException.at(
              "Records[" + i + "]." + field, "expected a non-empty string, as SQS sends");
        }
      }
    }
    return read(input);
  }

  /** The event as Lambda would send it: for priming the reader before a SnapStart snapshot. */
  static byte[] write(SQSEvent event) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    READER.toJson(event, out);
    return out.toByteArray();
  }

  /** {@code {"batchItemFailures": [{"itemIdentifier": "<message id>"}, ...]}}. */
  static byte[] answer(List<String> failedMessageIds) {
    SQSBatchResponse response =
        SQSBatchResponse.builder()
            .withBatchItemFailures(
                failedMessageIds.stream()
                    .map(
                        id ->
                            SQSBatchResponse.BatchItemFailure.builder()
                                .withItemIdentifier(id)
                                .build())
                    .toList())
            .build();
    return Json.compact(response).getBytes(StandardCharsets.UTF_8);
  }
}
