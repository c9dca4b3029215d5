package dev.vbatch.cli;

import picocli.CommandLine.Option;

/** --emulator-endpoint, for the commands that talk to an emulator rather than start one. */
final class EmulatorEndpoint {
  @Option(names = "--emulator-endpoint", paramLabel = "HOST:PORT",
      description = "Use an emulator already running there (see 'vbatch emulator') instead of starting one.")
  String value;
}
