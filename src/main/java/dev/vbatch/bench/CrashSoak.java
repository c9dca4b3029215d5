package dev.vbatch.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vbatch.emulator.EmulatorConfig;
import dev.vbatch.emulator.EmulatorServer;
import dev.vbatch.results.OutcomeFile;
import dev.vbatch.util.Json;
import dev.vbatch.util.TimeSource;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Kills the vbatch CLI (SIGKILL) at random moments, resumes it each time, and checks what a crash
 * must never cause: more than one run, a shard submitted twice, an online answer that was recorded
 * sent again, an item lost or written twice, results other than an uninterrupted run's. Three
 * pipelines, in turn: batch with row faults (retry rounds crossed), online against an emulator in
 * this process (so its calls can be counted) that fails 30% of calls with a retryable error, and a
 * three-step chain with row faults. Online faults are drawn by how often the emulator has seen a
 * request, so row faults there would change a resumed run's outcomes by right; transient ones are
 * retried within the round and leave the outcomes as they were.
 * {@code scripts/crash-soak [KILLS] [DIR]}.
 */
public final class CrashSoak {
  private final Path work;
  private final Path samples;
  private final Random random = new Random(20261202);
  private final EmulatorServer online;
  private final Map<String, Totals> totals = new TreeMap<>();

  /** What one pipeline met. */
  static final class Totals {
    int iterations;
    int kills;
    long doubleSubmissions;
    long orphanFolders;
    long lost;
    long duplicated;
    long resentOnline;
    long differing;
    final List<String> problems = new ArrayList<>();
  }

  private record Scenario(String name, Path spec, List<String> args, boolean countsCalls) {}

  private record Reference(Map<String, String> results, long jobs, int runs, int exit, long millis) {}

  CrashSoak(Path work, Path samples) throws IOException {
    this.work = work;
    this.samples = samples;
    this.online = EmulatorServer.start(0, work.resolve("online-emulator"), EmulatorConfig.defaults()
        .withFaults(Map.of("transient", 0.3), 7).withLatency(Duration.ofMillis(30), Duration.ofMillis(20)), TimeSource.SYSTEM);
  }

  public static void main(String[] args) throws Exception {
    int kills = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    Path work = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("vbatch-crash-soak");
    Path repo = Path.of(System.getProperty("vbatch.repo", ".")).toAbsolutePath().normalize();
    System.exit(soak(kills, work, repo) ? 0 : 1);
  }

  /** Runs the soak in {@code work} with the jobs and samples of the checkout at {@code repo}. */
  public static boolean soak(int kills, Path work, Path repo) throws Exception {
    CrashSoak soak = new CrashSoak(work, repo);
    try {
      return soak.run(kills, repo);
    } finally {
      soak.online.close();
    }
  }

  /** Kills until {@code target} kills are done; prints the figures; true when nothing went wrong. */
  boolean run(int target, Path repo) throws Exception {
    List<Scenario> scenarios = scenarios(repo);
    Map<String, Reference> references = new HashMap<>();
    for (Scenario s : scenarios) {
      references.put(s.name(), reference(s));
      totals.put(s.name(), new Totals());
      System.out.printf("reference %-6s %d items, %d batch jobs, exit %d, %d ms%n", s.name(),
          references.get(s.name()).results().size(), references.get(s.name()).jobs(), references.get(s.name()).exit(),
          references.get(s.name()).millis());
    }
    long t0 = System.nanoTime();
    int kills = 0;
    for (int i = 0; kills < target; i++) {
      Scenario s = scenarios.get(i % scenarios.size());
      kills += iteration(s, references.get(s.name()), i);
      if (i % 10 == 9) {
        System.out.printf("... %d kills after %d iterations, %d s%n", kills, i + 1, (System.nanoTime() - t0) / 1_000_000_000);
      }
    }
    boolean ok = true;
    System.out.println("pipeline  iterations  kills  double-submissions  lost  duplicated  resent-online  differing"
        + "  stateless-folders");
    for (Map.Entry<String, Totals> e : totals.entrySet()) {
      Totals t = e.getValue();
      System.out.printf("%-8s  %10d  %5d  %18d  %4d  %10d  %13d  %9d  %17d%n", e.getKey(), t.iterations, t.kills,
          t.doubleSubmissions, t.lost, t.duplicated, t.resentOnline, t.differing, t.orphanFolders);
      t.problems.stream().limit(5).forEach(p -> System.out.println("  " + p));
      ok &= t.problems.isEmpty();
    }
    System.out.printf("crash soak: %d kills in %d s: %s%n", kills, (System.nanoTime() - t0) / 1_000_000_000,
        ok ? "no double submission, no lost or duplicated item, no recorded online answer sent again"
            : "PROBLEMS FOUND");
    return ok;
  }

