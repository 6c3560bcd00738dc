package io.github.eksnoderemediator.testing;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * What Lambda's SQS event source mapping sends a function, and reading its answer: the event JSON
 * as documented in the Lambda Developer Guide ("Using Lambda with Amazon SQS", example event), with
 * each message body an EventBridge event as the rule's SQS target delivers it.
 */
public final class SqsBatches {
  private static final ObjectMapper JSON = new ObjectMapper();
  public static final String QUEUE_ARN = "arn:aws:sqs:eu-west-1:123456789012:remediator-launches";

  private SqsBatches() {}

  /** One message: its id, its body and how often SQS has handed it out. */
  public record Message(String messageId, byte[] body, int receiveCount) {}

  /** The event JSON for these messages. */
  public static byte[] event(List<Message> messages) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode records = root.putArray("Records");
    for (Message m : messages) {
      String body = new String(m.body(), StandardCharsets.UTF_8);
      ObjectNode r = records.addObject();
      r.put("messageId", m.messageId());
      r.put("receiptHandle", "AQEB" + m.messageId());
      r.put("body", body);
      ObjectNode attributes = r.putObject("attributes");
      attributes.put("ApproximateReceiveCount", String.valueOf(m.receiveCount()));
      attributes.put("SentTimestamp", String.valueOf(System.currentTimeMillis()));
      attributes.put("SenderId", "AIDAIENQZJOLO23YVJ4VO");
      attributes.put(
          "ApproximateFirstReceiveTimestamp", String.valueOf(System.currentTimeMillis()));
      r.putObject("messageAttributes");
      r.put("md5OfBody", md5(m.body()));
      r.put("eventSource", "aws:sqs");
      r.put("eventSourceARN", QUEUE_ARN);
      r.put("awsRegion", "eu-west-1");
    }
    try {
      return JSON.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Invokes a stream handler with a batch, as Lambda does, and returns the message ids its {@code
   * SQSBatchResponse} names. No context: no deadline.
   */
  public static List<String> invoke(RequestStreamHandler handler, List<Message> messages) {
    return invoke(handler, messages, null);
  }

  /** As {@link #invoke(RequestStreamHandler, List)}, with a Lambda context. */
  public static List<String> invoke(
      RequestStreamHandler handler,
      List<Message> messages,
      com.amazonaws.services.lambda.runtime.Context context) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      handler.handleRequest(new ByteArrayInputStream(event(messages)), out, context);
      JsonNode answer = JSON.readTree(out.toByteArray());
      List<String> failed = new ArrayList<>();
      answer.path("batchItemFailures").forEach(f -> failed.add(f.get("itemIdentifier").asText()));
      if (!answer.has("batchItemFailures") || answer.size() != 1) {
        throw new IllegalStateException("not an SQSBatchResponse: " + answer);
      }
      return failed;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String md5(byte[] body) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(body));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
