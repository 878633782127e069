output "function_name" {
  description = "Name of the function."
  value       = aws_lambda_function.this.function_name
}

output "function_arn" {
  description = "ARN of the function (unqualified)."
  value       = aws_lambda_function.this.arn
}

output "version" {
  description = "The version the last apply published (SnapStart snapshots it)."
  value       = aws_lambda_function.this.version
}

output "source_code_hash" {
  description = "Base64 SHA-256 of the jar the function runs; a new hash publishes a new version."
  value       = aws_lambda_function.this.source_code_hash
}

output "alias_name" {
  description = "Name of the alias callers invoke: live."
  value       = aws_lambda_alias.this.name
}

output "alias_arn" {
  description = "ARN of the live alias: grant and invoke this, never the function or $LATEST."
  value       = aws_lambda_alias.this.arn
}

output "alias_invoke_arn" {
  description = "Invoke ARN of the live alias, for an API Gateway integration."
  value       = aws_lambda_alias.this.invoke_arn
}

output "role_name" {
  description = "Name of the function's role."
  value       = aws_iam_role.this.name
}

output "role_arn" {
  description = "ARN of the function's role."
  value       = aws_iam_role.this.arn
}

output "policy_json" {
  description = "The role's permissions as the provider rendered them: writing its own logs, then the statements of policy_json."
  value       = data.aws_iam_policy_document.this.json
}

output "log_group_name" {
  description = "CloudWatch Logs group of the function (JSON log lines)."
  value       = aws_cloudwatch_log_group.this.name
}

output "environment" {
  description = "The function's environment variables: the settings its code reads at start-up."
  value       = var.environment
}
