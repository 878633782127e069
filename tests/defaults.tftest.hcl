# The stack with every variable at its default: the key attributes of every resource and every
# output. The first run applies (mock provider, tests/mocks); the others plan against the state it
# left, where everything, computed values included, is known.

mock_provider "aws" {
  source = "./tests/mocks"
}

# The two queues told apart (the redrive policy, the mapping and the alarms name one of them);
# a queue's id is its URL.
override_resource {
  target = aws_sqs_queue.tasks
  values = {
    id  = "https://sqs.us-east-1.amazonaws.com/123456789012/sfn-callback-tasks"
    arn = "arn:aws:sqs:us-east-1:123456789012:sfn-callback-tasks"
    url = "https://sqs.us-east-1.amazonaws.com/123456789012/sfn-callback-tasks"
  }
}

override_resource {
  target = aws_sqs_queue.dead_letters
  values = {
    id  = "https://sqs.us-east-1.amazonaws.com/123456789012/sfn-callback-dead-letters"
    arn = "arn:aws:sqs:us-east-1:123456789012:sfn-callback-dead-letters"
    url = "https://sqs.us-east-1.amazonaws.com/123456789012/sfn-callback-dead-letters"
  }
}

run "defaults_apply" {
  assert {
    condition     = length(aws_sns_topic.alarms) == 0 && length(aws_sns_topic_subscription.alarm_email) == 0
    error_message = "Without alarm_email there is no SNS topic and no subscription."
  }

  assert {
    condition     = length(aws_iam_role_policy.worker_xray) == 0 && length(aws_iam_role_policy.state_machine_xray) == 0
    error_message = "Tracing is off by default, so no X-Ray policy is attached."
  }
}

run "queues_are_encrypted_and_redrive_to_the_dead_letter_queue" {
  command = plan

  assert {
    condition     = aws_sqs_queue.tasks.name == "sfn-callback-tasks" && aws_sqs_queue.dead_letters.name == "sfn-callback-dead-letters"
    error_message = "Queue names: ${aws_sqs_queue.tasks.name}, ${aws_sqs_queue.dead_letters.name}."
  }

  assert {
    condition     = aws_sqs_queue.tasks.sqs_managed_sse_enabled && aws_sqs_queue.dead_letters.sqs_managed_sse_enabled
    error_message = "Both queues use SSE-SQS."
  }

  assert {
    condition     = aws_sqs_queue.tasks.message_retention_seconds == 345600 && aws_sqs_queue.dead_letters.message_retention_seconds == 1209600
    error_message = "Retention: 4 days on the tasks queue, 14 days on the DLQ."
  }

  assert {
    condition = jsondecode(aws_sqs_queue.tasks.redrive_policy) == {
      deadLetterTargetArn = "arn:aws:sqs:us-east-1:123456789012:sfn-callback-dead-letters"
      maxReceiveCount     = 5
    }
    error_message = "The tasks queue redrives to the DLQ after max_receive_count receives: ${aws_sqs_queue.tasks.redrive_policy}"
  }

  assert {
    condition = jsondecode(aws_sqs_queue_redrive_allow_policy.dead_letters.redrive_allow_policy) == {
      redrivePermission = "byQueue"
      sourceQueueArns   = ["arn:aws:sqs:us-east-1:123456789012:sfn-callback-tasks"]
    }
    error_message = "Only the tasks queue may use the DLQ: ${aws_sqs_queue_redrive_allow_policy.dead_letters.redrive_allow_policy}"
  }

  assert {
    condition = (
      aws_sqs_queue_redrive_allow_policy.dead_letters.queue_url == aws_sqs_queue.dead_letters.url &&
      aws_sqs_queue_policy.tasks.queue_url == aws_sqs_queue.tasks.url &&
      aws_sqs_queue_policy.tasks.policy == data.aws_iam_policy_document.tasks_queue.json &&
      aws_sqs_queue_policy.dead_letters.queue_url == aws_sqs_queue.dead_letters.url &&
      aws_sqs_queue_policy.dead_letters.policy == data.aws_iam_policy_document.dead_letters_queue.json
    )
    error_message = "Each queue carries its own TLS-only policy document (the documents: tests/iam.tftest.hcl)."
  }
}

# AWS: "set the source queue's visibility timeout to at least six times the timeout that you
# configure on your function", plus the batching window the records wait in.
# https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html
run "tasks_visibility_timeout_is_six_function_timeouts_plus_the_batching_window" {
  command = plan

  assert {
    condition     = aws_sqs_queue.tasks.visibility_timeout_seconds == 6 * 120 + 0
    error_message = "visibility_timeout_seconds is ${aws_sqs_queue.tasks.visibility_timeout_seconds}, expected 720."
  }
}

