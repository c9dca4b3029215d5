package dev.vbatch.request;

import com.google.cloud.aiplatform.v1.Content;
import com.google.cloud.aiplatform.v1.FileData;
import com.google.cloud.aiplatform.v1.GenerateContentRequest;
import com.google.cloud.aiplatform.v1.GenerationConfig;
import com.google.cloud.aiplatform.v1.Part;
import dev.vbatch.input.Attachment;
import dev.vbatch.input.Item;
import dev.vbatch.spec.JobSpec;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Builds one GenerateContentRequest per item: the item's file (by URI) or its text first, as Gemini
 * recommends for documents, then the rendered user template; the system instruction, generation
 * settings, JSON response schema and safety settings come from the spec.
 */
public final class RequestBuilder {
  private final JobSpec spec;
  private final GenerationConfig generation;
  private final Content system;

  public RequestBuilder(JobSpec spec) {
    this.spec = spec;
    GenerationConfig.Builder g = spec.generation().toBuilder().setResponseMimeType("application/json");
    if (spec.responseSchema() != null) {
      g.setResponseSchema(spec.responseSchema());
    }
    this.generation = g.build();
    this.system = spec.system().isEmpty() ? null
        : Content.newBuilder().addParts(Part.newBuilder().setText(spec.system().render(Map.of()))).build();
  }

  /**
   * The request for {@code item}. {@code fileUri} is where its attachment was staged; it is unused
   * when the attachment goes inline as text.
   */
  public GenerateContentRequest build(Item item, Optional<Attachment> attachment, String fileUri) {
    return build(item, attachment, fileUri, java.util.List.of());
  }

  /** The request for {@code item}, after {@code history}: earlier turns of a conversation (a chain's earlier steps). */
  public GenerateContentRequest build(Item item, Optional<Attachment> attachment, String fileUri,
      java.util.List<Content> history) {
    if (item.request().isPresent()) {
      return item.request().get(); // a line of a request file is sent as it was written
    }
    Map<String, String> vars = new HashMap<>(item.vars());
    attachment.ifPresent(a -> vars.put("file.mime", a.mimeType()));
    Content.Builder user = Content.newBuilder().setRole("user");
    if (attachment.isPresent()) {
      Attachment a = attachment.get();
      if (a.isInline()) {
        user.addParts(Part.newBuilder().setText(a.inlineText()));
      } else {
        user.addParts(Part.newBuilder().setFileData(
            FileData.newBuilder().setMimeType(a.mimeType()).setFileUri(fileUri)));
      }
    }
    if (item.text().isPresent() && !templateUsesTextColumn()) {
      user.addParts(Part.newBuilder().setText(item.text().get()));
    }
    user.addParts(Part.newBuilder().setText(spec.user().render(vars)));
    GenerateContentRequest.Builder b = GenerateContentRequest.newBuilder()
        .addAllContents(history)
        .addContents(user)
        .setGenerationConfig(generation)
        .addAllSafetySettings(spec.safety());
    if (system != null) {
      b.setSystemInstruction(system);
    }
    return b.build();
  }

  private boolean templateUsesTextColumn() {
    return spec.input().table().flatMap(t -> t.textColumn())
        .map(c -> spec.user().variables().contains(c)).orElse(false);
  }
}
