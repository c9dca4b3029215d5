package dev.vbatch.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.aiplatform.v1.Candidate;
import com.google.cloud.aiplatform.v1.Content;
import com.google.cloud.aiplatform.v1.GenerateContentRequest;
import com.google.cloud.aiplatform.v1.GenerateContentResponse;
import com.google.cloud.aiplatform.v1.Part;
import com.google.cloud.aiplatform.v1.Schema;
import com.google.cloud.aiplatform.v1.Type;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;

/**
 * The emulator's model: deterministic, and its answer validates against the request's
 * responseSchema. A property takes its value from a {@code name: value} line in the request's text
 * or text-bearing files (plain text, PDF text, PNG text chunks) when the names match ignoring case
 * and punctuation; otherwise a deterministic placeholder that fits the schema.
 */
final class Responder {
  /** Reads a file the request refers to by URI. */
  interface Fetcher {
    byte[] fetch(String uri) throws IOException;
  }

  private final Fetcher fetcher;

  Responder(Fetcher fetcher) {
    this.fetcher = fetcher;
  }

  /** What the model read, and how many tokens it was. */
  record Reading(Map<String, String> values, long promptTokens) {}

  Reading read(GenerateContentRequest request) throws IOException {
    StringBuilder text = new StringBuilder();
    long tokens = 0;
    for (Part p : request.getSystemInstruction().getPartsList()) {
      tokens += p.getText().length() / 4 + 1;
    }
    for (Content c : request.getContentsList()) {
      for (Part p : c.getPartsList()) {
        if (p.hasFileData()) {
          String mime = p.getFileData().getMimeType();
          byte[] bytes = fetcher.fetch(p.getFileData().getFileUri());
          String fileText;
          if (mime.equals("application/pdf")) {
            int[] pages = new int[1];
            fileText = pdfText(bytes, pages);
            tokens += 258L * pages[0];
          } else {
            fileText = textOf(mime, bytes);
            tokens += mime.startsWith("image/") ? 258 : fileText.length() / 4 + 1;
          }
          text.append(fileText).append('\n');
        } else {
          text.append(asLines(p.getText())).append('\n');
          tokens += p.getText().length() / 4 + 1;
        }
      }
    }
    return new Reading(values(text.toString()), tokens);
  }

  /**
   * A text part as the lines values are read from: a JSON object (an earlier answer in a
   * conversation) reads as one "name: value" line per scalar field; other text as it is.
   */
  private static String asLines(String text) {
    String t = text.strip();
    if (!t.startsWith("{")) {
      return text;
    }
    try {
      JsonNode n = dev.vbatch.util.Json.MAPPER.readTree(t);
      StringBuilder lines = new StringBuilder();
      n.fields().forEachRemaining(e -> {
        if (e.getValue().isValueNode() && !e.getValue().isNull()) {
          lines.append(e.getKey()).append(": ").append(e.getValue().asText()).append('\n');
        }
      });
      return lines.toString();
    } catch (java.io.IOException | RuntimeException e) {
      return text;
    }
  }

  /** What a response says of itself: the model version, when, the subject its ids derive from, the thinking budget. */
  record Meta(String modelVersion, java.time.Instant now, String subject, int thinkingBudget, int cachedTokens) {}

  GenerateContentResponse respond(GenerateContentRequest request, Reading reading, Meta meta, String salt) {
    String answer;
    if (request.getGenerationConfig().hasResponseSchema()) {
      answer = generate(request.getGenerationConfig().getResponseSchema(), "", reading.values(), salt).toString();
    } else {
      answer = "This is the vbatch emulator's answer.";
    }
    return response(java.util.List.of(Part.newBuilder().setText(answer).build()), Candidate.FinishReason.STOP,
        reading.promptTokens(), meta);
  }

