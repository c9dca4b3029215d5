package dev.vbatch.request;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vbatch.util.Json;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each rule of Vertex's input importer (VERTEX.md): lines of one file in, the exact message out. */
class ImportRulesTest {
  static final String OK = "{\"request\":{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"a\"}]}]}}";

  static String nested(int objects) {
    String inner = "1";
    for (int i = 0; i < objects; i++) {
      inner = "{\"p" + i + "\":" + inner + "}";
    }
    return "{\"request\":{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"a\"}]}],\"x\":" + inner + "}}";
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("well-formed lines pass", new String[] {OK, OK.replace("\"a\"", "\"b\"")}, null),
        Arguments.of("15 levels pass", new String[] {nested(14)}, null),
        Arguments.of("16 levels fail", new String[] {nested(15)},
            "Schema nested too deeply, at least 16 compared to the maximum allowed level of 15."),
        Arguments.of("a $defs key", new String[] {"{\"request\":{\"generationConfig\":{\"responseSchema\":{\"$defs\":{\"a\":1}}}}}"},
            "Invalid field name \"$defs\". Fields must contain only letters, numbers, and underscores, start with a letter"
                + " or underscore, and be at most 300 characters long."),
        Arguments.of("a property with a space", new String[] {"{\"request\":{\"s\":{\"properties\":{\"invoice number\":{\"type\":\"STRING\"}}}}}"},
            "Invalid field name \"invoice number\". Fields must contain only letters, numbers, and underscores, start"
                + " with a letter or underscore, and be at most 300 characters long."),
        Arguments.of("one path, two shapes on two lines",
            new String[] {"{\"request\":{\"s\":{\"anyOf\":[{\"type\":\"STRING\"}]}}}", "{\"request\":{\"s\":{\"anyOf\":{\"type\":\"STRING\"}}}}"},
            "Repeated field must be imported as a JSON array. Field: request.s.anyOf."),
        Arguments.of("a value where an object was", new String[] {"{\"request\":{\"a\":1}}", "{\"request\":{\"a\":{\"b\":1}}}"},
            "JSON object specified for non-record field: request.a."),
        Arguments.of("an empty object", new String[] {"{\"request\":{\"tools\":[{\"google_search\":{}}]}}"},
            "Cannot store struct 'request.tools.google_search' with no fields."),
        Arguments.of("a null in a list", new String[] {"{\"request\":{\"s\":{\"enum\":[\"a\",null]}}}"},
            "Only optional fields can be set to NULL. Field: request.s.enum."),
        Arguments.of("a null value passes", new String[] {"{\"request\":{\"a\":null}}", "{\"request\":{\"a\":{\"b\":1}}}"}, null),
        Arguments.of("list elements may differ in keys", new String[] {
            "{\"request\":{\"contents\":[{\"parts\":[{\"text\":\"a\"},{\"fileData\":{\"fileUri\":\"gs://b/x\"}}]}]}}"}, null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void theImporterRefusesWhatVertexRefuses(String name, String[] lines, String expected) {
    ImportRules rules = new ImportRules();
    Optional<ImportRules.Violation> found = Optional.empty();
    for (String line : lines) {
      found = found.or(() -> rules.check(Json.read(line)));
    }
    assertThat(found.map(ImportRules.Violation::message).orElse(null)).isEqualTo(expected);
    found.ifPresent(v -> assertThat(v.jobError()).startsWith(ImportRules.FAILED).endsWith(expected));
  }
}
