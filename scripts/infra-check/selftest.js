#!/usr/bin/env node
// Self-test: copies of the checked configuration with one planted error each. scripts/check-infra.sh
// must fail on every copy with output naming the error; a check that cannot fail is no check.
// Each plant runs only the stage that must catch it (fmt, validate, some test files, check.js; the
// unplanted copy passed them all), and of a test file only the runs that must fail (with the
// file's first run, whose apply the others plan against); plants that touch neither Terraform
// files nor the template reuse Terraform's results of the unplanted copy. All share its terraform
// init and its provider process.
// It runs alongside the checks of the unplanted copy: standard input brings that copy's exit
// status when they end. The plants that reuse its results wait for it; if it failed, no further
// plant starts and the self-test says it was skipped.
// Usage: node selftest.js WORK_DIR CHECK_INFRA_SH < STATUS   (WORK_DIR/stack: the checked copy)
"use strict";

const fs = require("fs");
const path = require("path");
const { spawn } = require("child_process");

// Plants: `from` replaced by `to` in one file, or a file or directory removed.
const edit = (rel, from, to) => (dir) => {
  const file = path.join(dir, rel);
  const text = fs.readFileSync(file, "utf8");
  if (!(typeof from === "string" ? text.includes(from) : from.test(text))) throw new Error(`${rel} no longer contains ${from}; update this case`);
  fs.writeFileSync(file, text.replace(from, to));
};
const remove = (rel) => (dir) => fs.rmSync(path.join(dir, rel), { recursive: true });

// A test file's text with its header, its first run and the named runs.
function keepRuns(text, rel, names) {
  const blocks = [...text.matchAll(RUN_BLOCK)];
  const kept = blocks.filter((b, i) => i === 0 || names.includes(b[1]));
  for (const n of names) if (!blocks.some((b) => b[1] === n)) throw new Error(`${rel} has no run "${n}"; update this case`);
  return text.slice(0, blocks[0].index) + kept.map((b) => b[0]).join("\n");
}
const RUN_BLOCK = /^run "(\w+)" \{\n([\s\S]*?)^\}\n/gm;