run "tasks_visibility_timeout_follows_the_function_timeout_and_the_window" {
  command = plan

  variables {
    lambda_timeout_seconds  = 900
    batching_window_seconds = 300
    task_heartbeat_seconds  = 600
  }

  assert {
    condition     = aws_sqs_queue.tasks.visibility_timeout_seconds == 6 * 900 + 300
    error_message = "visibility_timeout_seconds is ${aws_sqs_queue.tasks.visibility_timeout_seconds}, expected 5700."
  }

  assert {
    condition     = aws_sqs_queue.tasks.visibility_timeout_seconds <= 43200
    error_message = "The largest derived visibility timeout must stay within the SQS maximum of 12 hours."
  }
}

run "worker_runs_the_shaded_jar_as_a_snapstart_version" {
  command = plan

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

run "worker_logs_json_to_its_own_log_group" {
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
}

run "worker_settings_come_from_the_variables" {
  command = plan

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

run "state_machine_is_standard_and_logs_errors_without_execution_data" {
  command = plan

  assert {
    condition = (
      aws_sfn_state_machine.callback.name == "sfn-callback-callback" &&
      aws_sfn_state_machine.callback.type == "STANDARD" &&
      aws_sfn_state_machine.callback.role_arn == aws_iam_role.state_machine.arn
    )
    error_message = "State machine ${aws_sfn_state_machine.callback.name} (${aws_sfn_state_machine.callback.type})."
  }

  assert {
    condition = (
      aws_sfn_state_machine.callback.logging_configuration[0].level == "ERROR" &&
      aws_sfn_state_machine.callback.logging_configuration[0].include_execution_data == false &&
      aws_sfn_state_machine.callback.logging_configuration[0].log_destination == "${aws_cloudwatch_log_group.state_machine.arn}:*" &&
      aws_sfn_state_machine.callback.tracing_configuration[0].enabled == false
    )
    error_message = "State machine logging/tracing: ${jsonencode(aws_sfn_state_machine.callback.logging_configuration)} ${jsonencode(aws_sfn_state_machine.callback.tracing_configuration)}"
  }

  assert {
    condition     = aws_cloudwatch_log_group.state_machine.name == "/aws/vendedlogs/states/sfn-callback-callback" && aws_cloudwatch_log_group.state_machine.retention_in_days == 14
    error_message = "The state machine logs to a /aws/vendedlogs/ group, kept 14 days."
  }
}

run "alarms_watch_the_dead_letters_the_waiting_tasks_and_the_executions" {
  command = plan

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.dead_letters.alarm_name == "sfn-callback-dead-letters-not-empty" &&
      aws_cloudwatch_metric_alarm.dead_letters.namespace == "AWS/SQS" &&
      aws_cloudwatch_metric_alarm.dead_letters.metric_name == "ApproximateNumberOfMessagesVisible" &&
      aws_cloudwatch_metric_alarm.dead_letters.dimensions == tomap({ QueueName = "sfn-callback-dead-letters" }) &&
      aws_cloudwatch_metric_alarm.dead_letters.comparison_operator == "GreaterThanThreshold" &&
      aws_cloudwatch_metric_alarm.dead_letters.threshold == 0
    )
    error_message = "The dead-letters alarm fires on any visible message in the DLQ."
  }

  # Half of task_heartbeat_seconds (60): see local.queue_age_alarm_seconds in main.tf.
  assert {
    condition = (
      aws_cloudwatch_metric_alarm.tasks_waiting.alarm_name == "sfn-callback-tasks-waiting-too-long" &&
      aws_cloudwatch_metric_alarm.tasks_waiting.namespace == "AWS/SQS" &&
      aws_cloudwatch_metric_alarm.tasks_waiting.metric_name == "ApproximateAgeOfOldestMessage" &&
      aws_cloudwatch_metric_alarm.tasks_waiting.dimensions == tomap({ QueueName = "sfn-callback-tasks" }) &&
      aws_cloudwatch_metric_alarm.tasks_waiting.statistic == "Maximum" &&
      aws_cloudwatch_metric_alarm.tasks_waiting.period == 60 &&
      aws_cloudwatch_metric_alarm.tasks_waiting.evaluation_periods == 1 &&
      aws_cloudwatch_metric_alarm.tasks_waiting.comparison_operator == "GreaterThanThreshold" &&
      aws_cloudwatch_metric_alarm.tasks_waiting.threshold == 30 &&
      aws_cloudwatch_metric_alarm.tasks_waiting.treat_missing_data == "notBreaching"
    )
    error_message = "The tasks-waiting alarm: ${aws_cloudwatch_metric_alarm.tasks_waiting.metric_name} ${aws_cloudwatch_metric_alarm.tasks_waiting.statistic} over ${aws_cloudwatch_metric_alarm.tasks_waiting.period} s > ${aws_cloudwatch_metric_alarm.tasks_waiting.threshold}."
  }

  assert {
    condition = alltrue([for a in [aws_cloudwatch_metric_alarm.executions_failed, aws_cloudwatch_metric_alarm.executions_timed_out] :
      a.namespace == "AWS/States" && a.dimensions == tomap({ StateMachineArn = aws_sfn_state_machine.callback.arn }) && a.statistic == "Sum" && a.threshold == 0
    ])
    error_message = "The execution alarms watch this state machine's ExecutionsFailed / ExecutionsTimedOut."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.executions_failed.metric_name == "ExecutionsFailed" &&
      aws_cloudwatch_metric_alarm.executions_timed_out.metric_name == "ExecutionsTimedOut"
    )
    error_message = "Execution alarm metrics: ${aws_cloudwatch_metric_alarm.executions_failed.metric_name}, ${aws_cloudwatch_metric_alarm.executions_timed_out.metric_name}."
  }

  assert {
    condition = alltrue([for a in [aws_cloudwatch_metric_alarm.dead_letters, aws_cloudwatch_metric_alarm.tasks_waiting, aws_cloudwatch_metric_alarm.executions_failed, aws_cloudwatch_metric_alarm.executions_timed_out] :
      length(a.alarm_actions) == 0 && length(a.ok_actions) == 0
    ])
    error_message = "Without alarm_email the alarms notify nobody (they show in CloudWatch only)."
  }
}

