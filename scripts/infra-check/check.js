#!/usr/bin/env node
// What Terraform cannot know, checked against what Terraform computed. scripts/check-infra.sh runs
// Terraform (fmt, validate, graph, console, test) and hands the results here:
//   --graph FILE     `terraform graph -type=plan`: the dependency graph
//   --defaults FILE  `terraform console`: every variable the graph declares, with its default, as JSON
//   --harvest FILE   what --render kept of `terraform test -json -verbose` (the state read here)
// Checks: the rendered state machine definitions against AWS's ASL validators; the DynamoDB, SNS,
// SQS and Step Functions calls each function's handler can reach in the Java source against the
// policy the real provider rendered for its role (the approval functions' roles: exactly those);
// the handlers and jar against lambda/; the environment variable names against what the code
// reads; the README's variable table and the local stack's defaults against variables.tf; the
// destroy order (the state machine goes before the worker and the approval path).
// Usage: node check.js --root DIR --graph FILE --defaults FILE --harvest FILE
//        [--partial yes]  skip the checks whose test runs did not run (the self-test)
//        node check.js --render FILE --keep OUT   (prints the run results of a `terraform test
//                         -json -verbose` stream; keeps the resources read here in OUT)
//        node check.js --jar-path DIR  (prints the shaded jar's path from DIR/lambda/pom.xml)
"use strict";

const fs = require("fs");
const path = require("path");
const aslValidator = require("asl-validator");
const aslService = require("amazon-states-language-service");
const { TextDocument } = require("vscode-languageserver-textdocument");
const java = require("./java");

const HARVEST_IAM_RUN = "worker_may_consume_the_tasks_queue_report_to_this_state_machine_and_log";
const HARVEST_WORKER_RUN = "definition_with_the_defaults";
const SRC = path.join("lambda", "src", "main", "java");
// The functions, their roles' documents, and whether a role must allow exactly what its handler
// calls (the worker's role also holds what its SQS event source mapping needs).
const FUNCTIONS = [
  { name: "worker", exact: false },
  { name: "approval_request", exact: true },
  { name: "approval_page", exact: true },
].map((f) => ({ ...f, fn: `aws_lambda_function.${f.name}`, doc: `data.aws_iam_policy_document.${f.name}` }));
const CALLED_SERVICES = /^(dynamodb|sns|sqs|states):/;

function args(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i += 2) out[argv[i].replace(/^--/, "")] = argv[i + 1];
  return out;
}

// Every message of a `terraform test -json` stream; non-JSON lines are kept as text.
function messages(file) {
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => {
    try {
      return JSON.parse(l);
    } catch {
      return { type: "text", "@message": l };
    }
  });
}

// The resources of the test states that the checks read: a few of the megabytes the stream holds.
const KEEP = ["aws_sfn_state_machine.callback", ...FUNCTIONS.flatMap((f) => [f.fn, f.doc])];

// The run results in the shape `terraform test` prints them, diagnostics included.
function render(file, keep) {
  let failed = false;
  const kept = {};
  for (const m of messages(file)) {
    if (m.type === "test_state") kept[m["@testrun"]] = (m.test_state.root_module?.resources ?? []).filter((r) => KEEP.includes(r.address)).map(({ address, values }) => ({ address, values }));
    if (m.type === "test_plan") kept[m["@testrun"]] = (m.test_plan.resource_changes ?? []).filter((r) => KEEP.includes(r.address) && r.change?.after).map((r) => ({ address: r.address, values: r.change.after }));
    if (m.type === "test_run" && m.test_run?.progress === "complete") console.log(`  run "${m.test_run.run}"... ${m.test_run.status}`);
    else if (m.type === "test_file" && m.test_file?.progress === "complete") console.log(`${m.test_file.path}... ${m.test_file.status}`);
    else if (m.type === "diagnostic") {
      const d = m.diagnostic;
      const where = d.range ? ` (${d.range.filename}:${d.range.start.line}${m["@testrun"] ? `, run "${m["@testrun"]}"` : ""})` : "";
      console.log(`${d.severity === "error" ? "Error" : "Warning"}: ${d.summary}${where}`);
      if (d.detail) console.log(d.detail.replace(/^/gm, "  "));
      if (d.severity === "error") failed = true;
    } else if (m.type === "test_summary") {
      console.log(m["@message"]);
      if (m.test_summary.status !== "pass") failed = true;
    } else if (m.type === "text") console.log(m["@message"]);
  }
  fs.writeFileSync(keep, JSON.stringify(kept));
  return failed ? 1 : 0;
}

