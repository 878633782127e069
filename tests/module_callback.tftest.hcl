# modules/callback on its own (mock provider, tests/mocks): the queues (SSE, retention, the
# redrive, the TLS-only policies wired in, a visibility timeout that outlasts the function), the
# worker's settings, the event source mapping, the alarms, the rules between its variables, its
# longest names. The first run applies; the others plan against its state. The documents as the
# real provider renders them: tests/iam.tftest.hcl.

mock_provider "aws" {
  source = "./tests/mocks"
}

# tests/mocks knows the root's addresses; here the module is the root.
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

variables {
  name_prefix       = "sfn-callback"
  state_machine_arn = "arn:aws:states:us-east-1:123456789012:stateMachine:sfn-callback-callback"
  worker_jar        = "tests/fixtures/a.jar"
}

# The visibility timeout: AWS says "set the source queue's visibility timeout to at least six
# times the timeout that you configure on your function", plus the batching window the records
# wait in. https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html
run "queues_are_encrypted_redrive_to_the_dead_letter_queue_and_outlast_the_function" {
  module {
    source = "./modules/callback"
  }

  assert {
    condition     = aws_sqs_queue.tasks.sqs_managed_sse_enabled && aws_sqs_queue.dead_letters.sqs_managed_sse_enabled
    error_message = "Both queues use SSE-SQS."
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

  assert {
    condition     = aws_sqs_queue.tasks.visibility_timeout_seconds == 6 * 120 + 0
    error_message = "visibility_timeout_seconds is ${aws_sqs_queue.tasks.visibility_timeout_seconds}, expected 720."
  }

  assert {
    condition     = aws_sqs_queue.dead_letters.message_retention_seconds >= aws_sqs_queue.tasks.message_retention_seconds
    error_message = "The DLQ keeps a message at least as long as the tasks queue (a moved message keeps its enqueue time)."
  }
}

run "tasks_visibility_timeout_follows_the_function_timeout_and_the_window" {
  command = plan

  module {
    source = "./modules/callback"
  }

  variables {
    lambda_timeout_seconds  = 900
    batching_window_seconds = 300
    task_heartbeat_seconds  = 600
  }

  assert {
    condition     = aws_sqs_queue.tasks.visibility_timeout_seconds == 6 * 900 + 300 && aws_sqs_queue.tasks.visibility_timeout_seconds <= 43200
    error_message = "visibility_timeout_seconds is ${aws_sqs_queue.tasks.visibility_timeout_seconds}, expected 5700, within the SQS maximum of 12 hours."
  }
}

# What the worker reads (the Java side's WorkerConfig), with the defaults: the demo processor,
# and approval off, so that a processor asking for approval fails at once (Approval.NotEnabled).
run "worker_gets_its_settings_the_tasks_queue_and_approval_off" {
  command = plan

  module {
    source = "./modules/callback"
  }

  assert {
    condition = output.worker_environment == tomap({
      HEARTBEAT_INTERVAL_SECONDS = "15"
      MAX_RECEIVE_COUNT          = "5"
      RETRY_DELAY_SECONDS        = "10"
      TASKS_QUEUE_URL            = "https://sqs.us-east-1.amazonaws.com/123456789012/sfn-callback-tasks"
      MAX_CONCURRENT_RECORDS     = "10"
      PROCESSOR_CLASS            = "io.sfncallback.worker.processor.DemoProcessor"
      APPROVAL_ENABLED           = "false"
    })
    error_message = "Worker environment: ${jsonencode(output.worker_environment)}"
  }

  assert {
    condition     = output.worker_source_code_hash == filebase64sha256("tests/fixtures/a.jar")
    error_message = "The worker runs worker_jar."
  }
}

run "worker_with_approval_on_and_a_processor_of_ones_own" {
  command = plan

  module {
    source = "./modules/callback"
  }

  variables {
    approval_enabled = true
    processor_class  = "com.example.orders.OrderProcessor"
  }

  assert {
    condition     = output.worker_environment["APPROVAL_ENABLED"] == "true" && output.worker_environment["PROCESSOR_CLASS"] == "com.example.orders.OrderProcessor"
    error_message = "Worker environment: ${jsonencode(output.worker_environment)}"
  }
}

run "event_source_mapping_feeds_the_live_alias_with_partial_batch_responses" {
  command = plan

  module {
    source = "./modules/callback"
  }

  assert {
    condition = (
      aws_lambda_event_source_mapping.tasks.event_source_arn == aws_sqs_queue.tasks.arn &&
      aws_lambda_event_source_mapping.tasks.function_name == output.worker_alias_arn
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

run "alarms_watch_the_dead_letters_and_the_waiting_tasks" {
  command = plan

  module {
    source = "./modules/callback"
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.dead_letters.metric_name == "ApproximateNumberOfMessagesVisible" &&
      aws_cloudwatch_metric_alarm.dead_letters.dimensions == tomap({ QueueName = "sfn-callback-dead-letters" }) &&
      aws_cloudwatch_metric_alarm.dead_letters.comparison_operator == "GreaterThanThreshold" &&
      aws_cloudwatch_metric_alarm.dead_letters.threshold == 0
    )
    error_message = "The dead-letters alarm fires on any visible message in the DLQ."
  }

  # Half of task_heartbeat_seconds (60): see local.queue_age_alarm_seconds.
  assert {
    condition = (
      aws_cloudwatch_metric_alarm.tasks_waiting.metric_name == "ApproximateAgeOfOldestMessage" &&
      aws_cloudwatch_metric_alarm.tasks_waiting.dimensions == tomap({ QueueName = "sfn-callback-tasks" }) &&
      aws_cloudwatch_metric_alarm.tasks_waiting.statistic == "Maximum" &&
      aws_cloudwatch_metric_alarm.tasks_waiting.period == 60 &&
      aws_cloudwatch_metric_alarm.tasks_waiting.threshold == 30
    )
    error_message = "The tasks-waiting alarm: ${aws_cloudwatch_metric_alarm.tasks_waiting.metric_name} ${aws_cloudwatch_metric_alarm.tasks_waiting.statistic} over ${aws_cloudwatch_metric_alarm.tasks_waiting.period} s > ${aws_cloudwatch_metric_alarm.tasks_waiting.threshold}."
  }

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.dead_letters.alarm_actions) == 0 && length(aws_cloudwatch_metric_alarm.tasks_waiting.ok_actions) == 0
    error_message = "Without alarm_actions the alarms notify nobody."
  }
}

run "the_tasks_waiting_alarm_follows_the_heartbeat" {
  command = plan

  module {
    source = "./modules/callback"
  }

  variables {
    task_heartbeat_seconds = 301
    alarm_actions          = ["arn:aws:sns:us-east-1:123456789012:sfn-callback-alarms"]
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.tasks_waiting.threshold == 150
    error_message = "Half of a 301 s heartbeat, rounded down, is 150; got ${aws_cloudwatch_metric_alarm.tasks_waiting.threshold}."
  }

  assert {
    condition = alltrue([for a in [aws_cloudwatch_metric_alarm.dead_letters, aws_cloudwatch_metric_alarm.tasks_waiting] :
    a.alarm_actions == toset(["arn:aws:sns:us-east-1:123456789012:sfn-callback-alarms"]) && a.ok_actions == a.alarm_actions])
    error_message = "Both alarms notify alarm_actions when they fire and when they clear."
  }
}

run "the_tasks_waiting_alarm_threshold_can_be_set" {
  command = plan

  module {
    source = "./modules/callback"
  }

  variables {
    queue_age_alarm_seconds = 600
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.tasks_waiting.threshold == 600
    error_message = "queue_age_alarm_seconds sets the threshold; got ${aws_cloudwatch_metric_alarm.tasks_waiting.threshold}."
  }
}

run "dlq_retention_below_the_tasks_queue_retention_is_refused" {
  command = plan

  module {
    source = "./modules/callback"
  }

  variables {
    message_retention_seconds     = 86400
    dlq_message_retention_seconds = 86399
  }

  expect_failures = [aws_sqs_queue.dead_letters]
}

run "batches_above_10_without_a_batching_window_are_refused" {
  command = plan

  module {
    source = "./modules/callback"
  }

  variables {
    batch_size = 11
  }

  expect_failures = [aws_lambda_event_source_mapping.tasks]
}

run "the_rules_between_variables_pass_at_their_boundaries" {
  command = plan

  module {
    source = "./modules/callback"
  }

  variables {
    message_retention_seconds     = 86400
    dlq_message_retention_seconds = 86400
    batch_size                    = 11
    batching_window_seconds       = 1
  }

  assert {
    condition     = aws_lambda_event_source_mapping.tasks.batch_size == 11
    error_message = "Equal retentions and a batch of 11 with a 1 s window pass."
  }
}

# The longest names: a 32-character name_prefix in the region with the longest name AWS has
# (us-isof-south-1, 15 characters); the worker's role name (64 at most) is checked by
# modules/lambda-function's own validation, which would fail this plan.
# https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html (80)
run "longest_prefix_and_region_fit_every_name_limit" {
  command = plan

  module {
    source = "./modules/callback"
  }

  variables {
    name_prefix       = "a2345678901234567890123456789012"
    state_machine_arn = "arn:aws-iso-f:states:us-isof-south-1:123456789012:stateMachine:a2345678901234567890123456789012-callback"
  }

  assert {
    condition     = output.worker_role_name == "a2345678901234567890123456789012-worker-us-isof-south-1"
    error_message = "The role name carries the region of the state machine: ${output.worker_role_name}"
  }

  assert {
    condition     = length(aws_sqs_queue.tasks.name) <= 80 && length(aws_sqs_queue.dead_letters.name) <= 80
    error_message = "Queue names are at most 80 characters."
  }

  assert {
    condition = alltrue([for a in [aws_cloudwatch_metric_alarm.dead_letters, aws_cloudwatch_metric_alarm.tasks_waiting] :
    length(a.alarm_name) <= 255 && length(a.alarm_description) <= 1024])
    error_message = "Alarm names are at most 255 characters and descriptions 1024."
  }
}

run "a_state_machine_arn_that_is_not_one_is_refused" {
  command = plan

  module {
    source = "./modules/callback"
  }

  variables {
    state_machine_arn = "arn:aws:states:us-east-1:123456789012:execution:sfn-callback-callback:run-1"
  }

  expect_failures = [var.state_machine_arn]
}

# The module refuses what AWS would refuse, as the root does (a caller without our root gets the
# same messages at plan time): one bad value per input.
run "inputs_aws_would_refuse_are_refused" {
  command = plan

  module {
    source = "./modules/callback"
  }

  variables {
    name_prefix                   = "Orders_"
    task_heartbeat_seconds        = 2
    max_receive_count             = 0
    message_retention_seconds     = 59
    dlq_message_retention_seconds = 1209601
    processor_class               = "OrderProcessor"
    lambda_runtime                = "java17"
    lambda_architecture           = "x86"
    lambda_memory_mb              = 127
    lambda_timeout_seconds        = 901
    lambda_application_log_level  = "VERBOSE"
    lambda_system_log_level       = "ERROR"
    log_retention_days            = 2
    heartbeat_interval_seconds    = 0
    retry_delay_seconds           = 43201
    max_concurrent_records        = 0
    batch_size                    = 10001
    batching_window_seconds       = 301
    max_concurrency               = 1
    queue_age_alarm_seconds       = 0
  }

  expect_failures = [
    var.name_prefix, var.task_heartbeat_seconds, var.max_receive_count, var.message_retention_seconds,
    var.dlq_message_retention_seconds, var.processor_class, var.lambda_runtime, var.lambda_architecture,
    var.lambda_memory_mb, var.lambda_timeout_seconds, var.lambda_application_log_level,
    var.lambda_system_log_level, var.log_retention_days, var.heartbeat_interval_seconds,
    var.retry_delay_seconds, var.max_concurrent_records, var.batch_size, var.batching_window_seconds,
    var.max_concurrency, var.queue_age_alarm_seconds,
  ]
}