run "the_tasks_waiting_alarm_follows_the_heartbeat_or_its_own_variable" {
  command = plan

  variables {
    task_heartbeat_seconds     = 301
    heartbeat_interval_seconds = 30
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.tasks_waiting.threshold == 150
    error_message = "Half of a 301 s heartbeat, rounded down, is 150; got ${aws_cloudwatch_metric_alarm.tasks_waiting.threshold}."
  }
}

run "the_tasks_waiting_alarm_threshold_can_be_set" {
  command = plan

  variables {
    queue_age_alarm_seconds = 600
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.tasks_waiting.threshold == 600
    error_message = "queue_age_alarm_seconds sets the threshold; got ${aws_cloudwatch_metric_alarm.tasks_waiting.threshold}."
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
      aws_iam_role.worker.assume_role_policy == data.aws_iam_policy_document.worker_assume.json &&
      aws_iam_role.state_machine.assume_role_policy == data.aws_iam_policy_document.state_machine_assume.json &&
      aws_iam_role_policy.worker.role == aws_iam_role.worker.id &&
      aws_iam_role_policy.worker.policy == data.aws_iam_policy_document.worker.json &&
      aws_iam_role_policy.state_machine.role == aws_iam_role.state_machine.id &&
      aws_iam_role_policy.state_machine.policy == data.aws_iam_policy_document.state_machine.json
    )
    error_message = "Each role gets its own trust and permission documents (their content: tests/iam.tftest.hcl)."
  }
}

run "outputs_name_every_resource" {
  command = plan

  assert {
    condition = (
      output.state_machine_arn == aws_sfn_state_machine.callback.arn &&
      output.state_machine_name == "sfn-callback-callback" &&
      output.tasks_queue_url == "https://sqs.us-east-1.amazonaws.com/123456789012/sfn-callback-tasks" &&
      output.tasks_queue_arn == "arn:aws:sqs:us-east-1:123456789012:sfn-callback-tasks" &&
      output.dead_letter_queue_url == "https://sqs.us-east-1.amazonaws.com/123456789012/sfn-callback-dead-letters" &&
      output.dead_letter_queue_arn == "arn:aws:sqs:us-east-1:123456789012:sfn-callback-dead-letters" &&
      output.worker_function_name == "sfn-callback-worker" &&
      output.worker_alias_arn == aws_lambda_alias.live.arn &&
      output.worker_log_group_name == "/aws/lambda/sfn-callback-worker" &&
      output.state_machine_log_group_name == "/aws/vendedlogs/states/sfn-callback-callback" &&
      output.alarm_topic_arn == null
    )
    error_message = "An output does not name its resource."
  }

  assert {
    condition     = output.start_execution_command == "aws stepfunctions start-execution --region us-east-1 --state-machine-arn ${aws_sfn_state_machine.callback.arn} --input '{\"mode\":\"succeed\",\"note\":\"hello\"}'"
    error_message = "start_execution_command: ${output.start_execution_command}"
  }
}
