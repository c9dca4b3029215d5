package dev.vbatch.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @TempDir Path tmp;

  @Test
  void aFileIsCreatedWithTheUsersUmaskNotOwnerOnly() throws Exception {
    Path written = tmp.resolve("results.jsonl");
    AtomicFiles.writeString(written, "{}\n");
    Path plain = Files.createFile(tmp.resolve("plain.txt")); // what the umask gives any new file
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(written)))
        .isEqualTo(PosixFilePermissions.toString(Files.getPosixFilePermissions(plain)))
        .isNotEqualTo("rw-------");
  }

  @Test
  void aWriteThatFailsNamesTheFileKeepsTheOldContentAndLeavesNoTemporaryFile() throws Exception {
    Path target = tmp.resolve("summary.json");
    AtomicFiles.writeString(target, "old");
    assertThatThrownBy(() -> AtomicFiles.write(target, out -> {
      out.write("half".getBytes());
      throw new IOException("No space left on device");
    })).isInstanceOf(IOException.class)
        .hasMessage("cannot write " + target + ": No space left on device (its previous content is kept)");
    assertThat(Files.readString(target)).isEqualTo("old");
    try (var files = Files.list(tmp)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("summary.json");
    }
    Path fresh = tmp.resolve("new.json");
    assertThatThrownBy(() -> AtomicFiles.write(fresh, out -> {
      throw new IOException("No space left on device");
    })).hasMessage("cannot write " + fresh + ": No space left on device (nothing of it was kept)");
    assertThat(fresh).doesNotExist();
  }
}
