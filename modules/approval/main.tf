# Human approval (docs/approval.md): the approvals table, the e-mail topic and one filtered
# subscription per approver, the request function (invoked by the state machine's approval task)
# and the page function (behind an HTTP API: the links in the e-mails), each a Java Lambda
# function (modules/lambda-function), the API's access log and alarms, and the approval states
# (states.asl.json) for the caller to merge into its state machine definition.

locals {
  # arn:<partition>:states:<region>:<account>:stateMachine:<name>, validated in variables.tf.
  arn_parts          = split(":", var.state_machine_arn)
  partition          = local.arn_parts[1]
  region             = local.arn_parts[3]
  account_id         = local.arn_parts[4]
  state_machine_name = local.arn_parts[6]

  request_name = "${var.name_prefix}-approval-request"
  page_name    = "${var.name_prefix}-approval-page"

  # The page's only routes, by method: GET shows a request, POST decides (docs/approval.md).
  routes = {
    GET  = "GET /approvals/{link}"
    POST = "POST /approvals/{link}"
  }
  # Every other request (any path, any method) goes to the page function too, through the catch-all
  # $default route, so that the page answers it (404, or 405 with Allow) with its security headers
  # instead of API Gateway's bare {"message":"Not Found"}. HTTP APIs have no gateway responses to
  # add headers to their own answers; the catch-all leaves API Gateway only the answers listed in
  # README.md, "Approval security".
  # https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html
  page_routes = merge(local.routes, { DEFAULT = "$default" })
  # The part of an invocation's execute-api ARN (<api>/<stage>/...) that names each route: METHOD/path
  # for a route with a method, and $default alone for the catch-all, as AWS SAM generates it since
  # aws/serverless-application-model pull request 2574 (issue 1860: "<api>/*/*/$default" matched
  # nothing; "<api>/*/$default" is what the HTTP API console asks for, and SAM's integration test
  # invokes a function through it).
  route_sources = merge({ for method, _ in local.routes : method => "${method}/approvals/*" }, { DEFAULT = "$default" })

  # The request function makes a DynamoDB item, an e-mail and a mark per approver, one after the
  # other: a few seconds for 100 approvers when AWS answers as usual. A timeout would end the
  # run (Sandbox.Timedout is not in the state's Retry), so it is generous: waiting costs nothing
  # unless calls are slow, and each call is bounded (AWS_CALL_TIMEOUT_MS, 10 s by default).
  request_timeout_seconds = 300
  # API Gateway waits at most 30 s for an HTTP API integration; the page function stops before.
  # A decision makes at most six AWS calls (link, request, claim, callback, close, request again),
  # so 4 s each, retries included, lets the handler answer its own 503 page in time instead of
  # being cut off; DynamoDB and Step Functions answer in milliseconds.
  # https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html
  page_timeout_seconds = 29
  page_call_timeout_ms = 4000
}

# ---------------------------------------------------------------------------------------------
# The approvals table and the e-mail topic
# ---------------------------------------------------------------------------------------------

# One item per request (with the task token until it is used) and one per link (the SHA-256 of
# the link's secret). Encrypted with the AWS managed key aws/dynamodb rather than DynamoDB's AWS
# owned key: the key lives in this account and its use shows in CloudTrail, for a KMS request
# charge and no monthly fee; its key policy lets principals of this account use it through
# DynamoDB only, so the roles need no KMS permission. Point-in-time recovery keeps the audit
# record (who decided, when, through which link) restorable for 35 days after a bad write or a
# deleted item, for a charge by table size (a few KB here). No deletion protection: destroy must
# work. https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/EncryptionAtRest.html
# https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/PointInTimeRecovery_Howitworks.html
resource "aws_dynamodb_table" "approvals" {
  name                        = "${var.name_prefix}-approvals"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "pk"
  deletion_protection_enabled = false

  attribute {
    name = "pk"
    type = "S"
  }

  # Items carry ttl = expiry + approval_retention_days (epoch seconds); DynamoDB deletes them
  # some time after that. Expiry itself is decided from the item's expiresAt, never from TTL.
  ttl {
    attribute_name = "ttl"
    enabled        = true
  }

  server_side_encryption {
    enabled = true
  }

  point_in_time_recovery {
    enabled = true
  }
}

