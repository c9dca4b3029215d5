// Checks every resource, data source, block, argument and attribute reference in the Terraform
// configurations against the Google providers' schema, as @cdktf/provider-google and
// @cdktf/provider-google-beta ship it (generated from hashicorp/google and google-beta 6.50.0), and
// every module call against the module's variables. Offline: terraform init cannot reach the
// registry here, so this stands in for `terraform validate`.
//
//   node schema-check.mjs DIR...     (each DIR a module or root configuration)
//
// It prints one line per problem, then "schema-check: N passed, N failed", and exits 1 on any problem.
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const PACKAGES = {
  google: path.join(here, 'node_modules/@cdktf/provider-google'),
  'google-beta': path.join(here, 'node_modules/@cdktf/provider-google-beta'),
};
const META = new Set(['count', 'for_each', 'depends_on', 'provider', 'lifecycle']);

// ---- The schema, from the generated TypeScript declarations -------------------------------------

const schemaCache = new Map();
/** The schema of a resource or data source: {args: Map(name -> {required, block, struct}), structs, attrs}. */
function schema(provider, kind, type) {
  const key = `${provider}|${kind}|${type}`;
  if (schemaCache.has(key)) return schemaCache.get(key);
  const bare = type.replace(/^google_/, '').replace(/_/g, '-');
  const dirs = kind === 'data' ? [`data-google-${bare}`] : [bare, `google-${bare}`];
  let file = null;
  for (const d of dirs) {
    const f = path.join(PACKAGES[provider], 'lib', d, 'index.d.ts');
    if (fs.existsSync(f) && fs.readFileSync(f, 'utf8').includes(`tfResourceType = "${kind === 'data' ? type : type}"`)) {
      file = f;
      break;
    }
  }
  const result = file ? parse(fs.readFileSync(file, 'utf8')) : null;
  schemaCache.set(key, result);
  return result;
}

function parse(ts) {
  const interfaces = new Map();
  const iface = /export interface (\w+)(?: extends [^{]+)? \{([\s\S]*?)\n\}/g;
  for (let m; (m = iface.exec(ts));) {
    const props = new Map();
    const prop = /\/\*\*([\s\S]*?)\*\/\s*readonly (\w+)(\?)?: ([^;]+);/g;
    for (let p; (p = prop.exec(m[2]));) {
      const anchor = /#(\w+) \w+#\w+\}/.exec(p[1]);
      if (!anchor) continue;
      const struct = (/^(\w+)/.exec(p[4].trim()) || [])[1];
      props.set(anchor[1], {required: !p[3] && anchor[1] !== 'id', block: / block\b/.test(p[1]), struct});
    }
    interfaces.set(m[1], props);
  }
  const cls = /export declare class (\w+) extends cdktf\.Terraform(?:Resource|DataSource) \{([\s\S]*?)\n\}/.exec(ts);
  const attrs = new Set();
  if (cls) for (let g, re = /get (\w+)\(\)/g; (g = re.exec(cls[2]));) attrs.add(snake(g[1]));
  const config = cls ? interfaces.get(cls[1] + 'Config') : null;
  return {args: config || new Map(), interfaces, attrs};
}

const snake = (camel) => camel.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase());

// ---- A small HCL reader: blocks, attributes and their expressions as text ------------------------

function tokens(src) {
  const out = [];
  let i = 0;
  let line = 1;
  let start = 0;
  const push = (type, value) => out.push({type, value, line, start, end: start + value.length});
  while (i < src.length) {
    const c = src[i];
    start = i;
    if (c === '\n') { push('nl', '\n'); line++; i++; continue; }
    if (c === ' ' || c === '\t' || c === '\r') { i++; continue; }
    if (c === '#' || (c === '/' && src[i + 1] === '/')) { while (i < src.length && src[i] !== '\n') i++; continue; }
    if (c === '/' && src[i + 1] === '*') { const e = src.indexOf('*/', i + 2); line += (src.slice(i, e).match(/\n/g) || []).length; i = e + 2; continue; }
    if (c === '"') {
      // A string, with ${...} templates whose braces may nest and hold strings.
      let j = i + 1;
      let depth = 0;
      while (j < src.length) {
        if (src[j] === '\\') { j += 2; continue; }
        if (src[j] === '$' && src[j + 1] === '{') { depth++; j += 2; continue; }
        if (depth > 0 && src[j] === '}') { depth--; j++; continue; }
        if (depth === 0 && src[j] === '"') break;
        j++;
      }
      push('string', src.slice(i, j + 1));
      i = j + 1;
      continue;
    }
    if (c === '<' && src[i + 1] === '<') {
      const m = /^<<-?(\w+)\n/.exec(src.slice(i));
      if (m) {
        const end = src.indexOf('\n' + m[1], i);
        const text = src.slice(i, end + m[1].length + 1);
        line += (text.match(/\n/g) || []).length;
        push('string', text);
        i = end + m[1].length + 1;
        continue;
      }
    }
    const word = /^[A-Za-z_][\w.\-*]*/.exec(src.slice(i, i + 200));
    if (word) { push('word', word[0]); i += word[0].length; continue; }
    const num = /^\d+(\.\d+)?/.exec(src.slice(i, i + 50));
    if (num) { push('number', num[0]); i += num[0].length; continue; }
    push('punct', c);
    i++;
  }
  return out;
}

