# IAM as the real provider computes it, for the whole stack with approval on: the aws provider
# runs for real, without credentials, and every managed resource is overridden, so no AWS API is
# called while the aws_iam_policy_document data sources render the documents that AWS would
# receive. Each function's role may do what its code calls on this stack's resources and report to
# this state machine only; the state machine may invoke the approval alias only. scripts/check-infra.sh
# also reads the state of the first run to check that each function's role allows exactly the
# DynamoDB, SNS, SQS and Step Functions calls its handler's Java code makes (the worker: at least
# those), each from its own jar's source. The first run applies; the others plan against its state.
# The modules' own documents: tests/module_*_iam.tftest.hcl.

# Teardown destroys what the runs applied: no destroy-time provisioner may call AWS from a test
# (tests/destroy.tftest.hcl covers it).
variables {
  stop_executions_on_destroy = false
  approval_enabled           = true
}

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
  target = module.callback.aws_sqs_queue.tasks
  values = {
    id  = "https://sqs.eu-west-1.amazonaws.com/111122223333/sfn-callback-tasks"
    arn = "arn:aws:sqs:eu-west-1:111122223333:sfn-callback-tasks"
    url = "https://sqs.eu-west-1.amazonaws.com/111122223333/sfn-callback-tasks"
  }
}

override_resource {
  target = module.callback.aws_sqs_queue.dead_letters
  values = {
    id  = "https://sqs.eu-west-1.amazonaws.com/111122223333/sfn-callback-dead-letters"
    arn = "arn:aws:sqs:eu-west-1:111122223333:sfn-callback-dead-letters"
    url = "https://sqs.eu-west-1.amazonaws.com/111122223333/sfn-callback-dead-letters"
  }
}

override_resource {
  target = module.callback.aws_sqs_queue_policy.tasks
}

override_resource {
  target = module.callback.aws_sqs_queue_policy.dead_letters
}

override_resource {
  target = module.callback.aws_sqs_queue_redrive_allow_policy.dead_letters
}

override_resource {
  target = module.callback.aws_lambda_event_source_mapping.tasks
}

override_resource {
  target = module.callback.aws_cloudwatch_metric_alarm.dead_letters
}

override_resource {
  target = module.callback.aws_cloudwatch_metric_alarm.tasks_waiting
}

override_resource {
  target = module.callback.module.worker.aws_cloudwatch_log_group.this
  values = {
    arn = "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/sfn-callback-worker"
  }
}

override_resource {
  target = module.callback.module.worker.aws_iam_role.this
  values = {
    arn = "arn:aws:iam::111122223333:role/sfn-callback-worker-eu-west-1"
    id  = "sfn-callback-worker-eu-west-1"
  }
}

override_resource {
  target = module.callback.module.worker.aws_iam_role_policy.this
}

override_resource {
  target = module.callback.module.worker.aws_iam_role_policy.xray
}

override_resource {
  target = module.callback.module.worker.aws_lambda_function.this
  values = {
    arn           = "arn:aws:lambda:eu-west-1:111122223333:function:sfn-callback-worker"
    qualified_arn = "arn:aws:lambda:eu-west-1:111122223333:function:sfn-callback-worker:1"
    version       = "1"
  }
}

override_resource {
  target = module.callback.module.worker.aws_lambda_alias.this
  values = {
    arn        = "arn:aws:lambda:eu-west-1:111122223333:function:sfn-callback-worker:live"
    invoke_arn = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:111122223333:function:sfn-callback-worker:live/invocations"
  }
}

override_resource {
  target = module.approval[0].aws_dynamodb_table.approvals
  values = {
    arn = "arn:aws:dynamodb:eu-west-1:111122223333:table/sfn-callback-approvals"
    id  = "sfn-callback-approvals"
  }
}

override_resource {
  target = module.approval[0].aws_sns_topic.approvals
  values = {
    arn = "arn:aws:sns:eu-west-1:111122223333:sfn-callback-approvals"
    id  = "arn:aws:sns:eu-west-1:111122223333:sfn-callback-approvals"
  }
}

override_resource {
  target = module.approval[0].aws_cloudwatch_log_group.api
  values = {
    arn = "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/vendedlogs/apigateway/sfn-callback-approvals"
  }
}