# SSE with the AWS managed key alias/aws/sns. SNS says a publisher must be allowed
# kms:GenerateDataKey and kms:Decrypt on the topic's key
# (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html); for this key AWS's own key
# policy grants both to every principal of the account calling through SNS (kms:CallerAccount,
# kms:ViaService = sns.<region>.amazonaws.com), and that policy cannot be changed, so the request
# function's role needs sns:Publish only. (CloudWatch alarms could not publish here, which is
# why the alarm topic is not encrypted.) Requests to an encrypted topic must use HTTPS.
resource "aws_sns_topic" "approvals" {
  name              = "${var.name_prefix}-approvals"
  kms_master_key_id = "alias/aws/sns"
}

# One e-mail subscription per approver, pending until the address confirms it. Each one takes
# only the messages whose `approver` attribute is its own address (the request function sets it
# to the address exactly as configured; matching is case-sensitive), so nobody gets another's
# link. Filter policy changes take up to 15 minutes to apply.
# https://docs.aws.amazon.com/sns/latest/dg/sns-subscription-filter-policies.html
resource "aws_sns_topic_subscription" "approver" {
  for_each = toset(var.approver_emails)

  topic_arn           = aws_sns_topic.approvals.arn
  protocol            = "email"
  endpoint            = each.value
  filter_policy_scope = "MessageAttributes"
  filter_policy       = jsonencode({ approver = [each.value] })
}

# ---------------------------------------------------------------------------------------------
# The request function: invoked by the state machine's approval task
# ---------------------------------------------------------------------------------------------

data "aws_iam_policy_document" "request" {
  # The request item (conditional put, read back on a retry), one link item per approver, and the
  # mark that an approver's e-mail went out.
  statement {
    sid       = "StoreApprovalRequests"
    effect    = "Allow"
    actions   = ["dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:UpdateItem"]
    resources = [aws_dynamodb_table.approvals.arn]
  }

  statement {
    sid       = "SendApprovalEmails"
    effect    = "Allow"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.approvals.arn]
  }

  # An invalid request or no approvers fails the task at once. Scoped to the state machine by
  # its ARN, which the caller builds from its parts (the state machine is deleted first).
  statement {
    sid       = "FailApprovalTasks"
    effect    = "Allow"
    actions   = ["states:SendTaskFailure"]
    resources = [var.state_machine_arn]
  }
}

module "request" {
  source = "../lambda-function"

  function_name     = local.request_name
  description       = "Approval task of ${local.state_machine_name}: keeps the token in ${aws_dynamodb_table.approvals.name}, e-mails each approver a link."
  jar               = var.approval_jar
  handler           = "io.sfncallback.approval.ApprovalRequestHandler::handleRequest"
  timeout_seconds   = local.request_timeout_seconds
  alias_description = "The published version the state machine's approval task invokes (SnapStart needs a version)."

  # Exactly what ApprovalConfig reads (docs/approval.md, "Configuration"). The links' base is the
  # API's default endpoint: the $default stage serves at its root.
  environment = {
    APPROVALS_TABLE          = aws_dynamodb_table.approvals.name
    APPROVAL_TOPIC_ARN       = aws_sns_topic.approvals.arn
    APPROVER_EMAILS          = jsonencode(var.approver_emails)
    APPROVAL_BASE_URL        = aws_apigatewayv2_api.approvals.api_endpoint
    APPROVAL_TIMEOUT_SECONDS = tostring(var.approval_timeout_seconds)
    APPROVAL_RETENTION_DAYS  = tostring(var.approval_retention_days)
  }

