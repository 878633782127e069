// Self-test: copies of the configuration with one planted error each. Every copy must make the
// checks fail with a finding that names the problem; the unchanged copy must pass. This is what
// keeps the checks honest: a check that cannot fail is not a check.
"use strict";

const fs = require("fs");
const os = require("os");
const path = require("path");

// Files the checks read, copied into each temp dir.
const INPUTS = ["main.tf", "variables.tf", "outputs.tf", "statemachine.asl.json", "lambda/pom.xml", "lambda/src/main/java", "local/src/main/resources/terraform-defaults.json", "README.md"];

function copyInto(root, dir) {
  for (const rel of INPUTS) {
    const from = path.join(root, rel);
    if (!fs.existsSync(from)) continue;
    fs.cpSync(from, path.join(dir, rel), { recursive: true });
  }
}

function edit(dir, rel, from, to) {
  const file = path.join(dir, rel);
  const text = fs.readFileSync(file, "utf8");
  const hit = typeof from === "string" ? text.includes(from) : from.test(text);
  if (!hit) throw new Error(`self-test setup: ${rel} no longer contains ${from}; update the case`);
  fs.writeFileSync(file, text.replace(from, to));
}

function write(dir, rel, text) {
  fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  fs.writeFileSync(path.join(dir, rel), text);
}

