// Google's official Node.js Vertex AI client, used unchanged, against a running vbatch emulator.
// The emulator is judged by the client: when they disagree, the emulator is wrong.
//
//   VBATCH_EMULATOR=127.0.0.1:8765 VBATCH_GCS_ROOT=/path/to/gcs-root node conformance.mjs
//
// It ends with one line "conformance: N passed, N failed" and exits 1 when anything failed.
import aiplatform from '@google-cloud/aiplatform';
import gax from 'google-gax';
import fs from 'node:fs';
import path from 'node:path';

const [host, port] = (process.env.VBATCH_EMULATOR || '127.0.0.1:8765').split(':');
const gcsRoot = process.env.VBATCH_GCS_ROOT;
if (!gcsRoot) {
  console.error('conformance: set VBATCH_GCS_ROOT to the emulator\'s --gcs-root');
  process.exit(2);
}
// No Google credentials or project lookups: the client must never reach past loopback.
const options = {apiEndpoint: host, port: Number(port), sslCreds: gax.grpc.credentials.createInsecure(),
  projectId: 'conformance'};
const jobs = new aiplatform.v1.JobServiceClient(options);
const prediction = new aiplatform.v1.PredictionServiceClient(options);
const utility = new aiplatform.v1.LlmUtilityServiceClient(options);
const parent = 'projects/conformance/locations/us-central1';
const model = 'publishers/google/models/gemini-2.5-flash';
const fullModel = `${parent}/${model}`;

let passed = 0;
let failed = 0;
async function check(name, body) {
  try {
    await body();
    passed++;
    console.log(`ok   ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}: ${e && e.stack ? e.stack.split('\n').slice(0, 3).join(' | ') : e}`);
  }
}
function expect(condition, message) {
  if (!condition) throw new Error(message);
}
async function expectCode(code, call, what) {
  try {
    await call();
  } catch (e) {
    expect(e.code === code, `${what}: expected gRPC code ${code}, got ${e.code} (${e.details || e.message})`);
    return e;
  }
  throw new Error(`${what}: expected gRPC code ${code}, but the call succeeded`);
}
function local(uri) {
  expect(uri.startsWith('gs://'), `not a gs:// URI: ${uri}`);
  return path.join(gcsRoot, uri.slice(5));
}
const ENDED = new Set(['JOB_STATE_SUCCEEDED', 'JOB_STATE_FAILED', 'JOB_STATE_CANCELLED', 'JOB_STATE_EXPIRED',
  'JOB_STATE_PARTIALLY_SUCCEEDED']);
