package dev.vbatch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vbatch.testing.FakeTime;
import dev.vbatch.util.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Runs the vbatch command line in this JVM with a fake clock, capturing stdout and stderr. */
final class CliHarness {
  /** What a command did. */
  record Result(int exit, String out, String err) {
    JsonNode json() {
      return Json.read(out);
    }
  }

  final FakeTime time = new FakeTime();
  final Path home;
  /** The environment the command sees (none by default). */
  Map<String, String> env = Map.of();
  /** The Cloud Storage the command sees (for --state); null for the default client. */
  com.google.cloud.storage.Storage storage;

  CliHarness(Path home) {
    this.home = home;
  }

  Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--home";
    all[args.length + 1] = home.toString();
    if (args.length > 0 && (args[0].equals("--help") || args[0].equals("--version"))) {
      all = args;
    }
    int exit = Main.execute(storage == null ? new Context(time, env, false) : new Context(time, env, false, () -> storage), new PrintWriter(out, true), new PrintWriter(err, true), all);
    return new Result(exit, out.toString(), err.toString());
  }

  static List<JsonNode> lines(Path file) throws IOException {
    return Files.readAllLines(file).stream().filter(l -> !l.isBlank()).map(Json::read).toList();
  }
}
