package dev.vbatch.util;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Request keys numbered 0, 1, 2… in the order they were added, held compactly: a key of 32
 * lowercase hex digits (what {@code RequestKey} makes) takes 16 bytes and a slot, not a String and
 * a map entry, so a million keys fit in about 25 MB. Any other string is kept as it is.
 */
public final class KeyTable {
  private long[] hi = new long[1024];
  private long[] lo = new long[1024];
  /** Open addressing: id + 1 of the hex key in each slot, 0 when empty. */
  private int[] slots = new int[2048];
  private final Map<String, Integer> other = new HashMap<>();
  private String[] otherById = new String[0];
  private int size;

  public int size() {
    return size;
  }

  /** The key's id, adding it if it is new. */
  public int add(String key) {
    if (!isHex(key)) {
      Integer known = other.get(key);
      if (known != null) {
        return known;
      }
      int id = size++;
      other.put(key, id);
      if (otherById.length <= id) {
        otherById = Arrays.copyOf(otherById, Math.max(16, id * 2));
      }
      otherById[id] = key;
      ensure(id + 1);
      return id;
    }
    long h = parse(key, 0);
    long l = parse(key, 16);
    int i = probe(h, l);
    if (slots[i] != 0) {
      return slots[i] - 1;
    }
    int id = size++;
    ensure(id + 1);
    hi[id] = h;
    lo[id] = l;
    if (size * 2 > slots.length) {
      rehash(slots.length * 2);
    } else {
      slots[i] = id + 1;
    }
    return id;
  }

  /** The key's id, or -1 when it was never added. */
  public int find(String key) {
    if (!isHex(key)) {
      Integer id = other.get(key);
      return id == null ? -1 : id;
    }
    int s = slots[probe(parse(key, 0), parse(key, 16))];
    return s - 1;
  }

  /** The slot that holds the key, or the empty slot where it would go. */
  private int probe(long h, long l) {
    int mask = slots.length - 1;
    for (int i = slot(h, l) & mask; ; i = (i + 1) & mask) {
      int s = slots[i];
      if (s == 0 || (hi[s - 1] == h && lo[s - 1] == l)) {
        return i;
      }
    }
  }

  public boolean contains(String key) {
    return find(key) >= 0;
  }

  /** The key with this id. */
  public String key(int id) {
    if (id < otherById.length && otherById[id] != null) {
      return otherById[id];
    }
    return hex(hi[id]) + hex(lo[id]);
  }

  private void ensure(int n) {
    if (n > hi.length) {
      hi = Arrays.copyOf(hi, hi.length * 2);
      lo = Arrays.copyOf(lo, lo.length * 2);
    }
  }

  private void place(int id) {
    int mask = slots.length - 1;
    int i = slot(hi[id], lo[id]) & mask;
    while (slots[i] != 0) {
      i = (i + 1) & mask;
    }
    slots[i] = id + 1;
  }

  private void rehash(int capacity) {
    slots = new int[capacity];
    for (int id = 0; id < size; id++) {
      if (id >= otherById.length || otherById[id] == null) {
        place(id);
      }
    }
  }

  private static int slot(long h, long l) {
    long x = h ^ (l * 0x9E3779B97F4A7C15L);
    return (int) (x ^ (x >>> 32));
  }

  private static boolean isHex(String key) {
    if (key.length() != 32) {
      return false;
    }
    for (int i = 0; i < 32; i++) {
      char c = key.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  private static long parse(String key, int from) {
    return Long.parseUnsignedLong(key, from, from + 16, 16);
  }

  private static String hex(long v) {
    String s = Long.toHexString(v);
    return s.length() == 16 ? s : "0".repeat(16 - s.length()) + s;
  }
}
