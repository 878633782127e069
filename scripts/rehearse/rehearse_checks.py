#!/usr/bin/env python3
"""Checks the upgrade rehearsal (upgrade.sh) makes, in Python because they read JSON.

  rehearse_checks.py plan PLAN_JSON
      Reads `terraform show -json PLAN`. Prints every in-place update (address and the attributes
      it changes) and every delete or replace; exit 1 when any resource would be deleted or
      replaced, 0 otherwise.
  rehearse_checks.py start-execution --endpoint URL --state-machine NAME
      Starts an execution of the named state machine (input {"orderId": "rehearsal"}) and prints
      its ARN once the execution is RUNNING; exit 1 when it is not.
  rehearse_checks.py leftovers --endpoint URL --prefix NAME_PREFIX
      Lists what the emulator still holds of a stack named NAME_PREFIX (queues, state machines,
      functions, event source mappings, roles, log groups, tables, topics, HTTP APIs, alarms);
      exit 1 when anything is left, 0 when nothing is.
"""

import argparse
import json
import sys


def changed_attributes(change):
    """The top-level attributes whose planned value differs (unknown-after-apply counts)."""
    before = change.get("before") or {}
    after = change.get("after") or {}
    unknown = change.get("after_unknown") or {}
    keys = sorted(set(before) | set(after) | set(unknown))
    return [key for key in keys if before.get(key) != after.get(key) or unknown.get(key) is True]


def plan(path):
    with open(path, encoding="utf-8") as file:
        document = json.load(file)
    deletes, updates, creates = [], [], []
    for resource in document.get("resource_changes", []):
        actions = resource["change"]["actions"]
        address = resource["address"]
        if "delete" in actions:
            kind = "replace" if "create" in actions else "delete"
            deletes.append(f"{kind} {address}")
        elif actions == ["update"]:
            updates.append(f"update {address}: {', '.join(changed_attributes(resource['change']))}")
        elif actions == ["create"]:
            creates.append(f"create {address}")
    moves = [
        f"moved {resource['previous_address']} -> {resource['address']}"
        for resource in document.get("resource_changes", [])
        if resource.get("previous_address")
    ]
    print(f"plan: {len(creates)} to create, {len(updates)} to update in place, {len(deletes)} to delete or replace, {len(moves)} moved")
    for line in updates + deletes:
        print(f"  {line}")
    if deletes:
        print("plan: FAILED: an upgrade must delete or replace nothing", file=sys.stderr)
        return 1
    return 0


def aws_client(endpoint, service):
    import boto3  # comes with moto

    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


def start_execution(endpoint, name):
    sfn = aws_client(endpoint, "stepfunctions")
    machines = [m["stateMachineArn"] for m in sfn.list_state_machines()["stateMachines"] if m["name"] == name]
    if not machines:
        print(f"start-execution: no state machine {name}", file=sys.stderr)
        return 1
    arn = sfn.start_execution(stateMachineArn=machines[0], input=json.dumps({"orderId": "rehearsal"}))["executionArn"]
    execution = sfn.describe_execution(executionArn=arn)
    if execution["status"] != "RUNNING":
        print(f"start-execution: {arn} is {execution['status']}: {execution.get('error')} {execution.get('cause')}", file=sys.stderr)
        return 1
    print(arn)
    return 0


def leftovers(endpoint, prefix):
    def client(service):
        return aws_client(endpoint, service)

    left = []
    left += [f"queue {url}" for url in client("sqs").list_queues().get("QueueUrls", []) if prefix in url]
    left += [f"state machine {m['name']}" for m in client("stepfunctions").list_state_machines()["stateMachines"] if m["name"].startswith(prefix)]
    lambda_ = client("lambda")
    left += [f"function {f['FunctionName']}" for f in lambda_.list_functions()["Functions"] if f["FunctionName"].startswith(prefix)]
    left += [f"event source mapping {m['UUID']} ({m['FunctionArn']})" for m in lambda_.list_event_source_mappings()["EventSourceMappings"] if prefix in m["FunctionArn"]]
    left += [f"role {r['RoleName']}" for r in client("iam").list_roles()["Roles"] if r["RoleName"].startswith(prefix)]
    left += [f"log group {g['logGroupName']}" for g in client("logs").describe_log_groups()["logGroups"] if prefix in g["logGroupName"]]
    left += [f"table {t}" for t in client("dynamodb").list_tables()["TableNames"] if t.startswith(prefix)]
    left += [f"topic {t['TopicArn']}" for t in client("sns").list_topics()["Topics"] if prefix in t["TopicArn"]]
    left += [f"HTTP API {a['Name']}" for a in client("apigatewayv2").get_apis()["Items"] if a["Name"].startswith(prefix)]
    left += [f"alarm {a['AlarmName']}" for a in client("cloudwatch").describe_alarms()["MetricAlarms"] if a["AlarmName"].startswith(prefix)]
    for line in left:
        print(f"  left in the emulator: {line}")
    print(f"leftovers: {len(left)} resources of {prefix} left in the emulator")
    return 1 if left else 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    plan_parser = commands.add_parser("plan")
    plan_parser.add_argument("plan_json")
    start_parser = commands.add_parser("start-execution")
    start_parser.add_argument("--endpoint", required=True)
    start_parser.add_argument("--state-machine", required=True)
    leftovers_parser = commands.add_parser("leftovers")
    leftovers_parser.add_argument("--endpoint", required=True)
    leftovers_parser.add_argument("--prefix", required=True)
    args = parser.parse_args(argv)
    if args.command == "plan":
        return plan(args.plan_json)
    if args.command == "start-execution":
        return start_execution(args.endpoint, args.state_machine)
    return leftovers(args.endpoint, args.prefix)


if __name__ == "__main__":
    sys.exit(main())