override_resource {
  target = module.approval[0].aws_apigatewayv2_api.approvals
  values = {
    id            = "a1b2c3d4e5"
    api_endpoint  = "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com"
    execution_arn = "arn:aws:execute-api:eu-west-1:111122223333:a1b2c3d4e5"
  }
}

override_resource {
  target = module.approval[0].aws_apigatewayv2_integration.page
  values = {
    id = "int1234"
  }
}

override_resource {
  target = module.approval[0].aws_sns_topic_subscription.approver
}

override_resource {
  target = module.approval[0].aws_apigatewayv2_route.page
}

override_resource {
  target = module.approval[0].aws_apigatewayv2_stage.approvals
}

override_resource {
  target = module.approval[0].aws_lambda_permission.page
}

override_resource {
  target = module.approval[0].aws_cloudwatch_metric_alarm.page_errors
}

override_resource {
  target = module.approval[0].aws_cloudwatch_metric_alarm.api_errors
}

override_resource {
  target = module.approval[0].module.request.aws_cloudwatch_log_group.this
  values = {
    arn = "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/sfn-callback-approval-request"
  }
}

override_resource {
  target = module.approval[0].module.request.aws_iam_role.this
  values = {
    arn = "arn:aws:iam::111122223333:role/sfn-callback-approval-req-eu-west-1"
    id  = "sfn-callback-approval-req-eu-west-1"
  }
}

override_resource {
  target = module.approval[0].module.request.aws_iam_role_policy.this
}

override_resource {
  target = module.approval[0].module.request.aws_iam_role_policy.xray
}

override_resource {
  target = module.approval[0].module.request.aws_lambda_function.this
  values = {
    arn           = "arn:aws:lambda:eu-west-1:111122223333:function:sfn-callback-approval-request"
    qualified_arn = "arn:aws:lambda:eu-west-1:111122223333:function:sfn-callback-approval-request:1"
    version       = "1"
  }
}

override_resource {
  target = module.approval[0].module.request.aws_lambda_alias.this
  values = {
    arn        = "arn:aws:lambda:eu-west-1:111122223333:function:sfn-callback-approval-request:live"
    invoke_arn = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:111122223333:function:sfn-callback-approval-request:live/invocations"
  }
}

override_resource {
  target = module.approval[0].module.page.aws_cloudwatch_log_group.this
  values = {
    arn = "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/sfn-callback-approval-page"
  }
}

override_resource {
  target = module.approval[0].module.page.aws_iam_role.this
  values = {
    arn = "arn:aws:iam::111122223333:role/sfn-callback-approval-page-eu-west-1"
    id  = "sfn-callback-approval-page-eu-west-1"
  }
}

override_resource {
  target = module.approval[0].module.page.aws_iam_role_policy.this
}

override_resource {
  target = module.approval[0].module.page.aws_iam_role_policy.xray
}

override_resource {
  target = module.approval[0].module.page.aws_lambda_function.this
  values = {
    arn           = "arn:aws:lambda:eu-west-1:111122223333:function:sfn-callback-approval-page"
    qualified_arn = "arn:aws:lambda:eu-west-1:111122223333:function:sfn-callback-approval-page:1"
    version       = "1"
  }
}

override_resource {
  target = module.approval[0].module.page.aws_lambda_alias.this
  values = {
    arn        = "arn:aws:lambda:eu-west-1:111122223333:function:sfn-callback-approval-page:live"
    invoke_arn = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:111122223333:function:sfn-callback-approval-page:live/invocations"
  }
}

override_resource {
  target = aws_cloudwatch_log_group.state_machine
  values = {
    arn = "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/vendedlogs/states/sfn-callback-callback"
  }
}

override_resource {
  target = aws_iam_role.state_machine
  values = {
    arn = "arn:aws:iam::111122223333:role/sfn-callback-states-eu-west-1"
    id  = "sfn-callback-states-eu-west-1"
  }
}

override_resource {
  target = aws_iam_role_policy.state_machine
}

override_resource {
  target = aws_iam_role_policy.state_machine_xray
}

override_resource {
  target = aws_sns_topic_subscription.alarm_email
}

