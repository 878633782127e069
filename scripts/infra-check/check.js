#!/usr/bin/env node
// What Terraform cannot know, checked against what Terraform computed. scripts/check-infra.sh runs
// Terraform (fmt, validate, graph, console, test) and hands the results here:
//   --graph FILE     `terraform graph -type=plan`: the dependency graph
//   --defaults FILE  `terraform console`: every variable the graph declares, with its default, as JSON
//   --harvest FILE   what --render kept of `terraform test -json -verbose` (the state read here)
// Checks: the rendered state machine definitions against AWS's ASL validators; the DynamoDB, SNS,
// SQS and Step Functions calls each function's handler can reach in its own jar's Java source
// against the policy the real provider rendered for its role (the approval functions' roles:
// exactly those); each function's handler, and its jar against its Maven module's pom; the
// environment variable names against what that function's code reads; the local stack's defaults
// against variables.tf (the variables' table is generated: scripts/gen-docs.sh); the destroy order (the state machine
// goes before the worker and the approval path); the plans that must change nothing they should
// not (the upgrade from the single-file layout: nothing deleted or replaced, nothing created but
// what that layout did not have; a new approval jar: nothing of the callback core).
// Usage: node check.js --root DIR --graph FILE --defaults FILE --harvest FILE
//        [--partial yes]  skip the checks whose test runs did not run (the self-test)
//        [--asl skip]     skip the ASL validators (the self-test's checks of plants outside
//                         Terraform, on definitions the unplanted copy's run validated)
//        node check.js --render FILE --keep OUT   (prints the run results of a `terraform test
//                         -json -verbose` stream; keeps the resources read here in OUT)
//        node check.js --jar-path DIR  (prints the path of every shaded jar a test deploys, from
//                         the poms under DIR, one a line)
"use strict";

const fs = require("fs");
const path = require("path");
const java = require("./java");

// tests/iam.tftest.hcl's first run: the whole stack with approval on, policies rendered by the
// real provider.
const HARVEST_IAM_RUN = "worker_may_consume_the_tasks_queue_report_to_this_state_machine_and_log";
// tests/upgrade/: the modules planned against the state the single-file layout applied.
const HARVEST_UPGRADE_RUN = "plan_the_modules_against_its_state";
// tests/jars.tftest.hcl: a new approval jar, the rest as applied.
const HARVEST_APPROVAL_JAR_RUN = "a_new_approval_jar_leaves_the_worker_alone";
const src = (module) => path.join(module, "src", "main", "java");
// The functions: where they are in the state, their Maven module (the pom that names the shaded
// jar, and the source roots the jar holds), and whether a role must allow exactly what its handler
// calls (the worker's role also holds what its SQS event source mapping needs).
const FUNCTIONS = [
  { name: "worker", module: "module.callback.module.worker", pom: "lambda/worker", srcs: ["lambda/core", "lambda/worker"], exact: false },
  { name: "approval_request", module: "module.approval[0].module.request", pom: "lambda/approval", srcs: ["lambda/core", "lambda/approval"], exact: true },
  { name: "approval_page", module: "module.approval[0].module.page", pom: "lambda/approval", srcs: ["lambda/core", "lambda/approval"], exact: true },
].map((f) => ({ ...f, fn: `${f.module}.aws_lambda_function.this`, doc: `${f.module}.data.aws_iam_policy_document.this`, srcs: f.srcs.map(src) }));
// Every shaded jar a test deploys: the functions' and the example processor's (tests/jars.tftest.hcl).
const JAR_MODULES = ["lambda/worker", "lambda/approval", "examples/order-processor"];
// What a moved resource may change in place on the upgrade, by resource type (each an update
// that the provider makes in place, never a replacement): the functions get
// their own jars (new path, new hash) and the worker APPROVAL_ENABLED; the definition is rendered
// by jsonencode now (the same states; the provider sends it with UpdateStateMachine, in place);
// terraform_data's input carries the script's path. Anything else that changes may force a
// replacement, which the mock provider cannot tell: it is a finding.
const UPGRADE_MAY_CHANGE = {
  // A role's inline policy is put again in place (PutRolePolicy): the approval page's gained
  // states:DescribeExecution since the single-file layout.
  aws_iam_role_policy: ["policy"],
  aws_lambda_function: ["filename", "source_code_hash", "environment"],
  aws_sfn_state_machine: ["definition"],
  terraform_data: ["input", "output"],
};
// What the upgrade may create: resources the single-file layout did not have. The approval API's
// catch-all route and its invoke permission (issue 18: every request reaches the page function,
// which answers with the security headers). A missing moved block still shows as a delete.
const UPGRADE_MAY_CREATE = new Set(['module.approval[0].aws_apigatewayv2_route.page["DEFAULT"]', 'module.approval[0].aws_lambda_permission.page["DEFAULT"]']);
const CALLED_SERVICES = /^(dynamodb|sns|sqs|states):/;

