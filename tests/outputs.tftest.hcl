# Every output, and no optional resource, with the defaults (the approval outputs:
# tests/approval.tftest.hcl).

# Teardown destroys what the runs applied: no destroy-time provisioner may call AWS from a test
# (tests/destroy.tftest.hcl covers it).
variables {
  stop_executions_on_destroy = false
}

mock_provider "aws" {
  source = "./tests/mocks"
}

run "outputs_name_every_resource_and_optional_resources_are_absent" {
  assert {
    condition     = length(aws_sns_topic.alarms) == 0 && length(aws_sns_topic_subscription.alarm_email) == 0 && length(aws_iam_role_policy.state_machine_xray) == 0 && length(module.approval) == 0
    error_message = "Without alarm_email there is no alarm topic; without tracing no X-Ray policy; without approval_enabled no approval."
  }

  assert {
    condition = (
      output.state_machine_arn == aws_sfn_state_machine.callback.arn &&
      output.state_machine_name == "sfn-callback-callback" &&
      output.tasks_queue_url == "https://sqs.us-east-1.amazonaws.com/123456789012/sfn-callback-tasks" &&
      output.tasks_queue_arn == "arn:aws:sqs:us-east-1:123456789012:sfn-callback-tasks" &&
      output.dead_letter_queue_url == "https://sqs.us-east-1.amazonaws.com/123456789012/sfn-callback-dead-letters" &&
      output.dead_letter_queue_arn == "arn:aws:sqs:us-east-1:123456789012:sfn-callback-dead-letters" &&
      output.worker_function_name == "sfn-callback-worker" &&
      output.worker_alias_arn == module.callback.worker_alias_arn &&
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
