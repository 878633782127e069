# The definition (approval on: both templates) rendered in the aws-us-gov partition: the integration ARNs follow the partition.
# (A file of its own: the mock provider updates resources in place, so a queue created by an
# earlier run would keep its URL.) scripts/check-infra.sh runs the ASL validators on it too.

# Teardown destroys what the runs applied: no destroy-time provisioner may call AWS from a test
# (tests/destroy.tftest.hcl covers it).
variables {
  stop_executions_on_destroy = false
  approval_enabled           = true
}

mock_provider "aws" {
  source = "./tests/mocks"
}

override_data {
  target = data.aws_partition.current
  values = { partition = "aws-us-gov", dns_suffix = "amazonaws.com" }
}

override_data {
  target = data.aws_region.current
  values = { id = "us-gov-west-1" }
}

override_resource {
  target = module.callback.aws_sqs_queue.tasks
  values = {
    id  = "https://sqs.us-gov-west-1.amazonaws.com/123456789012/sfn-callback-tasks"
    arn = "arn:aws-us-gov:sqs:us-gov-west-1:123456789012:sfn-callback-tasks"
    url = "https://sqs.us-gov-west-1.amazonaws.com/123456789012/sfn-callback-tasks"
  }
}

override_resource {
  target = module.approval[0].module.request.aws_lambda_alias.this
  values = {
    arn        = "arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:sfn-callback-approval-request:live"
    invoke_arn = "arn:aws-us-gov:apigateway:us-gov-west-1:lambda:path/2015-03-31/functions/arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:sfn-callback-approval-request:live/invocations"
  }
}

run "definition_in_the_aws_us_gov_partition" {
  assert {
    condition = (
      jsondecode(aws_sfn_state_machine.callback.definition).States.WaitForWorker.Resource == "arn:aws-us-gov:states:::sqs:sendMessage.waitForTaskToken" &&
      jsondecode(aws_sfn_state_machine.callback.definition).States.WaitForWorker.Parameters.QueueUrl == "https://sqs.us-gov-west-1.amazonaws.com/123456789012/sfn-callback-tasks"
    )
    error_message = "aws-us-gov: ${jsonencode(jsondecode(aws_sfn_state_machine.callback.definition).States.WaitForWorker)}"
  }

  assert {
    condition = (
      jsondecode(aws_sfn_state_machine.callback.definition).States.WaitForApproval.Resource == "arn:aws-us-gov:states:::lambda:invoke.waitForTaskToken" &&
      jsondecode(aws_sfn_state_machine.callback.definition).States.WaitForApproval.Parameters.FunctionName == "arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:sfn-callback-approval-request:live"
    )
    error_message = "aws-us-gov approval task: ${jsonencode(jsondecode(aws_sfn_state_machine.callback.definition).States.WaitForApproval)}"
  }

  assert {
    condition     = aws_iam_role.state_machine.name == "sfn-callback-states-us-gov-west-1"
    error_message = "Role name in us-gov-west-1: ${aws_iam_role.state_machine.name}"
  }
}
