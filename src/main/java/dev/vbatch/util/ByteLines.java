package dev.vbatch.util;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a stream into lines of raw bytes, with each line's byte offset, without decoding them:
 * JSONL readers hand the bytes straight to Jackson's UTF-8 parser. A last line without a newline
 * counts; the newline (and a carriage return before it) is not part of the line.
 */
public final class ByteLines {
  private final InputStream in;
  private byte[] buf = new byte[1 << 16];
  private int start;
  private int end;
  private long base;
  private int lineStart;
  private int lineLength;
  private boolean eof;

  public ByteLines(InputStream in) {
    this.in = in;
  }

  /** Moves to the next line; false at the end of the stream. */
  public boolean next() throws IOException {
    while (true) {
      for (int i = start; i < end; i++) {
        if (buf[i] == '\n') {
          take(i, i + 1);
          return true;
        }
      }
      if (eof) {
        if (end > start) {
          take(end, end);
          return true;
        }
        return false;
      }
      if (start > 0) {
        System.arraycopy(buf, start, buf, 0, end - start);
        base += start;
        end -= start;
        start = 0;
      }
      if (end == buf.length) {
        buf = Arrays.copyOf(buf, buf.length * 2);
      }
      int n = in.read(buf, end, buf.length - end);
      if (n < 0) {
        eof = true;
      } else {
        end += n;
      }
    }
  }

  private void take(int lineEnd, int next) {
    lineStart = start;
    lineLength = lineEnd - start;
    if (lineLength > 0 && buf[lineStart + lineLength - 1] == '\r') {
      lineLength--;
    }
    start = next;
  }

  /** The buffer holding the current line, valid until the next call to {@link #next}. */
  public byte[] buffer() {
    return buf;
  }

  public int start() {
    return lineStart;
  }

  public int length() {
    return lineLength;
  }

  /** Where the current line starts in the stream. */
  public long offset() {
    return base + lineStart;
  }

  /** A copy of the current line's bytes. */
  public byte[] copy() {
    return Arrays.copyOfRange(buf, lineStart, lineStart + lineLength);
  }

  /** Whether the current line holds only spaces and tabs, or nothing. */
  public boolean isBlank() {
    for (int i = lineStart; i < lineStart + lineLength; i++) {
      if (buf[i] != ' ' && buf[i] != '\t') {
        return false;
      }
    }
    return true;
  }
}
