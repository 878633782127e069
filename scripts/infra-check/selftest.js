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

function edit(dir, rel, from, to) {
  const file = path.join(dir, rel);
  const text = fs.readFileSync(file, "utf8");
  if (!(typeof from === "string" ? text.includes(from) : from.test(text))) throw new Error(`${rel} no longer contains ${from}; update this case`);
  fs.writeFileSync(file, text.replace(from, to));
}

// Keeps the file's header, its first run and the named runs.
function keepRuns(dir, rel, names) {
  const file = path.join(dir, rel);
  const text = fs.readFileSync(file, "utf8");
  const blocks = [...text.matchAll(/^run "(\w+)" \{[\s\S]*?^\}\n/gm)];
  const kept = blocks.filter((b, i) => i === 0 || names.includes(b[1]));
  for (const n of names) if (!blocks.some((b) => b[1] === n)) throw new Error(`${rel} has no run "${n}"; update this case`);
  fs.writeFileSync(file, text.slice(0, blocks[0].index) + kept.map((b) => b[0]).join("\n"));
}

const WORKER_TESTS = "tests/worker.tftest.hcl";
const CASES = [
  {
    name: "unformatted file",
    fmt: true,
    plant: (d) => edit(d, "main.tf", "  message_retention_seconds = var.dlq_message_retention_seconds", "  message_retention_seconds   =  var.dlq_message_retention_seconds"),
    expect: /terraform fmt -check -recursive FAILED/,
  },
  {
    name: "misspelled argument",
    plant: (d) => edit(d, "main.tf", "visibility_timeout_seconds = local", "visibility_timeout_secends = local"),
    validate: true,
    expect: /Unsupported argument[\s\S]*visibility_timeout_secends/,
  },
  {
    name: "unknown block",
    plant: (d) => edit(d, "main.tf", "  snap_start {\n", "  snapstart {\n"),
    validate: true,
    expect: /Unsupported block type[\s\S]*snapstart/,
  },
  {
    name: "dangling reference",
    plant: (d) => edit(d, "main.tf", "event_source_arn                   = aws_sqs_queue.tasks.arn", "event_source_arn                   = aws_sqs_queue.task.arn"),
    validate: true,
    expect: /Reference to undeclared resource[\s\S]*aws_sqs_queue\.task\.arn/,
  },
  {
    name: "heartbeat >= timeout",
    plant: (d) => edit(d, "variables.tf", /(variable "task_heartbeat_seconds" \{[\s\S]*?default\s+=\s)60/, "$13600"),
    tests: "tests/names.tftest.hcl",
    expect: /task_heartbeat_seconds \(3600\) must be less than\s+task_timeout_seconds \(3600\)/,
  },
  {
    name: "bad JSONPath in the ASL",
    plant: (d) => edit(d, "statemachine.asl.json", '"TaskToken.$": "$$.Task.Token"', '"TaskToken.$": "$$.Task.Token["'),
    tests: "tests/state_machine.tftest.hcl",
    checks: true,
    runs: [],
    expect: /\[asl\] (asl-validator|amazon-states-language-service): .*(TaskToken|JSONPath|path)/i,
  },
  {
    name: "Next naming a missing state",
    plant: (d) => edit(d, "statemachine.asl.json", '"Next": "Done"', '"Next": "Finished"'),
    tests: "tests/state_machine.tftest.hcl",
    checks: true,
    runs: [],
    expect: /\[asl\] (asl-validator|amazon-states-language-service): .*(Finished|Next|state)/i,
  },
  {
    name: "integration ARN with a fixed partition",
    plant: (d) => edit(d, "statemachine.asl.json", '"arn:${partition}:states:::sqs:sendMessage.waitForTaskToken"', '"arn:aws:states:::sqs:sendMessage.waitForTaskToken"'),
    tests: "tests/partition_aws_cn.tftest.hcl",
    expect: /run "definition_in_the_aws_cn_partition"\.\.\. fail/,
  },
  {
    name: "partial batch responses turned off",
    plant: (d) => edit(d, "main.tf", 'function_response_types            = ["ReportBatchItemFailures"]', "function_response_types            = []"),
    tests: WORKER_TESTS,
    runs: ["event_source_mapping_feeds_the_live_alias_with_partial_batch_responses"],
    expect: /run "event_source_mapping_feeds_the_live_alias_with_partial_batch_responses"\.\.\. fail/,
  },
  {
    name: "visibility timeout below the function timeout",
    plant: (d) => edit(d, "main.tf", "= 6 * var.lambda_timeout_seconds + var.batching_window_seconds", "= var.lambda_timeout_seconds - 1"),
    tests: "tests/queues.tftest.hcl",
    runs: [],
    expect: /run "queues_are_encrypted_redrive_to_the_dead_letter_queue_and_outlast_the_function"\.\.\. fail/,
  },
  {
    name: "worker jar missing",
    plant: (d) => fs.rmSync(path.join(d, "lambda", "target"), { recursive: true }),
    tests: "tests/names.tftest.hcl",
    expect: /The worker jar \.\/lambda\/target\/callback-worker\.jar does not exist/,
  },
  {
    name: "state machine no longer deleted before the worker",
    plant: (d) => edit(d, "main.tf", "    aws_lambda_event_source_mapping.tasks,\n", ""),
    tests: "none",
    inspect: true,
    checks: true,
    expect: /\[destroy-order\] aws_sfn_state_machine\.callback does not depend on aws_lambda_event_source_mapping\.tasks/,
  },
  {
    name: "running executions no longer stopped before the state machine is deleted",
    plant: (d) => edit(d, "main.tf", "    state_machine_arn = aws_sfn_state_machine.callback.arn\n", "    state_machine_arn = local.state_machine_arn\n"),
    tests: "none",
    inspect: true,
    checks: true,
    expect: /\[destroy-order\] terraform_data\.stop_executions_on_destroy does not depend on aws_sfn_state_machine\.callback/,
  },
  {
    name: "missing handler class",
    plant: (d) => fs.rmSync(path.join(d, "lambda/src/main/java/io/sfncallback/worker/CallbackHandler.java")),
    reuse: true,
    expect: /handler class io\.sfncallback\.worker\.CallbackHandler does not exist/,
  },
  {
    name: "worker calls an action its role lacks",
    plant: (d) => edit(d, "lambda/src/main/java/io/sfncallback/worker/callback/TaskCallbacks.java", "        return call(() -> sfn.sendTaskHeartbeat(", "        sfn.stopExecution(r -> r.executionArn(taskToken));\n        return call(() -> sfn.sendTaskHeartbeat("),
    reuse: true,
    // The worker's code only: the approval handlers never call heartbeat().
    expect: /^(?![\s\S]*approval_\w+ \([\w.]+\) calls stopExecution)[\s\S]*TaskCallbacks\.java:\d+: \[iam\] worker \(io\.sfncallback\.worker\.CallbackHandler\) calls stopExecution\(\.\.\.\) but its policy .* does not allow states:StopExecution/,
  },
  {
    name: "approval page calls an action its role lacks",
    plant: (d) => edit(d, "lambda/src/main/java/io/sfncallback/approval/store/ApprovalStore.java", "        Update update = new Update()\n                .set(\"status\", s((approved", "        db.deleteItem(r -> r.tableName(table).key(Map.of(PK, s(REQUEST_PREFIX + requestId))));\n        Update update = new Update()\n                .set(\"status\", s((approved"),
    reuse: true,
    expect: /ApprovalStore\.java:\d+: \[iam\] approval_page \(io\.sfncallback\.approval\.ApprovalPageHandler\) calls deleteItem\(\.\.\.\) but its policy .* does not allow dynamodb:DeleteItem/,
  },
  {
    name: "approval role allows more than its handler calls",
    plant: (d) => edit(d, "main.tf", 'actions   = ["dynamodb:GetItem", "dynamodb:UpdateItem"]', 'actions   = ["dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:PutItem"]'),
    tests: "tests/iam.tftest.hcl",
    checks: true,
    runs: [],
    expect: /\[iam\] data\.aws_iam_policy_document\.approval_page allows dynamodb:PutItem, which approval_page \(io\.sfncallback\.approval\.ApprovalPageHandler\) never calls/,
  },
  {
    name: "wildcard action (a DynamoDB one)",
    plant: (d) => edit(d, "main.tf", 'actions   = ["dynamodb:GetItem", "dynamodb:UpdateItem"]', 'actions   = ["dynamodb:*"]'),
    tests: "tests/iam.tftest.hcl",
    runs: ["no_allow_statement_grants_a_wildcard_action"],
    expect: /run "no_allow_statement_grants_a_wildcard_action"\.\.\. fail/,
  },
  {
    name: "state machine may invoke every version of the approval function",
    plant: (d) => edit(d, "main.tf", "resources = [aws_lambda_alias.approval_request.arn]", "resources = [aws_lambda_function.approval_request.arn]"),
    tests: "tests/iam.tftest.hcl",
    runs: ["state_machine_may_send_to_the_tasks_queue_invoke_the_approval_alias_and_deliver_its_logs"],
    expect: /run "state_machine_may_send_to_the_tasks_queue_invoke_the_approval_alias_and_deliver_its_logs"\.\.\. fail/,
  },
  {
    name: "access log with the link's path",
    plant: (d) => edit(d, "main.tf", 'routeKey           = "$context.routeKey"', 'routeKey           = "$context.path"'),
    tests: "tests/approval.tftest.hcl",
    runs: ["approval_api_access_log_names_the_route_never_the_path"],
    expect: /run "approval_api_access_log_names_the_route_never_the_path"\.\.\. fail/,
  },
  {
    name: "approval page route missing",
    plant: (d) => edit(d, "main.tf", '    GET  = "GET /approvals/{link}"\n    POST = "POST /approvals/{link}"\n', '    GET = "GET /approvals/{link}"\n'),
    tests: "tests/approval.tftest.hcl",
    runs: ["approval_api_routes_exactly_two_requests_to_the_page_alias"],
    expect: /run "approval_api_routes_exactly_two_requests_to_the_page_alias"\.\.\. fail/,
  },
  {
    name: "approver subscription without its filter policy",
    plant: (d) => edit(d, "main.tf", "  filter_policy       = jsonencode({ approver = [each.value] })\n", ""),
    tests: "tests/approval.tftest.hcl",
    runs: ["two_approvers_get_a_filtered_email_subscription_each"],
    expect: /run "two_approvers_get_a_filtered_email_subscription_each"\.\.\. fail/,
  },
  {
    name: "state machine no longer deleted before the approval API",
    plant: (d) => edit(d, "main.tf", "    aws_apigatewayv2_stage.approvals,\n", ""),
    tests: "none",
    inspect: true,
    checks: true,
    expect: /\[destroy-order\] aws_sfn_state_machine\.callback does not depend on aws_apigatewayv2_stage\.approvals/,
  },
  {
    name: "missing approval handler class",
    plant: (d) => fs.rmSync(path.join(d, "lambda/src/main/java/io/sfncallback/approval/ApprovalPageHandler.java")),
    reuse: true,
    expect: /handler class io\.sfncallback\.approval\.ApprovalPageHandler does not exist/,
  },
  {
    name: "README variable table out of step",
    plant: (d) => edit(d, "README.md", "| `batch_size` | `10` |", "| `batch_size` | `5` |"),
    reuse: true,
    expect: /the variable table says batch_size defaults to 5, variables\.tf says 10/,
  },
  {
    name: "local stack defaults out of step",
    plant: (d) => edit(d, "local/src/main/resources/terraform-defaults.json", '"task_heartbeat_seconds": 60', '"task_heartbeat_seconds": 61'),
    reuse: true,
    expect: /task_heartbeat_seconds is 61 here but variables\.tf's default is 60/,
  },
];

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
  // The slowest first (test runs, then validate or graph, then reused results), so that the two
  // workers finish together.
  const weight = (c) => (c.reuse ? 0 : c.tests && c.tests !== "none" ? 2 : 1);
  const order = CASES.map((c, i) => i).sort((a, b) => weight(CASES[b]) - weight(CASES[a]) || a - b);
  let next = 0;
  async function worker() {
    while (next < order.length) {
      const i = order[next++];
      const c = CASES[i];
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
  console.log(`self-test: ${CASES.length - failed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

main().then((code) => process.exit(code));
