# The longest names: a 32-character name_prefix in the region with the longest name AWS has
# (us-isof-south-1, 15 characters) must fit every AWS name limit, with everything on. IAM role
# names carry the region and are the tightest: 64 characters; modules/lambda-function refuses a
# longer function or role name, so this plan fails if one of the three functions' names does not
# fit. Each module's other names: tests/module_*.tftest.hcl.
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html

# Teardown destroys what the runs applied: no destroy-time provisioner may call AWS from a test
# (tests/destroy.tftest.hcl covers it).
variables {
  stop_executions_on_destroy = false
}

mock_provider "aws" {
  source = "./tests/mocks"
}

run "longest_prefix_and_region_fit_every_name_limit" {
  command = plan

  variables {
    name_prefix      = "a2345678901234567890123456789012"
    region           = "us-isof-south-1"
    alarm_email      = "ops@example.com"
    approval_enabled = true
  }

  override_data {
    target = data.aws_region.current
    values = { id = "us-isof-south-1" }
  }

  assert {
    condition     = length(var.name_prefix) == 32 && module.callback.worker_role_name == "a2345678901234567890123456789012-worker-us-isof-south-1"
    error_message = "The test must use the longest allowed prefix and region: ${module.callback.worker_role_name}"
  }

  assert {
    condition     = length(aws_iam_role.state_machine.name) <= 64 && length(aws_iam_role.state_machine.description) <= 1000
    error_message = "IAM role names are at most 64 characters: ${aws_iam_role.state_machine.name}"
  }

  # https://docs.aws.amazon.com/step-functions/latest/apireference/API_CreateStateMachine.html
  assert {
    condition     = length(aws_sfn_state_machine.callback.name) <= 80 && length(aws_cloudwatch_log_group.state_machine.name) <= 512
    error_message = "State machine names are at most 80 characters, log group names 512."
  }

  assert {
    condition = alltrue([for a in [aws_cloudwatch_metric_alarm.executions_failed, aws_cloudwatch_metric_alarm.executions_timed_out] :
    length(a.alarm_name) <= 255 && length(a.alarm_description) <= 1024]) && length(aws_sns_topic.alarms[0].name) <= 256
    error_message = "Alarm names are at most 255 characters and descriptions 1024; SNS topic names 256."
  }
}

# One character more, and the worker's role name would not fit: the prefix's own validation
# refuses it before any module sees it.
run "a_prefix_of_33_characters_is_refused" {
  command = plan

  variables {
    name_prefix = "a23456789012345678901234567890123"
  }

  expect_failures = [var.name_prefix]
}
