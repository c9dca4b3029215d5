package dev.vbatch.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.aiplatform.v1.BatchPredictionJob;
import com.google.cloud.aiplatform.v1.JobState;
import com.google.protobuf.Timestamp;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** AIP-160 filters as job_service.proto documents them: a filter in, the jobs it keeps (or the error) out. */
class ListFilterTest {
  static final List<BatchPredictionJob> JOBS = List.of(
      job("nightly-1", JobState.JOB_STATE_SUCCEEDED, "2026-05-01T00:00:00Z", "team", "a"),
      job("nightly-2", JobState.JOB_STATE_FAILED, "2026-05-02T00:00:00Z", "team", "b"),
      job("adhoc", JobState.JOB_STATE_RUNNING, "2026-05-03T00:00:00Z", "owner", "c"));

  static BatchPredictionJob job(String name, JobState state, String created, String label, String value) {
    return BatchPredictionJob.newBuilder().setDisplayName(name).setState(state).putLabels(label, value)
        .setModel("publishers/google/models/gemini-2.5-flash")
        .setCreateTime(Timestamp.newBuilder().setSeconds(java.time.Instant.parse(created).getEpochSecond())).build();
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiter = '|', value = {
      "''|nightly-1 nightly-2 adhoc",
      "state=\"JOB_STATE_SUCCEEDED\"|nightly-1",
      "state!=JOB_STATE_FAILED|nightly-1 adhoc",
      "display_name:\"nightly-*\"|nightly-1 nightly-2",
      "labels.team=a OR labels.owner:*|nightly-1 adhoc",
      "state=\"JOB_STATE_FAILED\" OR display_name=\"adhoc\"|nightly-2 adhoc",
      "labels.team:* AND state=JOB_STATE_FAILED OR state=JOB_STATE_SUCCEEDED|nightly-1 nightly-2",
      "NOT display_name=\"adhoc\"|nightly-1 nightly-2",
      "-labels.team=a AND labels.team:*|nightly-2",
      "(display_name=adhoc OR display_name=nightly-1) AND NOT state=JOB_STATE_RUNNING|nightly-1",
      "create_time>\"2026-05-01T12:00:00Z\"|nightly-2 adhoc",
      "create_time<=\"2026-05-02T00:00:00Z\" AND create_time>=\"2026-05-02T00:00:00Z\"|nightly-2",
      "model_display_name=gemini-2.5-flash|nightly-1 nightly-2 adhoc",
  })
  void keepsWhatTheFilterSays(String filter, String expected) {
    var p = ListFilter.parse(filter);
    assertThat(JOBS.stream().filter(p).map(BatchPredictionJob::getDisplayName).collect(Collectors.joining(" ")))
        .isEqualTo(expected);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiter = '|', value = {
      "colour=red|unsupported field 'colour'",
      "state=SUCCEEDED|'SUCCEEDED' is not a job state",
      "create_time>yesterday|RFC 3339",
      "display_name<x|operator '<' is not supported on display_name",
      "(state=JOB_STATE_FAILED|expected ')'",
      "display_name=\"x|a quote is not closed",
  })
  void refusesWhatItCannotRead(String filter, String message) {
    assertThatThrownBy(() -> ListFilter.parse(filter)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
  }
}
