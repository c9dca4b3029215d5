package dev.vbatch.spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects what is wrong with a spec so every problem is reported at once. Each message starts
 * with the file and the property at fault.
 */
final class Problems {
  private final String file;
  private final List<String> errors = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();

  Problems(Path file) {
    this.file = file.toString();
  }

  void error(String property, String message) {
    errors.add(file + ": property '" + property + "' " + message);
  }

  void errorInFile(String message) {
    errors.add(file + ": " + message);
  }

  void warn(String property, String message) {
    warnings.add(file + ": property '" + property + "' " + message);
  }

  boolean hasErrors() {
    return !errors.isEmpty();
  }

  List<String> warnings() {
    return warnings;
  }

  void throwIfAny() throws SpecException {
    if (!errors.isEmpty()) {
      throw new SpecException(errors);
    }
  }
}
