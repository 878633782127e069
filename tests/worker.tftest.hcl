# The worker with the defaults: the function (runtime, architecture, handler, SnapStart version),
# its logging and settings, the live alias, the event source mapping, the roles. The first run
# applies (mock provider, tests/mocks); the others plan against the state it left.

# Teardown destroys what the runs applied: no destroy-time provisioner may call AWS from a test
# (tests/destroy.tftest.hcl covers it).
variables {
  stop_executions_on_destroy = false
}

mock_provider "aws" {
  source = "./tests/mocks"
}

run "worker_runs_the_shaded_jar_as_a_snapstart_version" {
  assert {
    condition = (
      aws_lambda_function.worker.function_name == "sfn-callback-worker" &&
      aws_lambda_function.worker.runtime == "java21" &&
      aws_lambda_function.worker.architectures == tolist(["arm64"]) &&
      aws_lambda_function.worker.handler == "io.sfncallback.worker.CallbackHandler::handleRequest" &&
      aws_lambda_function.worker.memory_size == 1024 &&
      aws_lambda_function.worker.timeout == 120
    )
    error_message = "Worker: ${aws_lambda_function.worker.function_name} ${aws_lambda_function.worker.runtime} ${jsonencode(aws_lambda_function.worker.architectures)} ${aws_lambda_function.worker.handler} ${aws_lambda_function.worker.memory_size} MB ${aws_lambda_function.worker.timeout} s."
  }

  assert {
    condition     = aws_lambda_function.worker.filename == "./lambda/target/callback-worker.jar" && aws_lambda_function.worker.source_code_hash == filebase64sha256("./lambda/target/callback-worker.jar")
    error_message = "The function deploys the Maven shaded jar and redeploys when its hash changes."
  }

  assert {
    condition     = aws_lambda_function.worker.publish && aws_lambda_function.worker.snap_start[0].apply_on == "PublishedVersions"
    error_message = "SnapStart snapshots published versions only: publish = true and apply_on = PublishedVersions."
  }

  assert {
    condition     = aws_lambda_function.worker.role == aws_iam_role.worker.arn && aws_lambda_function.worker.tracing_config[0].mode == "PassThrough"
    error_message = "The worker runs with its own role and without active tracing by default."
  }

  assert {
    condition     = aws_lambda_alias.live.name == "live" && aws_lambda_alias.live.function_name == aws_lambda_function.worker.function_name && aws_lambda_alias.live.function_version == aws_lambda_function.worker.version
    error_message = "The live alias follows the version the last apply published."
  }
}

run "worker_logs_json_to_its_own_log_group_and_reads_its_settings_from_the_variables" {
  command = plan

  assert {
    condition = (
      aws_lambda_function.worker.logging_config[0].log_format == "JSON" &&
      aws_lambda_function.worker.logging_config[0].log_group == "/aws/lambda/sfn-callback-worker" &&
      aws_lambda_function.worker.logging_config[0].application_log_level == "INFO" &&
      aws_lambda_function.worker.logging_config[0].system_log_level == "WARN"
    )
    error_message = "Worker logging: ${jsonencode(aws_lambda_function.worker.logging_config)}"
  }

  assert {
    condition     = aws_cloudwatch_log_group.worker.name == "/aws/lambda/sfn-callback-worker" && aws_cloudwatch_log_group.worker.retention_in_days == 14
    error_message = "The worker's log group is the one Lambda writes to by name, kept 14 days."
  }

  assert {
    condition = aws_lambda_function.worker.environment[0].variables == tomap({
      HEARTBEAT_INTERVAL_SECONDS = "15"
      MAX_RECEIVE_COUNT          = "5"
      RETRY_DELAY_SECONDS        = "10"
      TASKS_QUEUE_URL            = "https://sqs.us-east-1.amazonaws.com/123456789012/sfn-callback-tasks"
      MAX_CONCURRENT_RECORDS     = "10"
      PROCESSOR_CLASS            = "io.sfncallback.worker.processor.DemoProcessor"
    })
    error_message = "Worker environment: ${jsonencode(aws_lambda_function.worker.environment[0].variables)}"
  }
}


run "event_source_mapping_feeds_the_live_alias_with_partial_batch_responses" {
  command = plan

  assert {
    condition = (
      aws_lambda_event_source_mapping.tasks.event_source_arn == aws_sqs_queue.tasks.arn &&
      aws_lambda_event_source_mapping.tasks.function_name == aws_lambda_alias.live.arn
    )
    error_message = "The mapping reads the tasks queue and invokes the live alias (SnapStart versions), not $LATEST."
  }

  assert {
    condition = (
      aws_lambda_event_source_mapping.tasks.batch_size == 10 &&
      aws_lambda_event_source_mapping.tasks.maximum_batching_window_in_seconds == 0 &&
      aws_lambda_event_source_mapping.tasks.function_response_types == toset(["ReportBatchItemFailures"]) &&
      aws_lambda_event_source_mapping.tasks.scaling_config[0].maximum_concurrency == 10
    )
    error_message = "Mapping: batch ${aws_lambda_event_source_mapping.tasks.batch_size}, window ${aws_lambda_event_source_mapping.tasks.maximum_batching_window_in_seconds}, ${jsonencode(aws_lambda_event_source_mapping.tasks.function_response_types)}, concurrency ${jsonencode(aws_lambda_event_source_mapping.tasks.scaling_config)}."
  }
}

run "roles_are_named_per_region_and_policies_attached" {
  command = plan

  assert {
    condition     = aws_iam_role.worker.name == "sfn-callback-worker-us-east-1" && aws_iam_role.state_machine.name == "sfn-callback-states-us-east-1"
    error_message = "IAM role names carry the region: ${aws_iam_role.worker.name}, ${aws_iam_role.state_machine.name}."
  }

  assert {
    condition = (
      aws_iam_role.worker.assume_role_policy == data.aws_iam_policy_document.lambda_assume.json &&
      aws_iam_role.state_machine.assume_role_policy == data.aws_iam_policy_document.state_machine_assume.json &&
      aws_iam_role_policy.worker.role == aws_iam_role.worker.id &&
      aws_iam_role_policy.worker.policy == data.aws_iam_policy_document.worker.json &&
      aws_iam_role_policy.state_machine.role == aws_iam_role.state_machine.id &&
      aws_iam_role_policy.state_machine.policy == data.aws_iam_policy_document.state_machine.json
    )
    error_message = "Each role gets its own trust and permission documents (their content: tests/iam.tftest.hcl)."
  }
}
