# Where each resource of the single-file layout (up to commit 395c545) lives now, so that a stack
# applied from it plans with no destroy and no replacement (docs/deploy.md, "Upgrading to the
# modules"). tests/upgrade/ applies that layout and plans this one against its state.
#
# The approval resources move into module.approval[0], which exists only with
# approval_enabled = true: a stack that used approval sets it before its first plan. Left at
# false, Terraform destroys them, on purpose: approval is opt-in now. Keep these blocks: removing
# one is a breaking change for anyone who has not applied since (HashiCorp's advice for modules).

# --- Queues ---

moved {
  from = aws_sqs_queue.dead_letters
  to   = module.callback.aws_sqs_queue.dead_letters
}

moved {
  from = aws_sqs_queue.tasks
  to   = module.callback.aws_sqs_queue.tasks
}

moved {
  from = aws_sqs_queue_redrive_allow_policy.dead_letters
  to   = module.callback.aws_sqs_queue_redrive_allow_policy.dead_letters
}

moved {
  from = aws_sqs_queue_policy.tasks
  to   = module.callback.aws_sqs_queue_policy.tasks
}

moved {
  from = aws_sqs_queue_policy.dead_letters
  to   = module.callback.aws_sqs_queue_policy.dead_letters
}

# --- The worker ---

moved {
  from = aws_cloudwatch_log_group.worker
  to   = module.callback.module.worker.aws_cloudwatch_log_group.this
}

moved {
  from = aws_iam_role.worker
  to   = module.callback.module.worker.aws_iam_role.this
}

moved {
  from = aws_iam_role_policy.worker
  to   = module.callback.module.worker.aws_iam_role_policy.this
}

moved {
  from = aws_iam_role_policy.worker_xray
  to   = module.callback.module.worker.aws_iam_role_policy.xray
}

moved {
  from = aws_lambda_function.worker
  to   = module.callback.module.worker.aws_lambda_function.this
}

moved {
  from = aws_lambda_alias.live
  to   = module.callback.module.worker.aws_lambda_alias.this
}

moved {
  from = aws_lambda_event_source_mapping.tasks
  to   = module.callback.aws_lambda_event_source_mapping.tasks
}

moved {
  from = aws_cloudwatch_metric_alarm.dead_letters
  to   = module.callback.aws_cloudwatch_metric_alarm.dead_letters
}

moved {
  from = aws_cloudwatch_metric_alarm.tasks_waiting
  to   = module.callback.aws_cloudwatch_metric_alarm.tasks_waiting
}

# --- Approval: only with approval_enabled = true do these targets exist ---

moved {
  from = aws_dynamodb_table.approvals
  to   = module.approval[0].aws_dynamodb_table.approvals
}

moved {
  from = aws_sns_topic.approvals
  to   = module.approval[0].aws_sns_topic.approvals
}

moved {
  from = aws_sns_topic_subscription.approver
  to   = module.approval[0].aws_sns_topic_subscription.approver
}

moved {
  from = aws_cloudwatch_log_group.approval_request
  to   = module.approval[0].module.request.aws_cloudwatch_log_group.this
}

moved {
  from = aws_iam_role.approval_request
  to   = module.approval[0].module.request.aws_iam_role.this
}

moved {
  from = aws_iam_role_policy.approval_request
  to   = module.approval[0].module.request.aws_iam_role_policy.this
}

moved {
  from = aws_iam_role_policy.approval_request_xray
  to   = module.approval[0].module.request.aws_iam_role_policy.xray
}

moved {
  from = aws_lambda_function.approval_request
  to   = module.approval[0].module.request.aws_lambda_function.this
}

moved {
  from = aws_lambda_alias.approval_request
  to   = module.approval[0].module.request.aws_lambda_alias.this
}

moved {
  from = aws_cloudwatch_log_group.approval_page
  to   = module.approval[0].module.page.aws_cloudwatch_log_group.this
}

moved {
  from = aws_iam_role.approval_page
  to   = module.approval[0].module.page.aws_iam_role.this
}

moved {
  from = aws_iam_role_policy.approval_page
  to   = module.approval[0].module.page.aws_iam_role_policy.this
}

moved {
  from = aws_iam_role_policy.approval_page_xray
  to   = module.approval[0].module.page.aws_iam_role_policy.xray
}

moved {
  from = aws_lambda_function.approval_page
  to   = module.approval[0].module.page.aws_lambda_function.this
}

moved {
  from = aws_lambda_alias.approval_page
  to   = module.approval[0].module.page.aws_lambda_alias.this
}

moved {
  from = aws_apigatewayv2_api.approvals
  to   = module.approval[0].aws_apigatewayv2_api.approvals
}

moved {
  from = aws_apigatewayv2_integration.approval_page
  to   = module.approval[0].aws_apigatewayv2_integration.page
}

moved {
  from = aws_apigatewayv2_route.approval_page
  to   = module.approval[0].aws_apigatewayv2_route.page
}

moved {
  from = aws_cloudwatch_log_group.approval_api
  to   = module.approval[0].aws_cloudwatch_log_group.api
}

moved {
  from = aws_apigatewayv2_stage.approvals
  to   = module.approval[0].aws_apigatewayv2_stage.approvals
}

moved {
  from = aws_lambda_permission.approval_page
  to   = module.approval[0].aws_lambda_permission.page
}

moved {
  from = aws_cloudwatch_metric_alarm.approval_page_errors
  to   = module.approval[0].aws_cloudwatch_metric_alarm.page_errors
}

moved {
  from = aws_cloudwatch_metric_alarm.approval_api_errors
  to   = module.approval[0].aws_cloudwatch_metric_alarm.api_errors
}
