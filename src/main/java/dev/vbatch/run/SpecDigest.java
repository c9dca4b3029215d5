package dev.vbatch.run;

import dev.vbatch.spec.JobSpec;
import dev.vbatch.util.Hashing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * A digest of what in a spec shapes a run's requests and the reading of its answers: the spec
 * file, the schema file and the prompt templates (which may live in a file of their own). A run is
 * resumed only under the spec it was started with.
 */
final class SpecDigest {
  private SpecDigest() {}

  static String of(JobSpec spec) {
    try {
      MessageDigest md = Hashing.sha256();
      md.update(Files.readAllBytes(spec.file()));
      md.update((byte) 0);
      if (spec.schemaFile() != null) {
        md.update(Files.readAllBytes(spec.schemaFile()));
      }
      md.update((byte) 0);
      md.update(String.valueOf(spec.system()).getBytes(StandardCharsets.UTF_8));
      md.update((byte) 0);
      md.update(String.valueOf(spec.user()).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(md.digest(), 0, 16);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + spec.file(), e);
    }
  }

  static boolean matches(RunState state, JobSpec spec) {
    return state.specDigest == null || state.specDigest.equals(of(spec));
  }
}
