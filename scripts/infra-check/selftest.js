#!/usr/bin/env node
// Self-test: copies of the checked configuration with one planted error each. scripts/check-infra.sh
// must fail on every copy with output naming the error; a check that cannot fail is no check.
// Each plant runs only the stage that must catch it (fmt, validate, some test files, check.js; the
// unplanted copy passed them all), and of a test file only the runs that must fail (with the
// file's first run, whose apply the others plan against); plants that touch neither Terraform
// files nor the template reuse Terraform's results of the unplanted copy. All share its terraform
// init and its provider process.
// Usage: node selftest.js WORK_DIR CHECK_INFRA_SH   (WORK_DIR/stack: the checked copy)
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

// Keeps the file's header, its first run and the named runs.
function keepRuns(dir, rel, names) {
  const file = path.join(dir, rel);
  const text = fs.readFileSync(file, "utf8");
  const blocks = [...text.matchAll(/^run "(\w+)" \{[\s\S]*?^\}\n/gm)];
  const kept = blocks.filter((b, i) => i === 0 || names.includes(b[1]));
  for (const n of names) if (!blocks.some((b) => b[1] === n)) throw new Error(`${rel} has no run "${n}"; update this case`);
  fs.writeFileSync(file, text.slice(0, blocks[0].index) + kept.map((b) => b[0]).join("\n"));
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
  ["misspelled argument", VALIDATE, edit("modules/callback/main.tf", "visibility_timeout_seconds = local", "visibility_timeout_secends = local"), /Unsupported argument[\s\S]*visibility_timeout_secends/],
  ["unknown block", VALIDATE, edit("modules/lambda-function/main.tf", "  snap_start {\n", "  snapstart {\n"), /Unsupported block type[\s\S]*snapstart/],
  ["dangling reference", VALIDATE, edit("modules/callback/main.tf", "event_source_arn                   = aws_sqs_queue.tasks.arn", "event_source_arn                   = aws_sqs_queue.task.arn"),
    /Reference to undeclared resource[\s\S]*aws_sqs_queue\.task\.arn/],
  ["heartbeat >= timeout", TESTS("tests/names.tftest.hcl"), edit("variables.tf", /(variable "task_heartbeat_seconds" \{[\s\S]*?default\s+=\s)60/, "$13600"),
    /task_heartbeat_seconds \(3600\) must be less than\s+task_timeout_seconds \(3600\)/],
  ["bad JSONPath in the ASL", TESTS("tests/state_machine.tftest.hcl", { runs: [], checks: true }), edit("statemachine.asl.json", '"TaskToken.$": "$$.Task.Token"', '"TaskToken.$": "$$.Task.Token["'),
    ASL_FINDING("TaskToken|JSONPath|path")],
  ["Next naming a missing state", TESTS("tests/state_machine.tftest.hcl", { runs: [], checks: true }), edit("statemachine.asl.json", '"Next": "Done"', '"Next": "Finished"'), ASL_FINDING("Finished|Next|state")],
  ["integration ARN with a fixed partition", FAILS_RUN("tests/partition_aws_cn.tftest.hcl", "definition_in_the_aws_cn_partition"),
    edit("statemachine.asl.json", '"arn:${partition}:states:::sqs:sendMessage.waitForTaskToken"', '"arn:aws:states:::sqs:sendMessage.waitForTaskToken"')],
  ["partial batch responses turned off", FAILS_RUN("tests/module_callback.tftest.hcl", "event_source_mapping_feeds_the_live_alias_with_partial_batch_responses"),
    edit("modules/callback/main.tf", 'function_response_types            = ["ReportBatchItemFailures"]', "function_response_types            = []")],
  ["visibility timeout below the function timeout", FAILS_RUN("tests/module_callback.tftest.hcl", "queues_are_encrypted_redrive_to_the_dead_letter_queue_and_outlast_the_function"),
    edit("modules/callback/main.tf", "= 6 * var.lambda_timeout_seconds + var.batching_window_seconds", "= var.lambda_timeout_seconds - 1")],
  ["worker jar missing", TESTS("tests/names.tftest.hcl"), remove("lambda/worker/target"), /The jar \.\/lambda\/worker\/target\/callback-worker\.jar of\s+[\w-]+ does not exist/],
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
  ["state machine no longer deleted before the approval API", GRAPH, edit("main.tf", "    module.approval,\n", ""),
    /\[destroy-order\] aws_sfn_state_machine\.callback does not depend on module\.approval\.aws_apigatewayv2_stage\.approvals/],
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
  return new Promise((resolve) => {
    const child = spawn("bash", [script, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (b) => (output += b));
    child.stderr.on("data", (b) => (output += b));
    child.on("close", (code) => resolve({ code, output }));
  });
}

async function main() {
  const [work, script] = process.argv.slice(2);
  const clean = path.join(work, "stack");
  const started = Date.now();
  let failed = 0;
  const results = new Array(CASES.length);
  let skipped = 0;
  // The slowest first (test runs, then validate or graph, then reused results), so that the two
  // workers finish together.
  const weight = (c) => (c.reuse ? 0 : c.tests && c.tests !== "none" ? 2 : 1);
  const order = CASES.map((c, i) => i).sort((a, b) => weight(CASES[b]) - weight(CASES[a]) || a - b);
  let next = 0;
  async function worker() {
    while (next < order.length) {
      const i = order[next++];
      const c = CASES[i];
      if (c.needs && !atLeast(process.env.tf_version, c.needs)) {
        results[i] = `skip ${c.name}: needs Terraform >= ${c.needs}, this is ${process.env.tf_version || "unknown"}`;
        skipped++;
        continue;
      }
      const dir = path.join(work, `plant-${i}`);
      fs.cpSync(clean, dir, { recursive: true });
      const t0 = Date.now();
      let r;
      try {
        c.plant(dir);
        if (c.runs) keepRuns(dir, c.tests, c.runs);
        r = await run(script, dir, c, clean);
      } catch (e) {
        r = { code: 0, output: `self-test setup failed: ${e.message}` };
      }
      const hit = r.output.match(c.expect);
      const secs = `${((Date.now() - t0) / 1000).toFixed(0)} s`;
      results[i] = r.code !== 0 && hit ? `ok   ${c.name} (${secs}): ${hit[0].replace(/\s+/g, " ").slice(0, 160)}` : `FAIL ${c.name}: expected a failure matching ${c.expect}, got exit ${r.code}:\n${r.output.replace(/^/gm, "    ")}`;
      if (!(r.code !== 0 && hit)) failed++;
      for (const f of fs.readdirSync(work)) if (f.startsWith(`plant-${i}`)) fs.rmSync(path.join(work, f), { recursive: true, force: true });
    }
  }
  await Promise.all([worker(), worker()]);
  for (const l of results) console.log(`self-test: ${l}`);
  console.log(`self-test: ${((Date.now() - started) / 1000).toFixed(0)} s for ${CASES.length} planted errors`);
  console.log(`self-test: ${CASES.length - failed - skipped} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
  return failed ? 1 : 0;
}

main().then((code) => process.exit(code));
