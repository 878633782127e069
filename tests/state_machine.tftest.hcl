# The state machine definition as the root renders it: with the defaults, the core alone
# (statemachine.asl.json: no approval state); with approval_enabled, the core and the approval
# states (modules/approval/states.asl.json) merged, exactly the definition of the single-file
# layout (commit 395c545, tests/upgrade/from-395c545/statemachine.asl.json); at the edges
# (smallest and largest timings, the longest approval timeout; the aws-cn and aws-us-gov
# partitions: tests/partition_*.tftest.hcl). scripts/check-infra.sh also runs AWS's ASL
# validators (asl-validator, amazon-states-language-service) on each definition these runs
# render. The first run applies; the others plan against the state of the runs before, where the queue's URL and the
# approval alias's ARN are known.

# Teardown destroys what the runs applied: no destroy-time provisioner may call AWS from a test
# (tests/destroy.tftest.hcl covers it).
variables {
  stop_executions_on_destroy = false
}

mock_provider "aws" {
  source = "./tests/mocks"
}

run "definition_with_the_defaults" {
  assert {
    condition     = keys(jsondecode(aws_sfn_state_machine.callback.definition)) == ["Comment", "StartAt", "States"] && jsondecode(aws_sfn_state_machine.callback.definition).StartAt == "WaitForWorker"
    error_message = "Top-level fields: ${jsonencode(keys(jsondecode(aws_sfn_state_machine.callback.definition)))}"
  }

  # Approval is off by default: no approval state, the worker's result ends the execution.
  assert {
    condition     = keys(jsondecode(aws_sfn_state_machine.callback.definition).States) == ["Done", "NoHeartbeat", "TaskFailedWithoutError", "TaskFailedWithoutReason", "TookTooLong", "WaitForWorker", "WorkerFailed", "WorkerFailedWithoutCause", "WorkerFailure"]
    error_message = "States: ${jsonencode(keys(jsondecode(aws_sfn_state_machine.callback.definition).States))}"
  }

  assert {
    condition = (
      jsondecode(aws_sfn_state_machine.callback.definition).States.WaitForWorker.Type == "Task" &&
      jsondecode(aws_sfn_state_machine.callback.definition).States.WaitForWorker.Resource == "arn:aws:states:::sqs:sendMessage.waitForTaskToken"
    )
    error_message = "WaitForWorker is the SQS waitForTaskToken integration of partition aws."
  }

  # The worker's message contract (docs/reference.md): token, execution and input.
  assert {
    condition = jsondecode(aws_sfn_state_machine.callback.definition).States.WaitForWorker.Parameters == {
      QueueUrl = "https://sqs.us-east-1.amazonaws.com/123456789012/sfn-callback-tasks"
      MessageBody = {
        "TaskToken.$"    = "$$.Task.Token"
        "ExecutionArn.$" = "$$.Execution.Id"
        "Input.$"        = "$"
      }
    }
    error_message = "Parameters: ${jsonencode(jsondecode(aws_sfn_state_machine.callback.definition).States.WaitForWorker.Parameters)}"
  }

  assert {
    condition = (
      jsondecode(aws_sfn_state_machine.callback.definition).States.WaitForWorker.HeartbeatSeconds == 60 &&
      jsondecode(aws_sfn_state_machine.callback.definition).States.WaitForWorker.TimeoutSeconds == 3600 &&
      jsondecode(aws_sfn_state_machine.callback.definition).States.WaitForWorker.ResultPath == "$.result" &&
      jsondecode(aws_sfn_state_machine.callback.definition).States.WaitForWorker.Next == "Done"
    )
    error_message = "HeartbeatSeconds/TimeoutSeconds come from task_heartbeat_seconds/task_timeout_seconds; the worker's output lands at $.result and the execution succeeds."
  }

  assert {
    condition = jsondecode(aws_sfn_state_machine.callback.definition).States.WaitForWorker.Retry == [{
      ErrorEquals     = ["SQS.SdkClientException", "SQS.AmazonSQSException"]
      IntervalSeconds = 1
      MaxAttempts     = 3
      BackoffRate     = 2
      JitterStrategy  = "FULL"
    }]
    error_message = "Retry: ${jsonencode(jsondecode(aws_sfn_state_machine.callback.definition).States.WaitForWorker.Retry)}"
  }

  # A heartbeat expiry is reported as States.Timeout but only it matches States.HeartbeatTimeout,
  # so that catcher must come first; failures replace the input with {Error, Cause}.
  assert {
    condition = jsondecode(aws_sfn_state_machine.callback.definition).States.WaitForWorker.Catch == [
      { ErrorEquals = ["States.HeartbeatTimeout"], ResultPath = null, Next = "NoHeartbeat" },
      { ErrorEquals = ["States.Timeout"], ResultPath = null, Next = "TookTooLong" },
      { ErrorEquals = ["States.ALL"], ResultPath = "$", Next = "WorkerFailure" },
    ]
    error_message = "Catch: ${jsonencode(jsondecode(aws_sfn_state_machine.callback.definition).States.WaitForWorker.Catch)}"
  }

  assert {
    condition = (
      jsondecode(aws_sfn_state_machine.callback.definition).States.Done == { Type = "Succeed" } &&
      jsondecode(aws_sfn_state_machine.callback.definition).States.NoHeartbeat.Error == "Task.NoHeartbeat" &&
      can(regex("for 60 seconds", jsondecode(aws_sfn_state_machine.callback.definition).States.NoHeartbeat.Cause)) &&
      jsondecode(aws_sfn_state_machine.callback.definition).States.TookTooLong.Error == "Task.TookTooLong" &&
      can(regex("within 3600 seconds", jsondecode(aws_sfn_state_machine.callback.definition).States.TookTooLong.Cause)) &&
      jsondecode(aws_sfn_state_machine.callback.definition).States.WorkerFailed.ErrorPath == "$.Error" &&
      jsondecode(aws_sfn_state_machine.callback.definition).States.WorkerFailed.CausePath == "$.Cause"
    )
    error_message = "End states: ${jsonencode({ for k, v in jsondecode(aws_sfn_state_machine.callback.definition).States : k => v if k != "WaitForWorker" })}"
  }

  # SendTaskFailure's error and cause are both optional, and the caught {Error, Cause} then holds
  # null, which a Fail state's ErrorPath/CausePath cannot select (States.Runtime): a Choice on
  # IsString picks a Fail state that keeps what the caller sent, Task.Failed when it sent no error.
  assert {
    condition = (
      jsondecode(aws_sfn_state_machine.callback.definition).States.WorkerFailure.Type == "Choice" &&
      jsondecode(aws_sfn_state_machine.callback.definition).States.WorkerFailure.Choices == [
        { And = [{ Variable = "$.Error", IsString = true }, { Variable = "$.Cause", IsString = true }], Next = "WorkerFailed" },
        { Variable = "$.Error", IsString = true, Next = "WorkerFailedWithoutCause" },
        { Variable = "$.Cause", IsString = true, Next = "TaskFailedWithoutError" },
      ] &&
      jsondecode(aws_sfn_state_machine.callback.definition).States.WorkerFailure.Default == "TaskFailedWithoutReason" &&
      jsondecode(aws_sfn_state_machine.callback.definition).States.WorkerFailedWithoutCause.ErrorPath == "$.Error" &&
      !can(jsondecode(aws_sfn_state_machine.callback.definition).States.WorkerFailedWithoutCause.Cause) &&
      !can(jsondecode(aws_sfn_state_machine.callback.definition).States.WorkerFailedWithoutCause.CausePath) &&
      jsondecode(aws_sfn_state_machine.callback.definition).States.TaskFailedWithoutError.Error == "Task.Failed" &&
      jsondecode(aws_sfn_state_machine.callback.definition).States.TaskFailedWithoutError.CausePath == "$.Cause" &&
      jsondecode(aws_sfn_state_machine.callback.definition).States.TaskFailedWithoutReason.Error == "Task.Failed" &&
      can(regex("neither an error nor a cause", jsondecode(aws_sfn_state_machine.callback.definition).States.TaskFailedWithoutReason.Cause))
    )
    error_message = "Failure endings: ${jsonencode({ for k, v in jsondecode(aws_sfn_state_machine.callback.definition).States : k => v if startswith(k, "WorkerFail") || startswith(k, "TaskFailed") })}"
  }
}

