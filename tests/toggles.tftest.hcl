# Apply with each optional feature of the root switched on, then off again; the test's own
# teardown then destroys the whole graph. Mock provider: the values come from tests/mocks.
# Approval on and off: tests/approval.tftest.hcl; the functions' X-Ray: tests/module_lambda_function.tftest.hcl.

# Teardown destroys what the runs applied: no destroy-time provisioner may call AWS from a test
# (tests/destroy.tftest.hcl covers it).
variables {
  stop_executions_on_destroy = false
}

mock_provider "aws" {
  source = "./tests/mocks"
}

run "alarm_email_subscribes_it_to_a_topic_every_alarm_notifies" {
  variables {
    alarm_email = "ops@example.com"
  }

  assert {
    condition = (
      length(aws_sns_topic.alarms) == 1 &&
      aws_sns_topic.alarms[0].name == "sfn-callback-alarms" &&
      aws_sns_topic_subscription.alarm_email[0].topic_arn == aws_sns_topic.alarms[0].arn &&
      aws_sns_topic_subscription.alarm_email[0].protocol == "email" &&
      aws_sns_topic_subscription.alarm_email[0].endpoint == "ops@example.com"
    )
    error_message = "alarm_email creates the topic and an e-mail subscription to it."
  }

  assert {
    condition = alltrue([for a in [aws_cloudwatch_metric_alarm.executions_failed, aws_cloudwatch_metric_alarm.executions_timed_out] :
      a.alarm_actions == toset([aws_sns_topic.alarms[0].arn]) && a.ok_actions == toset([aws_sns_topic.alarms[0].arn])
    ])
    error_message = "The state machine's alarms notify the topic when they fire and when they clear (the modules' alarms get it as alarm_actions)."
  }

  assert {
    condition     = output.alarm_topic_arn == aws_sns_topic.alarms[0].arn
    error_message = "The alarm_topic_arn output names the topic."
  }
}

run "tracing_traces_the_state_machine" {
  variables {
    state_machine_tracing_enabled = true
  }

  assert {
    condition     = aws_sfn_state_machine.callback.tracing_configuration[0].enabled && aws_iam_role_policy.state_machine_xray[0].role == aws_iam_role.state_machine.id
    error_message = "Tracing on: active tracing and an X-Ray policy on the state machine's role."
  }
}

run "processor_class_replaces_the_demo_processor" {
  variables {
    processor_class = "com.example.orders.OrderProcessor"
  }

  assert {
    condition     = module.callback.worker_environment["PROCESSOR_CLASS"] == "com.example.orders.OrderProcessor"
    error_message = "PROCESSOR_CLASS is ${module.callback.worker_environment["PROCESSOR_CLASS"]}."
  }
}

run "switched_off_again_the_optional_resources_are_destroyed" {
  assert {
    condition = (
      length(aws_sns_topic.alarms) == 0 &&
      length(aws_sns_topic_subscription.alarm_email) == 0 &&
      length(aws_iam_role_policy.state_machine_xray) == 0 &&
      module.callback.worker_environment["PROCESSOR_CLASS"] == "io.sfncallback.worker.processor.DemoProcessor"
    )
    error_message = "Back at the defaults, the topic, the subscription and the X-Ray policy are gone."
  }
}