// The test file's runs pointed at the planted copy under `plant` (see shareProcess): a run's own
// module block names the plant's copy of that module; a run without one gets the planted root.
function underPlant(text, plant) {
  return text.replace(RUN_BLOCK, (block, name, body) => {
    if (!/^ {2}module \{/m.test(body)) return `run "${name}" {\n  module {\n    source = "./${plant}"\n  }\n\n${body}}\n`;
    const moved = block.replace(/^( {4}source\s*=\s*)"\.\/(modules\/[\w-]+)"/m, `$1"./${plant}/$2"`);
    if (moved === block) throw new Error(`run "${name}" has a module block whose source is not ./modules/<name>; update underPlant`);
    return moved;
  });
}

// The stage that must catch a plant (see run()): fmt; validate; the graph and check.js; check.js on
// the unplanted copy's Terraform results; or test files (all their runs, or `runs` and the first).
const FMT = { fmt: true };
const VALIDATE = { validate: true };
const GRAPH = { tests: "none", inspect: true, checks: true };
const REUSE = { reuse: true };
const TESTS = (file, more) => ({ tests: file, ...more });
// A plant that one run of a test file must fail on, by itself.
const FAILS_RUN = (file, run) => ({ tests: file, runs: [run], expect: new RegExp(`run "${run}"\\.\\.\\. fail`) });
const ASL_FINDING = (words) => new RegExp(`\\[asl\\] (asl-validator|amazon-states-language-service): .*(${words})`, "i");
const CORE_SRC = "lambda/core/src/main/java/io/sfncallback";
const WORKER_SRC = "lambda/worker/src/main/java/io/sfncallback";
const APPROVAL_SRC = "lambda/approval/src/main/java/io/sfncallback";
// The upgrade test (tests/upgrade/) and check.js's reading of its plan; Terraform >= 1.11 only.
const UPGRADE = { tests: "tests/upgrade", checks: true, needs: "1.11.0" };

// [name, stage, plant, what the output must contain (when the stage does not say)]
const CASES = [
  ["unformatted file", FMT, edit("modules/callback/main.tf", "  message_retention_seconds = var.dlq", "  message_retention_seconds   =  var.dlq"), /terraform fmt -check -recursive FAILED/],
  // One plant for terraform validate: what it catches is Terraform's to test, that an error of it
  // fails this stage is ours (an unknown block or a dangling reference would prove it again).
  ["misspelled argument", VALIDATE, edit("modules/callback/main.tf", "visibility_timeout_seconds = local", "visibility_timeout_secends = local"), /Unsupported argument[\s\S]*visibility_timeout_secends/],
  ["heartbeat >= timeout", TESTS("tests/names.tftest.hcl"), edit("variables.tf", /(variable "task_heartbeat_seconds" \{[\s\S]*?default\s+=\s)60/, "$13600"),
    /task_heartbeat_seconds \(3600\) must be less than\s+task_timeout_seconds \(3600\)/],
  // One plant per check Terraform cannot make (the ASL validators, the destroy order below): a
  // second one through the same check proves no more and costs a Terraform process.
  ["bad JSONPath in the ASL", TESTS("tests/state_machine.tftest.hcl", { runs: [], checks: true }), edit("statemachine.asl.json", '"TaskToken.$": "$$.Task.Token"', '"TaskToken.$": "$$.Task.Token["'),
    ASL_FINDING("TaskToken|JSONPath|path")],
  ["integration ARN with a fixed partition", FAILS_RUN("tests/partition_aws_cn.tftest.hcl", "definition_in_the_aws_cn_partition"),
    edit("statemachine.asl.json", '"arn:${partition}:states:::sqs:sendMessage.waitForTaskToken"', '"arn:aws:states:::sqs:sendMessage.waitForTaskToken"')],
  ["partial batch responses turned off", FAILS_RUN("tests/module_callback.tftest.hcl", "event_source_mapping_feeds_the_live_alias_with_partial_batch_responses"),
    edit("modules/callback/main.tf", 'function_response_types            = ["ReportBatchItemFailures"]', "function_response_types            = []")],
  ["visibility timeout below the function timeout", FAILS_RUN("tests/module_callback.tftest.hcl", "queues_are_encrypted_redrive_to_the_dead_letter_queue_and_outlast_the_function"),
    edit("modules/callback/main.tf", "= 6 * var.lambda_timeout_seconds + var.batching_window_seconds", "= var.lambda_timeout_seconds - 1")],
  ["worker jar missing", TESTS("tests/names.tftest.hcl"), remove("lambda/worker/target"), /The jar \S*lambda\/worker\/target\/callback-worker\.jar of\s+[\w-]+ does not exist/],
  ["approval off but the worker told it is on", FAILS_RUN("tests/approval.tftest.hcl", "approval_is_off_by_default_and_nothing_of_it_exists"),
    edit("modules/callback/main.tf", "APPROVAL_ENABLED = tostring(var.approval_enabled)", 'APPROVAL_ENABLED = "true"')],
  ["approval-on definition no longer the one before the modules", FAILS_RUN("tests/state_machine.tftest.hcl", "definition_with_approval_is_exactly_the_one_before_the_modules"),
    edit("modules/approval/states.asl.json", '"MaxAttempts": 4,', '"MaxAttempts": 5,')],
  ["the worker deployed from the approval jar", FAILS_RUN("tests/jars.tftest.hcl", "a_new_approval_jar_leaves_the_worker_alone"),
    edit("main.tf", "worker_jar                   = local.worker_jar", "worker_jar                   = local.approval_jar")],
  ["state machine no longer deleted before the worker", GRAPH, edit("main.tf", "    module.callback,\n", ""),
    /\[destroy-order\] aws_sfn_state_machine\.callback does not depend on module\.callback\.aws_lambda_event_source_mapping\.tasks/],
  ["running executions no longer stopped before the state machine is deleted", GRAPH,
    edit("main.tf", "    state_machine_arn = aws_sfn_state_machine.callback.arn\n", "    state_machine_arn = local.state_machine_arn\n"),
    /\[destroy-order\] terraform_data\.stop_executions_on_destroy does not depend on aws_sfn_state_machine\.callback/],
  ["missing handler class", REUSE, remove(`${WORKER_SRC}/worker/CallbackHandler.java`), /handler class io\.sfncallback\.worker\.CallbackHandler does not exist/],
  // The worker's code only: the approval handlers never call heartbeat().
  ["worker calls an action its role lacks", REUSE,
    edit(`${CORE_SRC}/core/callback/TaskCallbacks.java`, "        return call(() -> sfn.sendTaskHeartbeat(", "        sfn.stopExecution(r -> r.executionArn(taskToken));\n        return call(() -> sfn.sendTaskHeartbeat("),
    /^(?![\s\S]*approval_\w+ \([\w.]+\) calls stopExecution)[\s\S]*TaskCallbacks\.java:\d+: \[iam\] worker \(io\.sfncallback\.worker\.CallbackHandler\) calls stopExecution\(\.\.\.\) but its policy .* does not allow states:StopExecution/],
  ["approval page calls an action its role lacks", REUSE,
    edit(`${APPROVAL_SRC}/approval/store/ApprovalStore.java`, '        Update update = new Update()\n                .set("status", s((approved',
      '        db.deleteItem(r -> r.tableName(table).key(Map.of(PK, s(REQUEST_PREFIX + requestId))));\n        Update update = new Update()\n                .set("status", s((approved'),
    /ApprovalStore\.java:\d+: \[iam\] approval_page \(io\.sfncallback\.approval\.ApprovalPageHandler\) calls deleteItem\(\.\.\.\) but its policy .* does not allow dynamodb:DeleteItem/],
  ["approval role allows more than its handler calls", TESTS("tests/iam.tftest.hcl", { runs: [], checks: true }),
    edit("modules/approval/main.tf", 'actions   = ["dynamodb:GetItem", "dynamodb:UpdateItem"]', 'actions   = ["dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"]'),
    /\[iam\] module\.approval\[0\]\.module\.page\.data\.aws_iam_policy_document\.this allows dynamodb:DeleteItem, which approval_page \(io\.sfncallback\.approval\.ApprovalPageHandler\) never calls/],
  ["wildcard action (a DynamoDB one)", FAILS_RUN("tests/iam.tftest.hcl", "no_allow_statement_grants_a_wildcard_action"),
    edit("modules/approval/main.tf", 'actions   = ["dynamodb:GetItem", "dynamodb:UpdateItem"]', 'actions   = ["dynamodb:*"]')],
  ["state machine may invoke every version of the approval function", FAILS_RUN("tests/iam.tftest.hcl", "state_machine_may_send_to_the_tasks_queue_invoke_the_approval_alias_and_deliver_its_logs"),
    edit("modules/approval/outputs.tf", "value       = module.request.alias_arn", "value       = module.request.function_arn")],
  ["access log with the link's path", FAILS_RUN("tests/module_approval.tftest.hcl", "approval_api_access_log_names_the_route_never_the_path"),
    edit("modules/approval/main.tf", 'routeKey           = "$context.routeKey"', 'routeKey           = "$context.path"')],
  ["approval page route missing", FAILS_RUN("tests/module_approval.tftest.hcl", "approval_api_routes_every_request_to_the_page_alias"),
    edit("modules/approval/main.tf", '    GET  = "GET /approvals/{link}"\n    POST = "POST /approvals/{link}"\n', '    GET = "GET /approvals/{link}"\n')],
  ["approver subscription without its filter policy", FAILS_RUN("tests/module_approval.tftest.hcl", "two_approvers_get_a_filtered_email_subscription_each"),
    edit("modules/approval/main.tf", "  filter_policy       = jsonencode({ approver = [each.value] })\n", "")],
  ["missing approval handler class", REUSE, remove(`${APPROVAL_SRC}/approval/ApprovalPageHandler.java`), /handler class io\.sfncallback\.approval\.ApprovalPageHandler does not exist/],
  ["local stack defaults out of step", REUSE, edit("local/src/main/resources/terraform-defaults.json", '"task_heartbeat_seconds": 60', '"task_heartbeat_seconds": 61'),
    /task_heartbeat_seconds is 61 here but variables\.tf's default is 60/],
  // The upgrade from the single-file layout (Terraform >= 1.11: tests/upgrade/ needs state_key).
  ["a moved block missing", UPGRADE, edit("moved.tf", "moved {\n  from = aws_dynamodb_table.approvals\n  to   = module.approval[0].aws_dynamodb_table.approvals\n}\n", ""),
    /\[upgrade\] upgrading from the single-file layout plans (delete|create) of (module\.approval\[0\]\.)?aws_dynamodb_table\.approvals/],
  ["a moved resource renamed", UPGRADE, edit("modules/callback/main.tf", 'role_name             = "${var.name_prefix}-worker-${local.region}"', 'role_name             = "${var.name_prefix}-wrk-${local.region}"'),
    /\[upgrade\] upgrading from the single-file layout changes name of module\.callback\.module\.worker\.aws_iam_role\.this/],
].map(([name, stage, plant, expect]) => ({ name, plant, expect, ...stage }));

// Is version a (1.11.4) at least b (1.11.0)?
function atLeast(a, b) {
  const [x, y] = [a, b].map((v) => (v ?? "0").split(".").map(Number));
  for (let k = 0; k < 3; k++) if ((x[k] ?? 0) !== (y[k] ?? 0)) return (x[k] ?? 0) > (y[k] ?? 0);
  return true;
}

function run(script, dir, c, clean) {
  // Only the plant about formatting runs terraform fmt; the others are formatted.
  const args = ["--check-dir", dir, ...(c.fmt ? [] : ["--no-fmt"])];
  if (c.reuse) args.push("--reuse", clean);
  else {
    args.push("--tests", c.tests ?? "none");
    if (!c.validate) args.push("--no-validate");
    if (!c.inspect) args.push("--no-inspect");
    if (!c.checks) args.push("--no-checks");
  }
  return exec("bash", [script, ...args]);
}

function exec(command, args, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], ...options });
    let output = "";
    child.stdout.on("data", (b) => (output += b));
    child.stderr.on("data", (b) => (output += b));
    child.on("error", (e) => resolve({ code: 127, output: `${output}${e.message}` }));
    child.on("close", (code) => resolve({ code, output }));
  });
}

