# IAM as the real provider computes it: the aws provider runs for real, without credentials, and
# every managed resource is overridden, so no AWS API is called while the aws_iam_policy_document
# data sources render the documents that AWS would receive. scripts/check-infra.sh also reads the
# documents of the first run to check that every Step Functions and SQS call in the worker's Java
# source is granted. The first run applies; the others plan against its state, where the
# documents are known.

provider "aws" {
  region                      = "eu-west-1"
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}

override_data {
  target = data.aws_caller_identity.current
  values = {
    account_id = "111122223333"
    arn        = "arn:aws:iam::111122223333:user/test"
    user_id    = "AIDATEST"
  }
}

override_resource {
  target = aws_sqs_queue.tasks
  values = {
    id  = "https://sqs.eu-west-1.amazonaws.com/111122223333/sfn-callback-tasks"
    arn = "arn:aws:sqs:eu-west-1:111122223333:sfn-callback-tasks"
    url = "https://sqs.eu-west-1.amazonaws.com/111122223333/sfn-callback-tasks"
  }
}

override_resource {
  target = aws_sqs_queue.dead_letters
  values = {
    id  = "https://sqs.eu-west-1.amazonaws.com/111122223333/sfn-callback-dead-letters"
    arn = "arn:aws:sqs:eu-west-1:111122223333:sfn-callback-dead-letters"
    url = "https://sqs.eu-west-1.amazonaws.com/111122223333/sfn-callback-dead-letters"
  }
}

override_resource {
  target = aws_sqs_queue_policy.tasks
}

override_resource {
  target = aws_sqs_queue_policy.dead_letters
}

override_resource {
  target = aws_sqs_queue_redrive_allow_policy.dead_letters
}

override_resource {
  target = aws_cloudwatch_log_group.worker
  values = { arn = "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/sfn-callback-worker" }
}

override_resource {
  target = aws_cloudwatch_log_group.state_machine
  values = { arn = "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/vendedlogs/states/sfn-callback-callback" }
}

override_resource {
  target = aws_iam_role.worker
  values = { arn = "arn:aws:iam::111122223333:role/sfn-callback-worker-eu-west-1", id = "sfn-callback-worker-eu-west-1" }
}

override_resource {
  target = aws_iam_role.state_machine
  values = { arn = "arn:aws:iam::111122223333:role/sfn-callback-states-eu-west-1", id = "sfn-callback-states-eu-west-1" }
}

override_resource {
  target = aws_iam_role_policy.worker
}

override_resource {
  target = aws_iam_role_policy.worker_xray
}

override_resource {
  target = aws_iam_role_policy.state_machine
}

override_resource {
  target = aws_iam_role_policy.state_machine_xray
}

override_resource {
  target = aws_lambda_function.worker
  values = {
    arn           = "arn:aws:lambda:eu-west-1:111122223333:function:sfn-callback-worker"
    qualified_arn = "arn:aws:lambda:eu-west-1:111122223333:function:sfn-callback-worker:1"
    version       = "1"
  }
}

override_resource {
  target = aws_lambda_alias.live
  values = { arn = "arn:aws:lambda:eu-west-1:111122223333:function:sfn-callback-worker:live" }
}

override_resource {
  target = aws_lambda_event_source_mapping.tasks
}

override_resource {
  target = aws_sfn_state_machine.callback
  values = { arn = "arn:aws:states:eu-west-1:111122223333:stateMachine:sfn-callback-callback" }
}

override_resource {
  target = aws_sns_topic.alarms
  values = { arn = "arn:aws:sns:eu-west-1:111122223333:sfn-callback-alarms" }
}

override_resource {
  target = aws_sns_topic_subscription.alarm_email
}

override_resource {
  target = aws_cloudwatch_metric_alarm.dead_letters
}

override_resource {
  target = aws_cloudwatch_metric_alarm.tasks_waiting
}

override_resource {
  target = aws_cloudwatch_metric_alarm.executions_failed
}

override_resource {
  target = aws_cloudwatch_metric_alarm.executions_timed_out
}

