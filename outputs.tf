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
  value       = module.callback.tasks_queue_url
}

output "tasks_queue_arn" {
  description = "ARN of the tasks queue."
  value       = module.callback.tasks_queue_arn
}

output "dead_letter_queue_url" {
  description = "URL of the dead-letter queue (messages the worker could not use)."
  value       = module.callback.dead_letter_queue_url
}

output "dead_letter_queue_arn" {
  description = "ARN of the dead-letter queue."
  value       = module.callback.dead_letter_queue_arn
}

output "worker_function_name" {
  description = "Name of the worker Lambda function."
  value       = module.callback.worker_function_name
}

output "worker_alias_arn" {
  description = "ARN of the worker's live alias, the target of the SQS event source mapping."
  value       = module.callback.worker_alias_arn
}

output "worker_log_group_name" {
  description = "CloudWatch Logs group of the worker (JSON log lines)."
  value       = module.callback.worker_log_group_name
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
  description = "Base URL of the approval pages (the HTTP API's default endpoint); each e-mailed link is <approval_endpoint>/approvals/<secret>. null without approval_enabled."
  value       = one(module.approval[*].endpoint)
}

output "approvals_table_name" {
  description = "DynamoDB table of the approval requests, their links and decisions (the audit record). null without approval_enabled."
  value       = one(module.approval[*].table_name)
}

output "approval_topic_arn" {
  description = "SNS topic the approval e-mails go through; each approver_emails address has a filtered e-mail subscription to it. null without approval_enabled."
  value       = one(module.approval[*].topic_arn)
}

output "approval_request_function_name" {
  description = "Name of the Lambda function the approval task invokes (its live alias). null without approval_enabled."
  value       = one(module.approval[*].request_function_name)
}

output "approval_page_function_name" {
  description = "Name of the Lambda function behind the approval pages. null without approval_enabled."
  value       = one(module.approval[*].page_function_name)
}
