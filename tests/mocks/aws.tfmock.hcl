# Shared values for mock_provider "aws" (source = "./tests/mocks"): what the provider would compute
# for one stack in us-east-1, account 123456789012. The ARNs are well-formed, because values
# computed by one resource are arguments of another and the provider's validators check them.
# A new resource type gets its defaults here; a resource whose ARN a test tells apart from
# another of the same type gets an override_resource at the end.

mock_data "aws_caller_identity" {
  defaults = {
    account_id = "123456789012"
    arn        = "arn:aws:iam::123456789012:user/test"
  }
}

mock_data "aws_partition" {
  defaults = {
    partition  = "aws"
    dns_suffix = "amazonaws.com"
  }
}

mock_data "aws_region" {
  defaults = {
    id = "us-east-1"
  }
}

# The mocked documents are the smallest valid policy; tests/iam.tftest.hcl checks the real ones.
mock_data "aws_iam_policy_document" {
  defaults = {
    json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
  }
}

mock_resource "aws_iam_role" {
  defaults = {
    arn = "arn:aws:iam::123456789012:role/mock-role"
  }
}

mock_resource "aws_cloudwatch_log_group" {
  defaults = {
    arn = "arn:aws:logs:us-east-1:123456789012:log-group:mock-group"
  }
}

mock_resource "aws_lambda_function" {
  defaults = {
    arn           = "arn:aws:lambda:us-east-1:123456789012:function:sfn-callback-worker"
    qualified_arn = "arn:aws:lambda:us-east-1:123456789012:function:sfn-callback-worker:1"
    invoke_arn    = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:sfn-callback-worker/invocations"
    version       = "1"
  }
}

mock_resource "aws_lambda_alias" {
  defaults = {
    arn        = "arn:aws:lambda:us-east-1:123456789012:function:sfn-callback-worker:live"
    invoke_arn = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:sfn-callback-worker:live/invocations"
  }
}

mock_resource "aws_lambda_event_source_mapping" {
  defaults = {
    arn  = "arn:aws:lambda:us-east-1:123456789012:event-source-mapping:11111111-2222-3333-4444-555555555555"
    uuid = "11111111-2222-3333-4444-555555555555"
  }
}

mock_resource "aws_sfn_state_machine" {
  defaults = {
    arn = "arn:aws:states:us-east-1:123456789012:stateMachine:sfn-callback-callback"
  }
}

mock_resource "aws_sns_topic" {
  defaults = {
    arn = "arn:aws:sns:us-east-1:123456789012:sfn-callback-alarms"
  }
}

mock_resource "aws_sns_topic_subscription" {
  defaults = {
    arn = "arn:aws:sns:us-east-1:123456789012:sfn-callback-alarms:11111111-2222-3333-4444-555555555555"
  }
}

mock_resource "aws_cloudwatch_metric_alarm" {
  defaults = {
    arn = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:mock-alarm"
  }
}

mock_resource "aws_sqs_queue" {
  defaults = {
    arn = "arn:aws:sqs:us-east-1:123456789012:mock-queue"
    url = "https://sqs.us-east-1.amazonaws.com/123456789012/mock-queue"
  }
}

mock_resource "aws_dynamodb_table" {
  defaults = {
    arn = "arn:aws:dynamodb:us-east-1:123456789012:table/sfn-callback-approvals"
  }
}

mock_resource "aws_apigatewayv2_api" {
  defaults = {
    id            = "a1b2c3d4e5"
    arn           = "arn:aws:apigateway:us-east-1::/apis/a1b2c3d4e5"
    api_endpoint  = "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com"
    execution_arn = "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5"
  }
}

mock_resource "aws_apigatewayv2_stage" {
  defaults = {
    arn           = "arn:aws:apigateway:us-east-1::/apis/a1b2c3d4e5/stages/$default"
    execution_arn = "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/$default"
    invoke_url    = "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/"
  }
}

# The resources that tests tell apart from others of the same type. A test file's own
# override_resource for the same resource wins over these (tests/partition_*.tftest.hcl).

# The two queues told apart (the redrive policy, the mapping and the alarms name one of them);
# a queue's id is its URL.
override_resource {
  target = module.callback.aws_sqs_queue.tasks
  values = {
    id  = "https://sqs.us-east-1.amazonaws.com/123456789012/sfn-callback-tasks"
    arn = "arn:aws:sqs:us-east-1:123456789012:sfn-callback-tasks"
    url = "https://sqs.us-east-1.amazonaws.com/123456789012/sfn-callback-tasks"
  }
}

override_resource {
  target = module.callback.aws_sqs_queue.dead_letters
  values = {
    id  = "https://sqs.us-east-1.amazonaws.com/123456789012/sfn-callback-dead-letters"
    arn = "arn:aws:sqs:us-east-1:123456789012:sfn-callback-dead-letters"
    url = "https://sqs.us-east-1.amazonaws.com/123456789012/sfn-callback-dead-letters"
  }
}

override_resource {
  target = module.approval[0].aws_sns_topic.approvals
  values = { arn = "arn:aws:sns:us-east-1:123456789012:sfn-callback-approvals" }
}

override_resource {
  target = module.approval[0].module.request.aws_lambda_alias.this
  values = {
    arn        = "arn:aws:lambda:us-east-1:123456789012:function:sfn-callback-approval-request:live"
    invoke_arn = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:sfn-callback-approval-request:live/invocations"
  }
}

override_resource {
  target = module.approval[0].module.page.aws_lambda_alias.this
  values = {
    arn        = "arn:aws:lambda:us-east-1:123456789012:function:sfn-callback-approval-page:live"
    invoke_arn = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:sfn-callback-approval-page:live/invocations"
  }
}

override_resource {
  target = module.approval[0].aws_cloudwatch_log_group.api
  values = { arn = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/vendedlogs/apigateway/sfn-callback-approvals" }
}
