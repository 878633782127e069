output "tasks_queue_url" {
  description = "URL of the tasks queue: the QueueUrl of the state machine's sqs:sendMessage.waitForTaskToken task."
  value       = aws_sqs_queue.tasks.url
}

output "tasks_queue_arn" {
  description = "ARN of the tasks queue: grant the state machine's role sqs:SendMessage on it."
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
  description = "Name of the worker function."
  value       = module.worker.function_name
}

output "worker_alias_arn" {
  description = "ARN of the worker's live alias, the target of the SQS event source mapping."
  value       = module.worker.alias_arn
}

output "worker_version" {
  description = "The worker version the live alias points to."
  value       = module.worker.version
}

output "worker_source_code_hash" {
  description = "Base64 SHA-256 of the worker's jar."
  value       = module.worker.source_code_hash
}

output "worker_role_name" {
  description = "Name of the worker's role."
  value       = module.worker.role_name
}

output "worker_policy_json" {
  description = "The worker role's permissions as rendered."
  value       = module.worker.policy_json
}

output "worker_log_group_name" {
  description = "CloudWatch Logs group of the worker (JSON log lines)."
  value       = module.worker.log_group_name
}

output "event_source_mapping_uuid" {
  description = "UUID of the SQS event source mapping (to disable or enable it: aws lambda update-event-source-mapping)."
  value       = aws_lambda_event_source_mapping.tasks.uuid
}

output "worker_environment" {
  description = "The worker's environment variables: the settings its code reads at start-up."
  value       = module.worker.environment
}
