package dev.vbatch.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vbatch.input.PlannedItem;
import dev.vbatch.results.Pricing;
import dev.vbatch.run.Plan;
import dev.vbatch.run.PlanStep;
import dev.vbatch.run.RequestStep;
import dev.vbatch.run.Requests;
import dev.vbatch.run.ShardSink;
import dev.vbatch.spec.JobSpec;
import dev.vbatch.spec.SpecReader;
import dev.vbatch.storage.BlobStore;
import dev.vbatch.storage.UriOnlyBlobStore;
import dev.vbatch.util.Json;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vbatch plan SPEC}: a dry run that reads inputs and writes nothing. */
@Command(
    name = "plan",
    mixinStandardHelpOptions = true,
    description = {
      "Shows what 'run' would do, without side effects: the items found, those skipped and why, the distinct "
          + "requests, the shards, and estimated tokens and cost at batch and online prices. Reads input files; "
          + "uploads, writes and submits nothing.",
    },
    footerHeading = "%nExamples:%n",
    footer = {"  vbatch plan jobs/sample-invoices/job.yaml", "  vbatch plan jobs/sample-invoices/job.yaml --json | jq .cost"},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {" 0:the plan was made", ExitCodes.L1, ExitCodes.L2, ExitCodes.L7})
final class PlanCommand implements Callable<Integer> {
  @Spec CommandSpec commandSpec;

  @Mixin CommonOptions common;

  @Parameters(index = "0", paramLabel = "SPEC", description = "The job spec, e.g. jobs/sample-invoices/job.yaml.")
  Path specFile;

  @picocli.CommandLine.Option(names = "--allow-empty",
      description = "Exit 0 when no input item is found (by default exit 7), as input.allowEmpty: true.")
  boolean allowEmpty;

  private final Context context;

  PlanCommand(Context context) {
    this.context = context;
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter stdout = commandSpec.commandLine().getOut();
    ConsoleSink events = common.events(commandSpec, context);
    JobSpec spec = SpecReader.read(specFile, context.env());
    if (allowEmpty) {
      spec = spec.withInput(spec.input().withAllowEmpty(true));
    }
    spec.warnings().forEach(events::warn);
    Plan plan = PlanStep.run(spec, Backends.inputs(spec), events);
    String stagingRoot = spec.staging().orElse(common.home(context.env()).resolve("staging").toAbsolutePath().toString());
    BlobStore planned = new UriOnlyBlobStore(stagingRoot);
    Requests requests;
    try (ShardSink sink = new ShardSink(spec.limits(), null, "")) {
      requests = RequestStep.run(plan, planned, sink, false, events);
    }
    ObjectNode result = report(spec, plan, requests);
    if (common.json) {
      stdout.println(Json.write(result));
    } else {
      print(stdout, result, plan);
    }
    stdout.flush();
    return ExitCodes.OK;
  }

  private static ObjectNode report(JobSpec spec, Plan plan, Requests requests) {
    ObjectNode r = Json.object();
    r.put("job", spec.name());
    r.put("model", spec.model());
    r.put("backend", spec.backend().name().toLowerCase());
    r.put("items", plan.items().size());
    r.put("toSend", plan.sendable());
    r.put("skipped", plan.skipped());
    Map<String, Long> byReason = new TreeMap<>();
    ArrayNode skippedItems = r.putArray("skippedItems");
    for (PlannedItem p : plan.items()) {
      p.skip().ifPresent(s -> {
        byReason.merge(s.reason(), 1L, Long::sum);
        skippedItems.addObject().put("source", p.item().id()).put("reason", s.reason()).put("message", s.message());
      });
    }
    ObjectNode reasons = r.putObject("skippedByReason");
    byReason.forEach(reasons::put);
    r.put("distinctRequests", requests.unique());
    ArrayNode shards = r.putArray("shards");
    requests.shards().forEach(s -> shards.addObject().put("index", s.index()).put("requests", s.requests()).put("bytes", s.bytes()));
    ObjectNode tokens = r.putObject("estimatedTokens");
    tokens.put("input", requests.estimatedInputTokens());
    tokens.put("output", requests.estimatedOutputTokens());
    ObjectNode cost = r.putObject("estimatedCost");
    cost.put("currency", "USD");
    Pricing.online(spec.model()).ifPresentOrElse(rates -> {
      cost.put("batch", Pricing.cost(rates, requests.estimatedInputTokens(), requests.estimatedOutputTokens(), true));
      cost.put("online", Pricing.cost(rates, requests.estimatedInputTokens(), requests.estimatedOutputTokens(), false));
      cost.put("pricesAsOf", Pricing.asOf());
    }, () -> cost.put("note", "no price known for model " + spec.model()));
    return r;
  }

  private static void print(PrintWriter out, ObjectNode r, Plan plan) {
    out.printf("job %s (%s on %s)%n", r.path("job").asText(), r.path("model").asText(), r.path("backend").asText());
    out.printf("items: %d found, %d to send, %d skipped%n", r.path("items").asLong(), r.path("toSend").asLong(), r.path("skipped").asLong());
    r.path("skippedItems").forEach(s -> out.printf("  skip %s: %s%n", s.path("source").asText(), s.path("message").asText()));
    out.printf("requests: %d distinct in %d shard(s)%n", r.path("distinctRequests").asLong(), r.path("shards").size());
    r.path("shards").forEach(s -> out.printf("  shard %d: %d requests, %d bytes%n", s.path("index").asInt(), s.path("requests").asLong(), s.path("bytes").asLong()));
    out.printf("estimated tokens: %d in, %d out%n", r.path("estimatedTokens").path("input").asLong(), r.path("estimatedTokens").path("output").asLong());
    var cost = r.path("estimatedCost");
    if (cost.has("batch")) {
      out.printf("estimated cost: $%.4f at batch prices, $%.4f online (prices as of %s)%n",
          cost.path("batch").asDouble(), cost.path("online").asDouble(), cost.path("pricesAsOf").asText());
    } else {
      out.println("estimated cost: " + cost.path("note").asText());
    }
  }
}