  /** A response as Vertex gives one: ids, times, log probability, usage with details per modality. */
  static GenerateContentResponse response(java.util.List<Part> parts, Candidate.FinishReason finish, long promptTokens,
      Meta meta) {
    int out = 0;
    for (Part p : parts) {
      out += p.getThought() ? 0 : p.getText().length() / 4 + 1;
    }
    int thoughts = meta.thinkingBudget() == 0 ? 0 : 32;
    var text = com.google.cloud.aiplatform.v1.Modality.TEXT;
    return GenerateContentResponse.newBuilder()
        .addCandidates(Candidate.newBuilder()
            .setContent(Content.newBuilder().setRole("model").addAllParts(parts))
            .setFinishReason(finish)
            .setAvgLogprobs(-0.05 - Faults.unit("logprob/" + meta.subject()) / 2))
        .setModelVersion(meta.modelVersion())
        .setCreateTime(Timeline.ts(meta.now()))
        .setResponseId(responseId(meta.subject()))
        .setUsageMetadata(GenerateContentResponse.UsageMetadata.newBuilder()
            .setPromptTokenCount((int) promptTokens)
            .setCandidatesTokenCount(out)
            .setThoughtsTokenCount(thoughts)
            .setTotalTokenCount((int) promptTokens + out + thoughts)
            .addPromptTokensDetails(com.google.cloud.aiplatform.v1.ModalityTokenCount.newBuilder()
                .setModality(text).setTokenCount((int) promptTokens))
            .addCandidatesTokensDetails(com.google.cloud.aiplatform.v1.ModalityTokenCount.newBuilder()
                .setModality(text).setTokenCount(out))
            .setCachedContentTokenCount(meta.cachedTokens())
            .setTrafficType(GenerateContentResponse.UsageMetadata.TrafficType.ON_DEMAND))
        .build();
  }

  /** The tokens of a request's system instruction, the prefix implicit caching can serve. */
  static int systemTokens(GenerateContentRequest request) {
    int tokens = 0;
    for (Part p : request.getSystemInstruction().getPartsList()) {
      tokens += p.getText().length() / 4 + 1;
    }
    return tokens;
  }