  runtime               = var.lambda_runtime
  architecture          = var.lambda_architecture
  memory_mb             = var.lambda_memory_mb
  account_id            = local.account_id
  role_name             = "${var.name_prefix}-approval-req-${local.region}"
  role_description      = "Approval request function ${local.request_name}: keeps the task token in the approvals table and e-mails each approver a link."
  policy_name           = "approval-request"
  policy_json           = data.aws_iam_policy_document.request.json
  log_retention_days    = var.log_retention_days
  application_log_level = var.lambda_application_log_level
  system_log_level      = var.lambda_system_log_level
  tracing_enabled       = var.lambda_tracing_enabled
}

# ---------------------------------------------------------------------------------------------
# The page function, behind the HTTP API
# ---------------------------------------------------------------------------------------------

data "aws_iam_policy_document" "page" {
  # Reads links and requests; claims, finishes, releases or closes a decision (conditional
  # updates). It never creates an item.
  statement {
    sid       = "DecideApprovalRequests"
    effect    = "Allow"
    actions   = ["dynamodb:GetItem", "dynamodb:UpdateItem"]
    resources = [aws_dynamodb_table.approvals.arn]
  }

  statement {
    sid       = "ReportDecisions"
    effect    = "Allow"
    actions   = ["states:SendTaskSuccess", "states:SendTaskFailure"]
    resources = [var.state_machine_arn]
  }

  # Whether the request's execution still runs (a page for an ended one closes the request):
  # DescribeExecution takes an execution ARN, so the grant covers this state machine's executions
  # only, the scope AWS's own examples use.
  # https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsstepfunctions.html
  # https://docs.aws.amazon.com/step-functions/latest/dg/stepfunctions-iam.html
  statement {
    sid       = "ReadExecutionStatus"
    effect    = "Allow"
    actions   = ["states:DescribeExecution"]
    resources = ["arn:${local.partition}:states:${local.region}:${local.account_id}:execution:${local.state_machine_name}:*"]
  }
}

module "page" {
  source = "../lambda-function"

  function_name     = local.page_name
  description       = "Approval page of ${local.state_machine_name}: GET shows a request, POST records the decision and calls back."
  jar               = var.approval_jar
  handler           = "io.sfncallback.approval.ApprovalPageHandler::handleRequest"
  timeout_seconds   = local.page_timeout_seconds
  alias_description = "The published version the approval page's HTTP API invokes (SnapStart needs a version)."

  # The page takes its origin for the cross-site check from each request's domain name, so it
  # needs no URL of its own (the API's URL would depend on this function: a cycle).
  environment = {
    APPROVALS_TABLE         = aws_dynamodb_table.approvals.name
    APPROVAL_RETENTION_DAYS = tostring(var.approval_retention_days)
    AWS_CALL_TIMEOUT_MS     = tostring(local.page_call_timeout_ms)
  }

  runtime               = var.lambda_runtime
  architecture          = var.lambda_architecture
  memory_mb             = var.lambda_memory_mb
  account_id            = local.account_id
  role_name             = "${var.name_prefix}-approval-page-${local.region}"
  role_description      = "Approval page function ${local.page_name}: shows a request and reports the approver's decision to Step Functions."
  policy_name           = "approval-page"
  policy_json           = data.aws_iam_policy_document.page.json
  log_retention_days    = var.log_retention_days
  application_log_level = var.lambda_application_log_level
  system_log_level      = var.lambda_system_log_level
  tracing_enabled       = var.lambda_tracing_enabled
}

# An HTTP API rather than a Lambda function URL: a function URL has no throttling of its own (only
# the function's concurrency) and no access log, and this endpoint faces the internet. The HTTP
# API throttles every route, writes an access log whose format we choose, and routes GET and
# POST /approvals/{link} and, through the catch-all $default route, everything else to the page
# function, which answers it at once with its security headers (404, or 405 with Allow), without
# a lookup. No CORS: the page posts to itself. docs/deploy.md, "Approval endpoint".
resource "aws_apigatewayv2_api" "approvals" {
  name          = "${var.name_prefix}-approvals"
  description   = "Approval pages of ${local.state_machine_name}: the links in the approval e-mails."
  protocol_type = "HTTP"
}

