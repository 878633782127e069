# The task-token callback: a STANDARD state machine sends each task's token to an SQS queue and
# waits; a Java Lambda (SQS event source, SnapStart alias) does the work and calls back with
# SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat. Build the jar first:
#   (cd lambda && ./mvnw -q package)   ->   lambda/target/callback-worker.jar

terraform {
  required_version = ">= 1.6"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # 5.100 and every 6.x but two: 6.2.0 and 6.3.0 fail to update a function with SnapStart and
      # publish = true ("waiting for Lambda Function (...) version publish: unexpected state ''",
      # hashicorp/terraform-provider-aws#43395, a regression of 6.2.0 fixed in 6.4.0 by #43416).
      # 6.1.0 was withdrawn from the registry (#43213). docs/deploy.md, "Provider versions".
      version = ">= 5.100, != 6.2.0, != 6.3.0, < 7.0"
    }
  }
}

provider "aws" {
  region = var.region

  default_tags {
    tags = var.tags
  }
}

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  # The region's name under the one attribute both provider majors offer without a warning:
  # 6.x deprecates `name` and 5.x has no `region`; `id` is the region name in both
  # (terraform-provider-aws internal/service/meta/region_data_source.go).
  region = data.aws_region.current.id

  worker_name        = "${var.name_prefix}-worker"
  state_machine_name = "${var.name_prefix}-callback"

  # Built from its parts rather than read from the resource: the state machine's own role trusts
  # only this state machine, and the role must exist before the state machine does; the worker's
  # policy uses it too, so that the worker does not depend on the state machine (see the state
  # machine's depends_on for why that matters on destroy).
  state_machine_arn = "arn:${local.partition}:states:${local.region}:${local.account_id}:stateMachine:${local.state_machine_name}"

  # The shaded jar from lambda/pom.xml (shade finalName "callback-worker", in target/): the worker
  # and the two approval handlers.
  worker_jar = "${path.module}/lambda/target/callback-worker.jar"
  # Hashed once for the three functions. Without the jar the worker's precondition says how to
  # build it (filebase64sha256 would only say that the file is missing).
  worker_jar_hash = fileexists(local.worker_jar) ? filebase64sha256(local.worker_jar) : null
  worker_handler  = "io.sfncallback.worker.CallbackHandler::handleRequest"
  demo_processor  = "io.sfncallback.worker.processor.DemoProcessor"

  approval_request_name    = "${var.name_prefix}-approval-request"
  approval_page_name       = "${var.name_prefix}-approval-page"
  approval_request_handler = "io.sfncallback.approval.ApprovalRequestHandler::handleRequest"
  approval_page_handler    = "io.sfncallback.approval.ApprovalPageHandler::handleRequest"

  # The page's only routes, by method: GET shows a request, POST decides (docs/approval.md).
  approval_routes = {
    GET  = "GET /approvals/{link}"
    POST = "POST /approvals/{link}"
  }

  # The request function makes a DynamoDB item, an e-mail and a mark per approver, one after the
  # other: a few seconds for 100 approvers when AWS answers as usual. A timeout would end the
  # run (Sandbox.Timedout is not in the state's Retry), so it is generous: waiting costs nothing
  # unless calls are slow, and each call is bounded (AWS_CALL_TIMEOUT_MS, 10 s by default).
  approval_request_timeout_seconds = 300
  # API Gateway waits at most 30 s for an HTTP API integration; the page function stops before.
  # A decision makes at most six AWS calls (link, request, claim, callback, close, request again),
  # so 4 s each, retries included, lets the handler answer its own 503 page in time instead of
  # being cut off; DynamoDB and Step Functions answer in milliseconds.
  # https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html
  approval_page_timeout_seconds = 29
  approval_page_call_timeout_ms = 4000

  # AWS: "set the source queue's visibility timeout to at least six times the timeout that you
  # configure on your function" (so Lambda can retry a throttled batch before the message
  # reappears), and records wait up to the batching window before the invocation starts.
  # https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html
  tasks_visibility_timeout_seconds = 6 * var.lambda_timeout_seconds + var.batching_window_seconds

  # A task's heartbeat clock starts when Step Functions sends its message, so a message waiting in
  # the tasks queue (a burst above max_concurrency x batch_size) uses up its task's
  # task_heartbeat_seconds with nobody to send heartbeats. Half of it: a healthy queue, whose
  # records are picked up within seconds, stays far below, and a backlog shows before its oldest
  # tasks time out whenever the heartbeat is long against the one-minute metric (with the default
  # 60 s, the alarm comes about when the first of them fail: it tells why). Records being worked
  # on count too (the metric is the age of the oldest message not yet deleted), so a processor
  # whose tasks run longer than this keeps the alarm on: raise queue_age_alarm_seconds for it.
  queue_age_alarm_seconds = coalesce(var.queue_age_alarm_seconds, floor(var.task_heartbeat_seconds / 2))

  # Empty without alarm_email: the alarms then only show in the CloudWatch console.
  alarm_actions = aws_sns_topic.alarms[*].arn
}

