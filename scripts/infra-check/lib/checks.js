// The checks. Each takes the loaded Model and a Findings collector; a finding is one line,
// "file:line: [rule] message". Facts about AWS that a check relies on carry their source.
"use strict";

const fs = require("fs");
const path = require("path");
const { format } = require("@cdktf/hcl-tools");
const aslValidator = require("asl-validator");
const aslService = require("amazon-states-language-service");
const { TextDocument } = require("vscode-languageserver-textdocument");
const { references } = require("./terraform");
const { attr, blocks, UNKNOWN, isUnknown } = require("./model");
const { EvalError } = require("./eval");
const java = require("./java");
const { unifiedDiff } = require("./diff");

// ---------------------------------------------------------------------------------------------
// Documented exceptions: actions that may be granted on Resource "*". Nothing else may.
// ---------------------------------------------------------------------------------------------
const RESOURCE_STAR_EXCEPTIONS = {
  // Step Functions' CloudWatch Logs delivery: "Resource": "*" in AWS's own example policy.
  // https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html
  "logs:CreateLogDelivery": "https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html",
  "logs:GetLogDelivery": "https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html",
  "logs:UpdateLogDelivery": "https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html",
  "logs:DeleteLogDelivery": "https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html",
  "logs:ListLogDeliveries": "https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html",
  "logs:PutResourcePolicy": "https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html",
  "logs:DescribeResourcePolicies": "https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html",
  "logs:DescribeLogGroups": "https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html",
  // X-Ray write actions have no resource types (Service Authorization Reference for X-Ray).
  // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsx-ray.html
  "xray:PutTraceSegments": "https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsx-ray.html",
  "xray:PutTelemetryRecords": "https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsx-ray.html",
  "xray:GetSamplingRules": "https://docs.aws.amazon.com/step-functions/latest/dg/xray-iam.html",
  "xray:GetSamplingTargets": "https://docs.aws.amazon.com/step-functions/latest/dg/xray-iam.html",
};

// The documented list of the Step Functions execution role's log delivery actions (cw-logs.html).
const SFN_LOG_DELIVERY_ACTIONS = Object.keys(RESOURCE_STAR_EXCEPTIONS).filter((a) => a.startsWith("logs:"));

// What a Lambda SQS event source mapping needs on the queue ("The Lambda execution role must
// include the following permissions: sqs:DeleteMessage, sqs:GetQueueAttributes, sqs:ReceiveMessage").
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-configure-lambda-function-trigger.html
const ESM_SQS_ACTIONS = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"];

// SendTask* carry no resource type in the Service Authorization Reference, yet Step Functions
// evaluates a callback token against the state machine that issued it; the grant is scoped to
// this state machine (see main.tf and docs/deploy.md).
const CALLBACK_ACTIONS = ["states:SendTaskSuccess", "states:SendTaskFailure", "states:SendTaskHeartbeat"];

const SQS_INTEGRATION = (partition) => `arn:${partition}:states:::sqs:sendMessage.waitForTaskToken`;

const META_ARGS = {
  resource: { attributes: ["count", "for_each", "depends_on", "provider"], blocks: ["lifecycle", "provisioner", "connection", "dynamic"] },
  data: { attributes: ["count", "for_each", "depends_on", "provider"], blocks: ["lifecycle", "dynamic"] },
};

const LIFECYCLE = {
  attributes: { create_before_destroy: {}, prevent_destroy: {}, ignore_changes: {}, replace_triggered_by: {} },
  blocks: {
    precondition: { attributes: { condition: { required: true }, error_message: { required: true } }, blocks: {} },
    postcondition: { attributes: { condition: { required: true }, error_message: { required: true } }, blocks: {} },
  },
};

const TOP_LEVEL = {
  variable: {
    attributes: { description: {}, type: {}, default: {}, sensitive: {}, nullable: {}, ephemeral: {} },
    blocks: { validation: { attributes: { condition: { required: true }, error_message: { required: true } }, blocks: {} } },
  },
  output: {
    attributes: { value: { required: true }, description: {}, sensitive: {}, depends_on: {}, ephemeral: {} },
    blocks: { precondition: LIFECYCLE.blocks.precondition },
  },
  terraform: {
    attributes: { required_version: {}, experiments: {} },
    blocks: { required_providers: null, backend: null, cloud: null },
  },
};

// Arguments of the aws provider block this configuration may use (the provider schema itself is
// not in the CDKTF bindings' resource classes).
const PROVIDER_AWS = {
  attributes: {
    region: {}, profile: {}, allowed_account_ids: {}, forbidden_account_ids: {}, shared_config_files: {},
    shared_credentials_files: {}, max_retries: {}, retry_mode: {}, skip_metadata_api_check: {}, alias: {},
  },
  blocks: { default_tags: { attributes: { tags: {} }, blocks: {} }, assume_role: null, endpoints: null, ignore_tags: null },
};

class Findings {
  constructor() {
    this.items = [];
  }

  add(file, line, rule, message) {
    this.items.push({ file, line, rule, message });
  }

  get count() {
    return this.items.length;
  }

  lines() {
    return this.items.map((f) => `${f.file}${f.line ? `:${f.line}` : ""}: [${f.rule}] ${f.message}`);
  }
}

