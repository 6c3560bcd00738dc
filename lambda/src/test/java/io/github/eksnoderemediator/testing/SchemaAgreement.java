package io.github.eksnoderemediator.testing;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.github.eksnoderemediator.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Checks that the published JSON Schema (docs/remediator.schema.json) and a hand-written reader
 * accept and refuse the same things. It walks a full example document beside the schema and, at
 * every object, adds an unknown field; at every bounded number or enum, writes a value just outside
 * and exactly at each bound. The reader must name the same field the schema does: the schema is
 * what editors check {@code cdk.json} with, the reader is what the functions and the CDK app run.
 */
public final class SchemaAgreement {
  /** The schema file, from the repository root. */
  public static final Path SCHEMA = SampleEvents.root().resolve("docs/remediator.schema.json");

  private final JsonNode root;
  private final Schema validator;
  private final String definition;
  private final String prefix;
  private final Function<String, Optional<String>> reader;

  /**
   * @param definition which object, e.g. {@code /$defs/remediator}
   * @param prefix what the reader puts before a field path, e.g. {@code "test "}
   * @param reader parses a document; returns the one-line error, or empty when it is accepted
   */
  public SchemaAgreement(
      String definition, String prefix, Function<String, Optional<String>> reader) {
    this.root = read(SCHEMA);
    this.definition = definition;
    this.prefix = prefix;
    this.reader = reader;
    this.validator =
        SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
            .getSchema(SchemaLocation.of(SCHEMA.toUri().toString()), root);
  }

  /**
   * The schema's complaints about a document, one per line; empty when it is valid. The document is
   * checked where it stands in {@code cdk.json}: in {@code context}, under its definition's name.
   */
  public List<String> schemaErrors(String document) {
    ObjectNode cdkJson = JsonNodeFactory.instance.objectNode();
    cdkJson
        .putObject("context")
        .set(definition.substring(definition.lastIndexOf('/') + 1), read(document));
    return validator.validate(cdkJson).stream()
        .map(e -> e.getInstanceLocation() + ": " + e.getMessage())
        .toList();
  }

  /** The schema's complaints about a whole {@code cdk.json}; empty when it is valid. */
  public List<String> cdkJsonErrors(Path cdkJson) {
    return validator.validate(read(cdkJson)).stream()
        .map(e -> e.getInstanceLocation() + ": " + e.getMessage())
        .toList();
  }

  /** Where a field or bound of the example is, in both documents. */
  public record Site(String path, JsonPointer at, JsonNode schema, String schemaPointer) {}

  /** Every object and every bounded or enumerated value of the example, with its schema. */
  public List<Site> objects(String example) {
    List<Site> objects = new ArrayList<>();
    walk(root.at(definition), definition, read(example), "", JsonPointer.empty(), objects, null);
    return objects;
  }

  public List<Site> leaves(String example) {
    List<Site> leaves = new ArrayList<>();
    walk(root.at(definition), definition, read(example), "", JsonPointer.empty(), null, leaves);
    return leaves;
  }

  /** The schema pointers of every object with properties, and of every bounded or enum value. */
  public TreeSet<String> schemaSites(boolean objects) {
    TreeSet<String> sites = new TreeSet<>();
    collect(root.at(definition), definition, objects, sites);
    return sites;
  }

  /** The example with an unknown field added to the object at {@code at}. */
  public static String withField(String example, JsonPointer at, String field) {
    JsonNode doc = read(example);
    ((ObjectNode) doc.at(at)).put(field, 1);
    return Json.compact(doc);
  }

  /** The example with the value at {@code at} replaced. */
  public static String withValue(String example, JsonPointer at, JsonNode value) {
    JsonNode doc = read(example);
    ((ObjectNode) doc.at(at.head())).set(at.last().getMatchingProperty(), value);
    return Json.compact(doc);
  }

  /** The reader's error for a document, or empty. */
  public Optional<String> readerError(String document) {
    return reader.apply(document);
  }

  /** True when the reader's error names exactly this field. */
  public boolean namesField(Optional<String> error, String path) {
    return error.isPresent() && error.get().startsWith(prefix + path + ": ");
  }

  /**
   * The property names of an object's schema, as the reader lists them: sorted, comma-separated.
   */
  public static String fieldList(JsonNode objectSchema) {
    TreeSet<String> names = new TreeSet<>();
    objectSchema.get("properties").fieldNames().forEachRemaining(names::add);
    return String.join(", ", names);
  }

