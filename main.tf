# The task-token callback: a STANDARD state machine sends each task's token to an SQS queue and
# waits; a Java Lambda (SQS event source, SnapStart alias) does the work and calls back with
# SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat. With approval_enabled, a result can ask
# a person to approve it first. Build the jars first, at the repository root:
#   ./mvnw -q package -DskipTests
#
# This file wires the modules (modules/README.md): modules/callback (queues, worker, event
# source, queue alarms) and modules/approval (table, topic, approval functions, HTTP API), and
# holds what belongs to the state machine itself. moved.tf keeps stacks applied before the
# modules existed in place.

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

  state_machine_name = "${var.name_prefix}-callback"
  # Built from its parts rather than read from the resource: the state machine's own role trusts
  # only this state machine, and the role must exist before the state machine does; the
  # functions' policies use it too, so that they do not depend on the state machine (see the
  # state machine's depends_on for why that matters on destroy).
  state_machine_arn = "arn:${local.partition}:states:${local.region}:${local.account_id}:stateMachine:${local.state_machine_name}"

  # The shaded jars of the Maven reactor (lambda/worker/pom.xml and lambda/approval/pom.xml,
  # shade finalName, in target/): each function is deployed from its own jar with its own hash,
  # so a change to the approval functions publishes no new worker version.
  worker_jar   = coalesce(var.worker_jar, "${path.module}/lambda/worker/target/callback-worker.jar")
  approval_jar = coalesce(var.approval_jar, "${path.module}/lambda/approval/target/callback-approval.jar")

  # The definition: the core (statemachine.asl.json) and, with approval on, the approval states
  # (modules/approval/states.asl.json) merged in, the worker's task leading to them. The local
  # stack (local/) builds the same merge; keep the two in step.
  core = jsondecode(templatefile("${path.module}/statemachine.asl.json", {
    partition         = local.partition
    queue_url         = module.callback.tasks_queue_url
    heartbeat_seconds = var.task_heartbeat_seconds
    timeout_seconds   = var.task_timeout_seconds
  }))
  # Each module output by name (try() for approval off, when module.approval[0] does not exist),
  # not the module as a whole: only depends_on below ties the state machine to every resource of
  # the modules, so that one line is what keeps the destroy order, and check.js can tell.
  approval_states    = try(module.approval[0].states, {})
  approval_alias_arn = try(module.approval[0].request_alias_arn, null)
  worker_next        = try(module.approval[0].start_state, local.core.States.WaitForWorker.Next)
  definition = merge(local.core, {
    States = merge(local.core.States, local.approval_states, {
      WaitForWorker = merge(local.core.States.WaitForWorker, { Next = local.worker_next })
    })
  })

  # Empty without alarm_email: the alarms then only show in the CloudWatch console.
  alarm_actions = aws_sns_topic.alarms[*].arn
}

# ---------------------------------------------------------------------------------------------
# The callback core: queues, worker, event source, queue alarms (modules/callback)
# ---------------------------------------------------------------------------------------------

module "callback" {
  source = "./modules/callback"

  name_prefix            = var.name_prefix
  state_machine_arn      = local.state_machine_arn
  task_heartbeat_seconds = var.task_heartbeat_seconds

  max_receive_count             = var.max_receive_count
  message_retention_seconds     = var.message_retention_seconds
  dlq_message_retention_seconds = var.dlq_message_retention_seconds

  worker_jar                   = local.worker_jar
  processor_class              = var.processor_class
  approval_enabled             = var.approval_enabled
  lambda_runtime               = var.lambda_runtime
  lambda_architecture          = var.lambda_architecture
  lambda_memory_mb             = var.lambda_memory_mb
  lambda_timeout_seconds       = var.lambda_timeout_seconds
  lambda_application_log_level = var.lambda_application_log_level
  lambda_system_log_level      = var.lambda_system_log_level
  lambda_tracing_enabled       = var.lambda_tracing_enabled
  log_retention_days           = var.log_retention_days
  heartbeat_interval_seconds   = var.heartbeat_interval_seconds
  retry_delay_seconds          = var.retry_delay_seconds
  max_concurrent_records       = var.max_concurrent_records