override_resource {
  target = aws_cloudwatch_metric_alarm.executions_failed
}

override_resource {
  target = aws_cloudwatch_metric_alarm.executions_timed_out
}

override_resource {
  target = aws_sfn_state_machine.callback
  values = {
    arn = "arn:aws:states:eu-west-1:111122223333:stateMachine:sfn-callback-callback"
  }
}

override_resource {
  target = aws_sns_topic.alarms
  values = {
    arn = "arn:aws:sns:eu-west-1:111122223333:sfn-callback-alarms"
  }
}

# The provider may list a statement's actions in any order: actions are compared as sets.
run "worker_may_consume_the_tasks_queue_report_to_this_state_machine_and_log" {
  assert {
    condition = [for st in jsondecode(module.callback.worker_policy_json).Statement : { sid = st.Sid, effect = st.Effect, actions = toset(flatten([st.Action])), resource = st.Resource }] == [
      {
        sid      = "WriteOwnLogs"
        effect   = "Allow"
        actions  = toset(["logs:CreateLogStream", "logs:PutLogEvents"])
        resource = "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/sfn-callback-worker:*"
      },
      {
        sid      = "ConsumeTasksQueue"
        effect   = "Allow"
        actions  = toset(["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"])
        resource = "arn:aws:sqs:eu-west-1:111122223333:sfn-callback-tasks"
      },
      {
        sid      = "ReportTaskResults"
        effect   = "Allow"
        actions  = toset(["states:SendTaskSuccess", "states:SendTaskFailure", "states:SendTaskHeartbeat"])
        resource = "arn:aws:states:eu-west-1:111122223333:stateMachine:sfn-callback-callback"
      },
    ]
    error_message = "Worker policy: ${module.callback.worker_policy_json}"
  }
}

# The approval request function: its table's three item operations, its topic, and failing its
# own tasks (invalid request, no approvers). No KMS statement: the AWS managed keys of the table
# and the topic grant their use through DynamoDB and SNS to this account's principals.
run "approval_request_may_store_requests_send_emails_and_fail_its_tasks" {
  command = plan

  assert {
    condition = [for st in jsondecode(module.approval[0].request_policy_json).Statement : { sid = st.Sid, effect = st.Effect, actions = toset(flatten([st.Action])), resource = st.Resource }] == [
      {
        sid      = "WriteOwnLogs"
        effect   = "Allow"
        actions  = toset(["logs:CreateLogStream", "logs:PutLogEvents"])
        resource = "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/sfn-callback-approval-request:*"
      },
      {
        sid      = "StoreApprovalRequests"
        effect   = "Allow"
        actions  = toset(["dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:UpdateItem"])
        resource = "arn:aws:dynamodb:eu-west-1:111122223333:table/sfn-callback-approvals"
      },
      {
        sid      = "SendApprovalEmails"
        effect   = "Allow"
        actions  = toset(["sns:Publish"])
        resource = "arn:aws:sns:eu-west-1:111122223333:sfn-callback-approvals"
      },
      {
        sid      = "FailApprovalTasks"
        effect   = "Allow"
        actions  = toset(["states:SendTaskFailure"])
        resource = "arn:aws:states:eu-west-1:111122223333:stateMachine:sfn-callback-callback"
      },
    ]
    error_message = "Approval request policy: ${module.approval[0].request_policy_json}"
  }
}

# The approval page function: reads and conditionally updates items (it never creates one),
# reports the decision, and asks whether the request's execution still runs (its executions only).
run "approval_page_may_read_and_decide_requests_and_report_decisions" {
  command = plan

  assert {
    condition = [for st in jsondecode(module.approval[0].page_policy_json).Statement : { sid = st.Sid, effect = st.Effect, actions = toset(flatten([st.Action])), resource = st.Resource }] == [
      {
        sid      = "WriteOwnLogs"
        effect   = "Allow"
        actions  = toset(["logs:CreateLogStream", "logs:PutLogEvents"])
        resource = "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/sfn-callback-approval-page:*"
      },
      {
        sid      = "DecideApprovalRequests"
        effect   = "Allow"
        actions  = toset(["dynamodb:GetItem", "dynamodb:UpdateItem"])
        resource = "arn:aws:dynamodb:eu-west-1:111122223333:table/sfn-callback-approvals"
      },
      {
        sid      = "ReportDecisions"
        effect   = "Allow"
        actions  = toset(["states:SendTaskSuccess", "states:SendTaskFailure"])
        resource = "arn:aws:states:eu-west-1:111122223333:stateMachine:sfn-callback-callback"
      },
      {
        sid      = "ReadExecutionStatus"
        effect   = "Allow"
        actions  = toset(["states:DescribeExecution"])
        resource = "arn:aws:states:eu-west-1:111122223333:execution:sfn-callback-callback:*"
      },
    ]
    error_message = "Approval page policy: ${module.approval[0].page_policy_json}"
  }
}

