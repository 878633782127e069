# One Java Lambda function as this project deploys each of its three: its log group, its role
# with the policy document it is given (plus writing its own logs), the function from a shaded
# jar with SnapStart, the published version that SnapStart snapshots, and the `live` alias that
# callers invoke. Optional X-Ray.

locals {
  # Without the jar the function's precondition says how to build it (filebase64sha256 would
  # only say that the file is missing). Each function hashes its own jar, so a change to one jar
  # publishes a new version of the functions deployed from it only.
  source_code_hash = fileexists(var.jar) ? filebase64sha256(var.jar) : null
}

resource "aws_cloudwatch_log_group" "this" {
  name              = "/aws/lambda/${var.function_name}"
  retention_in_days = var.log_retention_days
}

# Lambda may assume the role for this account only (confused-deputy protection).
data "aws_iam_policy_document" "assume" {
  statement {
    sid     = "LambdaAssumesRole"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [var.account_id]
    }
  }
}

resource "aws_iam_role" "this" {
  name               = var.role_name
  description        = var.role_description
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

data "aws_iam_policy_document" "logs" {
  statement {
    sid       = "WriteOwnLogs"
    effect    = "Allow"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.this.arn}:*"]
  }
}

# Its own log group first, then the statements the caller gives.
data "aws_iam_policy_document" "this" {
  source_policy_documents = [data.aws_iam_policy_document.logs.json, var.policy_json]
}

resource "aws_iam_role_policy" "this" {
  name   = var.policy_name
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.this.json
}

# X-Ray's write actions take no resource ARN ("*" only).
# https://docs.aws.amazon.com/xray/latest/devguide/security_iam_id-based-policy-examples.html
data "aws_iam_policy_document" "xray" {
  statement {
    sid       = "WriteTraces"
    effect    = "Allow"
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "xray" {
  count = var.tracing_enabled ? 1 : 0

  name   = "xray"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.xray.json
}

resource "aws_lambda_function" "this" {
  function_name    = var.function_name
  description      = var.description
  role             = aws_iam_role.this.arn
  runtime          = var.runtime
  architectures    = [var.architecture]
  handler          = var.handler
  memory_size      = var.memory_mb
  timeout          = var.timeout_seconds
  filename         = var.jar
  source_code_hash = local.source_code_hash
  # SnapStart snapshots published versions only; the alias follows each new version.
  publish = true

  environment {
    variables = var.environment
  }

  logging_config {
    log_format            = "JSON"
    log_group             = aws_cloudwatch_log_group.this.name
    application_log_level = var.application_log_level
    system_log_level      = var.system_log_level
  }

  snap_start {
    apply_on = "PublishedVersions"
  }

  tracing_config {
    mode = var.tracing_enabled ? "Active" : "PassThrough"
  }

  depends_on = [aws_iam_role_policy.this, aws_iam_role_policy.xray]

  lifecycle {
    precondition {
      condition     = fileexists(var.jar)
      error_message = "The jar ${var.jar} of ${var.function_name} does not exist: build it first (${var.build_hint})."
    }
  }
}

resource "aws_lambda_alias" "this" {
  name             = "live"
  description      = var.alias_description
  function_name    = aws_lambda_function.this.function_name
  function_version = aws_lambda_function.this.version
}