const CASES = [
  {
    name: "HCL syntax error",
    plant: (d) => edit(d, "outputs.tf", 'output "state_machine_arn" {', 'output "state_machine_arn" {\n  value ='),
    expect: /HCL syntax error/,
  },
  {
    name: "unformatted file",
    plant: (d) => edit(d, "main.tf", "  message_retention_seconds = var.dlq_message_retention_seconds", "  message_retention_seconds   =  var.dlq_message_retention_seconds"),
    expect: /main\.tf:\d+: \[fmt\] not formatted as terraform fmt would/,
  },
  {
    name: "misspelled argument",
    plant: (d) => edit(d, "main.tf", "visibility_timeout_seconds = local", "visiblity_timeout_seconds  = local"),
    expect: /unsupported argument visiblity_timeout_seconds \(did you mean visibility_timeout_seconds\?\)/,
  },
  {
    name: "missing required argument",
    plant: (d) => edit(d, "main.tf", /\n  role {10}= aws_iam_role\.worker\.arn/, ""),
    expect: /aws_lambda_function\.worker: missing required argument role/,
  },
  {
    name: "missing required nested block",
    plant: (d) => edit(d, "main.tf", "  snap_start {\n", "  capacity_provider_config {\n  }\n\n  snap_start {\n"),
    expect: /capacity_provider_config: missing required block lambda_managed_instances_capacity_provider_config/,
  },
  {
    name: "missing required argument of a precondition",
    plant: (d) => edit(d, "main.tf", /\n      error_message = "task_heartbeat_seconds \(.*\n/, "\n"),
    expect: /lifecycle > precondition: missing required argument error_message/,
  },
  {
    name: "block written as an argument",
    plant: (d) => edit(d, "main.tf", '  snap_start {\n    apply_on = "PublishedVersions"\n  }', '  snap_start = {\n    apply_on = "PublishedVersions"\n  }'),
    expect: /snap_start is a block, not an argument/,
  },
  {
    name: "argument written as a block",
    plant: (d) => edit(d, "main.tf", "  scaling_config {\n    maximum_concurrency = var.max_concurrency\n  }", "  scaling_config {\n    maximum_concurrency {\n    }\n  }"),
    expect: /maximum_concurrency is an argument, not a block/,
  },
  {
    name: "read-only attribute set",
    plant: (d) => edit(d, "main.tf", '  name                      = "${var.name_prefix}-dead-letters"', '  name                      = "${var.name_prefix}-dead-letters"\n  arn                       = "arn:aws:sqs:us-east-1:1:x"'),
    expect: /arn is read-only/,
  },
  {
    name: "unknown resource type",
    plant: (d) => edit(d, "main.tf", 'resource "aws_lambda_alias" "live"', 'resource "aws_lambda_aliass" "live"'),
    expect: /resource type aws_lambda_aliass is not in the committed provider schema/,
  },
  {
    name: "dangling resource reference",
    plant: (d) => edit(d, "main.tf", "event_source_arn                   = aws_sqs_queue.tasks.arn", "event_source_arn                   = aws_sqs_queue.task.arn"),
    expect: /reference to undeclared resource aws_sqs_queue\.task/,
  },
  {
    name: "unknown attribute of a resource",
    plant: (d) => edit(d, "outputs.tf", "value       = aws_sqs_queue.tasks.arn", "value       = aws_sqs_queue.tasks.arnn"),
    expect: /aws_sqs_queue\.tasks has no attribute arnn/,
  },
  {
    name: "undeclared variable inside templatefile arguments",
    plant: (d) => edit(d, "main.tf", "heartbeat_seconds = var.task_heartbeat_seconds", "heartbeat_seconds = var.task_heartbeat_second"),
    expect: /reference to undeclared variable var\.task_heartbeat_second\b/,
  },
  {
    name: "undeclared local inside a heredoc",
    plant: (d) => fs.appendFileSync(path.join(d, "outputs.tf"), '\noutput "heredoc" {\n  description = "x"\n  value       = <<-EOT\n    queue ${local.no_such_local}\n  EOT\n}\n'),
    expect: /reference to undeclared local value local\.no_such_local/,
  },
  {
    name: "counted resource used without an index",
    plant: (d) => edit(d, "outputs.tf", "value       = one(aws_sns_topic.alarms[*].arn)", "value       = aws_sns_topic.alarms.arn"),
    expect: /aws_sns_topic\.alarms has count\/for_each/,
  },
  {
    name: "variable without description",
    plant: (d) => edit(d, "variables.tf", /  description = "Tags applied to every resource[^\n]*\n/, ""),
    expect: /variable tags has no description/,
  },
  {
    name: "output without description",
    plant: (d) => edit(d, "outputs.tf", '  description = "Name of the state machine."\n', ""),
    expect: /output state_machine_name has no description/,
  },
  {
    name: "default that fails its own validation",
    plant: (d) => edit(d, "variables.tf", /(variable "max_concurrency" \{[\s\S]*?default\s+=\s)10/, "$11"),
    expect: /the default of variable max_concurrency \(1\) fails its own validation/,
  },
  {
    name: "heartbeat >= timeout",
    plant: (d) => edit(d, "variables.tf", /(variable "task_heartbeat_seconds" \{[\s\S]*?default\s+=\s)60/, "$13600"),
    expect: /HeartbeatSeconds \(3600\) must be less than TimeoutSeconds \(3600\)/,
  },
  {
    name: "heartbeat interval too close to the heartbeat timeout",
    plant: (d) => edit(d, "variables.tf", /(variable "heartbeat_interval_seconds" \{[\s\S]*?default\s+=\s)15/, "$130"),
    expect: /precondition fails with the default variable values: var\.heartbeat_interval_seconds \* 3/,
  },
  {
    name: "bad JSONPath in the ASL",
    plant: (d) => edit(d, "statemachine.asl.json", '"TaskToken.$": "$$.Task.Token"', '"TaskToken.$": "$$.Task.Token["'),
    expect: /asl-validator: .*TaskToken\.\$ is invalid/,
  },
  {
    name: "Next pointing at a missing state",
    plant: (d) => edit(d, "statemachine.asl.json", '"Next": "Done"', '"Next": "Finished"'),
    expect: /amazon-states-language-service: The value of "Next" property must be the name of an existing state/,
  },
  {
    name: "integration ARN with a fixed partition",
    plant: (d) => edit(d, "statemachine.asl.json", '"arn:${partition}:states:::sqs:sendMessage.waitForTaskToken"', '"arn:aws:states:::sqs:sendMessage.waitForTaskToken"'),
    expect: /\[partition aws-cn\] WaitForWorker: Resource is arn:aws:states:::sqs:sendMessage\.waitForTaskToken, expected exactly arn:aws-cn:states:::sqs:sendMessage\.waitForTaskToken/,
  },
  {
    name: "undeclared template placeholder",
    plant: (d) => edit(d, "statemachine.asl.json", '"Comment": "Sends', '"Comment": "In ${region}: sends'),
    expect: /placeholder \$\{region\} is not supplied by templatefile\(\)/,
  },
  {
    name: "template variable supplied but unused",
    plant: (d) => edit(d, "main.tf", "    timeout_seconds   = var.task_timeout_seconds\n", "    timeout_seconds   = var.task_timeout_seconds\n    region            = local.region\n"),
    expect: /templatefile\(\) supplies region, which statemachine\.asl\.json never uses/,
  },
  {
    name: "wildcard action",
    plant: (d) => edit(d, "main.tf", 'actions   = ["sqs:SendMessage"]', 'actions   = ["sqs:*"]'),
    expect: /wildcard action sqs:\* in an Allow statement/,
  },
  {
    name: "grant on Resource *",
    plant: (d) => edit(d, "main.tf", /(sid       = "ConsumeTasksQueue"[\s\S]*?resources = )\[aws_sqs_queue\.tasks\.arn\]/, '$1["*"]'),
    expect: /sqs:ReceiveMessage is granted on "\*"/,
  },
  {
    name: "statement without sid",
    plant: (d) => edit(d, "main.tf", '    sid       = "WriteOwnLogs"\n', ""),
    expect: /every statement needs a sid/,
  },
  {
    name: "callback actions not scoped to the state machine",
    plant: (d) => edit(d, "main.tf", "resources = [aws_sfn_state_machine.callback.arn]", 'resources = ["arn:aws:states:us-east-1:123456789012:stateMachine:other"]'),
    expect: /states:SendTaskSuccess must be scoped to this state machine/,
  },
  {
    name: "X-Ray granted unconditionally",
    plant: (d) => edit(d, "main.tf", "  count = var.lambda_tracing_enabled ? 1 : 0\n\n  name   = \"xray\"", '  name   = "xray"'),
    expect: /xray:PutTraceSegments, xray:PutTelemetryRecords granted unconditionally/,
  },
  {
    name: "trust policy without aws:SourceAccount",
    plant: (d) => edit(d, "main.tf", /(sid     = "LambdaAssumesRole"[\s\S]*?)\n\n    condition \{\n      test     = "StringEquals"\n      variable = "aws:SourceAccount"\n      values   = \[local\.account_id\]\n    \}/, "$1"),
    expect: /worker_assume: the trust statement needs an aws:SourceAccount condition/,
  },
  {
    name: "worker calls an action its role lacks",
    plant: (d) =>
      write(
        d,
        "lambda/src/main/java/io/sfncallback/worker/Purger.java",
        "package io.sfncallback.worker;\n\nimport software.amazon.awssdk.services.sqs.SqsClient;\n\nfinal class Purger {\n    void purge(SqsClient sqs, String url) {\n        sqs.purgeQueue(r -> r.queueUrl(url));\n    }\n}\n",
      ),
    expect: /Purger\.java:7: \[iam\] the worker calls purgeQueue\(\.\.\.\) but its role \(aws_iam_role\.worker\) is not allowed sqs:PurgeQueue/,
  },
  {
    name: "no SDK call found in the worker",
    plant: (d) => {
      for (const f of require("./lib/java").javaFiles(path.join(d, "lambda/src/main/java"))) {
        const t = fs.readFileSync(f, "utf8");
        fs.writeFileSync(f, t.replace(/software\.amazon\.awssdk\.services\.(sfn|sqs)/g, "example.nothing")
          .replace(/"(AmazonSQS|AWSStepFunctions)\./g, '"Example.'));
      }
    },
    expect: /found no Step Functions or SQS SDK call/,
  },
  {
    name: "handler naming a missing class",
    plant: (d) => edit(d, "main.tf", '"io.sfncallback.worker.CallbackHandler::handleRequest"', '"io.sfncallback.worker.NoSuchHandler::handleRequest"'),
    expect: /handler class io\.sfncallback\.worker\.NoSuchHandler does not exist/,
  },
  {
    name: "handler naming a missing method",
    plant: (d) => edit(d, "main.tf", '"io.sfncallback.worker.CallbackHandler::handleRequest"', '"io.sfncallback.worker.CallbackHandler::handle"'),
    expect: /handler method handle not found/,
  },
  {
    name: "jar path that is not the shaded jar",
    plant: (d) => edit(d, "main.tf", '"${path.module}/lambda/target/callback-worker.jar"', '"${path.module}/lambda/target/worker.jar"'),
    expect: /filename \.\/lambda\/target\/worker\.jar is not the Maven shaded jar lambda\/target\/callback-worker\.jar/,
  },
  {
    name: "misspelled environment variable",
    plant: (d) => edit(d, "main.tf", "HEARTBEAT_INTERVAL_SECONDS = tostring", "HEARTBEAT_INTERVAL_SECS    = tostring"),
    expect: /environment variable HEARTBEAT_INTERVAL_SECS is not read anywhere in the worker source/,
  },
  {
    name: "event source mapping on the function instead of the alias",
    plant: (d) => edit(d, "main.tf", "function_name                      = aws_lambda_alias.live.arn", "function_name                      = aws_lambda_function.worker.arn"),
    expect: /must target the alias ARN/,
  },
  {
    name: "no ReportBatchItemFailures",
    plant: (d) => edit(d, "main.tf", 'function_response_types            = ["ReportBatchItemFailures"]', "function_response_types            = []"),
    expect: /function_response_types must include "ReportBatchItemFailures"/,
  },
  {
    name: "queue without SSE",
    plant: (d) => edit(d, "main.tf", "  sqs_managed_sse_enabled    = true", "  sqs_managed_sse_enabled    = false"),
    expect: /aws_sqs_queue\.tasks: sqs_managed_sse_enabled must be true/,
  },
  {
    name: "visibility timeout not derived from the function timeout",
    plant: (d) => edit(d, "main.tf", "= 6 * var.lambda_timeout_seconds + var.batching_window_seconds", "= var.lambda_timeout_seconds"),
    expect: /visibility timeout is 120, expected 6 x lambda_timeout_seconds \+ batching_window_seconds = 720/,
  },
  {
    name: "README variable table out of step",
    plant: (d) => edit(d, "variables.tf", /(variable "batch_size" \{[\s\S]*?default\s+=\s)10/, "$15"),
    expect: /README\.md:\d+: \[docs\] the variable table says batch_size defaults to 10, variables\.tf says 5/,
  },
  {
    name: "local stack defaults out of step",
    plant: (d) => write(d, "local/src/main/resources/terraform-defaults.json", JSON.stringify({ task_heartbeat_seconds: 61, batch_size: 10 })),
    expect: /default of task_heartbeat_seconds is 60 but local\/src\/main\/resources\/terraform-defaults\.json says 61/,
  },
];

async function runSelfTest(root, checkRoot) {
  const started = Date.now();
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "check-infra-selftest-"));
  let passed = 0;
  let failed = 0;
  try {
    // The unchanged copy must be clean, or the cases below prove nothing.
    const clean = path.join(base, "clean");
    copyInto(root, clean);
    const baseline = await checkRoot(clean);
    if (baseline.count !== 0) {
      console.log(`self-test: FAIL the unchanged copy has ${baseline.count} finding(s); fix those first:`);
      for (const l of baseline.lines) console.log(`    ${l}`);
      return false;
    }
    for (const [i, c] of CASES.entries()) {
      const dir = path.join(base, `case-${i}`);
      copyInto(root, dir);
      let result;
      try {
        c.plant(dir);
        result = await checkRoot(dir);
      } catch (e) {
        console.log(`self-test: FAIL ${c.name}: ${e.message}`);
        failed++;
        continue;
      }
      const hit = result.lines.find((l) => c.expect.test(l));
      if (result.count > 0 && hit) {
        passed++;
        console.log(`self-test: ok   ${c.name}: ${hit.split("\n")[0]}`);
      } else {
        failed++;
        console.log(`self-test: FAIL ${c.name}: expected a finding matching ${c.expect}, got ${result.count}:`);
        for (const l of result.lines) console.log(`    ${l.split("\n")[0]}`);
      }
    }
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
  console.log(`self-test: ${((Date.now() - started) / 1000).toFixed(1)} s for ${CASES.length} planted errors`);
  console.log(`self-test: ${passed} passed, ${failed} failed`);
  return failed === 0;
}

module.exports = { runSelfTest, CASES };
