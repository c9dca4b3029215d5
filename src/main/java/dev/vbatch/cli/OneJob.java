package dev.vbatch.cli;

import dev.vbatch.results.PredictionDecoder;
import dev.vbatch.run.JobFetch;
import dev.vbatch.spec.ResultSchema;
import dev.vbatch.util.Json;
import dev.vbatch.vertex.BatchJob;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * --job NAME on fetch, cancel and delete: the command acts on one batch job that vbatch did not
 * submit (or on any job by name) instead of on a run.
 */
final class OneJob {
  @Option(names = "--job", paramLabel = "NAME",
      description = "Act on this batch prediction job instead of a run: its id or full name, as 'vbatch jobs' lists it; "
          + "the job need not be vbatch's.")
  String job;

  @Option(names = "--schema", paramLabel = "FILE",
      description = "With fetch --job: the JSON Schema each answer must match (without one, any JSON or text is taken).")
  Path schema;

  @CommandLine.Mixin ElsewhereJobs where;

  boolean given() {
    return job != null;
  }

  /** fetch --job: the job's predictions decoded and written to {@code out}; exit 0 when every line succeeded. */
  int fetch(StoredRunCommand command, Path out, ConsoleSink events) throws Exception {
    CommandLine cmd = command.commandSpec.commandLine();
    ResultSchema resultSchema = null;
    if (schema != null) {
      try {
        resultSchema = new ResultSchema(Json.MAPPER.readTree(Files.readString(schema)));
      } catch (java.io.IOException | RuntimeException e) {
        throw new CommandLine.ParameterException(cmd, "--schema " + schema + " cannot be read as a JSON Schema: "
            + (e instanceof com.fasterxml.jackson.core.JsonProcessingException p ? p.getOriginalMessage() : e.getMessage()));
      }
    }
    Path home = command.common.home(command.context.env());
    try (ElsewhereJobs.Open open = where.open(cmd, home, command.emulator, command.endpoint, command.context, events)) {
      BatchJob found = open.jobs.get(where.fullName(job));
      String id = found.name().substring(found.name().lastIndexOf('/') + 1);
      Path outDir = out != null ? out : Path.of("vbatch-out", "jobs", id);
      OutputCheck.writableDirectory(cmd, out != null ? "--out" : "the output directory", outDir);
      JobFetch.Fetched fetched = JobFetch.write(found, open.outputOf(found), new PredictionDecoder(resultSchema, 0), outDir);
      PrintWriter stdout = cmd.getOut();
      var c = fetched.counts();
      if (command.common.json) {
        stdout.println(Files.readString(outDir.resolve("summary.json")).strip());
      } else {
        stdout.println("job " + found.name() + " (" + found.state() + ", " + found.displayName() + ")");
        stdout.println("items " + c.items() + " = succeeded " + c.succeeded() + " + failed " + c.failed()
            + " + skipped " + c.skipped() + (c.byReason().isEmpty() ? "" : "  " + c.byReason()));
        stdout.println("results: " + outDir.resolve("results.jsonl"));
      }
      stdout.flush();
      return c.failed() + c.skipped() == 0 ? ExitCodes.OK : ExitCodes.ITEMS_FAILED;
    }
  }

  /** cancel --job and delete --job. */
  int act(StoredRunCommand command, boolean delete, ConsoleSink events) throws Exception {
    CommandLine cmd = command.commandSpec.commandLine();
    Path home = command.common.home(command.context.env());
    try (ElsewhereJobs.Open open = where.open(cmd, home, command.emulator, command.endpoint, command.context, events)) {
      BatchJob found = open.jobs.get(where.fullName(job));
      PrintWriter out = cmd.getOut();
      if (delete) {
        if (!found.state().isTerminal()) {
          out.println("left alone: " + found.name() + " is " + found.state() + " (cancel it first: vbatch cancel --job " + job + ")");
          return ExitCodes.ERROR;
        }
        open.jobs.delete(found.name());
        out.println("deleted: " + found.name());
      } else if (found.state().isTerminal()) {
        out.println(found.name() + " has already ended (" + found.state() + "); nothing to cancel");
      } else {
        open.jobs.cancel(found.name());
        out.println("cancel requested: " + found.name() + " (was " + found.state() + ")");
      }
      out.flush();
      return ExitCodes.OK;
    }
  }
}
