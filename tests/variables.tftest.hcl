# Every variable validation and every precondition of the root (the approval ones:
# tests/approval.tftest.hcl; the modules' rules between their variables: tests/module_*.tftest.hcl):
# a bad value must be refused at plan time (expect_failures names exactly what must fail), and the
# boundary values must pass. Bad values are grouped by concern; each run lists every check it
# expects to fail, so a validation that stopped refusing its value fails the run.

# Teardown destroys what the runs applied: no destroy-time provisioner may call AWS from a test
# (tests/destroy.tftest.hcl covers it).
variables {
  stop_executions_on_destroy = false
}

mock_provider "aws" {
  source = "./tests/mocks"
}

run "names_addresses_and_classes_are_checked" {
  command = plan

  variables {
    name_prefix     = "Sfn_Callback"
    region          = "Europe"
    processor_class = "OrderProcessor"
    alarm_email     = "ops-at-example.com"
  }

  expect_failures = [var.name_prefix, var.region, var.processor_class, var.alarm_email]
}

run "name_prefix_longer_than_32_characters_is_refused" {
  command = plan

  variables {
    name_prefix = "a23456789012345678901234567890123"
  }

  expect_failures = [var.name_prefix]
}

run "lambda_settings_lambda_does_not_accept_are_refused" {
  command = plan

  variables {
    lambda_runtime               = "java25"
    lambda_architecture          = "x86"
    lambda_memory_mb             = 127
    lambda_timeout_seconds       = 901
    lambda_application_log_level = "VERBOSE"
    lambda_system_log_level      = "ERROR"
    max_concurrent_records       = 0
  }

  expect_failures = [
    var.lambda_runtime,
    var.lambda_architecture,
    var.lambda_memory_mb,
    var.lambda_timeout_seconds,
    var.lambda_application_log_level,
    var.lambda_system_log_level,
    var.max_concurrent_records,
  ]
}

run "queue_settings_sqs_does_not_accept_are_refused" {
  command = plan

  variables {
    max_receive_count             = 1001
    message_retention_seconds     = 59
    dlq_message_retention_seconds = 1209601
    retry_delay_seconds           = 43201
    log_retention_days            = 2
  }

  expect_failures = [
    var.max_receive_count,
    var.message_retention_seconds,
    var.dlq_message_retention_seconds,
    var.retry_delay_seconds,
    var.log_retention_days,
  ]
}

run "event_source_settings_outside_the_aws_ranges_are_refused" {
  command = plan

  variables {
    batch_size              = 10001
    batching_window_seconds = 301
    max_concurrency         = 1
  }

  expect_failures = [var.batch_size, var.batching_window_seconds, var.max_concurrency]
}

run "state_machine_settings_outside_their_ranges_are_refused" {
  command = plan

  variables {
    task_heartbeat_seconds     = 2
    task_timeout_seconds       = 31536001
    heartbeat_interval_seconds = 0
    state_machine_log_level    = "DEBUG"
    queue_age_alarm_seconds    = 0
  }

  expect_failures = [
    var.task_heartbeat_seconds,
    var.task_timeout_seconds,
    var.heartbeat_interval_seconds,
    var.state_machine_log_level,
    var.queue_age_alarm_seconds,
  ]
}

run "fractions_are_refused_where_aws_counts_whole_units" {
  command = plan

  variables {
    max_receive_count             = 1.5
    message_retention_seconds     = 86400.5
    dlq_message_retention_seconds = 1209599.5
    lambda_memory_mb              = 1024.5
    lambda_timeout_seconds        = 30.5
    heartbeat_interval_seconds    = 1.5
    retry_delay_seconds           = 0.5
    max_concurrent_records        = 2.5
    batch_size                    = 2.5
    batching_window_seconds       = 0.5
    max_concurrency               = 2.5
    task_heartbeat_seconds        = 60.5
    task_timeout_seconds          = 3600.5
    queue_age_alarm_seconds       = 1.5
  }

  expect_failures = [
    var.max_receive_count,
    var.message_retention_seconds,
    var.dlq_message_retention_seconds,
    var.lambda_memory_mb,
    var.lambda_timeout_seconds,
    var.heartbeat_interval_seconds,
    var.retry_delay_seconds,
    var.max_concurrent_records,
    var.batch_size,
    var.batching_window_seconds,
    var.max_concurrency,
    var.task_heartbeat_seconds,
    var.task_timeout_seconds,
    var.queue_age_alarm_seconds,
  ]
}

