# modules/lambda-function on its own (mock provider, tests/mocks): the function runs its jar as a
# SnapStart version behind the live alias, redeploys when the jar's hash changes, fails the plan
# without its jar, adds X-Ray only with tracing on, and refuses names AWS would refuse. Its
# policy documents as the real provider renders them: tests/module_lambda_function_iam.tftest.hcl.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  function_name   = "t-fn"
  jar             = "tests/fixtures/a.jar"
  handler         = "com.example.Handler::handleRequest"
  timeout_seconds = 30
  account_id      = "123456789012"
  role_name       = "t-fn-us-east-1"
  policy_name     = "t-fn"
  policy_json     = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
  environment     = { SETTING = "1" }
}

run "function_runs_its_jar_as_a_snapstart_version_behind_the_live_alias" {
  module {
    source = "./modules/lambda-function"
  }

  assert {
    condition     = aws_lambda_function.this.publish && aws_lambda_function.this.snap_start[0].apply_on == "PublishedVersions"
    error_message = "SnapStart snapshots published versions only: publish = true and apply_on = PublishedVersions."
  }

  assert {
    condition     = output.source_code_hash == filebase64sha256("tests/fixtures/a.jar")
    error_message = "The function's hash is its own jar's: ${output.source_code_hash}"
  }

  assert {
    condition     = aws_lambda_alias.this.name == "live" && aws_lambda_alias.this.function_version == aws_lambda_function.this.version
    error_message = "The live alias follows the version the last apply published."
  }

  assert {
    condition = (
      aws_lambda_function.this.logging_config[0].log_format == "JSON" &&
      aws_lambda_function.this.logging_config[0].log_group == aws_cloudwatch_log_group.this.name &&
      aws_cloudwatch_log_group.this.name == "/aws/lambda/t-fn" &&
      aws_iam_role_policy.this.role == aws_iam_role.this.id &&
      aws_lambda_function.this.role == aws_iam_role.this.arn
    )
    error_message = "The function logs JSON to the group Lambda writes to by name, and runs with its own role."
  }

  assert {
    condition     = length(aws_iam_role_policy.xray) == 0 && aws_lambda_function.this.tracing_config[0].mode == "PassThrough"
    error_message = "No X-Ray without tracing_enabled."
  }
}

run "a_new_jar_is_a_new_hash" {
  command = plan

  module {
    source = "./modules/lambda-function"
  }

  variables {
    jar = "tests/fixtures/b.jar"
  }

  assert {
    condition     = aws_lambda_function.this.source_code_hash == filebase64sha256("tests/fixtures/b.jar") && aws_lambda_function.this.source_code_hash != run.function_runs_its_jar_as_a_snapstart_version_behind_the_live_alias.source_code_hash
    error_message = "Another jar, another source_code_hash (a new version to publish)."
  }
}

run "tracing_adds_the_xray_policy" {
  module {
    source = "./modules/lambda-function"
  }

  variables {
    tracing_enabled = true
  }

  assert {
    condition     = length(aws_iam_role_policy.xray) == 1 && aws_iam_role_policy.xray[0].role == aws_iam_role.this.id && aws_lambda_function.this.tracing_config[0].mode == "Active"
    error_message = "Tracing on: active tracing and the X-Ray policy on the function's role."
  }
}

run "tracing_off_again_removes_it" {
  module {
    source = "./modules/lambda-function"
  }

  assert {
    condition     = length(aws_iam_role_policy.xray) == 0 && aws_lambda_function.this.tracing_config[0].mode == "PassThrough"
    error_message = "Tracing off: the X-Ray policy is destroyed."
  }
}

run "a_missing_jar_fails_the_plan_and_says_how_to_build_it" {
  command = plan

  module {
    source = "./modules/lambda-function"
  }

  variables {
    jar = "tests/fixtures/no-such.jar"
  }

  expect_failures = [aws_lambda_function.this]
}

# Names and descriptions longer than AWS allows, and every other value AWS would refuse.
# https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html (FunctionName 64,
# Description 256); https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
# (role names 64, descriptions 1000).
run "inputs_aws_would_refuse_are_refused" {
  command = plan

  module {
    source = "./modules/lambda-function"
  }

  variables {
    function_name         = format("%065d", 0)
    description           = format("%0257d", 0)
    role_name             = format("%065d", 0)
    role_description      = format("%01001d", 0)
    handler               = "Handler"
    policy_json           = "{}"
    runtime               = "java17"
    architecture          = "x86"
    memory_mb             = 127
    timeout_seconds       = 901
    account_id            = "12345678901"
    log_retention_days    = 2
    application_log_level = "VERBOSE"
    system_log_level      = "ERROR"
  }

  expect_failures = [
    var.function_name, var.description, var.role_name, var.role_description, var.handler, var.policy_json,
    var.runtime, var.architecture, var.memory_mb, var.timeout_seconds, var.account_id,
    var.log_retention_days, var.application_log_level, var.system_log_level,
  ]
}

run "names_at_the_aws_limits_pass" {
  command = plan

  module {
    source = "./modules/lambda-function"
  }

  variables {
    function_name = format("%064d", 0)
    role_name     = format("%064d", 0)
  }

  assert {
    condition     = length(aws_lambda_function.this.function_name) == 64 && length(aws_iam_role.this.name) == 64
    error_message = "64 characters are allowed for both."
  }
}
