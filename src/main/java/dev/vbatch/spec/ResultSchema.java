package dev.vbatch.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.util.List;

/**
 * The job's JSON Schema as the user wrote it: what every result is validated against. The dialect
 * comes from {@code $schema}; without one, draft 2020-12.
 */
public final class ResultSchema {
  private final JsonNode node;
  private final Schema validator;
  private final SafeNames safeNames;

  public ResultSchema(JsonNode node) {
    this.node = node;
    this.safeNames = SafeNames.of(node);
    SpecificationVersion version =
        SpecificationVersion.fromSchemaNode(node).orElse(SpecificationVersion.DRAFT_2020_12);
    this.validator = SchemaRegistry.withDefaultDialect(version).getSchema(node);
  }

  public JsonNode node() {
    return node;
  }

  /**
   * {@code value} with the property names the request used in place of the user's (names Vertex's
   * importer would refuse) put back to the user's. See {@link SafeNames}.
   */
  public JsonNode restoreNames(JsonNode value) {
    return safeNames.restore(value);
  }

  /** The names sent in place of the user's property names that Vertex would refuse. */
  public SafeNames safeNames() {
    return safeNames;
  }

  /** One problem with a value: where (a JSON pointer) and what. */
  public record Violation(String pointer, String message) {
    @Override
    public String toString() {
      return (pointer.isEmpty() ? "/" : pointer) + ": " + message;
    }
  }

  /** The violations of {@code value}, empty when it is valid. Thread-safe. */
  public List<Violation> validate(JsonNode value) {
    List<Error> errors = validator.validate(value);
    return errors.stream().map(e -> new Violation(pointer(e), e.getMessage())).toList();
  }

  private static String pointer(Error e) {
    var path = e.getInstanceLocation();
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < path.getNameCount(); i++) {
      Object element = path.getElement(i);
      sb.append('/').append(String.valueOf(element).replace("~", "~0").replace("/", "~1"));
    }
    return sb.toString();
  }
}