function args(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i += 2) out[argv[i].replace(/^--/, "")] = argv[i + 1];
  return out;
}

// Every message of a `terraform test -json` stream; non-JSON lines are kept as text. A -verbose
// state or plan ends with the provider's whole schema (15 MB, the last member of test_state or
// test_plan, before the message's "type"), which nothing here reads: cut before parsing, unless
// what is left does not parse.
function messages(file) {
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => {
    const from = l.indexOf(',"provider_schemas":');
    const to = l.lastIndexOf('},"type":"test_');
    if (from > 0 && to > from) {
      try {
        return JSON.parse(l.slice(0, from) + l.slice(to));
      } catch {
        // the whole line below
      }
    }
    try {
      return JSON.parse(l);
    } catch {
      return { type: "text", "@message": l };
    }
  });
}

// The resources of the test states that the checks read: a few of the megabytes the stream holds.
const KEEP = ["aws_sfn_state_machine.callback", ...FUNCTIONS.flatMap((f) => [f.fn, f.doc])];

// Every resource of a state's module tree.
const allResources = (m) => [...(m?.resources ?? []), ...(m?.child_modules ?? []).flatMap(allResources)];

// The top-level attributes a planned update changes (unknown afterwards counts as a change).
function changedAttributes(change) {
  if (!change?.before || !change?.after) return [];
  const keys = new Set([...Object.keys(change.before), ...Object.keys(change.after)]);
  return [...keys].filter((k) => (change.after_unknown?.[k] === true ? change.before[k] !== undefined : JSON.stringify(change.before[k]) !== JSON.stringify(change.after[k]))).sort();
}

// The run results in the shape `terraform test` prints them, diagnostics included. Kept per run:
// the resources read here, and for a plan every managed resource's planned actions.
function render(file, keep) {
  let failed = false;
  const kept = {};
  for (const m of messages(file)) {
    if (m.type === "test_state") kept[m["@testrun"]] = allResources(m.test_state.root_module).filter((r) => KEEP.includes(r.address)).map(({ address, values }) => ({ address, values }));
    if (m.type === "test_plan") {
      const changes = (m.test_plan.resource_changes ?? []).filter((r) => r.mode === "managed");
      kept[m["@testrun"]] = changes.filter((r) => KEEP.includes(r.address) && r.change?.after).map((r) => ({ address: r.address, values: r.change.after }));
      kept[m["@testrun"]].push({ address: "(changes)", values: changes.map((r) => ({ address: r.address, type: r.type, previous: r.previous_address ?? null, actions: r.change.actions, changed: r.change.actions.includes("update") ? changedAttributes(r.change) : [] })) });
    }
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
  // Loaded here: asl-validator compiles its schemas when loaded (about 2 s of CPU), which the
  // self-test's runs on the unplanted copy's definitions (--asl skip) do without.
  const aslValidator = require("asl-validator");
  const aslService = require("amazon-states-language-service");
  const { TextDocument } = require("vscode-languageserver-textdocument");
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
    const calls = java.sdkCalls(f.srcs.map((s) => path.join(root, s)), root, cls);
    if (calls.length === 0) out.add(f.srcs.join(" + "), "iam", `found no AWS call that ${cls || f.fn} can make; the scan or the handler is broken`);
    const seen = new Set();
    for (const c of calls) {
      if (!granted.has(c.action) && !seen.has(c.action)) out.add(`${c.file}:${c.line}`, "iam", `${f.name} (${cls}) calls ${c.call}(...) but its policy (${f.doc}, as rendered in tests/iam.tftest.hcl) does not allow ${c.action}`);
      seen.add(c.action);
    }
    if (!f.exact) continue;
    for (const a of granted) if (CALLED_SERVICES.test(a) && !seen.has(a)) out.add("modules/", "iam", `${f.doc} allows ${a}, which ${f.name} (${cls}) never calls`);
  }
}

