output "state_machine_arn" {
  description = "ARN of the state machine; start executions with it."
  value       = aws_sfn_state_machine.callback.arn
}

output "state_machine_name" {
  description = "Name of the state machine."
  value       = aws_sfn_state_machine.callback.name
}

output "tasks_queue_url" {
  description = "URL of the tasks queue the state machine sends task tokens to."
  value       = aws_sqs_queue.tasks.url
}

output "tasks_queue_arn" {
  description = "ARN of the tasks queue."
  value       = aws_sqs_queue.tasks.arn
}

output "dead_letter_queue_url" {
  description = "URL of the dead-letter queue (messages the worker could not use)."
  value       = aws_sqs_queue.dead_letters.url
}

output "dead_letter_queue_arn" {
  description = "ARN of the dead-letter queue."
  value       = aws_sqs_queue.dead_letters.arn
}

output "worker_function_name" {
  description = "Name of the worker Lambda function."
  value       = aws_lambda_function.worker.function_name
}

output "worker_alias_arn" {
  description = "ARN of the worker's live alias, the target of the SQS event source mapping."
  value       = aws_lambda_alias.live.arn
}

output "worker_log_group_name" {
  description = "CloudWatch Logs group of the worker (JSON log lines)."
  value       = aws_cloudwatch_log_group.worker.name
}

output "state_machine_log_group_name" {
  description = "CloudWatch Logs group of the state machine's execution events."
  value       = aws_cloudwatch_log_group.state_machine.name
}

output "alarm_topic_arn" {
  description = "SNS topic the alarms notify; null when alarm_email is not set."
  value       = one(aws_sns_topic.alarms[*].arn)
}

output "start_execution_command" {
  description = "A ready-to-paste AWS CLI command that starts one demo execution."
  value       = "aws stepfunctions start-execution --region ${local.region} --state-machine-arn ${aws_sfn_state_machine.callback.arn} --input '${jsonencode({ mode = "succeed", note = "hello" })}'"
}

output "approval_endpoint" {
  description = "Base URL of the approval pages (the HTTP API's default endpoint); each e-mailed link is <approval_endpoint>/approvals/<secret>."
  value       = aws_apigatewayv2_api.approvals.api_endpoint
}

output "approvals_table_name" {
  description = "DynamoDB table of the approval requests, their links and decisions (the audit record)."
  value       = aws_dynamodb_table.approvals.name
}

output "approval_topic_arn" {
  description = "SNS topic the approval e-mails go through; each approver_emails address has a filtered e-mail subscription to it."
  value       = aws_sns_topic.approvals.arn
}

output "approval_request_function_name" {
  description = "Name of the Lambda function the approval task invokes (its live alias)."
  value       = aws_lambda_function.approval_request.function_name
}

output "approval_page_function_name" {
  description = "Name of the Lambda function behind the approval pages."
  value       = aws_lambda_function.approval_page.function_name
}