# With approval on, the definition is the one the single-file layout rendered, compared as
# decoded JSON (key order and whitespace aside): executions behave exactly as before, but for
# issue 19's failure endings (the worker's and the approval's catch-all go to a Choice that keeps
# the caller's words; taken out here, they must leave exactly the old definition). Applied: the
# request function's alias ARN is known only once it exists.
run "definition_with_approval_is_exactly_the_one_before_the_modules" {
  variables {
    approval_enabled = true
  }

  assert {
    condition = merge(jsondecode(aws_sfn_state_machine.callback.definition), {
      States = merge(
        { for k, v in jsondecode(aws_sfn_state_machine.callback.definition).States : k => v if !contains(["WorkerFailure", "WorkerFailedWithoutCause", "TaskFailedWithoutError", "TaskFailedWithoutReason", "ApprovalFailure", "NotApprovedWithoutCause", "ApprovalFailedWithoutError", "ApprovalFailedWithoutReason"], k) },
        {
          WaitForWorker = merge(jsondecode(aws_sfn_state_machine.callback.definition).States.WaitForWorker, {
            Catch = [for c in jsondecode(aws_sfn_state_machine.callback.definition).States.WaitForWorker.Catch : c.Next == "WorkerFailure" ? merge(c, { Next = "WorkerFailed" }) : c]
          })
          WaitForApproval = merge(jsondecode(aws_sfn_state_machine.callback.definition).States.WaitForApproval, {
            Catch = [for c in jsondecode(aws_sfn_state_machine.callback.definition).States.WaitForApproval.Catch : c.Next == "ApprovalFailure" ? merge(c, { Next = "NotApproved" }) : c]
          })
        }
      )
      }) == jsondecode(templatefile("tests/upgrade/from-395c545/statemachine.asl.json", {
        partition                = "aws"
        queue_url                = "https://sqs.us-east-1.amazonaws.com/123456789012/sfn-callback-tasks"
        heartbeat_seconds        = 60
        timeout_seconds          = 3600
        approval_function_arn    = "arn:aws:lambda:us-east-1:123456789012:function:sfn-callback-approval-request:live"
        approval_timeout_seconds = 86400
    }))
    error_message = "The approval-on definition differs from the single-file layout's: ${aws_sfn_state_machine.callback.definition}"
  }
}

