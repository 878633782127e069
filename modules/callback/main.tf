# The callback core: the tasks queue a state machine sends task tokens to, its dead-letter queue,
# the worker (a Java Lambda function, modules/lambda-function) fed by an SQS event source mapping,
# and the alarms on the queues. The state machine itself is the caller's; the worker may report
# to it only (state_machine_arn).

locals {
  # arn:<partition>:states:<region>:<account>:stateMachine:<name>, validated in variables.tf.
  arn_parts  = split(":", var.state_machine_arn)
  partition  = local.arn_parts[1]
  region     = local.arn_parts[3]
  account_id = local.arn_parts[4]

  worker_name    = "${var.name_prefix}-worker"
  worker_handler = "io.sfncallback.worker.CallbackHandler::handleRequest"
  demo_processor = "io.sfncallback.worker.processor.DemoProcessor"

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
# Worker: the function (modules/lambda-function) and its SQS event source
# ---------------------------------------------------------------------------------------------

data "aws_iam_policy_document" "worker" {
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
    resources = [var.state_machine_arn]
  }
}

module "worker" {
  source = "../lambda-function"

  function_name     = local.worker_name
  description       = "Completes Step Functions waitForTaskToken tasks from ${aws_sqs_queue.tasks.name}."
  jar               = var.worker_jar
  handler           = local.worker_handler
  alias_description = "The published version the SQS event source invokes (SnapStart needs a version)."

  environment = {
    HEARTBEAT_INTERVAL_SECONDS = tostring(var.heartbeat_interval_seconds)
    MAX_RECEIVE_COUNT          = tostring(var.max_receive_count)
    RETRY_DELAY_SECONDS        = tostring(var.retry_delay_seconds)
    TASKS_QUEUE_URL            = aws_sqs_queue.tasks.url
    MAX_CONCURRENT_RECORDS     = tostring(var.max_concurrent_records)
    PROCESSOR_CLASS            = coalesce(var.processor_class, local.demo_processor)
    # "false": a processor that asks for approval fails its task at once (Approval.NotEnabled)
    # instead of the state machine waiting for a decision nobody can make.
    APPROVAL_ENABLED = tostring(var.approval_enabled)
  }

  runtime         = var.lambda_runtime
  architecture    = var.lambda_architecture
  memory_mb       = var.lambda_memory_mb
  timeout_seconds = var.lambda_timeout_seconds
  account_id      = local.account_id
  # IAM names are global to the account: the region keeps two regional stacks apart.
  role_name             = "${var.name_prefix}-worker-${local.region}"
  role_description      = "Callback worker ${local.worker_name}: consumes the tasks queue and reports to Step Functions."
  policy_name           = "callback-worker"
  policy_json           = data.aws_iam_policy_document.worker.json
  log_retention_days    = var.log_retention_days
  application_log_level = var.lambda_application_log_level
  system_log_level      = var.lambda_system_log_level
  tracing_enabled       = var.lambda_tracing_enabled
}

resource "aws_lambda_event_source_mapping" "tasks" {
  event_source_arn                   = aws_sqs_queue.tasks.arn
  function_name                      = module.worker.alias_arn
  batch_size                         = var.batch_size
  maximum_batching_window_in_seconds = var.batching_window_seconds
  function_response_types            = ["ReportBatchItemFailures"]

  scaling_config {
    maximum_concurrency = var.max_concurrency
  }

  # Lambda checks the role's SQS permissions when the mapping is created; the module's role
  # policy is in place once its alias is (the function depends on the policy).

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
# Alarms on the queues (the state machine's own: the caller's)
# ---------------------------------------------------------------------------------------------

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
  alarm_actions      = var.alarm_actions
  ok_actions         = var.alarm_actions
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
  alarm_actions      = var.alarm_actions
  ok_actions         = var.alarm_actions
}