async function waitEnded(name, limitMs = 60000) {
  const start = Date.now();
  for (;;) {
    const [job] = await jobs.getBatchPredictionJob({name});
    if (ENDED.has(job.state)) return job;
    expect(Date.now() - start < limitMs, `${name} still ${job.state} after ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
function jobBody(displayName, inputUri, labels = {}) {
  return {
    displayName,
    model,
    inputConfig: {instancesFormat: 'jsonl', gcsSource: {uris: [inputUri]}},
    outputConfig: {predictionsFormat: 'jsonl', gcsDestination: {outputUriPrefix: 'gs://conformance/out/' + displayName}},
    labels,
  };
}

// Input: two requests in the sender's camelCase and snake_case, one with a custom id beside it,
// one malformed line and one line without a request.
fs.mkdirSync(path.join(gcsRoot, 'conformance'), {recursive: true});
const schema = {type: 'OBJECT', properties: {vendor: {type: 'STRING'}, total: {type: 'NUMBER'}}, required: ['vendor', 'total']};
const lines = [
  JSON.stringify({custom_id: '000000', request: {contents: [{role: 'user', parts: [{text: 'vendor: Acme\ntotal: 12.5'}]}],
    generationConfig: {temperature: 1.0, topP: 0.4, responseMimeType: 'application/json', responseSchema: schema}}}),
  JSON.stringify({request: {contents: [{role: 'user', parts: [{file_data: {file_uri: 'gs://conformance/note.txt',
    mime_type: 'text/plain'}}, {text: 'Read it'}]}], generation_config: {response_mime_type: 'application/json',
    response_schema: schema}}}),
  '{"request": {"contents": [',
  JSON.stringify({instance: {text: 'no request here'}}),
];
fs.writeFileSync(path.join(gcsRoot, 'conformance', 'note.txt'), 'vendor: Globex\ntotal: 99\n');
fs.writeFileSync(path.join(gcsRoot, 'conformance', 'input.jsonl'), lines.join('\n') + '\n');
const input = 'gs://conformance/input.jsonl';
// A longer input, so that the second job is still running when it is cancelled.
fs.writeFileSync(path.join(gcsRoot, 'conformance', 'long.jsonl'), Array(400).fill(lines[0]).join('\n') + '\n');

let first;
await check('create a batch prediction job', async () => {
  [first] = await jobs.createBatchPredictionJob({parent, batchPredictionJob: jobBody('conf-first', input, {suite: 'conformance'})});
  expect(first.name.startsWith(parent + '/batchPredictionJobs/'), `name ${first.name}`);
  expect(first.state === 'JOB_STATE_QUEUED' || first.state === 'JOB_STATE_PENDING', `state ${first.state}`);
  expect(first.completionStats === null || first.completionStats === undefined, 'completionStats before it runs');
});

let ended;
await check('poll to the end through malformed input lines', async () => {
  ended = await waitEnded(first.name);
  expect(ended.state === 'JOB_STATE_SUCCEEDED', `state ${ended.state} ${JSON.stringify(ended.error)}`);
  const stats = ended.completionStats;
  expect(Number(stats.successfulCount) === 2 && Number(stats.failedCount) === 2, `stats ${JSON.stringify(stats)}`);
});

await check('predictions read through outputInfo.gcsOutputDirectory, in Vertex\'s format', async () => {
  const dir = ended.outputInfo.gcsOutputDirectory;
  expect(/\/prediction-model-[0-9T:.\-Z]+$/.test(dir), `output directory ${dir}`);
  const files = fs.readdirSync(local(dir)).filter((f) => f.endsWith('.jsonl'));
  const rows = files.flatMap((f) => fs.readFileSync(path.join(local(dir), f), 'utf8').split('\n').filter(Boolean)).map((l) => JSON.parse(l));
  expect(rows.length === 4, `${rows.length} rows`);
  const ok = rows.filter((r) => r.status === '');
  expect(ok.length === 2, `${ok.length} succeeded rows`);
  for (const r of ok) {
    const answer = JSON.parse(r.response.candidates[0].content.parts.map((p) => p.text).join(''));
    expect(typeof answer.vendor === 'string' && typeof answer.total === 'number', `answer ${JSON.stringify(answer)}`);
    expect(r.response.usageMetadata.totalTokenCount > 0, 'usage');
    expect(typeof r.response.responseId === 'string' && r.response.modelVersion, 'responseId and modelVersion');
    const keys = Object.keys(r.request);
    expect(JSON.stringify(keys) === JSON.stringify([...keys].sort()), `request keys not sorted: ${keys}`);
  }
  const camel = ok.find((r) => r.request.generationConfig);
  const snake = ok.find((r) => r.request.generation_config);
  expect(camel && snake, 'the sender\'s spelling is kept');
  expect(camel.request.generationConfig.temperature === 1 && camel.request.generationConfig.topP === 0.4, 'numbers as sent');
  expect(camel.custom_id === 0, `a numeric-looking sibling key is coerced: ${camel.custom_id}`);
  const parts = snake.request.contents[0].parts;
  expect(parts[0].text === null && parts[1].file_data === null, 'a part has null for keys its siblings have');
  const bad = rows.filter((r) => r.status !== '');
  for (const r of bad) {
    expect(r.status.startsWith('Bad Request: {"error": {"code": 400'), `status ${r.status}`);
    expect(!('response' in r), 'a failed row has no response');
  }
});

await check('an input the importer refuses fails the job with code 3', async () => {
  const deep = {a: {b: {c: {d: {e: {f: {g: {h: {i: {j: {k: {l: {m: {n: {o: {p: 1}}}}}}}}}}}}}}}};
  fs.writeFileSync(path.join(gcsRoot, 'conformance', 'bad.jsonl'), JSON.stringify({request: {contents: [{role: 'user',
    parts: [{text: 'x'}]}], labels: deep}}) + '\n');
  const [job] = await jobs.createBatchPredictionJob({parent, batchPredictionJob: jobBody('conf-import', 'gs://conformance/bad.jsonl')});
  const end = await waitEnded(job.name);
  expect(end.state === 'JOB_STATE_FAILED' && end.error.code === 3, `${end.state} ${JSON.stringify(end.error)}`);
  expect(end.error.message.startsWith('Failed to import data.'), end.error.message);
});

let second;
await check('create a second job, and an unknown model is NOT_FOUND', async () => {
  [second] = await jobs.createBatchPredictionJob({parent, batchPredictionJob: jobBody('conf-second',
    'gs://conformance/long.jsonl', {suite: 'other'})});
  await expectCode(5, () => jobs.createBatchPredictionJob({parent, batchPredictionJob: {...jobBody('conf-x', input),
    model: 'publishers/google/models/gemini-9-ultra'}}), 'unknown model');
});

await check('list: newest first, scoped to the project, paged with opaque tokens', async () => {
  const [all] = await jobs.listBatchPredictionJobs({parent}, {autoPaginate: false});
  expect(all.length >= 3 && all[0].name === second.name, `first listed ${all[0] && all[0].name}`);
  const [other] = await jobs.listBatchPredictionJobs({parent: 'projects/elsewhere/locations/us-central1'});
  expect(other.length === 0, `${other.length} jobs under another project`);
  const seen = [];
  for await (const job of jobs.listBatchPredictionJobsAsync({parent, pageSize: 1})) seen.push(job.name);
  expect(seen.length === all.length, `paged ${seen.length} of ${all.length}`);
  await expectCode(3, () => jobs.listBatchPredictionJobs({parent, pageToken: '12'}, {autoPaginate: false}), 'made-up page token');
});

await check('list filters: labels, state, AND, OR, NOT, parentheses, create_time', async () => {
  const names = async (filter) => (await jobs.listBatchPredictionJobs({parent, filter}))[0].map((j) => j.displayName).sort();
  const eq = (a, b, f) => expect(JSON.stringify(a) === JSON.stringify(b), `${f}: ${JSON.stringify(a)}`);
  eq(await names('labels.suite=conformance'), ['conf-first'], 'labels');
  eq(await names('labels.suite:*'), ['conf-first', 'conf-second'], 'label exists');
  eq(await names('state="JOB_STATE_SUCCEEDED"'), ['conf-first'], 'state');
  eq(await names('state="JOB_STATE_SUCCEEDED" OR display_name="conf-import"'), ['conf-first', 'conf-import'], 'OR');
  eq(await names('NOT display_name:"conf-f*" AND labels.suite:*'), ['conf-second'], 'NOT, AND, prefix');
  eq(await names('(display_name="conf-first" OR display_name="conf-second") AND -labels.suite=other'), ['conf-first'], 'parentheses');
  eq(await names('create_time>"2000-01-01T00:00:00Z" AND create_time<"2000-01-02T00:00:00Z"'), [], 'create_time');
  expect((await names('create_time>"2000-01-01T00:00:00Z"')).length >= 3, 'create_time after');
  const e = await expectCode(3, () => jobs.listBatchPredictionJobs({parent, filter: 'colour="red"'}), 'unknown field');
  expect(/colour/.test(e.details), e.details);
  await expectCode(3, () => jobs.listBatchPredictionJobs({parent, filter: 'state=SUCCEEDED'}), 'unknown state');
});

await check('delete of an unfinished job and cancel of an ended one are FAILED_PRECONDITION', async () => {
  await expectCode(9, () => jobs.deleteBatchPredictionJob({name: second.name}), 'delete while it runs');
  await expectCode(9, () => jobs.cancelBatchPredictionJob({name: first.name}), 'cancel after it ended');
  await expectCode(5, () => jobs.getBatchPredictionJob({name: first.name.replace('projects/conformance', 'projects/q')}), 'another project');
});

await check('cancel a running job', async () => {
  await jobs.cancelBatchPredictionJob({name: second.name});
  const end = await waitEnded(second.name);
  expect(end.state === 'JOB_STATE_CANCELLED', end.state);
});

await check('delete, awaited through its long-running operation', async () => {
  const [operation] = await jobs.deleteBatchPredictionJob({name: first.name});
  expect(/^projects\/[^/]+\/locations\/[^/]+\/operations\/\d+$/.test(operation.name), `operation ${operation.name}`);
  await operation.promise();
  const [op] = await jobs.operationsClient.getOperation({name: operation.name});
  expect(op.done === true, 'operation done');
  await expectCode(5, () => jobs.getBatchPredictionJob({name: first.name}), 'the deleted job');
});

const request = {model: fullModel, contents: [{role: 'user', parts: [{text: 'vendor: Initech\ntotal: 7'}]}],
  generationConfig: {responseMimeType: 'application/json', responseSchema: schema}};
await check('generateContent', async () => {
  const [response] = await prediction.generateContent(request);
  const answer = JSON.parse(response.candidates[0].content.parts[0].text);
  expect(answer.vendor === 'Initech' && answer.total === 7, JSON.stringify(answer));
  await expectCode(3, () => prediction.generateContent({model: fullModel, contents: []}), 'empty contents');
});

await check('streamGenerateContent', async () => {
  const chunks = [];
  await new Promise((resolve, reject) => {
    prediction.streamGenerateContent(request).on('data', (c) => chunks.push(c)).on('error', reject).on('end', resolve);
  });
  const text = chunks.map((c) => c.candidates[0].content.parts.map((p) => p.text).join('')).join('');
  expect(JSON.parse(text).vendor === 'Initech', text);
});

await check('countTokens and computeTokens', async () => {
  const [counted] = await utility.countTokens({endpoint: fullModel, model: fullModel, contents: request.contents});
  expect(counted.totalTokens > 0, JSON.stringify(counted));
  const [computed] = await utility.computeTokens({endpoint: fullModel, model: fullModel, contents: request.contents});
  expect(computed.tokensInfo.length === 1 && computed.tokensInfo[0].tokens.length > 0, JSON.stringify(computed));
});

await check('the service still answers every call after the malformed lines', async () => {
  const [list] = await jobs.listBatchPredictionJobs({parent});
  for (const job of list) await jobs.getBatchPredictionJob({name: job.name});
});

await Promise.all([jobs.close(), prediction.close(), utility.close()]);
console.log(`conformance: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
