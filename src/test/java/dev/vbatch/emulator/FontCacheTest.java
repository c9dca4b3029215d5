package dev.vbatch.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vbatch.util.TimeSource;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PDFBox keeps the font cache it builds in the emulator's data, not in ~/.pdfbox.cache. */
class FontCacheTest {
  @TempDir Path tmp;

  @Test
  void theFontCacheGoesIntoTheEmulatorsDataUnlessTheUserChoseAPlace() throws Exception {
    String before = System.clearProperty("pdfbox.fontcache");
    try {
      try (EmulatorServer ignored = EmulatorServer.start(0, tmp.resolve("data"), EmulatorConfig.defaults(), TimeSource.SYSTEM)) {
        assertThat(System.getProperty("pdfbox.fontcache")).isEqualTo(tmp.resolve("data/font-cache").toString());
        assertThat(tmp.resolve("data/font-cache")).isDirectory();
      }
      System.setProperty("pdfbox.fontcache", tmp.resolve("mine").toString());
      try (EmulatorServer ignored = EmulatorServer.start(0, tmp.resolve("data2"), EmulatorConfig.defaults(), TimeSource.SYSTEM)) {
        assertThat(System.getProperty("pdfbox.fontcache")).isEqualTo(tmp.resolve("mine").toString());
      }
    } finally {
      if (before == null) {
        System.clearProperty("pdfbox.fontcache");
      } else {
        System.setProperty("pdfbox.fontcache", before);
      }
    }
  }
}