# The provider may list a statement's actions in any order: actions are compared as sets.
run "worker_may_consume_the_tasks_queue_report_to_this_state_machine_and_log" {
  assert {
    condition     = [for st in jsondecode(data.aws_iam_policy_document.worker.json).Statement : st.Sid] == ["WriteOwnLogs", "ConsumeTasksQueue", "ReportTaskResults"]
    error_message = "Worker policy: ${data.aws_iam_policy_document.worker.json}"
  }

  assert {
    condition = [for st in jsondecode(data.aws_iam_policy_document.worker.json).Statement : { effect = st.Effect, actions = toset(flatten([st.Action])), resource = st.Resource }] == [
      {
        effect   = "Allow"
        actions  = toset(["logs:CreateLogStream", "logs:PutLogEvents"])
        resource = "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/sfn-callback-worker:*"
      },
      {
        effect   = "Allow"
        actions  = toset(["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"])
        resource = "arn:aws:sqs:eu-west-1:111122223333:sfn-callback-tasks"
      },
      {
        effect   = "Allow"
        actions  = toset(["states:SendTaskSuccess", "states:SendTaskFailure", "states:SendTaskHeartbeat"])
        resource = "arn:aws:states:eu-west-1:111122223333:stateMachine:sfn-callback-callback"
      },
    ]
    error_message = "Worker policy: ${data.aws_iam_policy_document.worker.json}"
  }

  assert {
    condition     = aws_iam_role_policy.worker.policy == data.aws_iam_policy_document.worker.json && aws_iam_role_policy.worker.role == "sfn-callback-worker-eu-west-1"
    error_message = "The worker's role carries this document."
  }
}

run "state_machine_may_send_to_the_tasks_queue_and_deliver_its_logs" {
  command = plan

  assert {
    condition = jsondecode(data.aws_iam_policy_document.state_machine.json).Statement[0] == {
      Sid      = "SendTaskTokens"
      Effect   = "Allow"
      Action   = "sqs:SendMessage"
      Resource = "arn:aws:sqs:eu-west-1:111122223333:sfn-callback-tasks"
    }
    error_message = "State machine policy: ${data.aws_iam_policy_document.state_machine.json}"
  }

  # The log delivery actions Step Functions documents for its execution role; they take no
  # resource ARN. https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html
  assert {
    condition = (
      length(jsondecode(data.aws_iam_policy_document.state_machine.json).Statement) == 2 &&
      jsondecode(data.aws_iam_policy_document.state_machine.json).Statement[1].Sid == "DeliverExecutionLogs" &&
      jsondecode(data.aws_iam_policy_document.state_machine.json).Statement[1].Effect == "Allow" &&
      jsondecode(data.aws_iam_policy_document.state_machine.json).Statement[1].Resource == "*" &&
      toset(jsondecode(data.aws_iam_policy_document.state_machine.json).Statement[1].Action) == toset([
        "logs:CreateLogDelivery",
        "logs:GetLogDelivery",
        "logs:UpdateLogDelivery",
        "logs:DeleteLogDelivery",
        "logs:ListLogDeliveries",
        "logs:PutResourcePolicy",
        "logs:DescribeResourcePolicies",
        "logs:DescribeLogGroups",
      ])
    )
    error_message = "State machine policy: ${data.aws_iam_policy_document.state_machine.json}"
  }
}

