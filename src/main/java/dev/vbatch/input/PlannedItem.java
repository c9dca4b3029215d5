package dev.vbatch.input;

import java.util.Optional;

/** An item after inspection: either skipped with a reason, or ready, with its attachment if any. */
public record PlannedItem(Item item, Optional<Skip> skip, Optional<Attachment> attachment) {
  public static PlannedItem skipped(Item item, String reason, String message) {
    return new PlannedItem(item, Optional.of(new Skip(reason, message)), Optional.empty());
  }

  public boolean isSkipped() {
    return skip.isPresent();
  }
}