  private List<Scenario> scenarios(Path repo) throws IOException {
    Path jobs = Files.createDirectories(work.resolve("jobs"));
    String inputs = repo.resolve("samples/invoices").toString();
    for (String dir : List.of("sample-invoices", "sample-chain")) {
      Files.createDirectories(jobs.resolve(dir));
      try (Stream<Path> files = Files.list(repo.resolve("jobs").resolve(dir))) {
        for (Path f : files.toList()) {
          Files.writeString(jobs.resolve(dir).resolve(f.getFileName()),
              Files.readString(f).replace("../../samples/invoices", inputs));
        }
      }
    }
    Path batch = jobs.resolve("sample-invoices/job.yaml");
    Path chain = jobs.resolve("sample-chain/job.yaml");
    // Staged files are shared by every iteration of a pipeline: request keys include their URIs.
    Files.writeString(batch, Files.readString(batch) + "\nstaging: " + work.resolve("staging-batch") + "\n");
    Files.writeString(chain, Files.readString(chain) + "\nstaging: " + work.resolve("staging-chain") + "\n");
    Path onlineSpec = jobs.resolve("sample-invoices/online.yaml");
    Files.writeString(onlineSpec, Files.readString(batch).replace("name: sample-invoices", "name: sample-online")
        .replace("staging-batch", "staging-online") + "mode: online\nonline:\n  concurrency: 2\n  checkpointEvery: 1\n");
    List<String> faults = List.of("--emulator-fault", "row-error=0.3", "--emulator-fault", "malformed-json=0.1",
        "--emulator-seed", "7", "--emulator-speed", "20");
    return List.of(
        new Scenario("batch", batch, faults, false),
        new Scenario("online", onlineSpec, List.of("--emulator-endpoint", online.endpoint()), true),
        new Scenario("chain", chain, List.of("--emulator-fault", "row-error=0.2", "--emulator-seed", "3",
            "--emulator-speed", "20"), false));
  }

  private Reference reference(Scenario s) throws Exception {
    Path home = work.resolve("ref-" + s.name());
    long t0 = System.nanoTime();
    Process p = start(s, home, work.resolve("ref-" + s.name() + "-out"), work.resolve("ref-" + s.name()));
    int exit = p.waitFor();
    long millis = (System.nanoTime() - t0) / 1_000_000;
    if (exit != 0 && exit != 5) {
      throw new IllegalStateException("the uninterrupted " + s.name() + " run failed with exit " + exit + "; see "
          + work.resolve("ref-" + s.name() + ".err"));
    }
    return new Reference(results(work.resolve("ref-" + s.name() + "-out/results.jsonl"), new ArrayList<>()),
        jobs(home), runFolders(home), exit, millis);
  }

  /** One iteration: up to three kills at random moments, then a run to the end, then the checks. Returns the kills. */
  private int iteration(Scenario s, Reference ref, int i) throws Exception {
    Totals t = totals.get(s.name());
    t.iterations++;
    Path home = work.resolve("it-" + i + "-home");
    Path out = work.resolve("it-" + i + "-out");
    int kills = 0;
    Map<String, Integer> callsWhenRecorded = new HashMap<>();
    for (int k = 0, times = 1 + random.nextInt(3); k < times && !finished(home); k++) {
      Process p = start(s, home, out, work.resolve("it-" + i + "-kill-" + k));
      if (p.waitFor(150 + (long) (random.nextDouble() * ref.millis() * 0.9), TimeUnit.MILLISECONDS)) {
        break; // it finished first
      }
      p.destroyForcibly().waitFor();
      kills++;
      if (s.countsCalls()) {
        Map<String, Integer> calls = online.onlineCallsByKey();
        recorded(home).forEach(key -> callsWhenRecorded.putIfAbsent(key, calls.getOrDefault(key, 0)));
      }
    }
    t.kills += kills;
    Path log = work.resolve("it-" + i + "-resume");
    // A kill that came after the run had finished (while the JVM was exiting) leaves nothing to
    // resume: running the spec again would start a new run, so the results are checked as they are.
    int exit = finished(home) ? ref.exit() : start(s, home, out, log).waitFor();
    String where = s.name() + " iteration " + i + " (" + kills + " kills, " + home + "): ";
    if (exit != ref.exit()) {
      t.problems.add(where + "exit " + exit + ", not " + ref.exit() + "; see " + log + ".err");
    }
    long extraJobs = jobs(home) - ref.jobs();
    if (extraJobs > 0) {
      t.doubleSubmissions += extraJobs;
      t.problems.add(where + extraJobs + " batch jobs more than the uninterrupted run");
    }
    t.orphanFolders += orphans(home);
    if (runFolders(home) != ref.runs()) {
      t.problems.add(where + runFolders(home) + " runs, not " + ref.runs());
    }
    List<String> duplicates = new ArrayList<>();
    Map<String, String> got = Files.exists(out.resolve("results.jsonl"))
        ? results(out.resolve("results.jsonl"), duplicates) : Map.of();
    t.duplicated += duplicates.size();
    long lost = ref.results().keySet().stream().filter(k -> !got.containsKey(k)).count();
    t.lost += lost;
    long differing = ref.results().entrySet().stream()
        .filter(e -> got.containsKey(e.getKey()) && !got.get(e.getKey()).equals(e.getValue())).count();
    t.differing += differing;
    if (!duplicates.isEmpty() || lost > 0 || differing > 0) {
      t.problems.add(where + lost + " lost, " + duplicates.size() + " duplicated, " + differing + " differing items");
    }
    if (s.countsCalls()) {
      Map<String, Integer> calls = online.onlineCallsByKey();
      long resent = callsWhenRecorded.entrySet().stream()
          .filter(e -> calls.getOrDefault(e.getKey(), 0) > e.getValue()).count();
      t.resentOnline += resent;
      if (resent > 0) {
        t.problems.add(where + resent + " recorded online answers were sent again");
      }
    }
    return kills;
  }