// Each function (as tests/iam.tftest.hcl applied it): its handler exists in its jar's source, its
// filename is the jar its Maven module builds, its environment holds only names its code reads.
function checkFunctions(root, byRun, out) {
  for (const f of FUNCTIONS) {
    const fn = find(byRun[HARVEST_IAM_RUN], f.fn);
    if (!fn) {
      if (!partial) out.add("tests/iam.tftest.hcl", "lambda", `no ${f.fn} in the state of run "${HARVEST_IAM_RUN}"`);
      continue;
    }
    const srcs = f.srcs.map((s) => path.join(root, s));
    const m = /^([\w.$]+)::(\w+)$/.exec(fn.handler ?? "");
    if (!m) out.add("modules/", "lambda", `${f.fn}: handler ${fn.handler} is not of the form package.Class::method`);
    else {
      const c = java.findClass(srcs, m[1]);
      if (!c.exists) out.add("modules/", "lambda", `${f.fn}: handler class ${m[1]} does not exist (expected ${c.file} in ${f.srcs.join(" or ")})`);
      else if (!c.hasMethod(m[2])) out.add("modules/", "lambda", `${f.fn}: handler method ${m[2]} is not a public method of ${m[1]}`);
    }
    const jar = java.shadedJar(path.join(root, f.pom, "pom.xml"));
    if (jar.error) out.add(`${f.pom}/pom.xml`, "lambda", jar.error);
    else if (path.normalize(fn.filename) !== path.join(f.pom, jar.jar)) out.add("main.tf", "lambda", `${f.fn}: filename ${fn.filename} is not the shaded jar ${f.pom}/${jar.jar} (${f.pom}/pom.xml)`);
    const read = java.envVarsRead(srcs);
    const env = fn.environment?.[0]?.variables ?? {};
    for (const k of Object.keys(env)) if (!read.has(k)) out.add("modules/", "lambda", `${f.fn}: environment variable ${k} is not read anywhere in ${f.srcs.join(" or ")} (misspelled?)`);
    if (env.PROCESSOR_CLASS && !java.findClass(srcs, env.PROCESSOR_CLASS).exists) out.add("modules/callback/main.tf", "lambda", `the default PROCESSOR_CLASS ${env.PROCESSOR_CLASS} does not exist in ${f.srcs.join(" or ")}`);
  }
}

