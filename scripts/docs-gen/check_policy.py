#!/usr/bin/env python3
"""Fails when docs/deployer-policy.json lacks an action that a resource type or data source of the
configuration needs, or when the configuration declares a type this table does not know.

The table: for each type, the IAM actions the provider calls to create, read, update, tag and
delete it, with where that comes from. SAR = AWS Service Authorization Reference, which lists each
action and the resource ARNs it can be scoped to:
https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
PROVIDER = hashicorp/terraform-provider-aws, internal/service/<path> (the API calls of the
resource's Create/Read/Update/Delete functions and its tags_gen.go).
"""
import fnmatch
import glob
import json
import os
import re
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(__file__))
from gen_docs import read  # noqa: E402

SAR = "https://docs.aws.amazon.com/service-authorization/latest/reference/"
PROVIDER = "https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/"

SQS_QUEUE = ["sqs:CreateQueue", "sqs:GetQueueAttributes", "sqs:SetQueueAttributes", "sqs:DeleteQueue",
             "sqs:ListQueueTags", "sqs:TagQueue", "sqs:UntagQueue"]
LAMBDA_TAGS = ["lambda:ListTags", "lambda:TagResource", "lambda:UntagResource"]

# type -> (actions, sources)
TABLE = {
    "resource aws_sqs_queue": (SQS_QUEUE + ["sqs:GetQueueUrl"],
                               [SAR + "list_amazonsqs.html", PROVIDER + "sqs/queue.go"]),
    "resource aws_sqs_queue_policy": (["sqs:SetQueueAttributes", "sqs:GetQueueAttributes"],
                                      [SAR + "list_amazonsqs.html", PROVIDER + "sqs/queue_policy.go"]),
    "resource aws_sqs_queue_redrive_allow_policy": (["sqs:SetQueueAttributes", "sqs:GetQueueAttributes"],
                                                    [SAR + "list_amazonsqs.html", PROVIDER + "sqs/queue_redrive_allow_policy.go"]),
    # publish = true (PublishVersion, ListVersionsByFunction); snap_start and logging_config are
    # arguments of CreateFunction/UpdateFunctionConfiguration, no actions of their own.
    "resource aws_lambda_function": (["lambda:CreateFunction", "lambda:GetFunction", "lambda:GetFunctionConfiguration",
                                      "lambda:GetFunctionCodeSigningConfig", "lambda:UpdateFunctionCode",
                                      "lambda:UpdateFunctionConfiguration", "lambda:PublishVersion",
                                      "lambda:ListVersionsByFunction", "lambda:DeleteFunction"] + LAMBDA_TAGS,
                                     [SAR + "list_awslambda.html", PROVIDER + "lambda/function.go"]),
    "resource aws_lambda_alias": (["lambda:CreateAlias", "lambda:GetAlias", "lambda:UpdateAlias", "lambda:DeleteAlias"],
                                  [SAR + "list_awslambda.html", PROVIDER + "lambda/alias.go"]),
    # CreateEventSourceMapping has no resource ARN of its own (SAR): scoped by lambda:FunctionArn.
    "resource aws_lambda_event_source_mapping": (["lambda:CreateEventSourceMapping", "lambda:GetEventSourceMapping",
                                                  "lambda:UpdateEventSourceMapping", "lambda:DeleteEventSourceMapping"] + LAMBDA_TAGS,
                                                 [SAR + "list_awslambda.html", PROVIDER + "lambda/event_source_mapping.go"]),
    "resource aws_lambda_permission": (["lambda:AddPermission", "lambda:RemovePermission", "lambda:GetPolicy"],
                                       [SAR + "list_awslambda.html", PROVIDER + "lambda/permission.go"]),
    # Delete lists and detaches inline/managed policies and instance profiles first.
    "resource aws_iam_role": (["iam:CreateRole", "iam:GetRole", "iam:UpdateRole", "iam:UpdateAssumeRolePolicy",
                               "iam:DeleteRole", "iam:TagRole", "iam:UntagRole", "iam:ListRolePolicies",
                               "iam:ListAttachedRolePolicies", "iam:ListInstanceProfilesForRole", "iam:PassRole"],
                              [SAR + "list_awsidentityandaccessmanagementiam.html", PROVIDER + "iam/role.go"]),
    "resource aws_iam_role_policy": (["iam:PutRolePolicy", "iam:GetRolePolicy", "iam:DeleteRolePolicy"],
                                     [SAR + "list_awsidentityandaccessmanagementiam.html", PROVIDER + "iam/role_policy.go"]),
    "resource aws_cloudwatch_log_group": (["logs:CreateLogGroup", "logs:DescribeLogGroups", "logs:PutRetentionPolicy",
                                           "logs:DeleteRetentionPolicy", "logs:DeleteLogGroup", "logs:ListTagsForResource",
                                           "logs:TagResource", "logs:UntagResource"],
                                          [SAR + "list_amazoncloudwatchlogs.html", PROVIDER + "logs/group.go"]),
    "resource aws_cloudwatch_metric_alarm": (["cloudwatch:PutMetricAlarm", "cloudwatch:DescribeAlarms", "cloudwatch:DeleteAlarms",
                                              "cloudwatch:ListTagsForResource", "cloudwatch:TagResource", "cloudwatch:UntagResource"],
                                             [SAR + "list_amazoncloudwatch.html", PROVIDER + "cloudwatch/metric_alarm.go"]),
    # ValidateStateMachineDefinition runs at plan time (CustomizeDiff stateMachineDefinitionValidate);
    # Read calls ListStateMachineVersions. A logging_configuration needs the vended-logs delivery
    # actions of the caller: https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html
    "resource aws_sfn_state_machine": (["states:CreateStateMachine", "states:DescribeStateMachine", "states:UpdateStateMachine",
                                        "states:DeleteStateMachine", "states:ListStateMachineVersions",
                                        "states:ValidateStateMachineDefinition", "states:ListTagsForResource",
                                        "states:TagResource", "states:UntagResource", "iam:PassRole",
                                        "logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery",
                                        "logs:DeleteLogDelivery", "logs:ListLogDeliveries", "logs:PutResourcePolicy",
                                        "logs:DescribeResourcePolicies", "logs:DescribeLogGroups"],
                                       [SAR + "list_awsstepfunctions.html", PROVIDER + "sfn/state_machine.go",
                                        "https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html"]),
    "resource aws_sns_topic": (["sns:CreateTopic", "sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:DeleteTopic",
                                "sns:ListTagsForResource", "sns:TagResource", "sns:UntagResource"],
                               [SAR + "list_amazonsns.html", PROVIDER + "sns/topic.go"]),
    "resource aws_sns_topic_subscription": (["sns:Subscribe", "sns:Unsubscribe", "sns:GetSubscriptionAttributes",
                                             "sns:SetSubscriptionAttributes"],
                                            [SAR + "list_amazonsns.html", PROVIDER + "sns/topic_subscription.go"]),
    # ttl and point_in_time_recovery are their own API calls.
    "resource aws_dynamodb_table": (["dynamodb:CreateTable", "dynamodb:DescribeTable", "dynamodb:UpdateTable",
                                     "dynamodb:DeleteTable", "dynamodb:DescribeTimeToLive", "dynamodb:UpdateTimeToLive",
                                     "dynamodb:DescribeContinuousBackups", "dynamodb:UpdateContinuousBackups",
                                     "dynamodb:ListTagsOfResource", "dynamodb:TagResource", "dynamodb:UntagResource"],
                                    [SAR + "list_amazondynamodb.html", PROVIDER + "dynamodb/table.go"]),
    # API Gateway authorizes by HTTP verb on the resource path (/apis, /apis/*, /tags/*).
    "resource aws_apigatewayv2_api": (["apigateway:POST", "apigateway:GET", "apigateway:PATCH", "apigateway:DELETE", "apigateway:PUT"],
                                      [SAR + "list_amazonapigatewaymanagementv2.html", PROVIDER + "apigatewayv2/api.go"]),
    "resource aws_apigatewayv2_integration": (["apigateway:POST", "apigateway:GET", "apigateway:PATCH", "apigateway:DELETE"],
                                              [SAR + "list_amazonapigatewaymanagementv2.html", PROVIDER + "apigatewayv2/integration.go"]),
    "resource aws_apigatewayv2_route": (["apigateway:POST", "apigateway:GET", "apigateway:PATCH", "apigateway:DELETE"],
                                        [SAR + "list_amazonapigatewaymanagementv2.html", PROVIDER + "apigatewayv2/route.go"]),
    # access_log_settings: the caller needs the vended-logs delivery actions, as for Step Functions.
    "resource aws_apigatewayv2_stage": (["apigateway:POST", "apigateway:GET", "apigateway:PATCH", "apigateway:DELETE",
                                         "logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery",
                                         "logs:DeleteLogDelivery", "logs:ListLogDeliveries", "logs:PutResourcePolicy",
                                         "logs:DescribeResourcePolicies", "logs:DescribeLogGroups"],
                                        [SAR + "list_amazonapigatewaymanagementv2.html", PROVIDER + "apigatewayv2/stage.go",
                                         "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging.html"]),
    # The destroy-time provisioner: scripts/stop-executions.sh.
    "resource terraform_data": (["states:ListExecutions", "states:StopExecution"],
                                ["scripts/stop-executions.sh", SAR + "list_awsstepfunctions.html"]),
    # Data sources that need no permission: computed by the provider itself (policy documents,
    # partition, region) or GetCallerIdentity, which needs none ("No permissions are required").
    "data aws_iam_policy_document": ([], [PROVIDER + "iam/policy_document_data_source.go"]),
    "data aws_partition": ([], [PROVIDER + "meta/partition_data_source.go"]),
    "data aws_region": ([], [PROVIDER + "meta/region_data_source.go"]),
    "data aws_caller_identity": ([], ["https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html"]),
}