  /** Values just outside a leaf's bounds, or a value not in its enum. */
  public static List<JsonNode> outside(JsonNode leaf) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    List<JsonNode> values = new ArrayList<>();
    if (leaf.has("enum")) {
      values.add(leaf.get("enum").get(0).isNumber() ? f.numberNode(2) : f.textNode("zzz"));
      return values;
    }
    boolean integer = "integer".equals(leaf.path("type").asText());
    if (leaf.has("minimum")) {
      values.add(
          integer
              ? f.numberNode(leaf.get("minimum").intValue() - 1)
              : f.numberNode(leaf.get("minimum").doubleValue() / 2));
    }
    if (leaf.has("maximum")) {
      values.add(
          integer
              ? f.numberNode(leaf.get("maximum").intValue() + 1)
              : f.numberNode(leaf.get("maximum").doubleValue() + 0.5));
    }
    return values;
  }

  /** The bounds themselves, or every enum value. */
  public static List<JsonNode> inside(JsonNode leaf) {
    List<JsonNode> values = new ArrayList<>();
    if (leaf.has("enum")) {
      leaf.get("enum").forEach(values::add);
      return values;
    }
    if (leaf.has("minimum")) {
      values.add(leaf.get("minimum"));
    }
    if (leaf.has("maximum")) {
      values.add(leaf.get("maximum"));
    }
    return values;
  }

  private void walk(
      JsonNode schema,
      String pointer,
      JsonNode value,
      String path,
      JsonPointer at,
      List<Site> objects,
      List<Site> leaves) {
    if (schema.has("$ref")) {
      String target = schema.get("$ref").asText().substring(1);
      walk(root.at(target), target, value, path, at, objects, leaves);
      return;
    }
    if (schema.has("oneOf")) {
      for (int i = 0; i < schema.get("oneOf").size(); i++) {
        JsonNode branch = schema.get("oneOf").get(i);
        boolean matches =
            value.isObject() ? branch.has("$ref") || branch.has("properties") : !branch.has("$ref");
        if (matches) {
          walk(branch, pointer + "/oneOf/" + i, value, path, at, objects, leaves);
          return;
        }
      }
      throw new IllegalStateException("no oneOf branch of " + pointer + " fits " + value);
    }
    if (value.isObject() && schema.has("properties")) {
      if (objects != null) {
        objects.add(new Site(path, at, schema, pointer));
      }
      Iterator<String> names = value.fieldNames();
      while (names.hasNext()) {
        String name = names.next();
        walk(
            schema.get("properties").path(name),
            pointer + "/properties/" + name,
            value.get(name),
            path.isEmpty() ? name : path + "." + name,
            at.appendProperty(name),
            objects,
            leaves);
      }
    } else if (value.isArray() && schema.has("items")) {
      for (int i = 0; i < value.size(); i++) {
        walk(
            schema.get("items"),
            pointer + "/items",
            value.get(i),
            path + "[" + i + "]",
            at.appendIndex(i),
            objects,
            leaves);
      }
    } else if (leaves != null
        && (schema.has("minimum") || schema.has("maximum") || schema.has("enum"))) {
      leaves.add(new Site(path, at, schema, pointer));
    }
  }

  private void collect(JsonNode schema, String pointer, boolean objects, TreeSet<String> out) {
    if (schema.has("$ref")) {
      String target = schema.get("$ref").asText().substring(1);
      collect(root.at(target), target, objects, out);
      return;
    }
    if (schema.has("oneOf")) {
      for (int i = 0; i < schema.get("oneOf").size(); i++) {
        collect(schema.get("oneOf").get(i), pointer + "/oneOf/" + i, objects, out);
      }
    }
    if (schema.has("properties")) {
      if (objects) {
        out.add(pointer);
      }
      schema
          .get("properties")
          .fieldNames()
          .forEachRemaining(
              name ->
                  collect(
                      schema.get("properties").get(name),
                      pointer + "/properties/" + name,
                      objects,
                      out));
    }
    if (schema.has("items")) {
      collect(schema.get("items"), pointer + "/items", objects, out);
    }
    if (!objects && (schema.has("minimum") || schema.has("maximum") || schema.has("enum"))) {
      out.add(pointer);
    }
  }

  private static JsonNode read(Path file) {
    try {
      return Json.MAPPER.readTree(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode read(String document) {
    try {
      return Json.MAPPER.readTree(document);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