run "the_smallest_allowed_values_pass" {
  command = plan

  variables {
    name_prefix                   = "ab"
    approval_enabled              = true
    max_receive_count             = 1
    message_retention_seconds     = 60
    dlq_message_retention_seconds = 60
    lambda_memory_mb              = 128
    lambda_timeout_seconds        = 1
    log_retention_days            = 0
    heartbeat_interval_seconds    = 1
    retry_delay_seconds           = 0
    max_concurrent_records        = 1
    batch_size                    = 1
    batching_window_seconds       = 0
    max_concurrency               = 2
    task_heartbeat_seconds        = 3
    task_timeout_seconds          = 4
    queue_age_alarm_seconds       = 1
    approval_timeout_seconds      = 60
    approval_retention_days       = 1
    approval_rate_limit           = 0.1
    approval_burst_limit          = 1
  }

  # The modules validate what they are given as the root does: this plan fails if one refuses.
  assert {
    condition     = module.callback.worker_environment["RETRY_DELAY_SECONDS"] == "0" && module.approval[0].request_environment["APPROVAL_RETENTION_DAYS"] == "1"
    error_message = "The smallest values plan and reach the modules."
  }
}

# task_timeout_seconds + approval_timeout_seconds share one year (a precondition), so the largest
# worker timings come with the shortest approval; tests/approval.tftest.hcl has the other end.
run "the_largest_allowed_values_pass" {
  command = plan

  variables {
    name_prefix                   = "a2345678901234567890123456789012"
    region                        = "ap-southeast-5"
    approval_enabled              = true
    max_receive_count             = 1000
    message_retention_seconds     = 1209600
    dlq_message_retention_seconds = 1209600
    lambda_architecture           = "x86_64"
    lambda_memory_mb              = 10240
    lambda_timeout_seconds        = 900
    lambda_application_log_level  = "TRACE"
    lambda_system_log_level       = "DEBUG"
    log_retention_days            = 3653
    heartbeat_interval_seconds    = 10511979
    retry_delay_seconds           = 43200
    max_concurrent_records        = 1000
    batch_size                    = 10000
    batching_window_seconds       = 300
    max_concurrency               = 1000
    task_heartbeat_seconds        = 31535939
    task_timeout_seconds          = 31535940
    approval_timeout_seconds      = 60
    approval_retention_days       = 3650
    approval_rate_limit           = 10000
    approval_burst_limit          = 5000
    state_machine_log_level       = "ALL"
    processor_class               = "com.example.orders.OrderProcessor"
    alarm_email                   = "ops@example.com"
  }

  assert {
    condition     = module.callback.worker_environment["MAX_RECEIVE_COUNT"] == "1000" && module.approval[0].request_environment["APPROVAL_RETENTION_DAYS"] == "3650"
    error_message = "The largest values plan and reach the modules."
  }
}

# Preconditions: rules between two variables.

run "heartbeat_not_below_the_task_timeout_is_refused" {
  command = plan

  variables {
    task_heartbeat_seconds = 3600
    task_timeout_seconds   = 3600
  }

  expect_failures = [aws_sfn_state_machine.callback]
}

run "heartbeat_interval_above_a_third_of_the_heartbeat_is_refused" {
  command = plan

  variables {
    heartbeat_interval_seconds = 21
    task_heartbeat_seconds     = 62
  }

  expect_failures = [aws_sfn_state_machine.callback]
}

run "retry_delay_plus_window_reaching_the_heartbeat_is_refused" {
  command = plan

  variables {
    retry_delay_seconds     = 50
    batching_window_seconds = 10
    task_heartbeat_seconds  = 60
  }

  expect_failures = [aws_sfn_state_machine.callback]
}

# Each rule at its boundary: retention equal, a batch of 11 with a 1 s window, the interval at
# exactly a third of the heartbeat, retry delay + window one second below it.
run "the_rules_between_variables_pass_at_their_boundaries" {
  command = plan

  variables {
    message_retention_seconds     = 86400
    dlq_message_retention_seconds = 86400
    batch_size                    = 11
    batching_window_seconds       = 10
    retry_delay_seconds           = 49
    heartbeat_interval_seconds    = 20
    task_heartbeat_seconds        = 60
  }

  assert {
    condition     = module.callback.worker_environment["HEARTBEAT_INTERVAL_SECONDS"] == "20"
    error_message = "The boundary values plan (the modules' own rules, between the queues' retentions and the batch and its window, pass too)."
  }
}
