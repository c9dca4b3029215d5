package dev.vbatch.request;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.aiplatform.v1.Content;
import com.google.cloud.aiplatform.v1.FileData;
import com.google.cloud.aiplatform.v1.GenerateContentRequest;
import com.google.cloud.aiplatform.v1.GenerationConfig;
import com.google.cloud.aiplatform.v1.Part;
import com.google.cloud.aiplatform.v1.Schema;
import com.google.cloud.aiplatform.v1.Type;
import org.junit.jupiter.api.Test;

/** A run's requests checked against the importer's rules, each distinct setting and shape once. */
class ImportCheckTest {
  static GenerateContentRequest request(String text, String property) {
    return GenerateContentRequest.newBuilder()
        .addContents(Content.newBuilder().setRole("user")
            .addParts(Part.newBuilder().setFileData(FileData.newBuilder().setFileUri("gs://b/" + text).setMimeType("application/pdf")))
            .addParts(Part.newBuilder().setText(text)))
        .setGenerationConfig(GenerationConfig.newBuilder().setResponseMimeType("application/json")
            .setResponseSchema(Schema.newBuilder().setType(Type.OBJECT)
                .putProperties(property, Schema.newBuilder().setType(Type.STRING).build())))
        .build();
  }

  @Test
  void aRefusedNameIsFoundInAnySettingAndTextsDoNotMatter() {
    ImportCheck check = new ImportCheck();
    assertThat(check.check("k1", request("a".repeat(100_000), "total"))).isEmpty();
    assertThat(check.check("k2", request("b", "total"))).isEmpty();
    assertThat(check.check("k3", request("c", "grand total")).map(ImportRules.Violation::path))
        .contains("request.generationConfig.responseSchema.properties.grand total");
  }

  @Test
  void aShapeSeenOnceIsNotCheckedAgainButANewShapeIs() {
    ImportCheck check = new ImportCheck();
    GenerateContentRequest first = request("a", "total");
    assertThat(check.check("k1", first)).isEmpty();
    GenerateContentRequest emptyPart = first.toBuilder()
        .setContents(0, first.getContents(0).toBuilder().addParts(Part.newBuilder().setFileData(FileData.getDefaultInstance())))
        .build();
    assertThat(check.check("k2", emptyPart).map(ImportRules.Violation::message))
        .contains("Cannot store struct 'request.contents.parts.fileData' with no fields.");
  }
}