# ---------------------------------------------------------------------------------------------
# Queues: tasks (Step Functions -> worker) and its dead-letter queue
# ---------------------------------------------------------------------------------------------

resource "aws_sqs_queue" "dead_letters" {
  name                      = "${var.name_prefix}-dead-letters"
  message_retention_seconds = var.dlq_message_retention_seconds
  sqs_managed_sse_enabled   = true

  lifecycle {
    # A standard queue keeps a message's original enqueue time when it moves to the DLQ, so a
    # shorter DLQ retention would delete dead letters before anyone looks at them.
    # https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html
    precondition {
      condition     = var.dlq_message_retention_seconds >= var.message_retention_seconds
      error_message = "dlq_message_retention_seconds (${var.dlq_message_retention_seconds}) must be at least message_retention_seconds (${var.message_retention_seconds})."
    }
  }
}

resource "aws_sqs_queue" "tasks" {
  name                       = "${var.name_prefix}-tasks"
  visibility_timeout_seconds = local.tasks_visibility_timeout_seconds
  message_retention_seconds  = var.message_retention_seconds
  sqs_managed_sse_enabled    = true

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dead_letters.arn
    maxReceiveCount     = var.max_receive_count
  })
}

# Only the tasks queue may use the DLQ as its dead-letter queue.
resource "aws_sqs_queue_redrive_allow_policy" "dead_letters" {
  queue_url = aws_sqs_queue.dead_letters.id

  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [aws_sqs_queue.tasks.arn]
  })
}

resource "aws_sqs_queue_policy" "tasks" {
  queue_url = aws_sqs_queue.tasks.id
  policy    = data.aws_iam_policy_document.tasks_queue.json
}

resource "aws_sqs_queue_policy" "dead_letters" {
  queue_url = aws_sqs_queue.dead_letters.id
  policy    = data.aws_iam_policy_document.dead_letters_queue.json
}