/** Reads a body up to its closing brace: [{kind:'block', type, labels, body, line} | {kind:'attr', name, expr, line}]. */
function body(ts, pos, file, src) {
  const items = [];
  while (pos.i < ts.length) {
    const t = ts[pos.i];
    if (t.type === 'nl') { pos.i++; continue; }
    if (t.type === 'punct' && t.value === '}') { pos.i++; return items; }
    if (t.type !== 'word') throw new Error(`${file}:${t.line}: unexpected '${t.value}'`);
    const next = ts[pos.i + 1];
    if (next && next.type === 'punct' && next.value === '=' ) {
      pos.i += 2;
      const start = pos.i;
      let depth = 0;
      while (pos.i < ts.length) {
        const e = ts[pos.i];
        if (e.type === 'punct' && '([{'.includes(e.value)) depth++;
        if (e.type === 'punct' && ')]}'.includes(e.value)) { if (depth === 0) break; depth--; }
        if (e.type === 'nl' && depth === 0) break;
        pos.i++;
      }
      const last = ts[pos.i - 1];
      items.push({kind: 'attr', name: t.value, expr: pos.i > start ? src.slice(ts[start].start, last.end) : '', line: t.line});
      continue;
    }
    const labels = [];
    pos.i++;
    while (pos.i < ts.length && ts[pos.i].type === 'string') labels.push(JSON.parse(ts[pos.i++].value.replace(/\$\{/g, '$ {')));
    if (!(ts[pos.i] && ts[pos.i].value === '{')) throw new Error(`${file}:${t.line}: expected '{' after ${t.value}`);
    pos.i++;
    items.push({kind: 'block', type: t.value, labels, body: body(ts, pos, file, src), line: t.line});
  }
  return items;
}

function readConfig(dir) {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.tf')).sort();
  const top = [];
  for (const f of files) {
    const file = path.join(dir, f);
    const src = fs.readFileSync(file, 'utf8');
    const ts = tokens(src);
    ts.push({type: 'punct', value: '}', line: 0, start: src.length, end: src.length});
    for (const item of body(ts, {i: 0}, file, src)) top.push({...item, file});
  }
  return top;
}

// ---- The checks -----------------------------------------------------------------------------------

let passed = 0;
const problems = [];
function check(ok, where, message) {
  if (ok) passed++;
  else problems.push(`${where}: ${message}`);
}

function attrsOf(items) {
  return items.filter((x) => x.kind === 'attr');
}

function checkBody(items, args, interfaces, where, provider) {
  const present = new Set();
  for (const item of items) {
    if (item.kind === 'attr') {
      present.add(item.name);
      if (META.has(item.name)) continue;
      const arg = args.get(item.name);
      check(arg && !arg.block, `${where}:${item.line}`, arg ? `'${item.name}' is a block, not an argument` : `unknown argument '${item.name}'`);
      continue;
    }
    let type = item.type;
    let inner = item.body;
    if (type === 'lifecycle') continue;
    if (type === 'dynamic') {
      type = item.labels[0];
      const content = item.body.find((x) => x.kind === 'block' && x.type === 'content');
      check(content && attrsOf(item.body).some((a) => a.name === 'for_each'), `${where}:${item.line}`,
        `dynamic "${type}" needs for_each and a content block`);
      inner = content ? content.body : [];
    }
    present.add(type);
    const arg = args.get(type);
    check(arg && arg.block, `${where}:${item.line}`, arg ? `'${type}' is an argument, not a block` : `unknown block '${type}'`);
    if (arg && arg.block && interfaces.has(arg.struct)) {
      checkBody(inner, interfaces.get(arg.struct), interfaces, `${where} > ${type}`, provider);
    }
  }
  for (const [name, arg] of args) {
    if (arg.required) check(present.has(name), where, `missing required ${arg.block ? 'block' : 'argument'} '${name}'`);
  }
}

function checkConfig(dir) {
  const top = readConfig(dir);
  const declared = new Map();
  const variables = new Map();
  const locals = new Set();
  const modules = new Map();
  for (const item of top) {
    if (item.kind !== 'block') continue;
    if (item.type === 'resource' || item.type === 'data') {
      const providerAttr = attrsOf(item.body).find((a) => a.name === 'provider');
      const provider = providerAttr ? providerAttr.expr.trim() : 'google';
      declared.set(`${item.type === 'data' ? 'data.' : ''}${item.labels[0]}.${item.labels[1]}`, {...item, provider});
    } else if (item.type === 'variable') {
      variables.set(item.labels[0], item);
    } else if (item.type === 'locals') {
      attrsOf(item.body).forEach((a) => locals.add(a.name));
    } else if (item.type === 'module') {
      modules.set(item.labels[0], item);
    }
  }
  for (const [name, item] of declared) {
    const where = `${path.relative(process.cwd(), item.file)}:${item.line} ${name}`;
    check(PACKAGES[item.provider], where, `unknown provider '${item.provider}'`);
    if (!PACKAGES[item.provider]) continue;
    const s = schema(item.provider, item.type, item.labels[0]);
    check(s, where, `the ${item.provider} provider has no ${item.type === 'data' ? 'data source' : 'resource'} ${item.labels[0]}`);
    if (s) checkBody(item.body, s.args, s.interfaces, where, item.provider);
  }
  // References to resources, data sources, variables, locals and modules, in every expression.
  const exprs = [];
  const collect = (items, file) => items.forEach((x) => (x.kind === 'attr' ? exprs.push({...x, file}) : collect(x.body, file)));
  top.forEach((x) => (x.kind === 'attr' ? exprs.push(x) : collect(x.body || [], x.file)));
  for (const e of exprs) {
    const where = `${path.relative(process.cwd(), e.file)}:${e.line}`;
    const text = e.expr.replace(/"(?:[^"\\$]|\\.|\$(?!\{))*"/g, (s) => (s.includes('${') ? s : '""'));
    for (const m of text.matchAll(/(?<![\w.])(data\.)?(google_\w+)\.(\w+)((?:\[[^\]]*\])?)\.(\w+)/g)) {
      const name = `${m[1] || ''}${m[2]}.${m[3]}`;
      const target = declared.get(name);
      check(target, where, `reference to ${name}, which is not declared`);
      if (!target) continue;
      const s = schema(target.provider, target.type, target.labels[0]);
      const counted = attrsOf(target.body).some((a) => a.name === 'count' || a.name === 'for_each');
      check(!counted || m[4], where, `${name} has count or for_each: index it, as ${name}[0].${m[5]}`);
      check(!s || s.attrs.has(m[5]) || s.args.has(m[5]), where, `${name} has no attribute '${m[5]}'`);
    }
    for (const m of text.matchAll(/(?<![\w.])var\.(\w+)/g)) check(variables.has(m[1]), where, `var.${m[1]} is not declared`);
    for (const m of text.matchAll(/(?<![\w.])local\.(\w+)/g)) check(locals.has(m[1]), where, `local.${m[1]} is not declared`);
  }
  // Module calls: every argument a variable of the module, every variable without a default given.
  for (const [name, item] of modules) {
    const where = `${path.relative(process.cwd(), item.file)}:${item.line} module.${name}`;
    const source = attrsOf(item.body).find((a) => a.name === 'source');
    const moduleDir = path.resolve(dir, JSON.parse(source.expr));
    const inner = readConfig(moduleDir).filter((x) => x.kind === 'block' && x.type === 'variable');
    const names = new Map(inner.map((v) => [v.labels[0], v]));
    const given = new Set(attrsOf(item.body).map((a) => a.name));
    for (const a of attrsOf(item.body)) {
      if (['source', 'version', 'providers', 'count', 'for_each', 'depends_on'].includes(a.name)) continue;
      check(names.has(a.name), where, `the module has no variable '${a.name}'`);
    }
    for (const [v, block] of names) {
      const hasDefault = attrsOf(block.body).some((a) => a.name === 'default');
      check(hasDefault || given.has(v), where, `missing required variable '${v}'`);
    }
  }
}

