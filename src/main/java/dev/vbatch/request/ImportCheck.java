package dev.vbatch.request;

import com.google.cloud.aiplatform.v1.GenerateContentRequest;
import com.google.protobuf.Message;
import dev.vbatch.util.Json;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Checks a run's requests, one after another, against {@link ImportRules}. The settings every
 * request shares (generation config with its schema, system instruction, tools, safety settings)
 * are checked once per distinct value, and the rest once per distinct shape (its texts, inline data
 * and file URIs blanked, since the importer cares for names and shapes, not for values), so checking a
 * million requests built from one template costs little.
 */
public final class ImportCheck {
  private static final int MAX_REMEMBERED = 1024;
  private static final com.google.protobuf.ByteString ONE_BYTE = com.google.protobuf.ByteString.copyFrom(new byte[] {1});
  private final ImportRules rules = new ImportRules();
  private final Set<Object> checked = new HashSet<>();
  private final Set<GenerateContentRequest> shapes = new HashSet<>();

  /** The first rule {@code request} (staged under {@code key}) breaks, given the requests checked before it. */
  public Optional<ImportRules.Violation> check(String key, GenerateContentRequest request) {
    GenerateContentRequest.Builder rest = request.toBuilder();
    if (request.hasGenerationConfig() && seen(request.getGenerationConfig())) {
      rest.clearGenerationConfig();
    }
    if (request.hasSystemInstruction() && seen(request.getSystemInstruction())) {
      rest.clearSystemInstruction();
    }
    if (request.hasToolConfig() && seen(request.getToolConfig())) {
      rest.clearToolConfig();
    }
    if (request.getToolsCount() > 0 && seen(request.getToolsList())) {
      rest.clearTools();
    }
    if (request.getSafetySettingsCount() > 0 && seen(request.getSafetySettingsList())) {
      rest.clearSafetySettings();
    }
    // Only shapes and names matter to the importer, not how long a text is: texts and inline bytes
    // are checked empty, so a long document costs no more than a short one.
    for (var content : rest.getContentsBuilderList()) {
      for (var part : content.getPartsBuilderList()) {
        // A value stays a value and an absent one stays absent: the shape is what is checked.
        if (part.hasText()) {
          part.setText("");
        }
        if (part.hasInlineData() && !part.getInlineData().getData().isEmpty()) {
          part.getInlineDataBuilder().setData(ONE_BYTE);
        }
        if (part.hasFileData() && !part.getFileData().getFileUri().isEmpty()) {
          part.getFileDataBuilder().setFileUri("gs://b/f");
        }
      }
    }
    // What is left is the request's shape: one already checked needs no second look.
    GenerateContentRequest shape = rest.build();
    if (shapes.contains(shape)) {
      return Optional.empty();
    }
    if (shapes.size() < MAX_REMEMBERED) {
      shapes.add(shape);
    }
    var line = Json.object();
    line.put("vbatch_key", RequestKey.tagged(key));
    line.set("request", Json.read(RequestKey.toJson(shape)));
    return rules.check(line);
  }

  /** Whether {@code value} was checked before; remembers it if not. */
  private boolean seen(Object value) {
    if (checked.contains(value)) {
      return true;
    }
    if (checked.size() < MAX_REMEMBERED) {
      checked.add(value instanceof List<?> l ? List.copyOf(l) : (Message) value);
    }
    return false;
  }
}