# The Deny names every SQS action ("sqs:*") on purpose: a Deny that listed actions would let
# through any action SQS adds later. Grants (Allow) never use wildcards.
data "aws_iam_policy_document" "tasks_queue" {
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["sqs:*"]
    resources = [aws_sqs_queue.tasks.arn]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

data "aws_iam_policy_document" "dead_letters_queue" {
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["sqs:*"]
    resources = [aws_sqs_queue.dead_letters.arn]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

# ---------------------------------------------------------------------------------------------
# Worker: Lambda function, published version with SnapStart, alias, SQS event source
# ---------------------------------------------------------------------------------------------

resource "aws_cloudwatch_log_group" "worker" {
  name              = "/aws/lambda/${local.worker_name}"
  retention_in_days = var.log_retention_days
}

# Every function's role: Lambda may assume it for this account only.
data "aws_iam_policy_document" "lambda_assume" {
  statement {
    sid     = "LambdaAssumesRole"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "worker" {
  # IAM names are global to the account: the region keeps two regional stacks apart.
  name               = "${var.name_prefix}-worker-${local.region}"
  description        = "Callback worker ${local.worker_name}: consumes the tasks queue and reports to Step Functions."
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json
}

data "aws_iam_policy_document" "worker" {
  statement {
    sid       = "WriteOwnLogs"
    effect    = "Allow"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.worker.arn}:*"]
  }

  # What the SQS event source mapping needs (ReceiveMessage, DeleteMessage, GetQueueAttributes),
  # plus ChangeMessageVisibility: the worker gives failed records a short retry delay.
  # https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-configure-lambda-function-trigger.html
  statement {
    sid       = "ConsumeTasksQueue"
    effect    = "Allow"
    actions   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"]
    resources = [aws_sqs_queue.tasks.arn]
  }

  # The Service Authorization Reference lists no resource type for these three actions, but
  # Step Functions authorizes a callback-pattern token against the state machine that issued it
  # (AccessDenied messages name "on resource: arn:...:stateMachine:<name>"), so the grant is
  # scoped to this state machine. See docs/deploy.md, "Permissions".
  statement {
    sid       = "ReportTaskResults"
    effect    = "Allow"
    actions   = ["states:SendTaskSuccess", "states:SendTaskFailure", "states:SendTaskHeartbeat"]
    resources = [local.state_machine_arn]
  }
}

resource "aws_iam_role_policy" "worker" {
  name   = "callback-worker"
  role   = aws_iam_role.worker.id
  policy = data.aws_iam_policy_document.worker.json
}

# X-Ray's write actions take no resource ARN ("*" only); every function's role gets them when
# lambda_tracing_enabled is on.
data "aws_iam_policy_document" "lambda_xray" {
  statement {
    sid       = "WriteTraces"
    effect    = "Allow"
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "worker_xray" {
  count = var.lambda_tracing_enabled ? 1 : 0

  name   = "xray"
  role   = aws_iam_role.worker.id
  policy = data.aws_iam_policy_document.lambda_xray.json
}

resource "aws_lambda_function" "worker" {
  function_name    = local.worker_name
  description      = "Completes Step Functions waitForTaskToken tasks from ${aws_sqs_queue.tasks.name}."
  role             = aws_iam_role.worker.arn
  runtime          = var.lambda_runtime
  architectures    = [var.lambda_architecture]
  handler          = local.worker_handler
  memory_size      = var.lambda_memory_mb
  timeout          = var.lambda_timeout_seconds
  filename         = local.worker_jar
  source_code_hash = local.worker_jar_hash
  # SnapStart snapshots published versions only; the alias below follows each new version.
  publish = true

  environment {
    variables = {
      HEARTBEAT_INTERVAL_SECONDS = tostring(var.heartbeat_interval_seconds)
      MAX_RECEIVE_COUNT          = tostring(var.max_receive_count)
      RETRY_DELAY_SECONDS        = tostring(var.retry_delay_seconds)
      TASKS_QUEUE_URL            = aws_sqs_queue.tasks.url
      MAX_CONCURRENT_RECORDS     = tostring(var.max_concurrent_records)
      PROCESSOR_CLASS            = coalesce(var.processor_class, local.demo_processor)
    }
  }

  logging_config {
    log_format            = "JSON"
    log_group             = aws_cloudwatch_log_group.worker.name
    application_log_level = var.lambda_application_log_level
    system_log_level      = var.lambda_system_log_level
  }

  snap_start {
    apply_on = "PublishedVersions"
  }

  tracing_config {
    mode = var.lambda_tracing_enabled ? "Active" : "PassThrough"
  }

  depends_on = [aws_iam_role_policy.worker, aws_iam_role_policy.worker_xray]

  lifecycle {
    precondition {
      condition     = fileexists(local.worker_jar)
      error_message = "The worker jar ${local.worker_jar} does not exist: build it first with (cd lambda && ./mvnw -q package)."
    }
  }
}

resource "aws_lambda_alias" "live" {
  name             = "live"
  description      = "The published version the SQS event source invokes (SnapStart needs a version)."
  function_name    = aws_lambda_function.worker.function_name
  function_version = aws_lambda_function.worker.version
}

resource "aws_lambda_event_source_mapping" "tasks" {
  event_source_arn                   = aws_sqs_queue.tasks.arn
  function_name                      = aws_lambda_alias.live.arn
  batch_size                         = var.batch_size
  maximum_batching_window_in_seconds = var.batching_window_seconds
  function_response_types            = ["ReportBatchItemFailures"]

  scaling_config {
    maximum_concurrency = var.max_concurrency
  }

  # Lambda checks the role's SQS permissions when the mapping is created.
  depends_on = [aws_iam_role_policy.worker]

  lifecycle {
    # "When you set BatchSize to a value greater than 10, you must set
    # MaximumBatchingWindowInSeconds to at least 1."
    # https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html
    precondition {
      condition     = var.batch_size <= 10 || var.batching_window_seconds >= 1
      error_message = "batch_size ${var.batch_size} is above 10, which needs batching_window_seconds >= 1 (it is ${var.batching_window_seconds})."
    }
  }
}

# ---------------------------------------------------------------------------------------------
# Human approval: the approvals table, the e-mail topic, the request and page functions, the
# HTTP API in front of the page (docs/approval.md)
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

# --- The request function: invoked by the state machine's approval task -------------------------

resource "aws_cloudwatch_log_group" "approval_request" {
  name              = "/aws/lambda/${local.approval_request_name}"
  retention_in_days = var.log_retention_days
}

resource "aws_iam_role" "approval_request" {
  name               = "${var.name_prefix}-approval-req-${local.region}"
  description        = "Approval request function ${local.approval_request_name}: keeps the task token in the approvals table and e-mails each approver a link."
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json
}

data "aws_iam_policy_document" "approval_request" {
  statement {
    sid       = "WriteOwnLogs"
    effect    = "Allow"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.approval_request.arn}:*"]
  }

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

  # An invalid request or no approvers fails the task at once. Scoped to this state machine by its
  # constructed ARN, as for the worker (see ReportTaskResults and the state machine's depends_on).
  statement {
    sid       = "FailApprovalTasks"
    effect    = "Allow"
    actions   = ["states:SendTaskFailure"]
    resources = [local.state_machine_arn]
  }
}

resource "aws_iam_role_policy" "approval_request" {
  name   = "approval-request"
  role   = aws_iam_role.approval_request.id
  policy = data.aws_iam_policy_document.approval_request.json
}

resource "aws_iam_role_policy" "approval_request_xray" {
  count = var.lambda_tracing_enabled ? 1 : 0

  name   = "xray"
  role   = aws_iam_role.approval_request.id
  policy = data.aws_iam_policy_document.lambda_xray.json
}

resource "aws_lambda_function" "approval_request" {
  function_name    = local.approval_request_name
  description      = "Approval task of ${local.state_machine_name}: keeps the token in ${aws_dynamodb_table.approvals.name}, e-mails each approver a link."
  role             = aws_iam_role.approval_request.arn
  runtime          = var.lambda_runtime
  architectures    = [var.lambda_architecture]
  handler          = local.approval_request_handler
  memory_size      = var.lambda_memory_mb
  timeout          = local.approval_request_timeout_seconds
  filename         = local.worker_jar
  source_code_hash = local.worker_jar_hash
  publish          = true

  # Exactly what ApprovalConfig reads (docs/approval.md, "Configuration"). The links' base is the
  # API's default endpoint: the $default stage serves at its root.
  environment {
    variables = {
      APPROVALS_TABLE          = aws_dynamodb_table.approvals.name
      APPROVAL_TOPIC_ARN       = aws_sns_topic.approvals.arn
      APPROVER_EMAILS          = jsonencode(var.approver_emails)
      APPROVAL_BASE_URL        = aws_apigatewayv2_api.approvals.api_endpoint
      APPROVAL_TIMEOUT_SECONDS = tostring(var.approval_timeout_seconds)
      APPROVAL_RETENTION_DAYS  = tostring(var.approval_retention_days)
    }
  }

  logging_config {
    log_format            = "JSON"
    log_group             = aws_cloudwatch_log_group.approval_request.name
    application_log_level = var.lambda_application_log_level
    system_log_level      = var.lambda_system_log_level
  }

  snap_start {
    apply_on = "PublishedVersions"
  }

  tracing_config {
    mode = var.lambda_tracing_enabled ? "Active" : "PassThrough"
  }

  depends_on = [aws_iam_role_policy.approval_request, aws_iam_role_policy.approval_request_xray]
}

resource "aws_lambda_alias" "approval_request" {
  name             = "live"
  description      = "The published version the state machine's approval task invokes (SnapStart needs a version)."
  function_name    = aws_lambda_function.approval_request.function_name
  function_version = aws_lambda_function.approval_request.version
}

# --- The page function, behind the HTTP API ------------------------------------------------------

resource "aws_cloudwatch_log_group" "approval_page" {
  name              = "/aws/lambda/${local.approval_page_name}"
  retention_in_days = var.log_retention_days
}

resource "aws_iam_role" "approval_page" {
  name               = "${var.name_prefix}-approval-page-${local.region}"
  description        = "Approval page function ${local.approval_page_name}: shows a request and reports the approver's decision to Step Functions."
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json
}

data "aws_iam_policy_document" "approval_page" {
  statement {
    sid       = "WriteOwnLogs"
    effect    = "Allow"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.approval_page.arn}:*"]
  }

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
    resources = [local.state_machine_arn]
  }
}

resource "aws_iam_role_policy" "approval_page" {
  name   = "approval-page"
  role   = aws_iam_role.approval_page.id
  policy = data.aws_iam_policy_document.approval_page.json
}

resource "aws_iam_role_policy" "approval_page_xray" {
  count = var.lambda_tracing_enabled ? 1 : 0

  name   = "xray"
  role   = aws_iam_role.approval_page.id
  policy = data.aws_iam_policy_document.lambda_xray.json
}

resource "aws_lambda_function" "approval_page" {
  function_name    = local.approval_page_name
  description      = "Approval page of ${local.state_machine_name}: GET shows a request, POST records the decision and calls back."
  role             = aws_iam_role.approval_page.arn
  runtime          = var.lambda_runtime
  architectures    = [var.lambda_architecture]
  handler          = local.approval_page_handler
  memory_size      = var.lambda_memory_mb
  timeout          = local.approval_page_timeout_seconds
  filename         = local.worker_jar
  source_code_hash = local.worker_jar_hash
  publish          = true

  # The page takes its origin for the cross-site check from each request's domain name, so it
  # needs no URL of its own (the API's URL would depend on this function: a cycle).
  environment {
    variables = {
      APPROVALS_TABLE         = aws_dynamodb_table.approvals.name
      APPROVAL_RETENTION_DAYS = tostring(var.approval_retention_days)
      AWS_CALL_TIMEOUT_MS     = tostring(local.approval_page_call_timeout_ms)
    }
  }

  logging_config {
    log_format            = "JSON"
    log_group             = aws_cloudwatch_log_group.approval_page.name
    application_log_level = var.lambda_application_log_level
    system_log_level      = var.lambda_system_log_level
  }

  snap_start {
    apply_on = "PublishedVersions"
  }

  tracing_config {
    mode = var.lambda_tracing_enabled ? "Active" : "PassThrough"
  }

  depends_on = [aws_iam_role_policy.approval_page, aws_iam_role_policy.approval_page_xray]
}

resource "aws_lambda_alias" "approval_page" {
  name             = "live"
  description      = "The published version the approval page's HTTP API invokes (SnapStart needs a version)."
  function_name    = aws_lambda_function.approval_page.function_name
  function_version = aws_lambda_function.approval_page.version
}

# An HTTP API rather than a Lambda function URL: a function URL has no throttling of its own (only
# the function's concurrency) and no access log, and this endpoint faces the internet. The HTTP
# API throttles every route, writes an access log whose format we choose, and routes exactly
# GET and POST /approvals/{link}; anything else is API Gateway's 404 without invoking the
# function. No CORS: the page posts to itself. docs/deploy.md, "Approval endpoint".
resource "aws_apigatewayv2_api" "approvals" {
  name          = "${var.name_prefix}-approvals"
  description   = "Approval pages of ${local.state_machine_name}: the links in the approval e-mails."
  protocol_type = "HTTP"
}

resource "aws_apigatewayv2_integration" "approval_page" {
  api_id                 = aws_apigatewayv2_api.approvals.id
  integration_type       = "AWS_PROXY"
  integration_method     = "POST"
  integration_uri        = aws_lambda_alias.approval_page.invoke_arn
  payload_format_version = "2.0"
}

resource "aws_apigatewayv2_route" "approval_page" {
  for_each = local.approval_routes

  api_id    = aws_apigatewayv2_api.approvals.id
  route_key = each.value
  target    = "integrations/${aws_apigatewayv2_integration.approval_page.id}"
  # No authorizer: the link's secret is the capability (docs/approval.md, "The link").
  authorization_type = "NONE"
}

# The link in the path is a secret: the access log names the route ($context.routeKey, the
# template "GET /approvals/{link}"), never the path. No $context.path, no query string.
# https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging-variables.html
resource "aws_cloudwatch_log_group" "approval_api" {
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
    destination_arn = aws_cloudwatch_log_group.approval_api.arn
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

# API Gateway may invoke the page's live alias for this API's two routes only (any stage; the
# path's last segment is the link).
resource "aws_lambda_permission" "approval_page" {
  for_each = local.approval_routes

  statement_id  = "AllowApprovalApi${each.key}"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.approval_page.function_name
  qualifier     = aws_lambda_alias.approval_page.name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.approvals.execution_arn}/*/${each.key}/approvals/*"
}

# ---------------------------------------------------------------------------------------------
# State machine
# ---------------------------------------------------------------------------------------------

# Step Functions delivers logs through CloudWatch Logs vended delivery; the /aws/vendedlogs/
# prefix keeps the account's log resource policy small.
resource "aws_cloudwatch_log_group" "state_machine" {
  name              = "/aws/vendedlogs/states/${local.state_machine_name}"
  retention_in_days = var.log_retention_days
}

data "aws_iam_policy_document" "state_machine_assume" {
  statement {
    sid     = "StepFunctionsAssumesRole"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["states.amazonaws.com"]
    }

    # Confused-deputy protection as AWS recommends, narrowed from "stateMachine:*" to this state
    # machine (":*" covers its versions and aliases).
    # https://docs.aws.amazon.com/step-functions/latest/dg/procedure-create-iam-role.html#prevent-cross-service-confused-deputy
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = [local.state_machine_arn, "${local.state_machine_arn}:*"]
    }
  }
}

resource "aws_iam_role" "state_machine" {
  name               = "${var.name_prefix}-states-${local.region}"
  description        = "State machine ${local.state_machine_name}: sends task tokens to the tasks queue."
  assume_role_policy = data.aws_iam_policy_document.state_machine_assume.json
}

data "aws_iam_policy_document" "state_machine" {
  statement {
    sid       = "SendTaskTokens"
    effect    = "Allow"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.tasks.arn]
  }

  # The approval task names the request function's live alias, and Lambda authorizes an invoke
  # against the ARN it was given: a grant on the alias ARN allows exactly that alias, not the
  # function's other versions or $LATEST.
  # https://docs.aws.amazon.com/lambda/latest/dg/lambda-api-permissions-ref.html
  statement {
    sid       = "InvokeApprovalRequest"
    effect    = "Allow"
    actions   = ["lambda:InvokeFunction"]
    resources = [aws_lambda_alias.approval_request.arn]
  }

  # Log delivery for Step Functions takes "*": these CloudWatch Logs actions have no
  # resource-level permissions. This is the list AWS documents for the execution role.
  # https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html
  statement {
    sid    = "DeliverExecutionLogs"
    effect = "Allow"
    actions = [
      "logs:CreateLogDelivery",
      "logs:GetLogDelivery",
      "logs:UpdateLogDelivery",
      "logs:DeleteLogDelivery",
      "logs:ListLogDeliveries",
      "logs:PutResourcePolicy",
      "logs:DescribeResourcePolicies",
      "logs:DescribeLogGroups",
    ]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "state_machine" {
  name   = "callback-state-machine"
  role   = aws_iam_role.state_machine.id
  policy = data.aws_iam_policy_document.state_machine.json
}

# X-Ray for Step Functions: the four actions AWS lists, none of which take a resource ARN.
# https://docs.aws.amazon.com/step-functions/latest/dg/xray-iam.html
data "aws_iam_policy_document" "state_machine_xray" {
  statement {
    sid       = "WriteTraces"
    effect    = "Allow"
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "state_machine_xray" {
  count = var.state_machine_tracing_enabled ? 1 : 0

  name   = "xray"
  role   = aws_iam_role.state_machine.id
  policy = data.aws_iam_policy_document.state_machine_xray.json
}

resource "aws_sfn_state_machine" "callback" {
  name     = local.state_machine_name
  type     = "STANDARD"
  role_arn = aws_iam_role.state_machine.arn

  definition = templatefile("${path.module}/statemachine.asl.json", {
    partition                = local.partition
    queue_url                = aws_sqs_queue.tasks.url
    heartbeat_seconds        = var.task_heartbeat_seconds
    timeout_seconds          = var.task_timeout_seconds
    approval_function_arn    = aws_lambda_alias.approval_request.arn
    approval_timeout_seconds = var.approval_timeout_seconds
  })

  logging_configuration {
    log_destination        = "${aws_cloudwatch_log_group.state_machine.arn}:*"
    include_execution_data = var.state_machine_include_execution_data
    level                  = var.state_machine_log_level
  }

  tracing_configuration {
    enabled = var.state_machine_tracing_enabled
  }

  # Step Functions checks the log delivery permissions when it creates the state machine.
  #
  # The event source mapping is here for `terraform destroy`, which deletes in the reverse order:
  # the state machine goes first, while the worker still runs. DeleteStateMachine only marks it
  # DELETING; it is gone once its running executions end, which happens on their next state
  # transition (API_DeleteStateMachine.html), here the worker's callback. Deleted the other way
  # round, waiting tasks would end only by heartbeat timeout, and the provider stops waiting for
  # the deletion after 5 minutes (terraform-provider-aws internal/service/sfn/state_machine.go:
  # Delete timeout 5m, waitStateMachineDeleted polls while ACTIVE or DELETING).
  #
  # The approval path likewise: an execution waiting for a decision ends on its next transition
  # too, which is a decision through the page (or the approval timeout, a day by default), so the
  # API, the page function and the table go after the state machine. The definition already
  # depends on the request function; the rest is listed here, and the approval functions'
  # policies name the state machine by its constructed ARN.
  depends_on = [
    aws_iam_role_policy.state_machine,
    aws_iam_role_policy.state_machine_xray,
    aws_lambda_event_source_mapping.tasks,
    aws_apigatewayv2_stage.approvals,
    aws_apigatewayv2_route.approval_page,
    aws_lambda_permission.approval_page,
    aws_sns_topic_subscription.approver,
  ]

  lifecycle {
    precondition {
      condition     = var.task_heartbeat_seconds < var.task_timeout_seconds
      error_message = "task_heartbeat_seconds (${var.task_heartbeat_seconds}) must be less than task_timeout_seconds (${var.task_timeout_seconds})."
    }

    precondition {
      condition     = var.heartbeat_interval_seconds * 3 <= var.task_heartbeat_seconds
      error_message = "heartbeat_interval_seconds (${var.heartbeat_interval_seconds}) must be at most a third of task_heartbeat_seconds (${var.task_heartbeat_seconds}), so one lost heartbeat does not time the task out."
    }

    # A retried record is silent until the worker picks it up again, after the retry delay and
    # up to one batching window: the task's heartbeat clock must outlast both.
    precondition {
      condition     = var.retry_delay_seconds + var.batching_window_seconds < var.task_heartbeat_seconds
      error_message = "retry_delay_seconds (${var.retry_delay_seconds}) + batching_window_seconds (${var.batching_window_seconds}) must be less than task_heartbeat_seconds (${var.task_heartbeat_seconds}), or a retried task times out before the worker sees it again."
    }

    # A standard execution runs at most a year and then fails with States.Timeout, whatever its
    # states' own timeouts say: the worker's task and the approval must both fit.
    # https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html
    precondition {
      condition     = var.task_timeout_seconds + var.approval_timeout_seconds <= 31536000
      error_message = "task_timeout_seconds (${var.task_timeout_seconds}) + approval_timeout_seconds (${var.approval_timeout_seconds}) must be at most 31536000 (one year, the longest a standard execution runs), or an execution could end before its approval does."
    }
  }
}

# `terraform destroy` with executions in flight: the state machine is gone only once its running
# executions end, on their next state transition (API_DeleteStateMachine.html). One waiting for an
# approval makes that transition only on a decision or after approval_timeout_seconds, one whose
# processor works long only after it finishes; the provider stops waiting after 5 minutes. This
# resource depends on the state machine, so destroy removes it first, and its destroy-time
# provisioner stops the executions still running (scripts/stop-executions.sh, with the AWS CLI v2
# and the caller's credentials; without them it warns and the destroy goes on as before).
# A destroy-time provisioner may only read `self`: everything it needs is in `input`, which an
# apply updates in place (only triggers_replace replaces terraform_data), so changing it never
# stops anything.
resource "terraform_data" "stop_executions_on_destroy" {
  input = {
    enabled           = var.stop_executions_on_destroy
    state_machine_arn = aws_sfn_state_machine.callback.arn
    region            = local.region
    script            = "${path.module}/scripts/stop-executions.sh"
  }

  provisioner "local-exec" {
    when    = destroy
    command = self.output.enabled ? "bash '${self.output.script}' --state-machine-arn '${self.output.state_machine_arn}' --region '${self.output.region}'" : "echo 'stop_executions_on_destroy is false: running executions of ${self.output.state_machine_arn} are not stopped'"
  }
}

# ---------------------------------------------------------------------------------------------
# Alarms
# ---------------------------------------------------------------------------------------------

# No KMS key on the topic: CloudWatch alarms cannot publish to a topic encrypted with the
# AWS-managed SNS key.
resource "aws_sns_topic" "alarms" {
  count = var.alarm_email == null ? 0 : 1

  name = "${var.name_prefix}-alarms"
}

resource "aws_sns_topic_subscription" "alarm_email" {
  count = var.alarm_email == null ? 0 : 1

  topic_arn = aws_sns_topic.alarms[0].arn
  protocol  = "email"
  endpoint  = var.alarm_email
}

resource "aws_cloudwatch_metric_alarm" "dead_letters" {
  alarm_name          = "${var.name_prefix}-dead-letters-not-empty"
  alarm_description   = "Messages in ${aws_sqs_queue.dead_letters.name}: the worker could not use them (no usable task token, or failed max_receive_count times). Inspect them, then redrive or delete."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = aws_sqs_queue.dead_letters.name }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  # SQS stops sending metrics for a queue that has been empty and idle for six hours.
  treat_missing_data = "notBreaching"
  alarm_actions      = local.alarm_actions
  ok_actions         = local.alarm_actions
}

# SQS sends its metrics to CloudWatch once a minute, so a period shorter than 60 s has no data
# and one data point is all an alarm can wait for: one breaching minute raises it.
# https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-monitoring-using-cloudwatch.html
# https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html
resource "aws_cloudwatch_metric_alarm" "tasks_waiting" {
  alarm_name          = "${var.name_prefix}-tasks-waiting-too-long"
  alarm_description   = "The oldest message in ${aws_sqs_queue.tasks.name} is older than ${local.queue_age_alarm_seconds} s; its task times out (Task.NoHeartbeat) at ${var.task_heartbeat_seconds} s unless the worker picks it up. A burst above max_concurrency x batch_size, a throttled or failing worker, or a disabled event source mapping."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateAgeOfOldestMessage"
  dimensions          = { QueueName = aws_sqs_queue.tasks.name }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = local.queue_age_alarm_seconds
  # No data while the queue is empty and idle.
  treat_missing_data = "notBreaching"
  alarm_actions      = local.alarm_actions
  ok_actions         = local.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "executions_failed" {
  alarm_name          = "${var.name_prefix}-executions-failed"
  alarm_description   = "Executions of ${aws_sfn_state_machine.callback.name} failed: a worker reported a failure (WorkerFailed), a task timed out (Task.NoHeartbeat, Task.TookTooLong), or an approval was rejected, expired or could not be asked for (Approval.*)."
  namespace           = "AWS/States"
  metric_name         = "ExecutionsFailed"
  dimensions          = { StateMachineArn = aws_sfn_state_machine.callback.arn }
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "executions_timed_out" {
  alarm_name          = "${var.name_prefix}-executions-timed-out"
  alarm_description   = "Executions of ${aws_sfn_state_machine.callback.name} hit an execution-level timeout."
  namespace           = "AWS/States"
  metric_name         = "ExecutionsTimedOut"
  dimensions          = { StateMachineArn = aws_sfn_state_machine.callback.arn }
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

# The page handler answers every request itself, errors included (a 500 page, never an
# exception), so a Lambda error here is what the handler cannot catch: a timeout, running out of
# memory, a failed init (a bad setting). The approver then sees API Gateway's bare error. The
# alias's own metrics: FunctionName plus Resource = <function>:<alias>.
# https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics.html
resource "aws_cloudwatch_metric_alarm" "approval_page_errors" {
  alarm_name          = "${var.name_prefix}-approval-page-errors"
  alarm_description   = "The approval page function ${aws_lambda_function.approval_page.function_name}:${aws_lambda_alias.approval_page.name} failed invocations (timeout, out of memory, failed init): approvers got an error instead of the page. Its log group has the cause."
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = aws_lambda_function.approval_page.function_name, Resource = "${aws_lambda_function.approval_page.function_name}:${aws_lambda_alias.approval_page.name}" }
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

# Server errors as approvers see them, which the function's Errors metric misses: the handler's
# own 500 (a bug) and 503 (DynamoDB or Step Functions unavailable, nothing decided), and API
# Gateway's when it cannot invoke the function (throttled, timed out, not permitted).
# https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-metrics.html
resource "aws_cloudwatch_metric_alarm" "approval_api_errors" {
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
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}
