# modules/lambda-function's policy documents as the real provider renders them (no AWS call: every
# managed resource is overridden): the role writes to its own log group, then has exactly the
# statements it was given; only Lambda, for this account only, may assume it; X-Ray takes "*".

provider "aws" {
  region                      = "eu-west-1"
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}

override_resource {
  target = aws_cloudwatch_log_group.this
  values = { arn = "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/t-fn" }
}

override_resource {
  target = aws_iam_role.this
  values = { arn = "arn:aws:iam::111122223333:role/t-fn-eu-west-1", id = "t-fn-eu-west-1" }
}

override_resource {
  target = aws_iam_role_policy.this
}

override_resource {
  target = aws_iam_role_policy.xray
}

override_resource {
  target = aws_lambda_function.this
  values = { arn = "arn:aws:lambda:eu-west-1:111122223333:function:t-fn", version = "1" }
}

override_resource {
  target = aws_lambda_alias.this
  values = { arn = "arn:aws:lambda:eu-west-1:111122223333:function:t-fn:live" }
}

variables {
  function_name   = "t-fn"
  jar             = "tests/fixtures/a.jar"
  handler         = "com.example.Handler::handleRequest"
  timeout_seconds = 30
  account_id      = "111122223333"
  role_name       = "t-fn-eu-west-1"
  policy_name     = "t-fn"
  policy_json     = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"ReadOneTable\",\"Effect\":\"Allow\",\"Action\":\"dynamodb:GetItem\",\"Resource\":\"arn:aws:dynamodb:eu-west-1:111122223333:table/t\"}]}"
}

# Applied (every resource overridden), so that the documents are known.
run "role_writes_its_own_logs_then_does_what_it_was_given" {
  module {
    source = "./modules/lambda-function"
  }

  variables {
    tracing_enabled = true
  }

  assert {
    condition = [for st in jsondecode(data.aws_iam_policy_document.this.json).Statement : { sid = st.Sid, effect = st.Effect, actions = toset(flatten([st.Action])), resource = st.Resource }] == [
      {
        sid      = "WriteOwnLogs"
        effect   = "Allow"
        actions  = toset(["logs:CreateLogStream", "logs:PutLogEvents"])
        resource = "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/t-fn:*"
      },
      {
        sid      = "ReadOneTable"
        effect   = "Allow"
        actions  = toset(["dynamodb:GetItem"])
        resource = "arn:aws:dynamodb:eu-west-1:111122223333:table/t"
      },
    ]
    error_message = "Policy: ${data.aws_iam_policy_document.this.json}"
  }

  assert {
    condition = jsondecode(data.aws_iam_policy_document.assume.json).Statement == [{
      Sid       = "LambdaAssumesRole"
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = "111122223333" } }
    }]
    error_message = "Trust policy: ${data.aws_iam_policy_document.assume.json}"
  }

  assert {
    condition = (
      jsondecode(aws_iam_role_policy.xray[0].policy).Statement[0].Resource == "*" &&
      toset(jsondecode(aws_iam_role_policy.xray[0].policy).Statement[0].Action) == toset(["xray:PutTraceSegments", "xray:PutTelemetryRecords"])
    )
    error_message = "X-Ray policy: ${aws_iam_role_policy.xray[0].policy}"
  }
}
