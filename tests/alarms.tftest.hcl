# The alarms with the defaults and with other heartbeats: metrics, dimensions, thresholds, and no
# notifications without alarm_email (tests/toggles.tftest.hcl sets it). The approval alarms'
# metrics and dimensions: tests/approval.tftest.hcl.

# Teardown destroys what the runs applied: no destroy-time provisioner may call AWS from a test
# (tests/destroy.tftest.hcl covers it).
variables {
  stop_executions_on_destroy = false
}

mock_provider "aws" {
  source = "./tests/mocks"
}

run "alarms_watch_the_dead_letters_the_waiting_tasks_and_the_executions" {
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
    condition = alltrue([for a in [aws_cloudwatch_metric_alarm.dead_letters, aws_cloudwatch_metric_alarm.tasks_waiting, aws_cloudwatch_metric_alarm.executions_failed, aws_cloudwatch_metric_alarm.executions_timed_out, aws_cloudwatch_metric_alarm.approval_page_errors, aws_cloudwatch_metric_alarm.approval_api_errors] :
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