  private Process start(Scenario s, Path home, Path out, Path log) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
        "dev.vbatch.cli.Main", "run", s.spec().toString(), "--home", home.toString(), "--out", out.toString(), "--json"));
    cmd.addAll(s.args());
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().remove("VBATCH_CRASH_AT");
    pb.redirectOutput(new File(log + ".out"));
    pb.redirectError(new File(log + ".err"));
    return pb.start();
  }

  /** Each item's status, reason, data and attempts by source; a source seen twice goes into {@code duplicates}. */
  static Map<String, String> results(Path file, List<String> duplicates) throws IOException {
    Map<String, String> out = new TreeMap<>();
    for (String line : Files.readAllLines(file)) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode l = Json.read(line);
      String value = l.path("status").asText() + "|" + l.path("error").path("reason").asText("") + "|"
          + l.path("data") + "|" + l.path("attempts").asInt();
      if (out.put(l.path("source").asText(), value) != null) {
        duplicates.add(l.path("source").asText());
      }
    }
    return out;
  }

  /** Batch jobs the embedded emulator of the runs in {@code home} created. */
  public static long jobs(Path home) throws IOException {
    Path jobs = home.resolve("emulator/jobs");
    if (!Files.isDirectory(jobs)) {
      return 0;
    }
    try (Stream<Path> dirs = Files.list(jobs)) {
      return dirs.filter(d -> Files.exists(d.resolve("job.json"))).count();
    }
  }

  /**
   * The runs in HOME as vbatch sees them (a folder with a state.json). A kill while the first
   * state.json of a run was being written leaves a folder without one, which no command reads as a
   * run; those are counted apart ({@link #orphans}).
   */
  private static int runFolders(Path home) throws IOException {
    return (int) folders(home).stream().filter(d -> Files.exists(d.resolve("state.json"))).count();
  }

  private static int orphans(Path home) throws IOException {
    return (int) folders(home).stream().filter(d -> !Files.exists(d.resolve("state.json"))).count();
  }

  private static List<Path> folders(Path home) throws IOException {
    if (!Files.isDirectory(home.resolve("runs"))) {
      return List.of();
    }
    try (Stream<Path> dirs = Files.list(home.resolve("runs"))) {
      return dirs.filter(Files::isDirectory).toList();
    }
  }

  /** Whether the run (or the chain and all its steps) in {@code home} has finished. */
  private static boolean finished(Path home) throws IOException {
    List<Path> states = new ArrayList<>();
    for (String folder : List.of("runs", "chains")) {
      if (Files.isDirectory(home.resolve(folder))) {
        try (Stream<Path> all = Files.walk(home.resolve(folder), 2)) {
          all.filter(p -> p.getFileName().toString().equals("state.json")
              || p.getParent().getFileName().toString().equals("chains") && p.toString().endsWith(".json"))
              .forEach(states::add);
        }
      }
    }
    for (Path state : states) {
      JsonNode n = Json.read(Files.readString(state));
      if (!"done".equals(n.path("stage").asText()) && !n.path("done").asBoolean(false)) {
        return false;
      }
    }
    return !states.isEmpty();
  }

  /** The online answers the run has recorded in its checkpoint. */
  private static Set<String> recorded(Path home) throws IOException {
    Set<String> keys = new HashSet<>();
    Path runs = home.resolve("runs");
    if (Files.isDirectory(runs)) {
      try (Stream<Path> dirs = Files.list(runs)) {
        for (Path dir : dirs.toList()) {
          try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".online.jsonl")).toList()) {
              keys.addAll(OutcomeFile.readAppended(f).keySet());
            }
          }
        }
      }
    }
    return keys;
  }
}
