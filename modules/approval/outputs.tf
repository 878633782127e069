output "states" {
  description = "The approval states (states.asl.json, rendered) for the caller to merge into its definition's States: ApprovalRequested (the entry, see start_state), WaitForApproval, ApprovalExpired and NotApproved. They end in a state named Done, which the caller's definition must have."
  value = jsondecode(templatefile("${path.module}/states.asl.json", {
    partition                = local.partition
    approval_function_arn    = module.request.alias_arn
    approval_timeout_seconds = var.approval_timeout_seconds
  }))
}

output "start_state" {
  description = "The state the caller's worker task goes to next (its Next) so that a result asking for approval waits for one."
  value       = "ApprovalRequested"
}

output "request_alias_arn" {
  description = "ARN of the request function's live alias, which the approval task invokes: grant the state machine's role lambda:InvokeFunction on exactly this ARN."
  value       = module.request.alias_arn
}

output "endpoint" {
  description = "Base URL of the approval pages (the HTTP API's default endpoint); each e-mailed link is <endpoint>/approvals/<secret>."
  value       = aws_apigatewayv2_api.approvals.api_endpoint
}

output "table_name" {
  description = "DynamoDB table of the approval requests, their links and decisions (the audit record)."
  value       = aws_dynamodb_table.approvals.name
}

output "topic_arn" {
  description = "SNS topic the approval e-mails go through; each approver has a filtered e-mail subscription to it."
  value       = aws_sns_topic.approvals.arn
}

output "request_function_name" {
  description = "Name of the function the approval task invokes (its live alias)."
  value       = module.request.function_name
}

output "page_function_name" {
  description = "Name of the function behind the approval pages."
  value       = module.page.function_name
}

output "request_source_code_hash" {
  description = "Base64 SHA-256 of the approval jar the request function runs."
  value       = module.request.source_code_hash
}

output "request_environment" {
  description = "The request function's environment variables: the settings its code reads at start-up."
  value       = module.request.environment
}

output "page_environment" {
  description = "The page function's environment variables: the settings its code reads at start-up."
  value       = module.page.environment
}

output "request_policy_json" {
  description = "The request function role's permissions as rendered."
  value       = module.request.policy_json
}

output "page_policy_json" {
  description = "The page function role's permissions as rendered."
  value       = module.page.policy_json
}

output "page_alias_arn" {
  description = "ARN of the page function's live alias, which the HTTP API invokes."
  value       = module.page.alias_arn
}