// ---- Rules the schema cannot express, each learned from a defect the module once had -------------

/** The first provider release with an argument the module uses (hashicorp/google CHANGELOG). */
const SINCE = {'google_cloud_run_v2_job.deletion_protection': [6, 0]};
/** The provider version the schema above comes from: a supported range must include it. */
const SCHEMA_VERSION = [6, 50];
/** Resources that fail on a new project unless the API that serves them is enabled first. */
const NEEDS_API = ['google_service_account', 'google_project_service_identity', 'google_storage_bucket',
  'google_bigquery_dataset', 'google_cloud_run_v2_job', 'google_cloud_scheduler_job'];
/** Data sources read only with a CMEK key: without count they are read (and can fail) with none. */
const ONLY_WITH_KEY = ['google_storage_project_service_account', 'google_bigquery_default_service_account'];

const cmp = (a, b) => (a[0] - b[0]) || (a[1] - b[1]);
function admits(constraint, v) {
  return constraint.split(',').every((c) => {
    const m = /\s*(>=|<=|>|<|=|~>)?\s*(\d+)(?:\.(\d+))?/.exec(c);
    const w = [Number(m[2]), Number(m[3] || 0)];
    const d = cmp(v, w);
    return {'>=': d >= 0, '>': d > 0, '<=': d <= 0, '<': d < 0, '=': d === 0, undefined: d === 0, '~>': d >= 0 && v[0] === w[0]}[m[1]];
  });
}

