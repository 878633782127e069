# modules/approval on its own (mock provider, tests/mocks): the table, the topic and one filtered
# subscription per approver, the two functions' settings, the HTTP API (exactly the two page routes
# and the catch-all $default, all to the page's live alias, throttled, an access log without the link), the alarms, the approval states
# it hands to the caller, its longest names. The first run applies; the approver runs apply
# again and back. The policies as the real provider renders them: tests/iam.tftest.hcl; the
# variables' validations: tests/approval.tftest.hcl (the root's, which are the same).

mock_provider "aws" {
  source = "./tests/mocks"
}

# tests/mocks knows the root's addresses; here the module is the root.
override_resource {
  target = aws_sns_topic.approvals
  values = { arn = "arn:aws:sns:us-east-1:123456789012:sfn-callback-approvals" }
}

override_resource {
  target = aws_cloudwatch_log_group.api
  values = { arn = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/vendedlogs/apigateway/sfn-callback-approvals" }
}

override_resource {
  target = module.request.aws_lambda_alias.this
  values = {
    arn        = "arn:aws:lambda:us-east-1:123456789012:function:sfn-callback-approval-request:live"
    invoke_arn = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:sfn-callback-approval-request:live/invocations"
  }
}

override_resource {
  target = module.page.aws_lambda_alias.this
  values = {
    arn        = "arn:aws:lambda:us-east-1:123456789012:function:sfn-callback-approval-page:live"
    invoke_arn = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:sfn-callback-approval-page:live/invocations"
  }
}

variables {
  name_prefix       = "sfn-callback"
  state_machine_arn = "arn:aws:states:us-east-1:123456789012:stateMachine:sfn-callback-callback"
  approval_jar      = "tests/fixtures/b.jar"
}

run "approvals_table_is_on_demand_encrypted_and_expires_items_by_ttl" {
  module {
    source = "./modules/approval"
  }

  assert {
    condition = (
      aws_dynamodb_table.approvals.billing_mode == "PAY_PER_REQUEST" &&
      aws_dynamodb_table.approvals.hash_key == "pk" &&
      aws_dynamodb_table.approvals.range_key == null &&
      aws_dynamodb_table.approvals.attribute == toset([{ name = "pk", type = "S" }])
    )
    error_message = "Table ${aws_dynamodb_table.approvals.name}: ${aws_dynamodb_table.approvals.billing_mode}, key ${aws_dynamodb_table.approvals.hash_key}, ${jsonencode(aws_dynamodb_table.approvals.attribute)}."
  }

  # The Java side writes the number attribute ttl (ApprovalStore.TTL).
  assert {
    condition     = aws_dynamodb_table.approvals.ttl[0].attribute_name == "ttl" && aws_dynamodb_table.approvals.ttl[0].enabled
    error_message = "TTL on ttl: ${jsonencode(aws_dynamodb_table.approvals.ttl)}"
  }

  # Enabled, with no key ARN in the configuration: the AWS managed key aws/dynamodb.
  assert {
    condition     = aws_dynamodb_table.approvals.server_side_encryption[0].enabled && aws_dynamodb_table.approvals.point_in_time_recovery[0].enabled && aws_dynamodb_table.approvals.deletion_protection_enabled == false
    error_message = "SSE with the AWS managed key, point-in-time recovery on, deletion protection off (destroy must work)."
  }

  assert {
    condition     = aws_sns_topic.approvals.kms_master_key_id == "alias/aws/sns"
    error_message = "The approval topic is encrypted with the AWS managed SNS key: ${jsonencode(aws_sns_topic.approvals.kms_master_key_id)}"
  }

  assert {
    condition     = length(aws_sns_topic_subscription.approver) == 0 && output.request_environment["APPROVER_EMAILS"] == "[]"
    error_message = "No approvers by default: no subscription, and APPROVER_EMAILS is the empty JSON array (the request function then fails approvals with Approval.NoApprovers)."
  }
}

# The approval states as the caller merges them (the merge: tests/state_machine.tftest.hcl): a
# processor asks for approval by returning approvalRequest; the approval task hands its token to
# the request function's live alias and waits approval_timeout_seconds, with no heartbeat.
run "approval_states_invoke_the_request_alias_and_end_in_done" {
  command = plan

  module {
    source = "./modules/approval"
  }

  assert {
    condition     = keys(output.states) == ["ApprovalExpired", "ApprovalFailedWithoutError", "ApprovalFailedWithoutReason", "ApprovalFailure", "ApprovalRequested", "NotApproved", "NotApprovedWithoutCause", "WaitForApproval"] && contains(keys(output.states), output.start_state)
    error_message = "States: ${jsonencode(keys(output.states))}, entry ${output.start_state}"
  }

  assert {
    condition = (
      output.states.WaitForApproval.Resource == "arn:aws:states:::lambda:invoke.waitForTaskToken" &&
      output.states.WaitForApproval.Parameters.FunctionName == "arn:aws:lambda:us-east-1:123456789012:function:sfn-callback-approval-request:live" &&
      output.states.WaitForApproval.TimeoutSeconds == 86400 &&
      !contains(keys(output.states.WaitForApproval), "HeartbeatSeconds")
    )
    error_message = "WaitForApproval: ${jsonencode(output.states.WaitForApproval)}"
  }

  # Every Next and Default of the approval states names one of them or the caller's Done.
  assert {
    condition = alltrue([for n in flatten([for s in output.states : concat(
      [try(s.Next, s.Default, "Done")],
      [for c in try(s.Choices, []) : c.Next],
      [for c in try(s.Catch, []) : c.Next],
    )]) : contains(concat(keys(output.states), ["Done"]), n)])
    error_message = "An approval state leads to a state that is neither an approval state nor Done."
  }

  # As the core's WorkerFailure: the caller's error and cause kept, Task.Failed without an error.
  assert {
    condition = (
      [for c in output.states.WaitForApproval.Catch : c.Next if c.ErrorEquals == ["States.ALL"]] == ["ApprovalFailure"] &&
      output.states.ApprovalFailure.Choices == [
        { And = [{ Variable = "$.Error", IsString = true }, { Variable = "$.Cause", IsString = true }], Next = "NotApproved" },
        { Variable = "$.Error", IsString = true, Next = "NotApprovedWithoutCause" },
        { Variable = "$.Cause", IsString = true, Next = "ApprovalFailedWithoutError" },
      ] &&
      output.states.ApprovalFailure.Default == "ApprovalFailedWithoutReason" &&
      output.states.NotApprovedWithoutCause.ErrorPath == "$.Error" && !can(output.states.NotApprovedWithoutCause.CausePath) &&
      output.states.ApprovalFailedWithoutError.Error == "Task.Failed" && output.states.ApprovalFailedWithoutError.CausePath == "$.Cause" &&
      output.states.ApprovalFailedWithoutReason.Error == "Task.Failed" && can(regex("neither an error nor a cause", output.states.ApprovalFailedWithoutReason.Cause))
    )
    error_message = "Approval failure endings: ${jsonencode({ for k, v in output.states : k => v if startswith(k, "ApprovalFail") || startswith(k, "NotApproved") })}"
  }

  assert {
    condition     = output.request_alias_arn == output.states.WaitForApproval.Parameters.FunctionName
    error_message = "The alias the state invokes is the one the caller must grant."
  }
}

run "approval_functions_get_their_settings_and_the_approval_jar" {
  command = plan

  module {
    source = "./modules/approval"
  }

  # Exactly what ApprovalConfig reads (docs/approval.md, "Configuration").
  assert {
    condition = output.request_environment == tomap({
      APPROVALS_TABLE          = "sfn-callback-approvals"
      APPROVAL_TOPIC_ARN       = "arn:aws:sns:us-east-1:123456789012:sfn-callback-approvals"
      APPROVER_EMAILS          = "[]"
      APPROVAL_BASE_URL        = "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com"
      APPROVAL_TIMEOUT_SECONDS = "86400"
      APPROVAL_RETENTION_DAYS  = "30"
    })
    error_message = "Request function environment: ${jsonencode(output.request_environment)}"
  }

  assert {
    condition = output.page_environment == tomap({
      APPROVALS_TABLE         = "sfn-callback-approvals"
      APPROVAL_RETENTION_DAYS = "30"
      AWS_CALL_TIMEOUT_MS     = "4000"
    })
    error_message = "Page function environment: ${jsonencode(output.page_environment)}"
  }

  assert {
    condition     = output.request_source_code_hash == filebase64sha256("tests/fixtures/b.jar")
    error_message = "The approval functions run approval_jar."
  }
}

# Every request reaches the page function, which answers it with its security headers: the two
# page routes and the catch-all $default (HTTP APIs have no gateway responses to give API Gateway's
# own 404 headers). https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html
run "approval_api_routes_every_request_to_the_page_alias" {
  command = plan

  module {
    source = "./modules/approval"
  }

  assert {
    condition     = aws_apigatewayv2_api.approvals.protocol_type == "HTTP" && length(aws_apigatewayv2_api.approvals.cors_configuration) == 0
    error_message = "An HTTP API without CORS: the page posts to itself."
  }

  assert {
    condition = (
      aws_apigatewayv2_integration.page.api_id == aws_apigatewayv2_api.approvals.id &&
      aws_apigatewayv2_integration.page.integration_type == "AWS_PROXY" &&
      aws_apigatewayv2_integration.page.integration_uri == "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:sfn-callback-approval-page:live/invocations" &&
      aws_apigatewayv2_integration.page.payload_format_version == "2.0"
    )
    error_message = "The integration invokes the page's live alias with payload format 2.0: ${aws_apigatewayv2_integration.page.integration_uri}"
  }

  assert {
    condition = (
      toset([for r in aws_apigatewayv2_route.page : r.route_key]) == toset(["GET /approvals/{link}", "POST /approvals/{link}", "$default"]) &&
      length(aws_apigatewayv2_route.page) == 3 &&
      alltrue([for r in aws_apigatewayv2_route.page : r.api_id == aws_apigatewayv2_api.approvals.id]) &&
      alltrue([for r in aws_apigatewayv2_route.page : r.target == "integrations/${aws_apigatewayv2_integration.page.id}" && r.authorization_type == "NONE"])
    )
    error_message = "Routes: ${jsonencode([for r in aws_apigatewayv2_route.page : [r.route_key, r.target, r.authorization_type]])}"
  }

  assert {
    condition = (
      aws_apigatewayv2_stage.approvals.name == "$default" &&
      aws_apigatewayv2_stage.approvals.auto_deploy &&
      aws_apigatewayv2_stage.approvals.default_route_settings[0].throttling_rate_limit == 10 &&
      aws_apigatewayv2_stage.approvals.default_route_settings[0].throttling_burst_limit == 20
    )
    error_message = "The $default stage deploys itself and throttles every route: ${jsonencode(aws_apigatewayv2_stage.approvals.default_route_settings)}"
  }

  # API Gateway may invoke the live alias, for this API's three routes only: one permission per
  # route, and no source ARN that matches another API, method or path. The catch-all's invocations
  # are <api>/<stage>/$default, as AWS SAM grants them (aws/serverless-application-model pull
  # request 2574, issue 1860).
  assert {
    condition = (
      keys(aws_lambda_permission.page) == ["DEFAULT", "GET", "POST"] &&
      alltrue([for k, p in aws_lambda_permission.page : (
        p.action == "lambda:InvokeFunction" && p.principal == "apigateway.amazonaws.com" &&
        p.function_name == "sfn-callback-approval-page" && p.qualifier == "live" &&
        p.statement_id == "AllowApprovalApi${k}"
      )]) &&
      toset([for p in aws_lambda_permission.page : p.source_arn]) == toset([
        "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/*/GET/approvals/*",
        "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/*/POST/approvals/*",
        "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/*/$default",
      ])
    )
    error_message = "Permissions: ${jsonencode({ for k, p in aws_lambda_permission.page : k => [p.statement_id, p.function_name, p.qualifier, p.source_arn] })}"
  }

  # Each route has its permission and each permission its route: a route without one would be
  # API Gateway's 500, a permission without one a door nobody meant to open.
  assert {
    condition = (
      toset(keys(aws_lambda_permission.page)) == toset(keys(aws_apigatewayv2_route.page)) &&
      alltrue([for k, r in aws_apigatewayv2_route.page : (
        r.route_key == "$default" ? endswith(aws_lambda_permission.page[k].source_arn, "/*/$default")
        : endswith(aws_lambda_permission.page[k].source_arn, "/*/${split(" ", r.route_key)[0]}/approvals/*")
      )])
    )
    error_message = "Routes and permissions: ${jsonencode({ for k, r in aws_apigatewayv2_route.page : r.route_key => try(aws_lambda_permission.page[k].source_arn, null) })}"
  }
}

# The link in the path is a secret: the access log has the route template and the request's
# metadata, never the path or the query string.
run "approval_api_access_log_names_the_route_never_the_path" {
  command = plan

  module {
    source = "./modules/approval"
  }

  assert {
    condition     = aws_apigatewayv2_stage.approvals.access_log_settings[0].destination_arn == aws_cloudwatch_log_group.api.arn
    error_message = "The stage logs to its own log group (the ARN without :*): ${aws_apigatewayv2_stage.approvals.access_log_settings[0].destination_arn}"
  }

  assert {
    condition     = jsondecode(aws_apigatewayv2_stage.approvals.access_log_settings[0].format).routeKey == "$context.routeKey"
    error_message = "The access log names the route template: ${aws_apigatewayv2_stage.approvals.access_log_settings[0].format}"
  }

  # Whatever the format grows into: no variable that carries the path or the query string.
  assert {
    condition     = length(regexall("(?i)\\$context\\.(path|resourcePath|requestOverride|.*querystring)", aws_apigatewayv2_stage.approvals.access_log_settings[0].format)) == 0
    error_message = "The access log format must not log the path or the query string (the link is a secret): ${aws_apigatewayv2_stage.approvals.access_log_settings[0].format}"
  }
}

run "approval_alarms_watch_the_page_alias_and_the_api" {
  command = plan

  module {
    source = "./modules/approval"
  }

  # https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics.html (Resource: a version or alias)
  assert {
    condition = (
      aws_cloudwatch_metric_alarm.page_errors.namespace == "AWS/Lambda" &&
      aws_cloudwatch_metric_alarm.page_errors.metric_name == "Errors" &&
      aws_cloudwatch_metric_alarm.page_errors.dimensions == tomap({ FunctionName = "sfn-callback-approval-page", Resource = "sfn-callback-approval-page:live" })
    )
    error_message = "Page errors alarm: ${jsonencode(aws_cloudwatch_metric_alarm.page_errors.dimensions)}"
  }

  # https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-metrics.html
  assert {
    condition = (
      aws_cloudwatch_metric_alarm.api_errors.namespace == "AWS/ApiGateway" &&
      aws_cloudwatch_metric_alarm.api_errors.metric_name == "5xx" &&
      aws_cloudwatch_metric_alarm.api_errors.dimensions == tomap({ ApiId = "a1b2c3d4e5" })
    )
    error_message = "API 5xx alarm: ${jsonencode(aws_cloudwatch_metric_alarm.api_errors.dimensions)}"
  }

  assert {
    condition = alltrue([for a in [aws_cloudwatch_metric_alarm.page_errors, aws_cloudwatch_metric_alarm.api_errors] :
    a.threshold == 0 && a.treat_missing_data == "notBreaching" && length(a.alarm_actions) == 0])
    error_message = "Any error in a minute raises them; without alarm_actions they notify nobody."
  }
}

# Each approver gets a subscription that takes only the messages whose `approver` attribute is
# their address, exactly as configured (SNS matches case-sensitively).
run "two_approvers_get_a_filtered_email_subscription_each" {
  module {
    source = "./modules/approval"
  }

  variables {
    approver_emails = ["alice@example.com", "Bob.Smith+orders@example.org"]
  }

  assert {
    condition = keys(aws_sns_topic_subscription.approver) == ["Bob.Smith+orders@example.org", "alice@example.com"] && alltrue([for address, s in aws_sns_topic_subscription.approver : (
      s.topic_arn == "arn:aws:sns:us-east-1:123456789012:sfn-callback-approvals" &&
      s.protocol == "email" && s.endpoint == address &&
      s.filter_policy_scope == "MessageAttributes" &&
      jsondecode(s.filter_policy) == { approver = [address] }
    )])
    error_message = "Subscriptions: ${jsonencode({ for a, s in aws_sns_topic_subscription.approver : a => [s.protocol, s.endpoint, s.filter_policy_scope, s.filter_policy] })}"
  }

  assert {
    condition     = jsondecode(output.request_environment["APPROVER_EMAILS"]) == ["alice@example.com", "Bob.Smith+orders@example.org"]
    error_message = "APPROVER_EMAILS is the list as a JSON array, in order: ${output.request_environment["APPROVER_EMAILS"]}"
  }
}

# Removing the last approver removes their subscription and nothing else: the table keeps the
# pending requests and the API the links already sent (why approval has a switch of its own).
run "removing_the_approvers_removes_their_subscriptions_only" {
  module {
    source = "./modules/approval"
  }

  assert {
    condition = (
      length(aws_sns_topic_subscription.approver) == 0 && output.request_environment["APPROVER_EMAILS"] == "[]" &&
      output.table_name == run.approvals_table_is_on_demand_encrypted_and_expires_items_by_ttl.table_name &&
      output.endpoint == run.approvals_table_is_on_demand_encrypted_and_expires_items_by_ttl.endpoint
    )
    error_message = "Back at no approvers: no subscription, APPROVER_EMAILS [], the same table and API."
  }
}

run "approval_settings_reach_the_functions_the_stage_and_the_states" {
  command = plan

  module {
    source = "./modules/approval"
  }

  variables {
    approval_timeout_seconds = 3600
    approval_retention_days  = 90
    approval_rate_limit      = 2.5
    approval_burst_limit     = 5
  }

  assert {
    condition = (
      output.request_environment["APPROVAL_TIMEOUT_SECONDS"] == "3600" &&
      output.request_environment["APPROVAL_RETENTION_DAYS"] == "90" &&
      output.page_environment["APPROVAL_RETENTION_DAYS"] == "90" &&
      output.states.WaitForApproval.TimeoutSeconds == 3600 &&
      output.states.ApprovalExpired.Cause == "Nobody approved or rejected the request within 3600 seconds (approval_timeout_seconds)." &&
      aws_apigatewayv2_stage.approvals.default_route_settings[0].throttling_rate_limit == 2.5 &&
      aws_apigatewayv2_stage.approvals.default_route_settings[0].throttling_burst_limit == 5
    )
    error_message = "The link expiry and the task's TimeoutSeconds are one variable; the retention reaches both functions; the limits reach the stage."
  }
}

# The longest names: a 32-character name_prefix in us-isof-south-1 (the longest region name);
# the roles' and functions' names are checked by modules/lambda-function's validations, which
# would fail this plan. https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis.html
# (Name: 128), https://docs.aws.amazon.com/lambda/latest/api/API_AddPermission.html (StatementId: 100)
run "longest_prefix_and_region_fit_every_name_limit" {
  command = plan

  module {
    source = "./modules/approval"
  }

  variables {
    name_prefix       = "a2345678901234567890123456789012"
    state_machine_arn = "arn:aws-iso-f:states:us-isof-south-1:123456789012:stateMachine:a2345678901234567890123456789012-callback"
  }

  assert {
    condition = (
      length(aws_dynamodb_table.approvals.name) <= 255 && length(aws_sns_topic.approvals.name) <= 256 &&
      length(aws_apigatewayv2_api.approvals.name) <= 128 && length(aws_apigatewayv2_api.approvals.description) <= 1024 &&
      alltrue([for p in aws_lambda_permission.page : length(p.statement_id) <= 100]) &&
      alltrue([for a in [aws_cloudwatch_metric_alarm.page_errors, aws_cloudwatch_metric_alarm.api_errors] : length(a.alarm_name) <= 255 && length(a.alarm_description) <= 1024])
    )
    error_message = "A name is longer than AWS allows."
  }
}

# The module refuses what the approval functions or AWS would refuse, as the root does: one bad
# value per input (the approver list's four rules: tests/approval.tftest.hcl, on the root's copy).
run "inputs_aws_would_refuse_are_refused" {
  command = plan

  module {
    source = "./modules/approval"
  }

  variables {
    name_prefix                  = "-approvals"
    state_machine_arn            = "sfn-callback-callback"
    approver_emails              = ["ops.example.com"]
    approval_timeout_seconds     = 59
    approval_retention_days      = 0
    approval_rate_limit          = 0
    approval_burst_limit         = 5001
    lambda_runtime               = "java17"
    lambda_architecture          = "x86"
    lambda_memory_mb             = 10241
    lambda_application_log_level = "VERBOSE"
    lambda_system_log_level      = "ERROR"
    log_retention_days           = 2
  }

  expect_failures = [
    var.name_prefix, var.state_machine_arn, var.approver_emails, var.approval_timeout_seconds,
    var.approval_retention_days, var.approval_rate_limit, var.approval_burst_limit, var.lambda_runtime,
    var.lambda_architecture, var.lambda_memory_mb, var.lambda_application_log_level,
    var.lambda_system_log_level, var.log_retention_days,
  ]
}