def declared_types(root):
    """Every `resource "T"` and `data "T"` of the root's and the modules' .tf files."""
    found = set()
    for path in sorted(glob.glob(os.path.join(root, "*.tf")) + glob.glob(os.path.join(root, "modules", "*", "*.tf"))):
        for kind, typ in re.findall(r'^(resource|data) "([a-z0-9_]+)"', read(path), re.M):
            found.add(kind + " " + typ)
    return found


def allowed_actions(policy):
    patterns = []
    for st in policy["Statement"]:
        if st.get("Effect") == "Allow":
            acts = st["Action"]
            patterns += [acts] if isinstance(acts, str) else acts
    return patterns


def findings(root, policy, table=TABLE):
    out = []
    patterns = allowed_actions(policy)
    for typ in sorted(declared_types(root)):
        if typ not in table:
            out.append("{} has no entry in scripts/docs-gen/check_policy.py's table: add the actions it needs, with their source".format(typ))
            continue
        for action in table[typ][0]:
            if not any(fnmatch.fnmatchcase(action.lower(), p.lower()) for p in patterns):
                out.append("docs/deployer-policy.json lacks {} (needed by {})".format(action, typ))
    return out


def main(root):
    policy = json.loads(read(os.path.join(root, "docs", "deployer-policy.json")))
    problems = findings(root, policy)
    for p in problems:
        print("gen-docs: " + p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
