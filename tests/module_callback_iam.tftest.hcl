# modules/callback's queue policies as the real provider renders them (no AWS call: every managed
# resource is overridden): each queue denies every request that does not use TLS. The worker's
# role: tests/iam.tftest.hcl.

provider "aws" {
  region                      = "eu-west-1"
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
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
  target = aws_lambda_event_source_mapping.tasks
}

override_resource {
  target = aws_cloudwatch_metric_alarm.dead_letters
}

override_resource {
  target = aws_cloudwatch_metric_alarm.tasks_waiting
}

override_module {
  target = module.worker
  outputs = {
    function_name    = "sfn-callback-worker"
    alias_arn        = "arn:aws:lambda:eu-west-1:111122223333:function:sfn-callback-worker:live"
    version          = "1"
    source_code_hash = "x"
    role_name        = "sfn-callback-worker-eu-west-1"
    policy_json      = "{}"
    log_group_name   = "/aws/lambda/sfn-callback-worker"
    environment      = {}
  }
}

variables {
  name_prefix       = "sfn-callback"
  state_machine_arn = "arn:aws:states:eu-west-1:111122223333:stateMachine:sfn-callback-callback"
  worker_jar        = "tests/fixtures/a.jar"
}

# The Deny names every SQS action: a Deny that listed actions would let through any action SQS adds.
run "queues_deny_every_request_without_tls" {
  module {
    source = "./modules/callback"
  }

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