// ---------------------------------------------------------------------------------------------
// terraform fmt -check
// ---------------------------------------------------------------------------------------------
async function checkFormat(model, out) {
  for (const f of model.files) {
    const formatted = await format(f.text);
    if (formatted !== f.text) {
      const diff = unifiedDiff(f.text, formatted, f.rel);
      const first = diff.firstLine ?? 1;
      out.add(f.rel, first, "fmt", `not formatted as terraform fmt would (run terraform fmt); diff:\n${diff.text}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Resources and data sources against the provider schema
// ---------------------------------------------------------------------------------------------
function checkBody(body, schema, file, where, out, extra = { attributes: [], blocks: [] }) {
  for (const a of body.attributes) {
    if (extra.attributes.includes(a.name)) continue;
    const s = schema.attributes[a.name];
    if (s) {
      if (s.computed && !s.optional && !s.required) out.add(file, a.line, "schema", `${where}: ${a.name} is read-only (computed by the provider) and cannot be set`);
      continue;
    }
    if (schema.blocks[a.name]) {
      out.add(file, a.line, "schema", `${where}: ${a.name} is a block, not an argument: write ${a.name} { ... }`);
      continue;
    }
    out.add(file, a.line, "schema", `${where}: unsupported argument ${a.name}${suggest(a.name, Object.keys(schema.attributes))}`);
  }
  const counts = {};
  for (const b of body.blocks) {
    if (b.type === "lifecycle" && extra.blocks.includes("lifecycle")) {
      checkBody(b, LIFECYCLE, file, `${where} > lifecycle`, out);
      continue;
    }
    if (b.type === "dynamic" && extra.blocks.includes("dynamic")) {
      const target = schema.blocks[b.labels[0]];
      if (!target) {
        out.add(file, b.line, "schema", `${where}: dynamic "${b.labels[0]}" names no block of this type`);
        continue;
      }
      counts[b.labels[0]] = Infinity; // any number
      for (const c of blocks(b, "content")) checkBody(c, target, file, `${where} > dynamic ${b.labels[0]}`, out, { attributes: [], blocks: ["dynamic"] });
      continue;
    }
    if (extra.blocks.includes(b.type)) continue;
    const s = schema.blocks[b.type];
    if (!s) {
      if (schema.attributes[b.type]) out.add(file, b.line, "schema", `${where}: ${b.type} is an argument, not a block: write ${b.type} = ...`);
      else out.add(file, b.line, "schema", `${where}: unsupported block type ${b.type}${suggest(b.type, Object.keys(schema.blocks))}`);
      continue;
    }
    counts[b.type] = (counts[b.type] ?? 0) + 1;
    if (s.attributes || s.blocks) checkBody(b, { attributes: s.attributes ?? {}, blocks: s.blocks ?? {} }, file, `${where} > ${b.type}`, out, { attributes: [], blocks: ["dynamic"] });
  }
  for (const [name, s] of Object.entries(schema.attributes)) {
    if (s.required && !body.attributes.some((a) => a.name === name)) out.add(file, body.line, "schema", `${where}: missing required argument ${name}`);
  }
  for (const [name, s] of Object.entries(schema.blocks)) {
    if (!s) continue;
    const n = counts[name] ?? 0;
    if ((s.min_items ?? 0) > n) out.add(file, body.line, "schema", `${where}: missing required block ${name} (at least ${s.min_items})`);
    if (s.max_items && n !== Infinity && n > s.max_items) out.add(file, body.line, "schema", `${where}: at most ${s.max_items} ${name} block(s) allowed, found ${n}`);
  }
}

function suggest(name, candidates) {
  let best = null;
  let bestD = 3;
  for (const c of candidates) {
    const d = editDistance(name, c);
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best ? ` (did you mean ${best}?)` : "";
}

function editDistance(a, b) {
  const dp = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) dp[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      dp[i][j] = Math.min(dp[i - 1][j] + 1, dp[i][j - 1] + 1, dp[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return dp[a.length][b.length];
}

function checkSchema(model, schema, out) {
  for (const [kind, map, table] of [
    ["resource", model.resources, schema.resources],
    ["data", model.data, schema.data_sources],
  ]) {
    for (const [addr, r] of map) {
      const s = table[r.type];
      const label = kind === "data" ? `data.${addr}` : addr;
      if (!s) {
        out.add(r.file, r.block.line, "schema", `${label}: ${kind} type ${r.type} is not in the committed provider schema (misspelled, or run node scripts/infra-check/generate-schema.js)`);
        continue;
      }
      checkBody(r.block, s, r.file, label, out, META_ARGS[kind]);
      if (attr(r.block, "count") && attr(r.block, "for_each")) out.add(r.file, r.block.line, "schema", `${label}: count and for_each cannot both be set`);
    }
  }
  for (const f of model.files) {
    for (const b of f.body.blocks) {
      const where = [b.type, ...b.labels].join(" ");
      if (b.type === "variable" || b.type === "output" || b.type === "terraform") {
        checkBody(b, TOP_LEVEL[b.type], f.rel, where, out, { attributes: [], blocks: b.type === "terraform" ? ["required_providers", "backend", "cloud"] : [] });
      } else if (b.type === "provider") {
        if (b.labels[0] !== "aws") out.add(f.rel, b.line, "schema", `provider ${b.labels[0]} is not used by this configuration`);
        else checkBody(b, PROVIDER_AWS, f.rel, where, out, { attributes: [], blocks: ["assume_role", "endpoints", "ignore_tags"] });
      } else if (!["resource", "data", "locals", "module", "moved", "import", "check", "removed"].includes(b.type)) {
        out.add(f.rel, b.line, "schema", `unsupported top-level block type ${b.type}`);
      }
    }
  }
  for (const d of model.duplicates) out.add(d.file, d.line, "schema", `${d.what} is declared twice (first in ${d.first.file})`);
}

// ---------------------------------------------------------------------------------------------
// References, variables, outputs
// ---------------------------------------------------------------------------------------------
async function checkReferences(model, schema, out) {
  const counted = (r) => !!(attr(r.block, "count") || attr(r.block, "for_each"));
  const used = { var: new Set(), local: new Set() };

  async function visitBody(body, file, ctx) {
    for (const a of body.attributes) {
      // Type constraints and ignore_changes name types and attributes, not values.
      if ((body.type === "variable" && a.name === "type") || (body.type === "lifecycle" && a.name === "ignore_changes")) continue;
      await visitExpr(a.expr, a.exprLine, file, ctx);
    }
    for (const b of body.blocks) {
      let inner = ctx;
      if (b.type === "dynamic") {
        const it = attr(b, "iterator");
        inner = { ...ctx, iterators: new Set([...ctx.iterators, it ? it.expr.replace(/"/g, "") : b.labels[0]]) };
      }
      await visitBody(b, file, inner);
    }
  }

  async function visitExpr(expr, line, file, ctx) {
    let parsed;
    try {
      parsed = await references(file, expr);
    } catch (e) {
      out.add(file, line, "syntax", `cannot parse expression: ${e.message}`);
      return;
    }
    for (const r of parsed.refs) {
      const at = line + r.line;
      const p = r.parts;
      const root = p[0].name;
      const second = p[1]?.kind === "nameTraversal" ? p[1].name : null;
      if (ctx.iterators.has(root)) continue;
      if (root === "var") {
        used.var.add(second);
        if (!model.variables.has(second)) out.add(file, at, "reference", `reference to undeclared variable var.${second}`);
      } else if (root === "local") {
        used.local.add(second);
        if (!model.locals.has(second)) out.add(file, at, "reference", `reference to undeclared local value local.${second}`);
      } else if (root === "path") {
        if (!["module", "root", "cwd"].includes(second)) out.add(file, at, "reference", `unknown path attribute path.${second}`);
      } else if (root === "terraform") {
        if (second !== "workspace") out.add(file, at, "reference", `unknown terraform attribute terraform.${second}`);
      } else if (root === "count") {
        if (!ctx.count) out.add(file, at, "reference", "count.index used in a block without count");
      } else if (root === "each") {
        if (!ctx.forEach) out.add(file, at, "reference", "each.* used in a block without for_each");
      } else if (root === "self") {
        if (!ctx.self) out.add(file, at, "reference", "self is only valid in provisioner and connection blocks");
      } else if (root === "data") {
        const type = second;
        const name = p[2]?.name;
        const d = model.data.get(`${type}.${name}`);
        if (!d) {
          out.add(file, at, "reference", `reference to undeclared data source data.${type}.${name}`);
          continue;
        }
        checkAttributeRef(`data.${type}.${name}`, d, p.slice(3), schema.data_sources[type], file, at);
      } else if (root === "module") {
        out.add(file, at, "reference", `reference to module.${second}: no module is declared`);
      } else {
        const r2 = model.resources.get(`${root}.${second}`);
        if (!r2) {
          out.add(file, at, "reference", `reference to undeclared resource ${root}.${second ?? ""}`);
          continue;
        }
        checkAttributeRef(`${root}.${second}`, r2, p.slice(2), schema.resources[root], file, at);
      }
    }
  }

  function checkAttributeRef(addr, target, rest, typeSchema, file, at) {
    const isCounted = counted(target);
    if (rest.length === 0) return;
    if (isCounted && rest[0].kind !== "indexTraversal") {
      out.add(file, at, "reference", `${addr} has count/for_each: refer to one instance (${addr}[0].${rest[0].name}) or use a splat`);
      return;
    }
    if (!isCounted && rest[0].kind === "indexTraversal") {
      out.add(file, at, "reference", `${addr} has no count or for_each and cannot be indexed`);
      return;
    }
    const attrName = (isCounted ? rest[1] : rest[0])?.name;
    if (!attrName || !typeSchema) return;
    if (!(attrName in typeSchema.attributes) && !(attrName in typeSchema.blocks)) {
      out.add(file, at, "reference", `${addr} has no attribute ${attrName}${suggest(attrName, Object.keys(typeSchema.attributes))}`);
    }
  }

  for (const f of model.files) {
    for (const b of f.body.blocks) {
      const ctx = { iterators: new Set(), count: !!attr(b, "count"), forEach: !!attr(b, "for_each"), self: false };
      await visitBody(b, f.rel, ctx);
    }
  }

  for (const [name, v] of model.variables) {
    if (!attr(v.block, "type")) out.add(v.file, v.block.line, "variables", `variable ${name} has no type`);
    const d = attr(v.block, "description");
    if (!d || d.expr === '""') out.add(v.file, v.block.line, "variables", `variable ${name} has no description`);
    if (!used.var.has(name)) out.add(v.file, v.block.line, "variables", `variable ${name} is declared but never used`);
  }
  for (const [name, l] of model.locals) {
    if (!used.local.has(name)) out.add(l.file, l.attr.line, "variables", `local value ${name} is never used`);
  }
  for (const [name, o] of model.outputs) {
    const d = attr(o.block, "description");
    if (!d || d.expr === '""') out.add(o.file, o.block.line, "outputs", `output ${name} has no description`);
  }
}

// ---------------------------------------------------------------------------------------------
// Variable rules: validation blocks and preconditions, evaluated like terraform plan would
// ---------------------------------------------------------------------------------------------
async function conditionHolds(model, file, condition, overrides) {
  try {
    const v = await model.eval(file, condition.expr, overrides);
    return isUnknown(v) ? null : !!v;
  } catch (e) {
    if (e instanceof EvalError) return false; // Terraform reports an error: the condition does not hold
    throw e;
  }
}

async function checkRules(model, out) {
  // Every default must pass its own validation.
  for (const [name, v] of model.variables) {
    for (const val of blocks(v.block, "validation")) {
      const cond = attr(val, "condition");
      if (!cond) continue;
      const ok = await conditionHolds(model, v.file, cond, {});
      if (ok === false) out.add(v.file, val.line, "rules", `the default of variable ${name} (${JSON.stringify(model.defaults[name])}) fails its own validation`);
    }
  }
  // Every precondition must hold with the defaults.
  for (const r of [...model.resources.values(), ...model.data.values()]) {
    for (const lc of blocks(r.block, "lifecycle")) {
      for (const pc of blocks(lc, "precondition")) {
        const cond = attr(pc, "condition");
        if (!cond) continue;
        const ok = await conditionHolds(model, r.file, cond, {});
        if (ok === false) out.add(r.file, pc.line, "rules", `${r.type}.${r.name}: precondition fails with the default variable values: ${cond.expr}`);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The state machine definition (templatefile + ASL)
// ---------------------------------------------------------------------------------------------
async function templatefileCall(model, r) {
  const def = attr(r.block, "definition");
  if (!def) return null;
  const { ast } = await references(r.file, def.expr);
  const node = ast?.type === "function" && ast.meta.name === "templatefile" ? ast : null;
  if (!node) return { def, error: "definition is not a templatefile(...) call" };
  const kids = node.children.filter((c) => c.type !== "");
  const pathValue = await model.eval(r.file, kids[0].meta.value);
  const vars = kids[1]?.type === "object" ? kids[1].meta.items : {};
  return { def, path: pathValue, vars };
}

function placeholders(template) {
  const names = new Set();
  const directives = [];
  for (const m of template.matchAll(/(\$?)\$\{\s*([^}]*?)\s*\}/g)) {
    if (m[1] === "$") continue; // $${ is an escaped literal
    names.add(m[2]);
  }
  for (const m of template.matchAll(/(%?)%\{/g)) if (m[1] !== "%") directives.push(m.index);
  return { names, directives };
}

// Renders like templatefile: each ${name} replaced by the value's string form.
function render(template, values) {
  return template.replace(/(\$?)\$\{\s*([^}]*?)\s*\}/g, (m, esc, name) => (esc ? m.slice(1) : String(values[name])));
}

function lineAt(text, pos) {
  return text.slice(0, pos).split("\n").length;
}

async function checkStateMachine(model, out) {
  const machines = [...model.resources.values()].filter((r) => r.type === "aws_sfn_state_machine");
  if (machines.length === 0) out.add("main.tf", 0, "asl", "no aws_sfn_state_machine resource found");
  for (const r of machines) {
    const call = await templatefileCall(model, r);
    if (!call) {
      out.add(r.file, r.block.line, "asl", `${r.type}.${r.name} has no definition`);
      continue;
    }
    if (call.error) {
      out.add(r.file, call.def.line, "asl", `${r.type}.${r.name}: ${call.error}`);
      continue;
    }
    if (isUnknown(call.path)) {
      out.add(r.file, call.def.line, "asl", "cannot resolve the templatefile path statically");
      continue;
    }
    const templateRel = path.normalize(call.path);
    const templateFile = path.join(model.root, templateRel);
    if (!fs.existsSync(templateFile)) {
      out.add(r.file, call.def.line, "asl", `templatefile: ${templateRel} does not exist`);
      continue;
    }
    const template = fs.readFileSync(templateFile, "utf8");
    const { names, directives } = placeholders(template);
    for (const pos of directives) out.add(templateRel, lineAt(template, pos), "asl", "template directives %{...} are not expected in the state machine definition");
    const supplied = new Set(Object.keys(call.vars));
    for (const n of names) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(n)) out.add(templateRel, lineAt(template, template.indexOf(`\${${n}}`)), "asl", `placeholder \${${n}} is an expression; only plain variable names are used here`);
      else if (!supplied.has(n)) out.add(templateRel, lineAt(template, template.indexOf(`\${${n}}`)), "asl", `placeholder \${${n}} is not supplied by templatefile() in ${r.file} (templatefile would fail: vars map does not contain key "${n}")`);
    }
    for (const s of supplied) {
      if (!names.has(s)) out.add(r.file, call.def.line, "asl", `templatefile() supplies ${s}, which ${templateRel} never uses`);
    }

    // The scenarios: defaults, the smallest and largest allowed heartbeat/timeout, other partitions.
    const values = {};
    for (const [k, expr] of Object.entries(call.vars)) values[k] = expr;
    const scenarios = [
      { name: "defaults", overrides: {}, partition: "aws" },
      { name: "smallest heartbeat/timeout", overrides: { task_heartbeat_seconds: 3, task_timeout_seconds: 4, heartbeat_interval_seconds: 1, retry_delay_seconds: 1 }, partition: "aws" },
      { name: "largest heartbeat/timeout", overrides: { task_heartbeat_seconds: 31535999, task_timeout_seconds: 31536000 }, partition: "aws" },
      { name: "partition aws-cn", overrides: {}, partition: "aws-cn", region: "cn-north-1" },
      { name: "partition aws-us-gov", overrides: {}, partition: "aws-us-gov", region: "us-gov-west-1" },
    ];
    for (const sc of scenarios) {
      const region = sc.region ?? "us-east-1";
      const host = sc.partition === "aws-cn" ? `sqs.${region}.amazonaws.com.cn` : `sqs.${region}.amazonaws.com`;
      const queueUrl = `https://${host}/123456789012/${model.defaults.name_prefix ?? "x"}-tasks`;
      const known = { partition: sc.partition, queue_url: queueUrl };
      const rendered = {};
      for (const [k, expr] of Object.entries(values)) {
        if (k in known) {
          rendered[k] = known[k];
          continue;
        }
        const v = await model.eval(r.file, expr, sc.overrides);
        rendered[k] = isUnknown(v) ? `UNKNOWN_${k}` : v;
      }
      const text = render(template, rendered);
      validateAsl(text, templateRel, sc, rendered, out);
    }
  }
}

function validateAsl(text, file, sc, values, out) {
  const tag = `[${sc.name}]`;
  let asl;
  try {
    asl = JSON.parse(text);
  } catch (e) {
    const pos = Number((e.message.match(/position (\d+)/) ?? [])[1] ?? 0);
    out.add(file, lineAt(text, pos), "asl", `${tag} the rendered definition is not JSON: ${e.message}`);
    return;
  }
  if (!aslValidatorCache.has(text)) aslValidatorCache.set(text, aslValidator(asl));
  const v = aslValidatorCache.get(text);
  if (!v.isValid) {
    for (const err of v.errors) out.add(file, 0, "asl", `${tag} asl-validator: ${err.Message ?? err.message ?? JSON.stringify(err)}`);
  }
  const pending = aslLanguageService(text).then((diags) => {
    for (const d of diags) out.add(file, d.range.start.line + 1, "asl", `${tag} amazon-states-language-service: ${d.message}`);
  });
  out.pending = (out.pending ?? []).concat(pending);

  const expectedResource = SQS_INTEGRATION(sc.partition);
  const tasks = Object.entries(asl.States ?? {}).filter(([, s]) => s.Type === "Task");
  const waiting = tasks.filter(([, s]) => typeof s.Resource === "string" && s.Resource.endsWith(".waitForTaskToken"));
  if (waiting.length === 0) out.add(file, 0, "asl", `${tag} no Task state uses the .waitForTaskToken integration`);
  for (const [name, s] of waiting) {
    const line = lineAt(text, text.indexOf(`"${name}"`));
    if (s.Resource !== expectedResource) out.add(file, line, "asl", `${tag} ${name}: Resource is ${s.Resource}, expected exactly ${expectedResource}`);
    const hb = s.HeartbeatSeconds;
    const to = s.TimeoutSeconds;
    if (!Number.isInteger(hb) || !Number.isInteger(to)) out.add(file, line, "asl", `${tag} ${name}: HeartbeatSeconds and TimeoutSeconds must both be set to whole numbers (got ${hb}, ${to})`);
    else if (!(hb < to)) out.add(file, line, "asl", `${tag} ${name}: HeartbeatSeconds (${hb}) must be less than TimeoutSeconds (${to})`);
    const body = s.Parameters?.MessageBody ?? {};
    if (body["TaskToken.$"] !== "$$.Task.Token") out.add(file, line, "asl", `${tag} ${name}: MessageBody must carry "TaskToken.$": "$$.Task.Token" (the worker's message contract)`);
    if (s.Parameters?.QueueUrl !== values.queue_url) out.add(file, line, "asl", `${tag} ${name}: QueueUrl must be the tasks queue (\${queue_url})`);
    const caught = new Set((s.Catch ?? []).flatMap((c) => c.ErrorEquals ?? []));
    for (const e of ["States.HeartbeatTimeout", "States.Timeout"]) {
      if (!caught.has(e) && !caught.has("States.ALL")) out.add(file, line, "asl", `${tag} ${name}: no Catch for ${e}`);
    }
  }
}

// Most rendered definitions repeat (every check run, every self-test copy): validate each text once.
const aslValidatorCache = new Map();
const aslServiceCache = new Map();

function aslLanguageService(text) {
  if (!aslServiceCache.has(text)) aslServiceCache.set(text, aslLanguageServiceUncached(text));
  return aslServiceCache.get(text);
}

async function aslLanguageServiceUncached(text) {
  const ls = aslService.getLanguageService({});
  const doc = TextDocument.create("file:///statemachine.asl.json", "asl", 1, text);
  const diags = await ls.doValidation(doc, ls.parseJSONDocument(doc));
  return diags.filter((d) => d.severity === 1 || d.severity === 2);
}

// ---------------------------------------------------------------------------------------------
// IAM
// ---------------------------------------------------------------------------------------------
async function policyDocuments(model) {
  const docs = new Map();
  for (const [addr, d] of model.data) {
    if (d.type !== "aws_iam_policy_document") continue;
    const statements = [];
    for (const st of blocks(d.block, "statement").concat(blocks(d.block, "dynamic").filter((x) => x.labels[0] === "statement"))) {
      const read = async (name) => {
        const a = attr(st, name);
        if (!a) return { present: false };
        const v = await model.eval(d.file, a.expr);
        return { present: true, value: v, expr: a.expr, line: a.line };
      };
      statements.push({
        block: st,
        dynamic: st.type === "dynamic",
        sid: await read("sid"),
        effect: await read("effect"),
        actions: await read("actions"),
        notActions: attr(st, "not_actions"),
        notResources: attr(st, "not_resources"),
        resources: attr(st, "resources"),
        resourceRefs: attr(st, "resources") ? await model.deepRefs(d.file, attr(st, "resources").expr) : [],
        resourceValue: attr(st, "resources") ? await model.eval(d.file, attr(st, "resources").expr) : UNKNOWN,
        conditions: blocks(st, "condition"),
        principals: blocks(st, "principals"),
      });
    }
    docs.set(addr.replace(/^aws_iam_policy_document\./, ""), { addr: `data.${addr}`, file: d.file, block: d.block, statements });
  }
  return docs;
}

// Role -> [{doc, conditional(count expr)}]
async function rolePolicies(model) {
  const roles = new Map();
  for (const [addr, r] of model.resources) {
    if (r.type !== "aws_iam_role_policy") continue;
    const roleRefs = await model.deepRefs(r.file, attr(r.block, "role")?.expr ?? "null");
    const policyRefs = await model.deepRefs(r.file, attr(r.block, "policy")?.expr ?? "null");
    const role = roleRefs.map((x) => x.match(/^aws_iam_role\.(\w+)/)?.[1]).find(Boolean);
    const doc = policyRefs.map((x) => x.match(/^data\.aws_iam_policy_document\.(\w+)/)?.[1]).find(Boolean);
    if (!role || !doc) continue;
    if (!roles.has(role)) roles.set(role, []);
    roles.get(role).push({ doc, policy: addr, count: attr(r.block, "count"), file: r.file, line: r.block.line });
  }
  return roles;
}

async function roleOf(model, resourceAddr, attrName) {
  const r = model.resources.get(resourceAddr);
  if (!r) return null;
  const refs = await model.deepRefs(r.file, attr(r.block, attrName)?.expr ?? "null");
  return refs.map((x) => x.match(/^aws_iam_role\.(\w+)/)?.[1]).find(Boolean) ?? null;
}

async function checkIam(model, out) {
  const docs = await policyDocuments(model);

  for (const [, doc] of docs) {
    const sids = new Set();
    for (const st of doc.statements) {
      const line = st.block.line;
      const where = `${doc.addr} statement at line ${line}`;
      if (st.dynamic) {
        out.add(doc.file, line, "iam", `${where}: dynamic statements cannot be checked statically; write them out (use a separate document and count for optional ones)`);
        continue;
      }
      if (!st.sid.present || typeof st.sid.value !== "string" || st.sid.value === "") out.add(doc.file, line, "iam", `${where}: every statement needs a sid that says what it is for`);
      else {
        if (!/^[A-Za-z0-9]+$/.test(st.sid.value)) out.add(doc.file, st.sid.line, "iam", `${where}: sid ${st.sid.value} must be alphanumeric (IAM accepts A-Z, a-z, 0-9 only)`);
        if (sids.has(st.sid.value)) out.add(doc.file, st.sid.line, "iam", `${where}: sid ${st.sid.value} is used twice in one document`);
        sids.add(st.sid.value);
      }
      const effect = st.effect.present ? st.effect.value : "Allow";
      if (st.notActions) out.add(doc.file, st.notActions.line, "iam", `${where}: not_actions grants everything else; list the actions instead`);
      if (st.notResources) out.add(doc.file, st.notResources.line, "iam", `${where}: not_resources; list the resources instead`);
      if (!st.actions.present || !Array.isArray(st.actions.value)) {
        out.add(doc.file, st.actions.line ?? line, "iam", `${where}: actions must be a literal list of action names so they can be checked`);
        continue;
      }
      for (const a of st.actions.value) {
        if (typeof a !== "string" || !/^[a-z0-9-]+:[A-Za-z0-9*?]+$/.test(a)) out.add(doc.file, st.actions.line, "iam", `${where}: ${JSON.stringify(a)} is not an action name (service:Action)`);
        else if (/[*?]/.test(a) && effect === "Allow") out.add(doc.file, st.actions.line, "iam", `${where}: wildcard action ${a} in an Allow statement; grant the exact actions`);
        else if (/[*?]/.test(a) && a !== `${a.split(":")[0]}:*`) out.add(doc.file, st.actions.line, "iam", `${where}: partial wildcard action ${a}`);
      }
      if (effect !== "Allow") continue;
      if (!st.resources && st.principals.length === 0) {
        out.add(doc.file, line, "iam", `${where}: an Allow statement without resources applies to "*"; name the resources`);
        continue;
      }
      if (st.principals.length > 0) continue; // trust and resource policies: checked below
      const list = Array.isArray(st.resourceValue) ? st.resourceValue : null;
      if (list && list.includes("*")) {
        for (const a of st.actions.value) {
          if (!RESOURCE_STAR_EXCEPTIONS[a]) out.add(doc.file, st.resources.line, "iam", `${where}: ${a} is granted on "*"; scope it to the resources it needs (only the documented exceptions in scripts/infra-check/lib/checks.js may use "*")`);
        }
      } else if (/"\*"|"arn:[^"]*:\*"/.test(st.resources.expr)) {
        out.add(doc.file, st.resources.line, "iam", `${where}: wildcard in resources ${st.resources.expr}`);
      }
    }
  }

  // Who is who: the worker's role and the state machine's role, found through the resources that use them.
  const workerFn = [...model.resources.values()].find((r) => r.type === "aws_lambda_function");
  const machine = [...model.resources.values()].find((r) => r.type === "aws_sfn_state_machine");
  const roles = await rolePolicies(model);
  const workerRole = workerFn ? await roleOf(model, `aws_lambda_function.${workerFn.name}`, "role") : null;
  const machineRole = machine ? await roleOf(model, `aws_sfn_state_machine.${machine.name}`, "role_arn") : null;
  if (!workerRole) out.add(workerFn?.file ?? "main.tf", workerFn?.block.line ?? 0, "iam", "cannot find the worker function's role (aws_lambda_function role = aws_iam_role.X.arn)");
  if (!machineRole) out.add(machine?.file ?? "main.tf", machine?.block.line ?? 0, "iam", "cannot find the state machine's role (role_arn = aws_iam_role.X.arn)");

  const grants = (role, { includeConditional }) => {
    const list = [];
    for (const p of roles.get(role) ?? []) {
      if (p.count && !includeConditional) continue;
      const doc = docs.get(p.doc);
      if (!doc) continue;
      for (const st of doc.statements) {
        if ((st.effect.present ? st.effect.value : "Allow") !== "Allow" || !Array.isArray(st.actions.value)) continue;
        list.push({ st, doc, policy: p });
      }
    }
    return list;
  };
  const allowedOn = (list, action) => list.filter((g) => g.st.actions.value.includes(action));

  // Optional grants (count) must be the X-Ray ones, switched by the matching tracing variable.
  for (const [role, policies] of roles) {
    for (const p of policies) {
      if (!p.count) continue;
      const doc = docs.get(p.doc);
      const actions = doc ? doc.statements.flatMap((s) => s.actions.value ?? []) : [];
      const nonXray = actions.filter((a) => !a.startsWith("xray:"));
      if (nonXray.length) out.add(p.file, p.line, "iam", `${p.policy}: only the X-Ray grant is optional; ${nonXray.join(", ")} would disappear with its count`);
      const wanted = role === workerRole ? "var.lambda_tracing_enabled" : role === machineRole ? "var.state_machine_tracing_enabled" : null;
      if (wanted && !p.count.expr.includes(wanted)) out.add(p.file, p.line, "iam", `${p.policy}: the X-Ray grant must exist only when ${wanted} is true (count = ${wanted} ? 1 : 0)`);
    }
    for (const g of grants(role, { includeConditional: false })) {
      const xr = g.st.actions.value.filter((a) => a.startsWith("xray:"));
      if (xr.length) out.add(g.doc.file, g.st.block.line, "iam", `${g.doc.addr}: ${xr.join(", ")} granted unconditionally; X-Ray permissions belong in a policy whose count follows the tracing variable`);
    }
  }

  if (workerRole) {
    const g = grants(workerRole, { includeConditional: false });
    const srcDir = path.join(model.root, "lambda", "src", "main", "java");
    const calls = java.sdkCalls(srcDir, model.root);
    if (calls.length === 0) {
      out.add("lambda/src/main/java", 0, "iam", "found no Step Functions or SQS SDK call (sendTaskSuccess(...), changeMessageVisibilityBatch(...), ...) in the worker source; the scan or the worker is broken");
    }
    const seen = new Set();
    for (const c of calls) {
      if (seen.has(c.action)) continue;
      seen.add(c.action);
      if (allowedOn(g, c.action).length === 0) out.add(c.file, c.line, "iam", `the worker calls ${c.call}(...) but its role (aws_iam_role.${workerRole}) is not allowed ${c.action}`);
    }
    const queueRef = "aws_sqs_queue.tasks.arn";
    for (const a of [...ESM_SQS_ACTIONS, "sqs:ChangeMessageVisibility"]) {
      const on = allowedOn(g, a);
      if (on.length === 0) out.add(workerFn.file, workerFn.block.line, "iam", `the worker role lacks ${a}, which ${ESM_SQS_ACTIONS.includes(a) ? "the SQS event source mapping needs" : "the worker's retry delay needs"} (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-configure-lambda-function-trigger.html)`);
      else if (!on.some((x) => x.st.resourceRefs.includes(queueRef))) out.add(on[0].doc.file, on[0].st.block.line, "iam", `${a} must be granted on the tasks queue (${queueRef})`);
    }
    for (const a of CALLBACK_ACTIONS) {
      const on = allowedOn(g, a);
      const machineArn = machine ? `aws_sfn_state_machine.${machine.name}.arn` : null;
      if (on.length === 0) out.add(workerFn.file, workerFn.block.line, "iam", `the worker role lacks ${a}`);
      else if (!on.every((x) => machineArn && x.st.resourceRefs.includes(machineArn))) out.add(on[0].doc.file, on[0].st.block.line, "iam", `${a} must be scoped to this state machine (${machineArn})`);
    }
    const logs = allowedOn(g, "logs:PutLogEvents");
    if (logs.length === 0) out.add(workerFn.file, workerFn.block.line, "iam", "the worker role cannot write its logs (logs:PutLogEvents)");
    else if (!logs.every((x) => x.st.resourceRefs.some((ref) => /^aws_cloudwatch_log_group\.\w+\.arn$/.test(ref)))) out.add(logs[0].doc.file, logs[0].st.block.line, "iam", "logs:PutLogEvents must be scoped to the worker's own log group");
    for (const x of g) {
      for (const a of x.st.actions.value) {
        if (a.startsWith("sqs:") && x.st.resourceRefs.length && !x.st.resourceRefs.includes(queueRef)) out.add(x.doc.file, x.st.block.line, "iam", `the worker gets ${a} on something other than the tasks queue`);
      }
    }
  }

  if (machineRole) {
    const g = grants(machineRole, { includeConditional: false });
    const send = allowedOn(g, "sqs:SendMessage");
    if (send.length === 0) out.add(machine.file, machine.block.line, "iam", "the state machine role lacks sqs:SendMessage on the tasks queue");
    else if (!send.every((x) => x.st.resourceRefs.includes("aws_sqs_queue.tasks.arn"))) out.add(send[0].doc.file, send[0].st.block.line, "iam", "sqs:SendMessage must be scoped to the tasks queue only");
    const granted = new Set(g.flatMap((x) => x.st.actions.value));
    for (const a of SFN_LOG_DELIVERY_ACTIONS) if (!granted.has(a)) out.add(machine.file, machine.block.line, "iam", `the state machine role lacks ${a}, which Step Functions log delivery needs (https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html)`);
    for (const a of granted) {
      if (a !== "sqs:SendMessage" && !SFN_LOG_DELIVERY_ACTIONS.includes(a)) out.add(machine.file, machine.block.line, "iam", `the state machine role is granted ${a}, which the definition does not need`);
    }
  }

  // Trust policies: service principal plus aws:SourceAccount (and aws:SourceArn for Step Functions).
  for (const [addr, r] of model.resources) {
    if (r.type !== "aws_iam_role") continue;
    const refs = await model.deepRefs(r.file, attr(r.block, "assume_role_policy")?.expr ?? "null");
    const docName = refs.map((x) => x.match(/^data\.aws_iam_policy_document\.(\w+)/)?.[1]).find(Boolean);
    const doc = docs.get(docName);
    if (!doc) {
      out.add(r.file, r.block.line, "iam", `${addr}: assume_role_policy should come from an aws_iam_policy_document`);
      continue;
    }
    for (const st of doc.statements) {
      const keys = [];
      for (const c of st.conditions) keys.push(await model.eval(doc.file, attr(c, "variable")?.expr ?? "null"));
      if (!keys.includes("aws:SourceAccount")) out.add(doc.file, st.block.line, "iam", `${doc.addr}: the trust statement needs an aws:SourceAccount condition (confused-deputy protection)`);
      const services = [];
      for (const p of st.principals) services.push(...((await model.eval(doc.file, attr(p, "identifiers")?.expr ?? "[]")) || []));
      if (services.includes("states.amazonaws.com") && !keys.includes("aws:SourceArn")) out.add(doc.file, st.block.line, "iam", `${doc.addr}: Step Functions supports aws:SourceArn in trust policies; limit the role to this state machine`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Cross-checks with the worker project and the local stack
// ---------------------------------------------------------------------------------------------
async function checkCross(model, out) {
  const srcDir = path.join(model.root, "lambda", "src", "main", "java");
  const fn = [...model.resources.values()].find((r) => r.type === "aws_lambda_function");
  if (!fn) {
    out.add("main.tf", 0, "cross", "no aws_lambda_function resource");
    return;
  }
  const value = async (r, name) => {
    const a = attr(r.block, name);
    return a ? { v: await model.eval(r.file, a.expr), a } : { v: undefined, a: null };
  };

  const handler = await value(fn, "handler");
  if (typeof handler.v !== "string") out.add(fn.file, fn.block.line, "cross", "handler must be a known string (class::method)");
  else {
    const m = handler.v.match(/^([\w.$]+)::(\w+)$/);
    if (!m) out.add(fn.file, handler.a.line, "cross", `handler ${handler.v} is not of the form package.Class::method`);
    else {
      const c = java.findClass(srcDir, m[1]);
      if (!c.exists) out.add(fn.file, handler.a.line, "cross", `handler class ${m[1]} does not exist (expected lambda/src/main/java/${c.file})`);
      else if (!c.hasMethod(m[2])) out.add(fn.file, handler.a.line, "cross", `handler method ${m[2]} not found as a public method in ${m[1]}`);
    }
  }

  const env = blocks(fn.block, "environment")[0];
  const variables = env ? attr(env, "variables") : null;
  if (variables) {
    const { ast } = await references(fn.file, variables.expr);
    const keys = Object.keys(ast?.meta?.items ?? {});
    const read = java.envVarsRead(srcDir);
    if (read.size > 0) {
      for (const k of keys) if (!read.has(k)) out.add(fn.file, variables.line, "cross", `environment variable ${k} is not read anywhere in the worker source (misspelled?)`);
    }
    for (const k of ["HEARTBEAT_INTERVAL_SECONDS", "MAX_RECEIVE_COUNT", "RETRY_DELAY_SECONDS", "TASKS_QUEUE_URL", "PROCESSOR_CLASS"]) {
      if (!keys.includes(k)) out.add(fn.file, variables.line, "cross", `environment variable ${k} (docs/reference.md) is not set for the worker`);
    }
    const pc = ast?.meta?.items?.PROCESSOR_CLASS;
    if (pc) {
      const cls = await model.eval(fn.file, pc);
      if (typeof cls === "string" && !java.findClass(srcDir, cls).exists) out.add(fn.file, variables.line, "cross", `PROCESSOR_CLASS default ${cls} does not exist in lambda/src/main/java`);
    }
  } else out.add(fn.file, fn.block.line, "cross", "the worker has no environment variables");

  const jar = java.shadedJar(path.join(model.root, "lambda", "pom.xml"));
  const filename = await value(fn, "filename");
  if (jar.error) out.add("lambda/pom.xml", 0, "cross", jar.error);
  else if (typeof filename.v !== "string") out.add(fn.file, fn.block.line, "cross", "filename must resolve to the shaded jar path");
  else {
    const want = path.join("lambda", jar.jar);
    if (path.normalize(filename.v) !== want) out.add(fn.file, filename.a.line, "cross", `filename ${filename.v} is not the Maven shaded jar ${want} (lambda/pom.xml)`);
    const hash = attr(fn.block, "source_code_hash");
    if (!hash || !/filebase64sha256\(/.test(hash.expr)) out.add(fn.file, hash?.line ?? fn.block.line, "cross", "source_code_hash must be filebase64sha256 of the jar, so a rebuilt jar is redeployed");
    else if (!hash.expr.includes(filename.a.expr)) out.add(fn.file, hash.line, "cross", `source_code_hash must hash the same file as filename (${filename.a.expr})`);
  }

  const publish = await value(fn, "publish");
  if (publish.v !== true) out.add(fn.file, fn.block.line, "cross", "publish must be true: SnapStart snapshots published versions");
  const snap = blocks(fn.block, "snap_start")[0];
  if (!snap || (await model.eval(fn.file, attr(snap, "apply_on")?.expr ?? "null")) !== "PublishedVersions") out.add(fn.file, fn.block.line, "cross", 'snap_start { apply_on = "PublishedVersions" } is required');

  const esms = [...model.resources.values()].filter((r) => r.type === "aws_lambda_event_source_mapping");
  if (esms.length === 0) out.add(fn.file, fn.block.line, "cross", "no aws_lambda_event_source_mapping for the tasks queue");
  for (const e of esms) {
    const target = attr(e.block, "function_name");
    const refs = target ? await model.deepRefs(e.file, target.expr) : [];
    if (!refs.some((x) => /^aws_lambda_alias\.\w+\.arn$/.test(x))) out.add(e.file, target?.line ?? e.block.line, "cross", "the event source mapping must target the alias ARN (aws_lambda_alias.X.arn), so SnapStart versions are invoked");
    const types = await value(e, "function_response_types");
    if (!Array.isArray(types.v) || !types.v.includes("ReportBatchItemFailures")) out.add(e.file, types.a?.line ?? e.block.line, "cross", 'function_response_types must include "ReportBatchItemFailures" (the worker returns partial batch responses)');
    const src = attr(e.block, "event_source_arn");
    if (!src || !(await model.deepRefs(e.file, src.expr)).includes("aws_sqs_queue.tasks.arn")) out.add(e.file, src?.line ?? e.block.line, "cross", "event_source_arn must be the tasks queue (aws_sqs_queue.tasks.arn)");
  }
  for (const a of [...model.resources.values()].filter((r) => r.type === "aws_lambda_alias")) {
    const v = attr(a.block, "function_version");
    if (!v || !(await model.deepRefs(a.file, v.expr)).some((x) => /^aws_lambda_function\.\w+\.version$/.test(x))) out.add(a.file, v?.line ?? a.block.line, "cross", "the alias must point at the published version (aws_lambda_function.X.version)");
  }

  for (const q of [...model.resources.values()].filter((r) => r.type === "aws_sqs_queue")) {
    const sse = await value(q, "sqs_managed_sse_enabled");
    if (sse.v !== true) out.add(q.file, q.block.line, "cross", `aws_sqs_queue.${q.name}: sqs_managed_sse_enabled must be true`);
    const hasPolicy = [...model.resources.values()].some((p) => p.type === "aws_sqs_queue_policy" && (attr(p.block, "queue_url")?.expr ?? "").startsWith(`aws_sqs_queue.${q.name}.`));
    if (!hasPolicy) out.add(q.file, q.block.line, "cross", `aws_sqs_queue.${q.name} has no queue policy (deny non-TLS access)`);
  }
  const tasks = model.resources.get("aws_sqs_queue.tasks");
  if (!tasks) out.add("main.tf", 0, "cross", "no aws_sqs_queue.tasks (the name docs/reference.md uses)");
  else {
    const rp = attr(tasks.block, "redrive_policy");
    if (!rp || !(await model.deepRefs(tasks.file, rp.expr)).includes("aws_sqs_queue.dead_letters.arn")) out.add(tasks.file, rp?.line ?? tasks.block.line, "cross", "the tasks queue must redrive to aws_sqs_queue.dead_letters");
    const vis = await value(tasks, "visibility_timeout_seconds");
    const want = 6 * model.defaults.lambda_timeout_seconds + model.defaults.batching_window_seconds;
    if (vis.v !== want) out.add(tasks.file, vis.a?.line ?? tasks.block.line, "cross", `visibility timeout is ${String(vis.v)}, expected 6 x lambda_timeout_seconds + batching_window_seconds = ${want} (AWS recommendation for SQS event sources)`);
  }

  // Every queue policy must deny non-TLS requests.
  for (const p of [...model.resources.values()].filter((r) => r.type === "aws_sqs_queue_policy")) {
    const refs = await model.deepRefs(p.file, attr(p.block, "policy")?.expr ?? "null");
    const docName = refs.map((x) => x.match(/^data\.aws_iam_policy_document\.(\w+)/)?.[1]).find(Boolean);
    const doc = docName && model.data.get(`aws_iam_policy_document.${docName}`);
    let ok = false;
    for (const st of doc ? blocks(doc.block, "statement") : []) {
      const effect = await model.eval(doc.file, attr(st, "effect")?.expr ?? '"Allow"');
      for (const c of blocks(st, "condition")) {
        const variable = await model.eval(doc.file, attr(c, "variable")?.expr ?? "null");
        const values = await model.eval(doc.file, attr(c, "values")?.expr ?? "[]");
        if (effect === "Deny" && variable === "aws:SecureTransport" && Array.isArray(values) && values.includes("false")) ok = true;
      }
    }
    if (!ok) out.add(p.file, p.block.line, "cross", `aws_sqs_queue_policy.${p.name} must deny requests with aws:SecureTransport = false`);
  }

  // The README's variable table: one row per variable, with the default as in variables.tf.
  const readme = path.join(model.root, "README.md");
  if (!fs.existsSync(readme)) {
    out.add("README.md", 0, "docs", "README.md is missing: it documents every variable with its default");
  } else {
    const rows = new Map();
    fs.readFileSync(readme, "utf8")
      .split("\n")
      .forEach((line, i) => {
        const m = line.match(/^\| `(\w+)` \| `([^`]*)` \|/);
        if (m) rows.set(m[1], { text: m[2], line: i + 1 });
      });
    for (const [name, v] of model.variables) {
      const row = rows.get(name);
      const want = JSON.stringify(model.defaults[name]);
      if (!row) out.add("README.md", 0, "docs", `the variable table has no row for ${name} (default ${want})`);
      else if (row.text !== want) out.add("README.md", row.line, "docs", `the variable table says ${name} defaults to ${row.text}, variables.tf says ${want}`);
    }
    for (const [name, row] of rows) {
      if (!model.variables.has(name)) out.add("README.md", row.line, "docs", `the variable table lists ${name}, which variables.tf does not declare`);
    }
  }

  // The local stack's copy of the defaults.
  const localDefaults = path.join(model.root, "local", "src", "main", "resources", "terraform-defaults.json");
  if (fs.existsSync(localDefaults)) {
    let json;
    try {
      json = JSON.parse(fs.readFileSync(localDefaults, "utf8"));
    } catch (e) {
      out.add("local/src/main/resources/terraform-defaults.json", 0, "cross", `not JSON: ${e.message}`);
      json = {};
    }
    for (const [k, v] of Object.entries(json)) {
      if (k.startsWith("_") || k.startsWith("$")) continue;
      if (!model.variables.has(k)) out.add("local/src/main/resources/terraform-defaults.json", 0, "cross", `${k} is not a variable in variables.tf`);
      else if (JSON.stringify(model.defaults[k]) !== JSON.stringify(v)) {
        const vb = model.variables.get(k);
        out.add(vb.file, vb.block.line, "cross", `default of ${k} is ${JSON.stringify(model.defaults[k])} but local/src/main/resources/terraform-defaults.json says ${JSON.stringify(v)}`);
      }
    }
  }
}

async function runAll(model, schema) {
  const out = new Findings();
  const steps = [
    ["fmt", () => checkFormat(model, out)],
    ["schema", () => checkSchema(model, schema, out)],
    ["references", () => checkReferences(model, schema, out)],
    ["rules", () => checkRules(model, out)],
    ["asl", () => checkStateMachine(model, out)],
    ["iam", () => checkIam(model, out)],
    ["cross", () => checkCross(model, out)],
  ];
  for (const [name, step] of steps) {
    try {
      await step();
    } catch (e) {
      out.add("scripts/infra-check", 0, name, `check crashed: ${e.stack || e}`);
    }
  }
  await Promise.all(out.pending ?? []);
  return out;
}

module.exports = { runAll, Findings, RESOURCE_STAR_EXCEPTIONS, SFN_LOG_DELIVERY_ACTIONS, ESM_SQS_ACTIONS, CALLBACK_ACTIONS };