run "state_machine_may_send_to_the_tasks_queue_invoke_the_approval_alias_and_deliver_its_logs" {
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

  # The live alias only: Lambda authorizes an invoke against the ARN the state names, so neither
  # $LATEST nor another version is allowed.
  # https://docs.aws.amazon.com/lambda/latest/dg/lambda-api-permissions-ref.html
  assert {
    condition = jsondecode(data.aws_iam_policy_document.state_machine.json).Statement[1] == {
      Sid      = "InvokeApprovalRequest"
      Effect   = "Allow"
      Action   = "lambda:InvokeFunction"
      Resource = "arn:aws:lambda:eu-west-1:111122223333:function:sfn-callback-approval-request:live"
    }
    error_message = "State machine policy: ${data.aws_iam_policy_document.state_machine.json}"
  }

  # The log delivery actions Step Functions documents for its execution role; they take no
  # resource ARN. https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html
  assert {
    condition = (
      length(jsondecode(data.aws_iam_policy_document.state_machine.json).Statement) == 3 &&
      jsondecode(data.aws_iam_policy_document.state_machine.json).Statement[2].Sid == "DeliverExecutionLogs" &&
      jsondecode(data.aws_iam_policy_document.state_machine.json).Statement[2].Resource == "*" &&
      toset(jsondecode(data.aws_iam_policy_document.state_machine.json).Statement[2].Action) == toset([
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

# Confused-deputy protection: Step Functions may assume its role only for this account and this
# state machine (and its versions and aliases). The functions' trust: tests/module_lambda_function_iam.tftest.hcl.
# https://docs.aws.amazon.com/step-functions/latest/dg/procedure-create-iam-role.html
run "state_machine_trust_is_pinned_to_this_account_and_state_machine" {
  command = plan

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
      module.callback.worker_policy_json,
      module.approval[0].request_policy_json,
      module.approval[0].page_policy_json,
      data.aws_iam_policy_document.state_machine.json,
      data.aws_iam_policy_document.state_machine_xray.json,
      ] : [for s in jsondecode(doc).Statement :
      [for a in flatten([s.Action]) : length(regexall("[*?]", a)) == 0]
    if s.Effect == "Allow"]]))
    error_message = "An Allow statement names a wildcard action; grant the exact actions."
  }

  # Resource "*" only where the action takes no resource ARN: the documented log delivery actions.
  assert {
    condition = alltrue(flatten([for doc in [module.callback.worker_policy_json, module.approval[0].request_policy_json, module.approval[0].page_policy_json, data.aws_iam_policy_document.state_machine.json] :
      [for s in jsondecode(doc).Statement : s.Resource != "*" || s.Sid == "DeliverExecutionLogs"]
    ]))
    error_message = "Only the log delivery statement may use Resource \"*\"."
  }
}

# https://docs.aws.amazon.com/step-functions/latest/dg/xray-iam.html
run "state_machine_xray_is_granted_only_with_tracing_on" {
  command = plan

  variables {
    state_machine_tracing_enabled = true
  }

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

# Without approval the state machine may invoke no function at all.
run "without_approval_the_state_machine_invokes_nothing" {
  variables {
    approval_enabled = false
  }

  assert {
    condition     = [for st in jsondecode(data.aws_iam_policy_document.state_machine.json).Statement : st.Sid] == ["SendTaskTokens", "DeliverExecutionLogs"]
    error_message = "State machine policy without approval: ${data.aws_iam_policy_document.state_machine.json}"
  }
}