// { run name: [resource] } of every run whose state the harvest kept.
const states = (file) => (fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : {});

const find = (resources, address) => resources?.find((r) => r.address === address)?.values;

const findings = () => ({ lines: [], add(where, rule, message) { this.lines.push(`${where}: [${rule}] ${message}`); } });

// With --partial (the self-test runs some test files only), a check whose input no run produced
// is skipped instead of reported.
let partial = false;

async function checkAsl(byRun, out) {
  const seen = new Map();
  for (const [run, resources] of Object.entries(byRun)) {
    const definition = find(resources, "aws_sfn_state_machine.callback")?.definition;
    if (typeof definition === "string" && !seen.has(definition)) seen.set(definition, run);
  }
  if (seen.size === 0 && !partial) out.add("tests/state_machine.tftest.hcl", "asl", "no rendered state machine definition in the test state; the runs failed or changed name");
  const ls = aslService.getLanguageService({});
  for (const [text, run] of seen) {
    const where = `statemachine.asl.json (as rendered by run "${run}")`;
    let asl;
    try {
      asl = JSON.parse(text);
    } catch (e) {
      out.add(where, "asl", `not JSON: ${e.message}`);
      continue;
    }
    const v = aslValidator(asl);
    for (const e of v.isValid ? [] : v.errors) out.add(where, "asl", `asl-validator: ${e.Message ?? e.message ?? JSON.stringify(e)}`);
    const doc = TextDocument.create("file:///statemachine.asl.json", "asl", 1, text);
    for (const d of await ls.doValidation(doc, ls.parseJSONDocument(doc))) {
      if (d.severity <= 2) out.add(`${where}:${d.range.start.line + 1}`, "asl", `amazon-states-language-service: ${d.message}`);
    }
  }
}

// Each handler's SDK calls (and raw JSON-protocol targets) against its role's policy as the
// provider rendered it: every call allowed; for the approval functions, nothing more allowed.
function checkGrants(root, byRun, out) {
  for (const f of FUNCTIONS) {
    const json = find(byRun[HARVEST_IAM_RUN], f.doc)?.json;
    const handler = find(byRun[HARVEST_IAM_RUN], f.fn)?.handler ?? "";
    if (!json) {
      if (!partial) out.add("tests/iam.tftest.hcl", "iam", `no ${f.doc} in the state of run "${HARVEST_IAM_RUN}"`);
      continue;
    }
    const granted = new Set();
    for (const st of JSON.parse(json).Statement) if (st.Effect === "Allow") for (const a of [st.Action].flat()) granted.add(a);
    const cls = handler.split("::")[0];
    const calls = java.sdkCalls(path.join(root, SRC), root, cls);
    if (calls.length === 0) out.add(SRC, "iam", `found no AWS call that ${cls || f.fn} can make; the scan or the handler is broken`);
    const seen = new Set();
    for (const c of calls) {
      if (!granted.has(c.action) && !seen.has(c.action)) out.add(`${c.file}:${c.line}`, "iam", `${f.name} (${cls}) calls ${c.call}(...) but its policy (${f.doc}, as rendered in tests/iam.tftest.hcl) does not allow ${c.action}`);
      seen.add(c.action);
    }
    if (!f.exact) continue;
    for (const a of granted) if (CALLED_SERVICES.test(a) && !seen.has(a)) out.add("main.tf", "iam", `${f.doc} allows ${a}, which ${f.name} (${cls}) never calls`);
  }
}