run "queues_deny_every_request_without_tls" {
  command = plan

  assert {
    condition = alltrue([for q in [
      { doc = data.aws_iam_policy_document.tasks_queue.json, arn = "arn:aws:sqs:eu-west-1:111122223333:sfn-callback-tasks" },
      { doc = data.aws_iam_policy_document.dead_letters_queue.json, arn = "arn:aws:sqs:eu-west-1:111122223333:sfn-callback-dead-letters" },
      ] : jsondecode(q.doc).Statement == [{
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "sqs:*"
        Resource  = q.arn
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]])
    error_message = "Queue policies: ${data.aws_iam_policy_document.tasks_queue.json} ${data.aws_iam_policy_document.dead_letters_queue.json}"
  }
}

# Confused-deputy protection: each service may assume its role only for this account, Step
# Functions only for this state machine (and its versions and aliases).
# https://docs.aws.amazon.com/step-functions/latest/dg/procedure-create-iam-role.html
run "trust_policies_are_pinned_to_this_account_and_state_machine" {
  command = plan

  assert {
    condition = jsondecode(data.aws_iam_policy_document.worker_assume.json).Statement == [{
      Sid       = "LambdaAssumesRole"
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = "111122223333" } }
    }]
    error_message = "Worker trust policy: ${data.aws_iam_policy_document.worker_assume.json}"
  }

  assert {
    condition = [for st in jsondecode(data.aws_iam_policy_document.state_machine_assume.json).Statement : {
      sid            = st.Sid, effect = st.Effect, principal = st.Principal, action = st.Action,
      source_account = st.Condition.StringEquals, source_arns = toset(st.Condition.ArnLike["aws:SourceArn"])
      }] == [{
      sid            = "StepFunctionsAssumesRole"
      effect         = "Allow"
      principal      = { Service = "states.amazonaws.com" }
      action         = "sts:AssumeRole"
      source_account = { "aws:SourceAccount" = "111122223333" }
      source_arns = toset([
        "arn:aws:states:eu-west-1:111122223333:stateMachine:sfn-callback-callback",
        "arn:aws:states:eu-west-1:111122223333:stateMachine:sfn-callback-callback:*",
      ])
    }]
    error_message = "State machine trust policy: ${data.aws_iam_policy_document.state_machine_assume.json}"
  }
}

run "no_allow_statement_grants_a_wildcard_action" {
  command = plan

  assert {
    condition = alltrue(flatten([for doc in [
      data.aws_iam_policy_document.worker.json,
      data.aws_iam_policy_document.worker_xray.json,
      data.aws_iam_policy_document.state_machine.json,
      data.aws_iam_policy_document.state_machine_xray.json,
      ] : [for s in jsondecode(doc).Statement :
      [for a in flatten([s.Action]) : length(regexall("[*?]", a)) == 0]
    if s.Effect == "Allow"]]))
    error_message = "An Allow statement names a wildcard action; grant the exact actions."
  }

  # Resource "*" only where the action takes no resource ARN: the documented log delivery and
  # X-Ray actions.
  assert {
    condition = alltrue(flatten([for doc in [data.aws_iam_policy_document.worker.json, data.aws_iam_policy_document.state_machine.json] :
      [for s in jsondecode(doc).Statement : s.Resource != "*" || s.Sid == "DeliverExecutionLogs"]
    ]))
    error_message = "Only the log delivery statement may use Resource \"*\"."
  }
}

run "xray_is_granted_only_with_tracing_on" {
  command = plan

  variables {
    lambda_tracing_enabled        = true
    state_machine_tracing_enabled = true
  }

  assert {
    condition = (
      length(aws_iam_role_policy.worker_xray) == 1 &&
      aws_iam_role_policy.worker_xray[0].role == "sfn-callback-worker-eu-west-1" &&
      jsondecode(aws_iam_role_policy.worker_xray[0].policy).Statement[0].Resource == "*" &&
      toset(jsondecode(aws_iam_role_policy.worker_xray[0].policy).Statement[0].Action) == toset(["xray:PutTraceSegments", "xray:PutTelemetryRecords"])
    )
    error_message = "Worker X-Ray policy: ${jsonencode(aws_iam_role_policy.worker_xray)}"
  }

  # https://docs.aws.amazon.com/step-functions/latest/dg/xray-iam.html
  assert {
    condition = (
      length(aws_iam_role_policy.state_machine_xray) == 1 &&
      aws_iam_role_policy.state_machine_xray[0].role == "sfn-callback-states-eu-west-1" &&
      jsondecode(aws_iam_role_policy.state_machine_xray[0].policy).Statement[0].Resource == "*" &&
      toset(jsondecode(aws_iam_role_policy.state_machine_xray[0].policy).Statement[0].Action) == toset(["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"])
    )
    error_message = "State machine X-Ray policy: ${jsonencode(aws_iam_role_policy.state_machine_xray)}"
  }
}