function checkRules(dir) {
  const top = readConfig(dir);
  const where = (item) => `${path.relative(process.cwd(), item.file)}:${item.line}`;
  const required = [];
  for (const t of top.filter((x) => x.kind === 'block' && x.type === 'terraform')) {
    for (const rp of t.body.filter((x) => x.kind === 'block' && x.type === 'required_providers')) {
      for (const a of attrsOf(rp.body)) {
        const version = /version\s*=\s*"([^"]+)"/.exec(a.expr);
        if (version) required.push({name: a.name, constraint: version[1], item: a, file: t.file});
      }
    }
  }
  for (const r of required.filter((x) => x.name === 'google' || x.name === 'google-beta')) {
    const at = `${path.relative(process.cwd(), r.file)}:${r.item.line}`;
    check(admits(r.constraint, SCHEMA_VERSION), at, `${r.name} "${r.constraint}" shuts out ${SCHEMA_VERSION.join('.')}, the version checked here`);
    check(admits(r.constraint, [7, 0]), at, `${r.name} "${r.constraint}" shuts out 7.x, which keeps every argument the module uses`);
    for (const item of top.filter((x) => x.kind === 'block' && x.type === 'resource')) {
      for (const a of attrsOf(item.body)) {
        const since = SINCE[`${item.labels[0]}.${a.name}`];
        if (since) {
          const lowest = /(?:>=|~>)\s*(\d+)(?:\.(\d+))?/.exec(r.constraint);
          const low = lowest ? [Number(lowest[1]), Number(lowest[2] || 0)] : [0, 0];
          check(cmp(low, since) >= 0, at, `${r.name} "${r.constraint}" admits versions before ${since.join('.')}, which lack`
            + ` ${item.labels[0]}.${a.name} (${where(item)})`);
        }
      }
    }
  }
  const everyAttr = [];
  const walk = (items, file) => items.forEach((x) => (x.kind === 'attr' ? everyAttr.push({...x, file}) : walk(x.body, file)));
  top.filter((x) => x.kind === 'block').forEach((b) => walk(b.body, b.file));
  for (const a of everyAttr) {
    check(!/@gcp-sa-[\w-]+\.iam\.gserviceaccount\.com/.test(a.expr), where(a),
      `'${a.name}' writes a service agent's email by hand; the agent exists only once its API was first used:`
      + ' create it with google_project_service_identity and use its email');
  }
  for (const item of top.filter((x) => x.kind === 'block' && (x.type === 'resource' || x.type === 'data'))) {
    const attrs = attrsOf(item.body);
    if (item.type === 'resource' && NEEDS_API.includes(item.labels[0])) {
      const deps = attrs.find((a) => a.name === 'depends_on');
      check(deps && /google_project_service\./.test(deps.expr), where(item),
        `${item.labels.join('.')} must depend on google_project_service (its API may not be enabled yet on a new project)`);
    }
    if (item.type === 'data' && ONLY_WITH_KEY.includes(item.labels[0])) {
      check(attrs.some((a) => a.name === 'count'), where(item), `data.${item.labels.join('.')} is needed only with a CMEK key:`
        + ' give it count = var.kms_key_name == null ? 0 : 1');
    }
  }
}

const dirs = process.argv.slice(2);
if (dirs.length === 0) {
  console.error('usage: node schema-check.mjs DIR...');
  process.exit(2);
}
for (const dir of dirs) {
  checkConfig(dir);
  checkRules(dir);
}
problems.forEach((p) => console.log('FAIL ' + p));
console.log(`schema-check: ${passed} passed, ${problems.length} failed`);
process.exit(problems.length === 0 ? 0 : 1);