// Plants that runs of one test file must fail on, and that leave the configuration valid, share
// one `terraform test` invocation (check-infra.sh splits its files over two processes): each
// process pays once, not once per plant, the two seconds of CPU in which Terraform and the
// provider load the aws provider's schema. Each planted copy is a module under merged/plants/N,
// the test file a copy whose runs name it (a run's module block: Terraform runs that module as
// the configuration under test), and each plant's verdict comes from its file's part of the
// output. A plant that made the configuration invalid would stop them all (Terraform loads every
// module first): those are VALIDATE plants, which run alone.
const shares = (c) => typeof c.tests === "string" && /^tests\/\w+\.tftest\.hcl$/.test(c.tests) && !c.fmt && !c.validate && !c.inspect && !c.checks && !c.reuse && !c.needs;

async function shareProcess(work, clean, script, cases) {
  const dir = path.join(work, "shared");
  fs.cpSync(clean, dir, { recursive: true });
  const files = [];
  const problems = new Map();
  for (const i of cases) {
    const c = CASES[i];
    const plant = `plants/${i}`;
    try {
      fs.cpSync(clean, path.join(dir, plant), { recursive: true });
      c.plant(path.join(dir, plant));
      let text = fs.readFileSync(path.join(dir, plant, c.tests), "utf8");
      if (c.runs) text = keepRuns(text, c.tests, c.runs);
      fs.writeFileSync(path.join(dir, `tests/plant_${i}.tftest.hcl`), underPlant(text, plant));
      files.push(`tests/plant_${i}.tftest.hcl`);
    } catch (e) {
      problems.set(i, `self-test setup failed: ${e.message}`);
    }
  }
  // The run blocks' modules, recorded by `terraform get` in a data directory of their own (the
  // other runs read the shared one meanwhile), with the providers terraform init installed.
  const env = { ...process.env, TF_DATA_DIR: path.join(work, "shared-data") };
  fs.mkdirSync(env.TF_DATA_DIR);
  fs.symlinkSync(path.join(process.env.TF_DATA_DIR, "providers"), path.join(env.TF_DATA_DIR, "providers"));
  const get = await exec("terraform", ["get", "-no-color"], { cwd: dir, env });
  const r = get.code !== 0 ? get : await exec("bash", [script, "--check-dir", dir, "--no-fmt", "--no-validate", "--no-inspect", "--no-checks", "--tests", files.join(",")], { env });
  // Each file's lines end with "tests/plant_N.tftest.hcl... pass" or "... fail".
  const verdicts = new Map();
  let lines = [];
  for (const line of r.output.split("\n")) {
    const m = line.match(/^tests\/plant_(\d+)\.tftest\.hcl\.\.\. (pass|fail)$/);
    if (!m) {
      lines.push(line);
      continue;
    }
    verdicts.set(Number(m[1]), { code: m[2] === "fail" ? 1 : 0, output: lines.join("\n") });
    lines = [];
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(env.TF_DATA_DIR, { recursive: true, force: true });
  return new Map(cases.map((i) => [i, problems.has(i) ? { code: 0, output: problems.get(i) } : (verdicts.get(i) ?? { code: 0, output: `no result for tests/plant_${i}.tftest.hcl in:\n${r.output}` })]));
}

// The unplanted copy's outcome: true when its checks passed.
function unplantedOutcome() {
  return new Promise((resolve) => {
    let text = "";
    process.stdin.on("data", (b) => (text += b));
    process.stdin.on("end", () => resolve(text.trim() === "0"));
  });
}

async function main() {
  const [work, script] = process.argv.slice(2);
  const unplanted = unplantedOutcome();
  let abandoned = false;
  unplanted.then((passed) => (abandoned = !passed));
  const clean = path.join(work, "stack");
  const started = Date.now();
  let failed = 0;
  const results = new Array(CASES.length);
  let skipped = 0;
  const verdict = (i, r, secs) => {
    const c = CASES[i];
    const hit = r.output.match(c.expect);
    if (r.code !== 0 && hit) return `ok   ${c.name} (${secs}): ${hit[0].replace(/\s+/g, " ").slice(0, 160)}`;
    failed++;
    return `FAIL ${c.name}: expected a failure matching ${c.expect}, got exit ${r.code}:\n${r.output.replace(/^/gm, "    ")}`;
  };
  // The shared process first (the longest job), then the slowest alone (test runs, then validate
  // or graph, then reused results, which wait for the unplanted copy's checks anyway), so that
  // the two workers finish together.
  const weight = (c) => (c.reuse ? 0 : c.tests && c.tests !== "none" ? 2 : 1);
  const runnable = (c) => !c.needs || atLeast(process.env.tf_version, c.needs);
  CASES.forEach((c, i) => {
    if (runnable(c)) return;
    results[i] = `skip ${c.name}: needs Terraform >= ${c.needs}, this is ${process.env.tf_version || "unknown"}`;
    skipped++;
  });
  const shared = CASES.map((c, i) => i).filter((i) => shares(CASES[i]));
  const alone = CASES.map((c, i) => i).filter((i) => runnable(CASES[i]) && !shares(CASES[i]));
  const jobs = [...(shared.length ? [{ shared }] : []), ...alone.sort((a, b) => weight(CASES[b]) - weight(CASES[a]) || a - b).map((i) => ({ i }))];
  let next = 0;
  async function worker() {
    while (next < jobs.length && !abandoned) {
      const job = jobs[next++];
      const t0 = Date.now();
      const secs = () => `${((Date.now() - t0) / 1000).toFixed(0)} s`;
      if (job.shared) {
        const rs = await shareProcess(work, clean, script, job.shared);
        for (const [i, r] of rs) results[i] = verdict(i, r, `${secs()}, shared`);
        continue;
      }
      const i = job.i;
      const c = CASES[i];
      if (c.reuse && !(await unplanted)) return;
      const dir = path.join(work, `plant-${i}`);
      fs.cpSync(clean, dir, { recursive: true });
      let r;
      try {
        c.plant(dir);
        if (c.runs) {
          const file = path.join(dir, c.tests);
          fs.writeFileSync(file, keepRuns(fs.readFileSync(file, "utf8"), c.tests, c.runs));
        }
        r = await run(script, dir, c, clean);
      } catch (e) {
        r = { code: 0, output: `self-test setup failed: ${e.message}` };
      }
      results[i] = verdict(i, r, secs());
      // plant-N and its results plant-N.* (not plant-N0's: those may still be running).
      for (const f of fs.readdirSync(work)) if (f === `plant-${i}` || f.startsWith(`plant-${i}.`)) fs.rmSync(path.join(work, f), { recursive: true, force: true });
    }
  }
  await Promise.all([worker(), worker()]);
  if (!(await unplanted)) {
    console.log("self-test: stopped: the unplanted configuration did not pass");
    return 0;
  }
  for (const l of results) console.log(`self-test: ${l}`);
  console.log(`self-test: ${((Date.now() - started) / 1000).toFixed(0)} s for ${CASES.length} planted errors`);
  console.log(`self-test: ${CASES.length - failed - skipped} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
  return failed ? 1 : 0;
}

main().then((code) => process.exit(code));
