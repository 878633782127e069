# Human approval (docs/approval.md): the approvals table, the e-mail topic and one filtered
# subscription per approver, the request and page functions with their live aliases, the HTTP API
# in front of the page, its access log and throttling, the alarms, every approval variable's
# validation and the one-year precondition, and the approval states of the definition with the
# defaults, field by field (at the edges: tests/state_machine.tftest.hcl). The first run applies
# (mock provider, tests/mocks), the approver runs apply again and back, and the test's teardown
# destroys the whole graph. The policies as the real provider renders them: tests/iam.tftest.hcl.

# Teardown destroys what the runs applied: no destroy-time provisioner may call AWS from a test
# (tests/destroy.tftest.hcl covers it).
variables {
  stop_executions_on_destroy = false
}

mock_provider "aws" {
  source = "./tests/mocks"
}

run "approvals_table_is_on_demand_encrypted_and_expires_items_by_ttl" {
  assert {
    condition = (
      aws_dynamodb_table.approvals.name == "sfn-callback-approvals" &&
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

  # Enabled, with no key ARN in the configuration: the AWS managed key aws/dynamodb (the key ARN is
  # then computed by AWS, so the mock makes one up).
  assert {
    condition     = aws_dynamodb_table.approvals.server_side_encryption[0].enabled
    error_message = "SSE with the AWS managed key: ${jsonencode(aws_dynamodb_table.approvals.server_side_encryption)}"
  }

  assert {
    condition     = aws_dynamodb_table.approvals.point_in_time_recovery[0].enabled && aws_dynamodb_table.approvals.deletion_protection_enabled == false
    error_message = "Point-in-time recovery on, deletion protection off (destroy must work)."
  }

  assert {
    condition     = aws_sns_topic.approvals.name == "sfn-callback-approvals" && aws_sns_topic.approvals.kms_master_key_id == "alias/aws/sns"
    error_message = "The approval topic is encrypted with the AWS managed SNS key: ${aws_sns_topic.approvals.name} ${jsonencode(aws_sns_topic.approvals.kms_master_key_id)}"
  }

  assert {
    condition     = length(aws_sns_topic_subscription.approver) == 0 && aws_lambda_function.approval_request.environment[0].variables["APPROVER_EMAILS"] == "[]"
    error_message = "No approvers by default: no subscription, and APPROVER_EMAILS is the empty JSON array (the request function then fails approvals with Approval.NoApprovers)."
  }
}

# The approval states with the defaults (docs/approval.md): a processor asks for approval by
# returning approvalRequest; the approval task hands its token to the request function's live
# alias and waits approval_timeout_seconds for the page's callback, with no heartbeat.
run "approval_states_with_the_defaults" {
  command = plan

  # Executions that ask for no approval go straight to Done, as before.
  assert {
    condition = jsondecode(aws_sfn_state_machine.callback.definition).States.ApprovalRequested == {
      Type    = "Choice"
      Comment = "A processor asks for a person's decision by returning approvalRequest in its output (TaskResult.requestApproval)."
      Choices = [{ Variable = "$.result.approvalRequest", IsPresent = true, Next = "WaitForApproval" }]
      Default = "Done"
    }
    error_message = "ApprovalRequested: ${jsonencode(jsondecode(aws_sfn_state_machine.callback.definition).States.ApprovalRequested)}"
  }

  assert {
    condition = (
      jsondecode(aws_sfn_state_machine.callback.definition).States.WaitForApproval.Type == "Task" &&
      jsondecode(aws_sfn_state_machine.callback.definition).States.WaitForApproval.Resource == "arn:aws:states:::lambda:invoke.waitForTaskToken" &&
      jsondecode(aws_sfn_state_machine.callback.definition).States.WaitForApproval.Parameters == {
        FunctionName = "arn:aws:lambda:us-east-1:123456789012:function:sfn-callback-approval-request:live"
        Payload = {
          "TaskToken.$"    = "$$.Task.Token"
          "ExecutionArn.$" = "$$.Execution.Id"
          "Request.$"      = "$.result.approvalRequest"
        }
      }
    )
    error_message = "WaitForApproval invokes the request function's live alias with the token, the execution and the request: ${jsonencode(jsondecode(aws_sfn_state_machine.callback.definition).States.WaitForApproval)}"
  }

  # A person sends no heartbeats: TimeoutSeconds only.
  assert {
    condition = (
      jsondecode(aws_sfn_state_machine.callback.definition).States.WaitForApproval.TimeoutSeconds == 86400 &&
      !contains(keys(jsondecode(aws_sfn_state_machine.callback.definition).States.WaitForApproval), "HeartbeatSeconds") &&
      jsondecode(aws_sfn_state_machine.callback.definition).States.WaitForApproval.ResultPath == "$.approval" &&
      jsondecode(aws_sfn_state_machine.callback.definition).States.WaitForApproval.Next == "Done"
    )
    error_message = "WaitForApproval waits approval_timeout_seconds (86400), no HeartbeatSeconds, the decision at $.approval."
  }

  # The transient Lambda errors AWS lists, and the request function's own "try again".
  assert {
    condition = jsondecode(aws_sfn_state_machine.callback.definition).States.WaitForApproval.Retry == [{
      ErrorEquals     = ["Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException", "Lambda.TooManyRequestsException", "io.sfncallback.approval.ApprovalUnavailableException"]
      IntervalSeconds = 2
      MaxAttempts     = 4
      BackoffRate     = 2
      MaxDelaySeconds = 30
      JitterStrategy  = "FULL"
    }]
    error_message = "WaitForApproval Retry: ${jsonencode(jsondecode(aws_sfn_state_machine.callback.definition).States.WaitForApproval.Retry)}"
  }

  assert {
    condition = jsondecode(aws_sfn_state_machine.callback.definition).States.WaitForApproval.Catch == [
      { ErrorEquals = ["States.Timeout"], ResultPath = null, Next = "ApprovalExpired" },
      { ErrorEquals = ["States.ALL"], ResultPath = "$", Next = "NotApproved" },
    ]
    error_message = "WaitForApproval Catch: ${jsonencode(jsondecode(aws_sfn_state_machine.callback.definition).States.WaitForApproval.Catch)}"
  }

  # Timeouts end with the literal Approval.Expired; rejections and the rest keep their error.
  assert {
    condition = (
      jsondecode(aws_sfn_state_machine.callback.definition).States.ApprovalExpired.Type == "Fail" &&
      jsondecode(aws_sfn_state_machine.callback.definition).States.ApprovalExpired.Error == "Approval.Expired" &&
      jsondecode(aws_sfn_state_machine.callback.definition).States.ApprovalExpired.Cause == "Nobody approved or rejected the request within 86400 seconds (approval_timeout_seconds)." &&
      jsondecode(aws_sfn_state_machine.callback.definition).States.NotApproved.Type == "Fail" &&
      jsondecode(aws_sfn_state_machine.callback.definition).States.NotApproved.ErrorPath == "$.Error" &&
      jsondecode(aws_sfn_state_machine.callback.definition).States.NotApproved.CausePath == "$.Cause"
    )
    error_message = "ApprovalExpired / NotApproved: ${jsonencode([jsondecode(aws_sfn_state_machine.callback.definition).States.ApprovalExpired, jsondecode(aws_sfn_state_machine.callback.definition).States.NotApproved])}"
  }
}

run "approval_functions_run_the_jar_as_snapstart_versions_behind_live_aliases" {
  command = plan

  assert {
    condition = alltrue([for f in [
      { fn = aws_lambda_function.approval_request, name = "sfn-callback-approval-request", handler = "io.sfncallback.approval.ApprovalRequestHandler::handleRequest", timeout = 300, role = aws_iam_role.approval_request.arn },
      { fn = aws_lambda_function.approval_page, name = "sfn-callback-approval-page", handler = "io.sfncallback.approval.ApprovalPageHandler::handleRequest", timeout = 29, role = aws_iam_role.approval_page.arn },
      ] : (
      f.fn.function_name == f.name && f.fn.handler == f.handler && f.fn.timeout == f.timeout && f.fn.role == f.role &&
      f.fn.runtime == "java21" && f.fn.architectures == tolist(["arm64"]) && f.fn.memory_size == 1024 &&
      f.fn.filename == "./lambda/target/callback-worker.jar" && f.fn.source_code_hash == filebase64sha256("./lambda/target/callback-worker.jar") &&
      f.fn.publish && f.fn.snap_start[0].apply_on == "PublishedVersions" && f.fn.tracing_config[0].mode == "PassThrough"
    )])
    error_message = "Approval functions: ${jsonencode([for f in [aws_lambda_function.approval_request, aws_lambda_function.approval_page] : [f.function_name, f.handler, f.timeout, f.runtime, f.architectures, f.memory_size, f.publish]])}"
  }

  assert {
    condition = alltrue([for f in [
      { fn = aws_lambda_function.approval_request, group = aws_cloudwatch_log_group.approval_request, name = "/aws/lambda/sfn-callback-approval-request" },
      { fn = aws_lambda_function.approval_page, group = aws_cloudwatch_log_group.approval_page, name = "/aws/lambda/sfn-callback-approval-page" },
      ] : (
      f.group.name == f.name && f.group.retention_in_days == 14 &&
      f.fn.logging_config[0].log_format == "JSON" && f.fn.logging_config[0].log_group == f.name &&
      f.fn.logging_config[0].application_log_level == "INFO" && f.fn.logging_config[0].system_log_level == "WARN"
    )])
    error_message = "Each approval function logs JSON to its own log group, kept 14 days."
  }

  assert {
    condition = alltrue([for a in [
      { alias = aws_lambda_alias.approval_request, fn = aws_lambda_function.approval_request },
      { alias = aws_lambda_alias.approval_page, fn = aws_lambda_function.approval_page },
    ] : a.alias.name == "live" && a.alias.function_name == a.fn.function_name && a.alias.function_version == a.fn.version])
    error_message = "Each live alias follows the version the last apply published."
  }

  # Exactly what ApprovalConfig reads (docs/approval.md, "Configuration").
  assert {
    condition = aws_lambda_function.approval_request.environment[0].variables == tomap({
      APPROVALS_TABLE          = "sfn-callback-approvals"
      APPROVAL_TOPIC_ARN       = "arn:aws:sns:us-east-1:123456789012:sfn-callback-approvals"
      APPROVER_EMAILS          = "[]"
      APPROVAL_BASE_URL        = "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com"
      APPROVAL_TIMEOUT_SECONDS = "86400"
      APPROVAL_RETENTION_DAYS  = "30"
    })
    error_message = "Request function environment: ${jsonencode(aws_lambda_function.approval_request.environment[0].variables)}"
  }

  assert {
    condition = aws_lambda_function.approval_page.environment[0].variables == tomap({
      APPROVALS_TABLE         = "sfn-callback-approvals"
      APPROVAL_RETENTION_DAYS = "30"
      AWS_CALL_TIMEOUT_MS     = "4000"
    })
    error_message = "Page function environment: ${jsonencode(aws_lambda_function.approval_page.environment[0].variables)}"
  }

  assert {
    condition = (
      aws_iam_role.approval_request.name == "sfn-callback-approval-req-us-east-1" &&
      aws_iam_role.approval_page.name == "sfn-callback-approval-page-us-east-1" &&
      aws_iam_role.approval_request.assume_role_policy == data.aws_iam_policy_document.lambda_assume.json &&
      aws_iam_role.approval_page.assume_role_policy == data.aws_iam_policy_document.lambda_assume.json &&
      aws_iam_role_policy.approval_request.role == aws_iam_role.approval_request.id &&
      aws_iam_role_policy.approval_request.policy == data.aws_iam_policy_document.approval_request.json &&
      aws_iam_role_policy.approval_page.role == aws_iam_role.approval_page.id &&
      aws_iam_role_policy.approval_page.policy == data.aws_iam_policy_document.approval_page.json &&
      length(aws_iam_role_policy.approval_request_xray) == 0 && length(aws_iam_role_policy.approval_page_xray) == 0
    )
    error_message = "Each approval function has its own role, named per region, with its own document (their content: tests/iam.tftest.hcl)."
  }
}

run "approval_api_routes_exactly_two_requests_to_the_page_alias" {
  command = plan

  assert {
    condition = (
      aws_apigatewayv2_api.approvals.name == "sfn-callback-approvals" &&
      aws_apigatewayv2_api.approvals.protocol_type == "HTTP" &&
      length(aws_apigatewayv2_api.approvals.cors_configuration) == 0
    )
    error_message = "An HTTP API without CORS: the page posts to itself."
  }

  assert {
    condition = (
      aws_apigatewayv2_integration.approval_page.api_id == aws_apigatewayv2_api.approvals.id &&
      aws_apigatewayv2_integration.approval_page.integration_type == "AWS_PROXY" &&
      aws_apigatewayv2_integration.approval_page.integration_method == "POST" &&
      aws_apigatewayv2_integration.approval_page.integration_uri == "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:sfn-callback-approval-page:live/invocations" &&
      aws_apigatewayv2_integration.approval_page.payload_format_version == "2.0"
    )
    error_message = "The integration invokes the page's live alias with payload format 2.0 (APIGatewayV2HTTPEvent): ${aws_apigatewayv2_integration.approval_page.integration_uri}"
  }

  assert {
    condition = (
      toset([for r in aws_apigatewayv2_route.approval_page : r.route_key]) == toset(["GET /approvals/{link}", "POST /approvals/{link}"]) &&
      length(aws_apigatewayv2_route.approval_page) == 2 &&
      alltrue([for r in aws_apigatewayv2_route.approval_page : r.target == "integrations/${aws_apigatewayv2_integration.approval_page.id}" && r.api_id == aws_apigatewayv2_api.approvals.id && r.authorization_type == "NONE"])
    )
    error_message = "Routes: ${jsonencode([for r in aws_apigatewayv2_route.approval_page : [r.route_key, r.target, r.api_id, r.authorization_type]])}"
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

  # API Gateway may invoke the live alias, for this API's two routes only.
  assert {
    condition = (
      keys(aws_lambda_permission.approval_page) == ["GET", "POST"] &&
      alltrue([for k, p in aws_lambda_permission.approval_page : (
        p.action == "lambda:InvokeFunction" && p.principal == "apigateway.amazonaws.com" &&
        p.function_name == "sfn-callback-approval-page" && p.qualifier == "live" &&
        p.source_arn == "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/*/${k}/approvals/*"
      )])
    )
    error_message = "Permissions: ${jsonencode({ for k, p in aws_lambda_permission.approval_page : k => [p.function_name, p.qualifier, p.source_arn] })}"
  }
}

# The link in the path is a secret: the access log has the route template and the request's
# metadata, never the path or the query string.
run "approval_api_access_log_names_the_route_never_the_path" {
  command = plan

  assert {
    condition = (
      aws_cloudwatch_log_group.approval_api.name == "/aws/vendedlogs/apigateway/sfn-callback-approvals" &&
      aws_cloudwatch_log_group.approval_api.retention_in_days == 14 &&
      aws_apigatewayv2_stage.approvals.access_log_settings[0].destination_arn == "arn:aws:logs:us-east-1:123456789012:log-group:/aws/vendedlogs/apigateway/sfn-callback-approvals"
    )
    error_message = "The stage logs to its own log group (the ARN without :*): ${aws_apigatewayv2_stage.approvals.access_log_settings[0].destination_arn}"
  }

  assert {
    condition = jsondecode(aws_apigatewayv2_stage.approvals.access_log_settings[0].format) == {
      requestId          = "$context.requestId"
      requestTime        = "$context.requestTime"
      routeKey           = "$context.routeKey"
      status             = "$context.status"
      protocol           = "$context.protocol"
      sourceIp           = "$context.identity.sourceIp"
      userAgent          = "$context.identity.userAgent"
      responseLength     = "$context.responseLength"
      responseLatency    = "$context.responseLatency"
      integrationStatus  = "$context.integrationStatus"
      integrationLatency = "$context.integrationLatency"
      integrationError   = "$context.integrationErrorMessage"
      error              = "$context.error.message"
    }
    error_message = "Access log format: ${aws_apigatewayv2_stage.approvals.access_log_settings[0].format}"
  }

  # Whatever the format grows into: no variable that carries the path or the query string.
  assert {
    condition     = length(regexall("(?i)\\$context\\.(path|resourcePath|requestOverride|.*querystring)", aws_apigatewayv2_stage.approvals.access_log_settings[0].format)) == 0
    error_message = "The access log format must not log the path or the query string (the link is a secret): ${aws_apigatewayv2_stage.approvals.access_log_settings[0].format}"
  }
}

run "approval_alarms_watch_the_page_alias_and_the_api" {
  command = plan

  # https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics.html (Resource: a version or alias)
  assert {
    condition = (
      aws_cloudwatch_metric_alarm.approval_page_errors.alarm_name == "sfn-callback-approval-page-errors" &&
      aws_cloudwatch_metric_alarm.approval_page_errors.namespace == "AWS/Lambda" &&
      aws_cloudwatch_metric_alarm.approval_page_errors.metric_name == "Errors" &&
      aws_cloudwatch_metric_alarm.approval_page_errors.dimensions == tomap({ FunctionName = "sfn-callback-approval-page", Resource = "sfn-callback-approval-page:live" })
    )
    error_message = "Page errors alarm: ${jsonencode(aws_cloudwatch_metric_alarm.approval_page_errors.dimensions)}"
  }

  # https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-metrics.html
  assert {
    condition = (
      aws_cloudwatch_metric_alarm.approval_api_errors.alarm_name == "sfn-callback-approval-api-5xx" &&
      aws_cloudwatch_metric_alarm.approval_api_errors.namespace == "AWS/ApiGateway" &&
      aws_cloudwatch_metric_alarm.approval_api_errors.metric_name == "5xx" &&
      aws_cloudwatch_metric_alarm.approval_api_errors.dimensions == tomap({ ApiId = "a1b2c3d4e5" })
    )
    error_message = "API 5xx alarm: ${jsonencode(aws_cloudwatch_metric_alarm.approval_api_errors.dimensions)}"
  }

  assert {
    condition = alltrue([for a in [aws_cloudwatch_metric_alarm.approval_page_errors, aws_cloudwatch_metric_alarm.approval_api_errors] :
      a.statistic == "Sum" && a.period == 60 && a.evaluation_periods == 1 && a.comparison_operator == "GreaterThanThreshold" &&
      a.threshold == 0 && a.treat_missing_data == "notBreaching" && length(a.alarm_actions) == 0 && length(a.ok_actions) == 0
    ])
    error_message = "Any error in a minute raises them; without alarm_email they notify nobody."
  }
}

run "approval_outputs_name_the_endpoint_the_table_the_topic_and_the_functions" {
  command = plan

  assert {
    condition = (
      output.approval_endpoint == "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com" &&
      output.approvals_table_name == "sfn-callback-approvals" &&
      output.approval_topic_arn == "arn:aws:sns:us-east-1:123456789012:sfn-callback-approvals" &&
      output.approval_request_function_name == "sfn-callback-approval-request" &&
      output.approval_page_function_name == "sfn-callback-approval-page"
    )
    error_message = "Approval outputs: ${jsonencode([output.approval_endpoint, output.approvals_table_name, output.approval_topic_arn, output.approval_request_function_name, output.approval_page_function_name])}"
  }
}

# Each approver gets a subscription that takes only the messages whose `approver` attribute is
# their address, exactly as configured (SNS matches case-sensitively).
run "two_approvers_get_a_filtered_email_subscription_each" {
  variables {
    approver_emails = ["alice@example.com", "Bob.Smith+orders@example.org"]
  }

  assert {
    condition     = keys(aws_sns_topic_subscription.approver) == ["Bob.Smith+orders@example.org", "alice@example.com"]
    error_message = "One subscription per address: ${jsonencode(keys(aws_sns_topic_subscription.approver))}"
  }

  assert {
    condition = alltrue([for address, s in aws_sns_topic_subscription.approver : (
      s.topic_arn == "arn:aws:sns:us-east-1:123456789012:sfn-callback-approvals" &&
      s.protocol == "email" && s.endpoint == address &&
      s.filter_policy_scope == "MessageAttributes" &&
      jsondecode(s.filter_policy) == { approver = [address] }
    )])
    error_message = "Subscriptions: ${jsonencode({ for a, s in aws_sns_topic_subscription.approver : a => [s.protocol, s.endpoint, s.filter_policy_scope, s.filter_policy] })}"
  }

  assert {
    condition     = jsondecode(aws_lambda_function.approval_request.environment[0].variables["APPROVER_EMAILS"]) == ["alice@example.com", "Bob.Smith+orders@example.org"]
    error_message = "APPROVER_EMAILS is the list as a JSON array, in order: ${aws_lambda_function.approval_request.environment[0].variables["APPROVER_EMAILS"]}"
  }
}

run "removing_the_approvers_removes_their_subscriptions" {
  assert {
    condition     = length(aws_sns_topic_subscription.approver) == 0 && aws_lambda_function.approval_request.environment[0].variables["APPROVER_EMAILS"] == "[]"
    error_message = "Back at no approvers: no subscription, APPROVER_EMAILS []."
  }
}

run "approval_settings_reach_the_function_the_stage_and_the_definition" {
  command = plan

  variables {
    approval_timeout_seconds = 3600
    approval_retention_days  = 90
    approval_rate_limit      = 2.5
    approval_burst_limit     = 5
  }

  assert {
    condition = (
      aws_lambda_function.approval_request.environment[0].variables["APPROVAL_TIMEOUT_SECONDS"] == "3600" &&
      aws_lambda_function.approval_request.environment[0].variables["APPROVAL_RETENTION_DAYS"] == "90" &&
      aws_lambda_function.approval_page.environment[0].variables["APPROVAL_RETENTION_DAYS"] == "90" &&
      jsondecode(aws_sfn_state_machine.callback.definition).States.WaitForApproval.TimeoutSeconds == 3600 &&
      aws_apigatewayv2_stage.approvals.default_route_settings[0].throttling_rate_limit == 2.5 &&
      aws_apigatewayv2_stage.approvals.default_route_settings[0].throttling_burst_limit == 5
    )
    error_message = "The link expiry and the task's TimeoutSeconds are one variable; the retention reaches both functions; the limits reach the stage."
  }
}

# --- approver_emails: what ApprovalConfig accepts, no more --------------------------------------

run "approver_without_an_at_sign_is_refused" {
  command = plan
  variables {
    approver_emails = ["ops.example.com"]
  }
  expect_failures = [var.approver_emails]
}

run "approver_without_a_dotted_domain_is_refused" {
  command = plan
  variables {
    approver_emails = ["ops@localhost"]
  }
  expect_failures = [var.approver_emails]
}

run "approver_with_a_space_or_quotes_is_refused" {
  command = plan
  variables {
    approver_emails = ["\"ops team\"@example.com"]
  }
  expect_failures = [var.approver_emails]
}

run "approver_with_a_name_and_brackets_is_refused" {
  command = plan
  variables {
    approver_emails = ["Ops <ops@example.com>"]
  }
  expect_failures = [var.approver_emails]
}

run "approver_domain_label_starting_with_a_hyphen_is_refused" {
  command = plan
  variables {
    approver_emails = ["ops@-example.com"]
  }
  expect_failures = [var.approver_emails]
}

run "approver_local_part_of_65_characters_is_refused" {
  command = plan
  variables {
    approver_emails = ["${format("%065d", 1)}@example.com"]
  }
  expect_failures = [var.approver_emails]
}

# 64 + 1 + 190 = 255 characters, one more than an address may have.
run "approver_address_of_255_characters_is_refused" {
  command = plan
  variables {
    approver_emails = ["${format("%064d", 1)}@${format("%063d", 0)}.${format("%063d", 0)}.${format("%054d", 0)}.example"]
  }
  expect_failures = [var.approver_emails]
}

run "approver_listed_twice_ignoring_case_is_refused" {
  command = plan
  variables {
    approver_emails = ["ann@example.com", "Ann@Example.com"]
  }
  expect_failures = [var.approver_emails]
}

run "more_than_100_approvers_are_refused" {
  command = plan
  variables {
    approver_emails = [for i in range(101) : "approver${i}@example.com"]
  }
  expect_failures = [var.approver_emails]
}

# 12 addresses of 253 characters: 3073 characters of JSON, one more than the environment allows.
run "approvers_longer_than_3072_characters_of_json_are_refused" {
  command = plan
  variables {
    approver_emails = [for i in range(12) : "${format("%064d", i)}@${format("%063d", 0)}.${format("%063d", 0)}.${format("%052d", 0)}.example"]
  }
  expect_failures = [var.approver_emails]
}

# The boundaries that must pass: the plausible odd addresses, a 64-character local part, a
# 254-character address, 100 approvers, exactly 3072 characters of JSON.
run "approver_addresses_at_every_boundary_pass" {
  command = plan
  variables {
    approver_emails = [
      "Bob.Smith+orders@example.org",
      "o'neil_&_co@mail.example.co.uk",
      "${format("%064d", 1)}@example.com",
      "${format("%064d", 2)}@${format("%063d", 0)}.${format("%063d", 0)}.${format("%053d", 0)}.example",
    ]
  }
  assert {
    condition     = length(aws_sns_topic_subscription.approver) == 4 && length(var.approver_emails[3]) == 254
    error_message = "Every plausible address is accepted, up to 254 characters."
  }
}

run "one_hundred_approvers_pass" {
  command = plan
  variables {
    approver_emails = [for i in range(100) : "approver${i}@example.com"]
  }
  assert {
    condition     = length(aws_sns_topic_subscription.approver) == 100
    error_message = "100 approvers, 100 subscriptions."
  }
}

run "approvers_of_exactly_3072_characters_of_json_pass" {
  command = plan
  variables {
    approver_emails = concat(
      [for i in range(11) : "${format("%064d", i)}@${format("%063d", 0)}.${format("%063d", 0)}.${format("%052d", 0)}.example"],
      ["${format("%064d", 11)}@${format("%063d", 0)}.${format("%063d", 0)}.${format("%051d", 0)}.example"],
    )
  }
  assert {
    condition     = length(jsonencode(var.approver_emails)) == 3072 && length(aws_lambda_function.approval_request.environment[0].variables["APPROVER_EMAILS"]) == 3072
    error_message = "The test must use exactly 3072 characters of JSON: ${length(jsonencode(var.approver_emails))}"
  }
}

# --- the other approval settings --------------------------------------------------------------

run "approval_settings_below_their_ranges_are_refused" {
  command = plan
  variables {
    approval_timeout_seconds = 59
    approval_retention_days  = 0
    approval_rate_limit      = 0
    approval_burst_limit     = 0
  }
  expect_failures = [var.approval_timeout_seconds, var.approval_retention_days, var.approval_rate_limit, var.approval_burst_limit]
}

run "approval_settings_above_their_ranges_are_refused" {
  command = plan
  variables {
    approval_timeout_seconds = 31536001
    approval_retention_days  = 3651
    approval_rate_limit      = 10001
    approval_burst_limit     = 5001
  }
  expect_failures = [var.approval_timeout_seconds, var.approval_retention_days, var.approval_rate_limit, var.approval_burst_limit]
}

run "approval_fractions_are_refused_where_aws_counts_whole_units" {
  command = plan
  variables {
    approval_timeout_seconds = 86400.5
    approval_retention_days  = 1.5
    approval_burst_limit     = 1.5
  }
  expect_failures = [var.approval_timeout_seconds, var.approval_retention_days, var.approval_burst_limit]
}

# A standard execution runs at most a year (31536000 s): the worker's task and the approval must
# fit in it together. 3600 + 31532401 is one second over.
run "task_and_approval_timeouts_over_a_year_are_refused" {
  command = plan
  variables {
    task_timeout_seconds     = 3600
    approval_timeout_seconds = 31532401
  }
  expect_failures = [aws_sfn_state_machine.callback]
}

run "task_and_approval_timeouts_of_exactly_a_year_pass" {
  command = plan
  variables {
    task_timeout_seconds     = 3600
    approval_timeout_seconds = 31532400
  }
  assert {
    condition     = jsondecode(aws_sfn_state_machine.callback.definition).States.WaitForApproval.TimeoutSeconds == 31532400
    error_message = "3600 + 31532400 = 31536000 plans."
  }
}