  /** A response id in the shape Vertex's have (URL-safe base64-like, 22 characters), derived from the subject. */
  static String responseId(String subject) {
    byte[] digest = dev.vbatch.util.Hashing.sha256().digest(subject.getBytes(StandardCharsets.UTF_8));
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 22);
  }

  private JsonNode generate(Schema s, String name, Map<String, String> values, String salt) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    String found = name.isEmpty() ? null : values.get(normalize(name));
    if (s.getAnyOfCount() > 0) {
      return generate(s.getAnyOf(0), name, values, salt);
    }
    switch (s.getType()) {
      case OBJECT: {
        ObjectNode o = f.objectNode();
        for (String prop : s.getPropertyOrderingCount() > 0 ? s.getPropertyOrderingList() : s.getPropertiesMap().keySet()) {
          Schema child = s.getPropertiesMap().get(prop);
          if (child != null) {
            o.set(prop, generate(child, prop, values, salt));
          }
        }
        for (var e : s.getPropertiesMap().entrySet()) {
          if (!o.has(e.getKey())) {
            o.set(e.getKey(), generate(e.getValue(), e.getKey(), values, salt));
          }
        }
        return o;
      }
      case ARRAY: {
        ArrayNode a = f.arrayNode();
        if (found != null && s.getItems().getType() != Type.OBJECT) {
          for (String part : found.split("\\s*[,;]\\s*")) {
            if (!part.isBlank() && (s.getMaxItems() == 0 || a.size() < s.getMaxItems())) {
              a.add(scalar(s.getItems(), part, name, salt));
            }
          }
        }
        long n = Math.max(1, s.getMinItems());
        while (a.size() < n) {
          a.add(generate(s.getItems(), name, values, salt + a.size()));
        }
        return a;
      }
      default:
        if (found == null && s.getNullable()) {
          return f.nullNode();
        }
        return scalar(s, found, name, salt);
    }
  }

  private JsonNode scalar(Schema s, String found, String name, String salt) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    double u = Faults.unit(salt + "/" + name);
    switch (s.getType()) {
      case NUMBER:
      case INTEGER: {
        Double d = found == null ? null : number(found);
        // Proto3 doubles have no presence: a maximum not above the minimum means "no maximum".
        double lo = s.getMinimum();
        boolean bounded = s.getMaximum() > lo;
        double hi = bounded ? s.getMaximum() : Double.MAX_VALUE;
        double v = d != null && d >= lo && d <= hi ? d : lo + Math.floor(u * ((bounded ? hi : lo + 1000) - lo));
        return s.getType() == Type.INTEGER ? f.numberNode((long) Math.rint(v)) : f.numberNode(v);
      }
      case BOOLEAN:
        return f.booleanNode(found != null ? found.trim().toLowerCase(Locale.ROOT).matches("yes|true|y|1") : u < 0.5);
      default: {
        if (s.getEnumCount() > 0) {
          if (found != null) {
            for (String e : s.getEnumList()) {
              if (e.equalsIgnoreCase(found.trim())) {
                return f.textNode(e);
              }
            }
          }
          return f.textNode(s.getEnum((int) (u * s.getEnumCount())));
        }
        String v;
        if (s.getFormat().equals("date")) {
          v = found != null && found.trim().matches("\\d{4}-\\d{2}-\\d{2}") ? found.trim() : "2026-01-" + String.format("%02d", 1 + (int) (u * 28));
        } else if (s.getFormat().equals("date-time")) {
          v = found != null && found.trim().matches("\\d{4}-\\d{2}-\\d{2}T.*") ? found.trim() : "2026-01-01T00:00:00Z";
        } else {
          v = found != null ? found.trim() : (name.isEmpty() ? "value" : name) + "-" + (int) (u * 10000);
        }
        if (s.getMinLength() > 0) {
          StringBuilder sb = new StringBuilder(v);
          while (sb.length() < s.getMinLength()) {
            sb.append('x');
          }
          v = sb.toString();
        }
        if (s.getMaxLength() > 0 && v.length() > s.getMaxLength()) {
          v = v.substring(0, (int) s.getMaxLength());
        }
        return f.textNode(v);
      }
    }
  }

  static Double number(String text) {
    String cleaned = text.replaceAll("[^0-9.\\-]", "");
    if (cleaned.isEmpty() || cleaned.equals("-") || cleaned.equals(".")) {
      return null;
    }
    try {
      return Double.parseDouble(cleaned);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  static Map<String, String> values(String text) {
    Map<String, String> values = new HashMap<>();
    for (String line : text.split("\\R")) {
      int colon = line.indexOf(':');
      if (colon > 0 && colon < 60) {
        String key = normalize(line.substring(0, colon));
        String value = line.substring(colon + 1).trim();
        if (!key.isEmpty() && !value.isEmpty()) {
          values.putIfAbsent(key, value);
        }
      }
    }
    return values;
  }

  static String normalize(String name) {
    return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
  }

  static String textOf(String mime, byte[] bytes) {
    try {
      if (mime.equals("image/png")) {
        return pngText(bytes);
      }
      if (mime.startsWith("text/") || mime.equals("application/json")) {
        return new String(bytes, StandardCharsets.UTF_8);
      }
    } catch (IOException | RuntimeException e) {
      return "";
    }
    return "";
  }

  /** A PDF's text, loading it once; its page count goes to {@code pages[0]} (1 if unreadable). */
  static String pdfText(byte[] pdf, int[] pages) {
    try (PDDocument doc = Loader.loadPDF(pdf)) {
      pages[0] = doc.getNumberOfPages();
      return new PDFTextStripper().getText(doc);
    } catch (IOException | RuntimeException e) {
      pages[0] = 1;
      return "";
    }
  }

  /** The text of a PNG's tEXt chunks, one "keyword: text" line each: the emulator's stand-in for OCR. */
  static String pngText(byte[] png) throws IOException {
    StringBuilder sb = new StringBuilder();
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(png));
    in.skipNBytes(8);
    while (in.available() > 12) {
      int length = in.readInt();
      byte[] type = in.readNBytes(4);
      byte[] data = in.readNBytes(length);
      in.skipNBytes(4);
      if (new String(type, StandardCharsets.ISO_8859_1).equals("tEXt")) {
        String chunk = new String(data, StandardCharsets.ISO_8859_1);
        int zero = chunk.indexOf('\0');
        if (zero > 0) {
          sb.append(chunk, 0, zero).append(": ").append(chunk.substring(zero + 1)).append('\n');
        }
      }
    }
    return sb.toString();
  }
}
