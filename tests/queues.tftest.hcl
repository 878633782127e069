# The queues with the defaults and with the largest function timeout and batching window: SSE,
# retention, the redrive to the dead-letter queue, the TLS-only policies wired in (their content:
# tests/iam.tftest.hcl), the visibility timeout. The first run applies (mock provider,
# tests/mocks); the others plan against the state it left, where computed values are known.

# Teardown destroys what the runs applied: no destroy-time provisioner may call AWS from a test
# (tests/destroy.tftest.hcl covers it).
variables {
  stop_executions_on_destroy = false
}

mock_provider "aws" {
  source = "./tests/mocks"
}

# The visibility timeout: AWS says "set the source queue's visibility timeout to at least six
# times the timeout that you configure on your function", plus the batching window the records
# wait in. https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html
run "queues_are_encrypted_redrive_to_the_dead_letter_queue_and_outlast_the_function" {
  assert {
    condition     = aws_sqs_queue.tasks.name == "sfn-callback-tasks" && aws_sqs_queue.dead_letters.name == "sfn-callback-dead-letters"
    error_message = "Queue names: ${aws_sqs_queue.tasks.name}, ${aws_sqs_queue.dead_letters.name}."
  }

  assert {
    condition     = aws_sqs_queue.tasks.sqs_managed_sse_enabled && aws_sqs_queue.dead_letters.sqs_managed_sse_enabled
    error_message = "Both queues use SSE-SQS."
  }

  assert {
    condition     = aws_sqs_queue.tasks.message_retention_seconds == 345600 && aws_sqs_queue.dead_letters.message_retention_seconds == 1209600
    error_message = "Retention: 4 days on the tasks queue, 14 days on the DLQ."
  }

  assert {
    condition = jsondecode(aws_sqs_queue.tasks.redrive_policy) == {
      deadLetterTargetArn = "arn:aws:sqs:us-east-1:123456789012:sfn-callback-dead-letters"
      maxReceiveCount     = 5
    }
    error_message = "The tasks queue redrives to the DLQ after max_receive_count receives: ${aws_sqs_queue.tasks.redrive_policy}"
  }

  assert {
    condition = jsondecode(aws_sqs_queue_redrive_allow_policy.dead_letters.redrive_allow_policy) == {
      redrivePermission = "byQueue"
      sourceQueueArns   = ["arn:aws:sqs:us-east-1:123456789012:sfn-callback-tasks"]
    }
    error_message = "Only the tasks queue may use the DLQ: ${aws_sqs_queue_redrive_allow_policy.dead_letters.redrive_allow_policy}"
  }

  assert {
    condition = (
      aws_sqs_queue_redrive_allow_policy.dead_letters.queue_url == aws_sqs_queue.dead_letters.url &&
      aws_sqs_queue_policy.tasks.queue_url == aws_sqs_queue.tasks.url &&
      aws_sqs_queue_policy.tasks.policy == data.aws_iam_policy_document.tasks_queue.json &&
      aws_sqs_queue_policy.dead_letters.queue_url == aws_sqs_queue.dead_letters.url &&
      aws_sqs_queue_policy.dead_letters.policy == data.aws_iam_policy_document.dead_letters_queue.json
    )
    error_message = "Each queue carries its own TLS-only policy document (the documents: tests/iam.tftest.hcl)."
  }

  assert {
    condition     = aws_sqs_queue.tasks.visibility_timeout_seconds == 6 * 120 + 0
    error_message = "visibility_timeout_seconds is ${aws_sqs_queue.tasks.visibility_timeout_seconds}, expected 720."
  }
}

run "tasks_visibility_timeout_follows_the_function_timeout_and_the_window" {
  command = plan

  variables {
    lambda_timeout_seconds  = 900
    batching_window_seconds = 300
    task_heartbeat_seconds  = 600
  }

  assert {
    condition     = aws_sqs_queue.tasks.visibility_timeout_seconds == 6 * 900 + 300
    error_message = "visibility_timeout_seconds is ${aws_sqs_queue.tasks.visibility_timeout_seconds}, expected 5700."
  }

  assert {
    condition     = aws_sqs_queue.tasks.visibility_timeout_seconds <= 43200
    error_message = "The largest derived visibility timeout must stay within the SQS maximum of 12 hours."
  }
}