function checkFunctions(root, byRun, out) {
  const src = path.join(root, SRC);
  const jar = java.shadedJar(path.join(root, "lambda", "pom.xml"));
  if (jar.error) out.add("lambda/pom.xml", "lambda", jar.error);
  const read = java.envVarsRead(src);
  for (const f of FUNCTIONS) {
    const fn = find(byRun[HARVEST_WORKER_RUN], f.fn);
    if (!fn) {
      if (!partial) out.add("tests/state_machine.tftest.hcl", "lambda", `no ${f.fn} in the state of run "${HARVEST_WORKER_RUN}"`);
      continue;
    }
    const m = /^([\w.$]+)::(\w+)$/.exec(fn.handler ?? "");
    if (!m) out.add("main.tf", "lambda", `${f.fn}: handler ${fn.handler} is not of the form package.Class::method`);
    else {
      const c = java.findClass(src, m[1]);
      if (!c.exists) out.add("main.tf", "lambda", `${f.fn}: handler class ${m[1]} does not exist (expected ${path.join(SRC, c.file)})`);
      else if (!c.hasMethod(m[2])) out.add("main.tf", "lambda", `${f.fn}: handler method ${m[2]} is not a public method of ${m[1]}`);
    }
    if (!jar.error && path.normalize(fn.filename) !== path.join("lambda", jar.jar)) out.add("main.tf", "lambda", `${f.fn}: filename ${fn.filename} is not the shaded jar lambda/${jar.jar} (lambda/pom.xml)`);
    const env = fn.environment?.[0]?.variables ?? {};
    for (const k of Object.keys(env)) if (!read.has(k)) out.add("main.tf", "lambda", `${f.fn}: environment variable ${k} is not read anywhere in ${SRC} (misspelled?)`);
    if (env.PROCESSOR_CLASS && !java.findClass(src, env.PROCESSOR_CLASS).exists) out.add("main.tf", "lambda", `the default PROCESSOR_CLASS ${env.PROCESSOR_CLASS} does not exist in ${SRC}`);
  }
}

// Graph edges "A" -> "B" mean A depends on B; destroy runs them in reverse, so the state machine
// (deleted first) must depend on every resource of the worker and of the approval path, and none
// of them on it: its executions end on their next transition, a callback from one of them.
function checkDestroyOrder(dot, out) {
  const edges = new Map();
  for (const m of dot.matchAll(/"\[root\] ([^"]+?)(?: \(expand\))?" -> "\[root\] ([^"]+?)(?: \(expand\))?"/g)) {
    if (!edges.has(m[1])) edges.set(m[1], new Set());
    edges.get(m[1]).add(m[2]);
  }
  const reach = (from) => {
    const seen = new Set();
    const todo = [from];
    while (todo.length) for (const n of edges.get(todo.pop()) ?? []) if (!seen.has(n)) seen.add(n) && todo.push(n);
    return seen;
  };
  const machine = "aws_sfn_state_machine.callback";
  const worker = ["aws_lambda_event_source_mapping.tasks", "aws_lambda_alias.live", "aws_lambda_function.worker", "aws_iam_role_policy.worker", "aws_iam_role.worker"];
  for (const fn of ["approval_request", "approval_page"]) worker.push(...["aws_lambda_alias", "aws_lambda_function", "aws_iam_role_policy", "aws_iam_role"].map((t) => `${t}.${fn}`));
  worker.push("aws_lambda_permission.approval_page", "aws_apigatewayv2_route.approval_page", "aws_apigatewayv2_integration.approval_page", "aws_apigatewayv2_stage.approvals");
  worker.push("aws_apigatewayv2_api.approvals", "aws_dynamodb_table.approvals", "aws_sns_topic.approvals", "aws_sns_topic_subscription.approver");
  if (!edges.has(machine)) out.add("terraform graph", "destroy-order", `${machine} is not in the graph`);
  // The executions still running are stopped before the state machine is deleted.
  const stopper = "terraform_data.stop_executions_on_destroy";
  if (!reach(stopper).has(machine)) out.add("main.tf", "destroy-order", `${stopper} does not depend on ${machine}, so destroy does not stop the running executions before deleting it`);
  const below = reach(machine);
  for (const w of worker) {
    if (!below.has(w)) out.add("main.tf", "destroy-order", `${machine} does not depend on ${w}, so destroy can delete it first and leave running executions waiting for their timeouts`);
    if (reach(w).has(machine)) out.add("main.tf", "destroy-order", `${w} depends on ${machine}, so destroy deletes it before the state machine`);
  }
}

