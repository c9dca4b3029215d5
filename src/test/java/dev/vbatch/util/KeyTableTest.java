package dev.vbatch.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KeyTableTest {
  @Test
  void numbersKeysInOrderAddedAndFindsEachAgainThroughGrowth() {
    KeyTable t = new KeyTable();
    Random r = new Random(7);
    String[] keys = new String[50_000];
    for (int i = 0; i < keys.length; i++) {
      byte[] b = new byte[16];
      r.nextBytes(b);
      if (i % 1000 == 0) {
        b[0] = 0;
        b[1] = 0;
      }
      keys[i] = HexFormat.of().formatHex(b);
      assertThat(t.add(keys[i])).isEqualTo(i);
    }
    assertThat(t.size()).isEqualTo(keys.length);
    for (int i = 0; i < keys.length; i++) {
      assertThat(t.find(keys[i])).isEqualTo(i);
      assertThat(t.key(i)).isEqualTo(keys[i]);
    }
    assertThat(t.add(keys[123])).isEqualTo(123);
    assertThat(t.size()).isEqualTo(keys.length);
    assertThat(t.find("0123456789abcdef0123456789abcdef")).isEqualTo(-1);
  }

  @Test
  void keepsKeysThatAreNotHexAsTheyAre() {
    KeyTable t = new KeyTable();
    assertThat(t.add("0123456789abcdef0123456789abcdef")).isZero();
    assertThat(t.add("row-7")).isEqualTo(1);
    assertThat(t.add("0123456789ABCDEF0123456789ABCDEF")).isEqualTo(2);
    assertThat(t.find("row-7")).isEqualTo(1);
    assertThat(t.key(1)).isEqualTo("row-7");
    assertThat(t.key(2)).isEqualTo("0123456789ABCDEF0123456789ABCDEF");
    assertThat(t.key(0)).isEqualTo("0123456789abcdef0123456789abcdef");
    assertThat(t.contains("row-8")).isFalse();
  }
}