resource "aws_apigatewayv2_integration" "page" {
  api_id                 = aws_apigatewayv2_api.approvals.id
  integration_type       = "AWS_PROXY"
  integration_method     = "POST"
  integration_uri        = module.page.alias_invoke_arn
  payload_format_version = "2.0"
}

resource "aws_apigatewayv2_route" "page" {
  for_each = local.page_routes

  api_id    = aws_apigatewayv2_api.approvals.id
  route_key = each.value
  target    = "integrations/${aws_apigatewayv2_integration.page.id}"
  # No authorizer: the link's secret is the capability (docs/approval.md, "The link").
  authorization_type = "NONE"
}

# The link in the path is a secret: the access log names the route ($context.routeKey, the
# template "GET /approvals/{link}", or "$default" for the catch-all), never the path. No
# $context.path, no query string.
# https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging-variables.html
resource "aws_cloudwatch_log_group" "api" {
  name              = "/aws/vendedlogs/apigateway/${var.name_prefix}-approvals"
  retention_in_days = var.log_retention_days
}

resource "aws_apigatewayv2_stage" "approvals" {
  api_id      = aws_apigatewayv2_api.approvals.id
  name        = "$default"
  auto_deploy = true

  default_route_settings {
    throttling_rate_limit    = var.approval_rate_limit
    throttling_burst_limit   = var.approval_burst_limit
    detailed_metrics_enabled = false
  }

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.api.arn
    format = jsonencode({
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
    })
  }
}

# API Gateway may invoke the page's live alias for this API's three routes only (any stage): GET
# and POST /approvals/* (the path's last segment is the link) and the catch-all, whose invocations
# are named <api>/<stage>/$default (local.route_sources). No permission names another API, method
# or path.
resource "aws_lambda_permission" "page" {
  for_each = local.page_routes

  statement_id  = "AllowApprovalApi${each.key}"
  action        = "lambda:InvokeFunction"
  function_name = module.page.function_name
  qualifier     = module.page.alias_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.approvals.execution_arn}/*/${local.route_sources[each.key]}"
}

# ---------------------------------------------------------------------------------------------
# Alarms
# ---------------------------------------------------------------------------------------------

# The page handler answers every request itself, errors included (a 500 page, never an
# exception), so a Lambda error here is what the handler cannot catch: a timeout, running out of
# memory, a failed init (a bad setting). The approver then sees API Gateway's bare error. The
# alias's own metrics: FunctionName plus Resource = <function>:<alias>.
# https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics.html
resource "aws_cloudwatch_metric_alarm" "page_errors" {
  alarm_name          = "${var.name_prefix}-approval-page-errors"
  alarm_description   = "The approval page function ${module.page.function_name}:${module.page.alias_name} failed invocations (timeout, out of memory, failed init): approvers got an error instead of the page. Its log group has the cause."
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = module.page.function_name, Resource = "${module.page.function_name}:${module.page.alias_name}" }
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
}

# Server errors as approvers see them, which the function's Errors metric misses: the handler's
# own 500 (a bug) and 503 (DynamoDB or Step Functions unavailable, nothing decided), and API
# Gateway's when it cannot invoke the function (throttled, timed out, not permitted).
# https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-metrics.html
resource "aws_cloudwatch_metric_alarm" "api_errors" {
  alarm_name          = "${var.name_prefix}-approval-api-5xx"
  alarm_description   = "The approval API ${aws_apigatewayv2_api.approvals.name} answered with 5xx: the page function failed, DynamoDB or Step Functions were unavailable (503, nothing decided), or API Gateway could not invoke the function. The API's access log and the page function's log have the details."
  namespace           = "AWS/ApiGateway"
  metric_name         = "5xx"
  dimensions          = { ApiId = aws_apigatewayv2_api.approvals.id }
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
}