function checkDefaults(root, variables, defaults, out) {
  const readme = fs.readFileSync(path.join(root, "README.md"), "utf8").split("\n");
  const rows = new Map();
  readme.forEach((line, i) => {
    const m = /^\| `(\w+)` \| `([^`]*)` \|/.exec(line);
    if (m) rows.set(m[1], { text: m[2], line: i + 1 });
  });
  for (const name of variables) {
    const want = JSON.stringify(defaults[name]);
    const row = rows.get(name);
    if (!row) out.add("README.md", "docs", `the variable table has no row for ${name} (default ${want})`);
    else if (row.text !== want) out.add(`README.md:${row.line}`, "docs", `the variable table says ${name} defaults to ${row.text}, variables.tf says ${want}`);
  }
  for (const [name, row] of rows) if (!variables.includes(name)) out.add(`README.md:${row.line}`, "docs", `the variable table lists ${name}, which variables.tf does not declare`);
  const rel = "local/src/main/resources/terraform-defaults.json";
  const local = JSON.parse(fs.readFileSync(path.join(root, rel), "utf8"));
  for (const [k, v] of Object.entries(local)) {
    if (!variables.includes(k)) out.add(rel, "local", `${k} is not a variable in variables.tf`);
    else if (JSON.stringify(defaults[k]) !== JSON.stringify(v)) out.add(rel, "local", `${k} is ${JSON.stringify(v)} here but variables.tf's default is ${JSON.stringify(defaults[k])}`);
  }
}

async function main() {
  const a = args(process.argv.slice(2));
  if (a.render) return render(a.render, a.keep);
  if (a["jar-path"]) {
    const jar = java.shadedJar(path.join(a["jar-path"], "lambda", "pom.xml"));
    if (jar.error) throw new Error(jar.error);
    console.log(path.join("lambda", jar.jar));
    return 0;
  }
  partial = a.partial === "yes";
  const out = findings();
  const byRun = states(a.harvest);
  await checkAsl(byRun, out);
  checkGrants(a.root, byRun, out);
  checkFunctions(a.root, byRun, out);
  let variables = [];
  if (fs.existsSync(a.graph) || !partial) {
    // check-infra.sh asked terraform console for every variable the graph declares.
    const defaults = JSON.parse(fs.readFileSync(a.defaults, "utf8"));
    variables = Object.keys(defaults).sort();
    checkDestroyOrder(fs.readFileSync(a.graph, "utf8"), out);
    checkDefaults(a.root, variables, defaults, out);
  }
  for (const l of out.lines) console.log(l);
  console.log(`checks: ${out.lines.length === 0 ? "OK" : `${out.lines.length} finding(s)`} (${variables.length} variables, ${Object.keys(byRun).length} test states)`);
  return out.lines.length ? 1 : 0;
}

module.exports = { render };

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (e) => {
      console.error(`check-infra: internal error: ${e.stack || e}`);
      process.exit(3);
    },
  );
}