  batch_size              = var.batch_size
  batching_window_seconds = var.batching_window_seconds
  max_concurrency         = var.max_concurrency

  queue_age_alarm_seconds = var.queue_age_alarm_seconds
  alarm_actions           = local.alarm_actions
}

# ---------------------------------------------------------------------------------------------
# Human approval, when approval_enabled (modules/approval, docs/approval.md)
# ---------------------------------------------------------------------------------------------

# A switch of its own rather than "on when approver_emails is not empty": approver lists change
# routinely, and removing the last approver must not destroy the table with the pending requests
# and the links already e-mailed, nor the HTTP API they point to.
module "approval" {
  source = "./modules/approval"
  count  = var.approval_enabled ? 1 : 0

  name_prefix       = var.name_prefix
  state_machine_arn = local.state_machine_arn
  approval_jar      = local.approval_jar

  approver_emails          = var.approver_emails
  approval_timeout_seconds = var.approval_timeout_seconds
  approval_retention_days  = var.approval_retention_days
  approval_rate_limit      = var.approval_rate_limit
  approval_burst_limit     = var.approval_burst_limit

  lambda_runtime               = var.lambda_runtime
  lambda_architecture          = var.lambda_architecture
  lambda_memory_mb             = var.lambda_memory_mb
  lambda_application_log_level = var.lambda_application_log_level
  lambda_system_log_level      = var.lambda_system_log_level
  lambda_tracing_enabled       = var.lambda_tracing_enabled
  log_retention_days           = var.log_retention_days

  alarm_actions = local.alarm_actions
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
    resources = [module.callback.tasks_queue_arn]
  }

  # The approval task names the request function's live alias, and Lambda authorizes an invoke
  # against the ARN it was given: a grant on the alias ARN allows exactly that alias, not the
  # function's other versions or $LATEST. No statement without approval.
  # https://docs.aws.amazon.com/lambda/latest/dg/lambda-api-permissions-ref.html
  dynamic "statement" {
    for_each = var.approval_enabled ? [local.approval_alias_arn] : []

    content {
      sid       = "InvokeApprovalRequest"
      effect    = "Allow"
      actions   = ["lambda:InvokeFunction"]
      resources = [statement.value]
    }
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
  name       = local.state_machine_name
  type       = "STANDARD"
  role_arn   = aws_iam_role.state_machine.arn
  definition = jsonencode(local.definition)

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
  # The modules are here for `terraform destroy`, which deletes in the reverse order: the state
  # machine goes first, while the worker still runs. DeleteStateMachine only marks it DELETING;
  # it is gone once its running executions end, which happens on their next state transition
  # (API_DeleteStateMachine.html), here the worker's callback. Deleted the other way round,
  # waiting tasks would end only by heartbeat timeout, and the provider stops waiting for the
  # deletion after 5 minutes (terraform-provider-aws internal/service/sfn/state_machine.go:
  # Delete timeout 5m, waitStateMachineDeleted polls while ACTIVE or DELETING).
  #
  # The approval path likewise: an execution waiting for a decision ends on its next transition
  # too, which is a decision through the page (or the approval timeout, a day by default), so the
  # API, the page function and the table go after the state machine. The modules' policies name
  # the state machine by its constructed ARN, so nothing in them depends on it.
  depends_on = [
    aws_iam_role_policy.state_machine,
    aws_iam_role_policy.state_machine_xray,
    module.callback,
    module.approval,
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
      condition     = !var.approval_enabled || var.task_timeout_seconds + var.approval_timeout_seconds <= 31536000
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
# Alarms: the topic they all notify, and the state machine's own
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