// Plans that must leave things alone. The upgrade (tests/upgrade/, Terraform >= 1.11 only): nothing
// deleted or replaced, nothing created but UPGRADE_MAY_CREATE, and a moved resource changes only
// what UPGRADE_MAY_CHANGE allows.
// A new approval jar (tests/jars.tftest.hcl): nothing under module.callback changes.
function checkPlans(byRun, upgradeExpected, out) {
  const changes = (run) => find(byRun[run], "(changes)");
  const upgrade = changes(HARVEST_UPGRADE_RUN);
  if (!upgrade && upgradeExpected && !partial) out.add("tests/upgrade/from_395c545.tftest.hcl", "upgrade", `no plan of run "${HARVEST_UPGRADE_RUN}"; the run failed or changed name`);
  for (const c of upgrade ?? []) {
    const where = c.previous ? `${c.address} (was ${c.previous})` : c.address;
    const newResource = c.actions.length === 1 && c.actions[0] === "create" && UPGRADE_MAY_CREATE.has(c.address);
    if (c.actions.includes("delete") || (c.actions.includes("create") && !newResource)) out.add("moved.tf", "upgrade", `upgrading from the single-file layout plans ${c.actions.join(" and ")} of ${where}: a moved block is missing or points to nothing`);
    const allowed = UPGRADE_MAY_CHANGE[c.type] ?? [];
    const unexpected = c.changed.filter((a) => !allowed.includes(a));
    if (unexpected.length) out.add("modules/", "upgrade", `upgrading from the single-file layout changes ${unexpected.join(", ")} of ${where}, which may replace it`);
  }
  const jar = changes(HARVEST_APPROVAL_JAR_RUN);
  if (!jar && !partial) out.add("tests/jars.tftest.hcl", "jars", `no plan of run "${HARVEST_APPROVAL_JAR_RUN}"; the run failed or changed name`);
  for (const c of jar ?? []) {
    if (c.address.startsWith("module.callback.") && !(c.actions.length === 1 && c.actions[0] === "no-op")) out.add("tests/jars.tftest.hcl", "jars", `a new approval jar plans ${c.actions.join(" and ")} of ${c.address}: the worker must not change`);
  }
  if (jar && !jar.some((c) => c.address.startsWith("module.approval[0].module.request.aws_lambda_function") && c.actions.includes("update"))) out.add("tests/jars.tftest.hcl", "jars", "a new approval jar does not update the approval request function: the check sees no change at all");
}

// Graph edges "A" -> "B" mean A depends on B; destroy runs them in reverse, so the state machine
// (deleted first) must depend on every resource of the worker and of the approval path, and none
// of them on it: its executions end on their next transition, a callback from one of them.
function checkDestroyOrder(dot, out) {
  const edges = new Map();
  // A module's "(close)" node (everything in it done) stays apart from its "(expand)" node (its
  // inputs known), which its resources depend on: depends_on a module is an edge to its close.
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
  const fn = ["aws_lambda_alias.this", "aws_lambda_function.this", "aws_iam_role_policy.this", "aws_iam_role.this"];
  const worker = ["module.callback.aws_lambda_event_source_mapping.tasks", ...fn.map((r) => `module.callback.module.worker.${r}`)];
  for (const m of ["request", "page"]) worker.push(...fn.map((r) => `module.approval.module.${m}.${r}`));
  worker.push(...["aws_lambda_permission.page", "aws_apigatewayv2_route.page", "aws_apigatewayv2_integration.page", "aws_apigatewayv2_stage.approvals"].map((r) => `module.approval.${r}`));
  worker.push(...["aws_apigatewayv2_api.approvals", "aws_dynamodb_table.approvals", "aws_sns_topic.approvals", "aws_sns_topic_subscription.approver"].map((r) => `module.approval.${r}`));
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
  // The variables' table is docs/variables.md, generated from variables.tf (scripts/gen-docs.sh --check).
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
    for (const m of JAR_MODULES) {
      const jar = java.shadedJar(path.join(a["jar-path"], m, "pom.xml"));
      if (jar.error) throw new Error(jar.error);
      console.log(path.join(m, jar.jar));
    }
    return 0;
  }
  partial = a.partial === "yes";
  const out = findings();
  const byRun = states(a.harvest);
  if (a.asl !== "skip") await checkAsl(byRun, out);
  checkGrants(a.root, byRun, out);
  checkFunctions(a.root, byRun, out);
  checkPlans(byRun, a.upgrade === "yes", out);
  let variables = [];
  if (fs.existsSync(a.graph) || !partial) checkDestroyOrder(fs.readFileSync(a.graph, "utf8"), out);
  if (fs.existsSync(a.defaults) || !partial) {
    // check-infra.sh asked terraform console for every variable the graph declares.
    const defaults = JSON.parse(fs.readFileSync(a.defaults, "utf8"));
    variables = Object.keys(defaults).sort();
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
