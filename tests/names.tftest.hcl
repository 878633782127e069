# The longest names: a 32-character name_prefix in the region with the longest name AWS has
# (us-isof-south-1, 15 characters) must fit every AWS name limit. IAM role names carry the region
# and are the tightest: 64 characters.
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html

# Teardown destroys what the runs applied: no destroy-time provisioner may call AWS from a test
# (tests/destroy.tftest.hcl covers it).
variables {
  stop_executions_on_destroy = false
}

mock_provider "aws" {
  source = "./tests/mocks"
}

run "longest_prefix_and_region_fit_every_name_limit" {
  command = plan

  variables {
    name_prefix = "a2345678901234567890123456789012"
    region      = "us-isof-south-1"
    alarm_email = "ops@example.com"
  }

  override_data {
    target = data.aws_region.current
    values = { id = "us-isof-south-1" }
  }

  assert {
    condition     = length(var.name_prefix) == 32 && aws_iam_role.worker.name == "a2345678901234567890123456789012-worker-us-isof-south-1" && aws_iam_role.approval_page.name == "a2345678901234567890123456789012-approval-page-us-isof-south-1"
    error_message = "The test must use the longest allowed prefix and region: ${aws_iam_role.worker.name}"
  }

  assert {
    condition     = alltrue([for r in [aws_iam_role.worker, aws_iam_role.state_machine, aws_iam_role.approval_request, aws_iam_role.approval_page] : length(r.name) <= 64])
    error_message = "IAM role names are at most 64 characters: ${aws_iam_role.worker.name}, ${aws_iam_role.state_machine.name}, ${aws_iam_role.approval_request.name} (${length(aws_iam_role.approval_request.name)}), ${aws_iam_role.approval_page.name} (${length(aws_iam_role.approval_page.name)})"
  }

  # https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html (FunctionName: 64 for a name)
  assert {
    condition     = alltrue([for f in [aws_lambda_function.worker, aws_lambda_function.approval_request, aws_lambda_function.approval_page] : length(f.function_name) <= 64])
    error_message = "Lambda function names are at most 64 characters: ${aws_lambda_function.approval_request.function_name}"
  }

  # https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html (3-255)
  # https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis.html (Name: 128)
  assert {
    condition     = length(aws_dynamodb_table.approvals.name) <= 255 && length(aws_apigatewayv2_api.approvals.name) <= 128 && length(aws_apigatewayv2_api.approvals.description) <= 1024
    error_message = "Table names are at most 255 characters, HTTP API names 128."
  }

  # https://docs.aws.amazon.com/lambda/latest/api/API_AddPermission.html (StatementId: 100)
  assert {
    condition     = alltrue([for p in aws_lambda_permission.approval_page : length(p.statement_id) <= 100])
    error_message = "Lambda permission statement ids are at most 100 characters."
  }

  # https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html
  assert {
    condition     = length(aws_sqs_queue.tasks.name) <= 80 && length(aws_sqs_queue.dead_letters.name) <= 80
    error_message = "Queue names are at most 80 characters."
  }

  # https://docs.aws.amazon.com/step-functions/latest/apireference/API_CreateStateMachine.html
  assert {
    condition     = length(aws_sfn_state_machine.callback.name) <= 80
    error_message = "State machine names are at most 80 characters."
  }

  assert {
    condition     = alltrue([for g in [aws_cloudwatch_log_group.worker, aws_cloudwatch_log_group.state_machine, aws_cloudwatch_log_group.approval_request, aws_cloudwatch_log_group.approval_page, aws_cloudwatch_log_group.approval_api] : length(g.name) <= 512])
    error_message = "Log group names are at most 512 characters."
  }

  assert {
    condition = alltrue([for a in [aws_cloudwatch_metric_alarm.dead_letters, aws_cloudwatch_metric_alarm.tasks_waiting, aws_cloudwatch_metric_alarm.executions_failed, aws_cloudwatch_metric_alarm.executions_timed_out, aws_cloudwatch_metric_alarm.approval_page_errors, aws_cloudwatch_metric_alarm.approval_api_errors] :
    length(a.alarm_name) <= 255 && length(a.alarm_description) <= 1024])
    error_message = "Alarm names are at most 255 characters and descriptions 1024."
  }

  assert {
    condition     = length(aws_sns_topic.alarms[0].name) <= 256 && length(aws_sns_topic.approvals.name) <= 256
    error_message = "SNS topic names are at most 256 characters."
  }

  # https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html (Description: 1000)
  assert {
    condition     = alltrue([for r in [aws_iam_role.worker, aws_iam_role.state_machine, aws_iam_role.approval_request, aws_iam_role.approval_page] : length(r.description) <= 1000])
    error_message = "IAM role descriptions are at most 1000 characters."
  }

  # https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html (Description: 256)
  assert {
    condition     = alltrue([for f in [aws_lambda_function.worker, aws_lambda_function.approval_request, aws_lambda_function.approval_page] : length(f.description) <= 256])
    error_message = "Lambda descriptions are at most 256 characters: ${length(aws_lambda_function.worker.description)}, ${length(aws_lambda_function.approval_request.description)}, ${length(aws_lambda_function.approval_page.description)}"
  }
}