run "state_machine_is_standard_and_logs_errors_without_execution_data" {
  command = plan

  assert {
    condition = (
      aws_sfn_state_machine.callback.type == "STANDARD" &&
      aws_sfn_state_machine.callback.role_arn == aws_iam_role.state_machine.arn &&
      aws_sfn_state_machine.callback.logging_configuration[0].level == "ERROR" &&
      aws_sfn_state_machine.callback.logging_configuration[0].include_execution_data == false &&
      aws_sfn_state_machine.callback.logging_configuration[0].log_destination == "${aws_cloudwatch_log_group.state_machine.arn}:*" &&
      aws_sfn_state_machine.callback.tracing_configuration[0].enabled == false
    )
    error_message = "State machine logging/tracing: ${jsonencode(aws_sfn_state_machine.callback.logging_configuration)} ${jsonencode(aws_sfn_state_machine.callback.tracing_configuration)}"
  }

  assert {
    condition = alltrue([for a in [aws_cloudwatch_metric_alarm.executions_failed, aws_cloudwatch_metric_alarm.executions_timed_out] :
    a.namespace == "AWS/States" && a.dimensions == tomap({ StateMachineArn = aws_sfn_state_machine.callback.arn }) && a.threshold == 0 && length(a.alarm_actions) == 0])
    error_message = "The execution alarms watch this state machine and, without alarm_email, notify nobody."
  }
}

run "definition_with_the_smallest_heartbeat_and_timeout" {
  command = plan

  variables {
    task_heartbeat_seconds     = 3
    task_timeout_seconds       = 4
    heartbeat_interval_seconds = 1
    retry_delay_seconds        = 1
  }

  assert {
    condition = (
      jsondecode(aws_sfn_state_machine.callback.definition).States.WaitForWorker.HeartbeatSeconds == 3 &&
      jsondecode(aws_sfn_state_machine.callback.definition).States.WaitForWorker.TimeoutSeconds == 4 &&
      can(regex("for 3 seconds", jsondecode(aws_sfn_state_machine.callback.definition).States.NoHeartbeat.Cause)) &&
      can(regex("within 4 seconds", jsondecode(aws_sfn_state_machine.callback.definition).States.TookTooLong.Cause))
    )
    error_message = "Smallest timings: ${jsonencode(jsondecode(aws_sfn_state_machine.callback.definition).States.WaitForWorker)}"
  }
}

run "definition_with_the_largest_heartbeat_and_timeout" {
  command = plan

  # The worker's task and the approval share the year a standard execution may run.
  variables {
    approval_enabled         = true
    task_heartbeat_seconds   = 31535939
    task_timeout_seconds     = 31535940
    approval_timeout_seconds = 60
  }

  # Rendered as plain integers (no exponent), which the ASL requires.
  assert {
    condition = (
      jsondecode(aws_sfn_state_machine.callback.definition).States.WaitForWorker.HeartbeatSeconds == 31535939 &&
      jsondecode(aws_sfn_state_machine.callback.definition).States.WaitForWorker.TimeoutSeconds == 31535940 &&
      can(regex("\"HeartbeatSeconds\":31535939,", aws_sfn_state_machine.callback.definition)) &&
      jsondecode(aws_sfn_state_machine.callback.definition).States.WaitForApproval.TimeoutSeconds == 60 &&
      jsondecode(aws_sfn_state_machine.callback.definition).States.ApprovalExpired.Cause == "Nobody approved or rejected the request within 60 seconds (approval_timeout_seconds)."
    )
    error_message = "Largest timings: ${jsonencode(jsondecode(aws_sfn_state_machine.callback.definition).States.WaitForWorker)}"
  }
}

run "definition_with_the_longest_approval_timeout" {
  command = plan

  variables {
    approval_enabled           = true
    task_heartbeat_seconds     = 3
    task_timeout_seconds       = 4
    heartbeat_interval_seconds = 1
    retry_delay_seconds        = 1
    approval_timeout_seconds   = 31535996
  }

  assert {
    condition = (
      jsondecode(aws_sfn_state_machine.callback.definition).States.WaitForApproval.TimeoutSeconds == 31535996 &&
      can(regex("\"TimeoutSeconds\":31535996,", aws_sfn_state_machine.callback.definition)) &&
      jsondecode(aws_sfn_state_machine.callback.definition).States.ApprovalExpired.Cause == "Nobody approved or rejected the request within 31535996 seconds (approval_timeout_seconds)."
    )
    error_message = "Longest approval timeout: ${jsonencode(jsondecode(aws_sfn_state_machine.callback.definition).States.WaitForApproval)}"
  }
}
