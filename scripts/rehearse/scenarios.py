#!/usr/bin/env python3
"""The executions of rehearse.sh: each started with the AWS CLI v2 as a user would, its ending
checked against the deployed state machine (statemachine.asl.json, modules/approval/states.asl.json)
with the real worker and approval handlers hosted by scripts/local-run.sh --host-functions.

Usage: scenarios.py run --endpoint URL --state-machine ARN --queue-url URL --dlq-url URL
                        [--approval-endpoint URL] --timings JSON
       scenarios.py start --state-machine ARN --input JSON     (prints the execution ARN)
All scenarios run at once; each prints one line with what it saw and its duration. Where the
emulator differs from AWS in a way the product cannot change, both answers are accepted and the
line says which one was seen. Exit 1 when any scenario ended otherwise than expected.
"""

import argparse
import html.parser
import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request

import boto3

AWS_CLI = os.environ.get("AWS_CLI", "aws")
LINK = re.compile(r"https?://[^\s\"'<>]+/approvals/[A-Za-z0-9_~.-]+")


def cli(*args):
    """The AWS CLI v2 with JSON output, pointed at the emulator (AWS_ENDPOINT_URL)."""
    endpoint = ["--endpoint-url", os.environ["AWS_ENDPOINT_URL"]] if os.environ.get("AWS_ENDPOINT_URL") else []
    result = subprocess.run([AWS_CLI, *endpoint, *args, "--output", "json"], capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise RuntimeError(f"aws {' '.join(args[:2])} failed: {result.stderr.strip()}")
    return json.loads(result.stdout) if result.stdout.strip() else {}


def start(state_machine, payload, name):
    return cli("stepfunctions", "start-execution", "--state-machine-arn", state_machine, "--name", name,
               "--input", json.dumps(payload))["executionArn"]


class Run:
    def __init__(self, args):
        self.args = args
        self.sfn = boto3.client("stepfunctions", endpoint_url=args.endpoint)
        self.sqs = boto3.client("sqs", endpoint_url=args.endpoint)
        self.timings = json.loads(args.timings)
        self.stamp = str(int(time.time()))
        self.lock = threading.Lock()
        self.failures = []
        self.approval_links_seen = set()

    def say(self, line):
        with self.lock:
            print(line, flush=True)

    def finished(self, execution, timeout):
        deadline = time.monotonic() + timeout
        while True:
            described = self.sfn.describe_execution(executionArn=execution)
            if described["status"] != "RUNNING":
                return described
            if time.monotonic() > deadline:
                raise AssertionError(f"still RUNNING after {timeout} s")
            time.sleep(0.5)

    def scenario(self, name, check):
        started = time.monotonic()
        try:
            seen = check()
            self.say(f"rehearse:   {name}: ok, {seen} ({time.monotonic() - started:.0f} s)")
        except Exception as error:  # each scenario's failure is reported, the others go on
            with self.lock:
                self.failures.append(name)
            self.say(f"rehearse:   {name}: FAILED: {error} ({time.monotonic() - started:.0f} s)")

    def expect(self, name, payload, status, errors, timeout):
        execution = start(self.args.state_machine, payload, f"{name}-{self.stamp}")
        described = self.finished(execution, timeout)
        error = described.get("error")
        if described["status"] != status or (errors and error not in errors):
            raise AssertionError(f"{described['status']} {error} {described.get('cause', '')[:300]!r}; "
                                 f"expected {status} {' or '.join(errors) if errors else ''}")
        return described

    # --- the scenarios -------------------------------------------------------------------------

    def success(self):
        described = self.expect("success", {"mode": "succeed", "note": "rehearsal"}, "SUCCEEDED", None, 60)
        output = json.loads(described["output"])
        if output.get("result", {}).get("status") != "done":
            raise AssertionError(f"output {output}")
        return "SUCCEEDED with $.result.status = done"

    def rejection(self):
        described = self.expect("rejection", {"mode": "reject", "reason": "rehearsed rejection"}, "FAILED",
                                ["Demo.Rejected"], 60)
        if "rehearsed rejection" not in (described.get("cause") or ""):
            raise AssertionError(f"cause {described.get('cause')!r}")
        return "FAILED Demo.Rejected with the worker's cause"

    def crash(self):
        self.expect("crash", {"mode": "crash"}, "FAILED", ["Worker.Unhandled"], 60)
        return "FAILED Worker.Unhandled"

    def heartbeat_expiry(self):
        # The worker stops heartbeating and stays silent past HeartbeatSeconds. AWS: only a
        # heartbeat expiry matches States.HeartbeatTimeout (Task.NoHeartbeat here); moto records
        # it as States.Timeout and the States.Timeout catcher takes it (Task.TookTooLong).
        seconds = self.timings["task_heartbeat_seconds"] + 4
        described = self.expect("heartbeat", {"mode": "hang", "seconds": seconds}, "FAILED",
                                ["Task.NoHeartbeat", "Task.TookTooLong"], 90)
        if described["error"] == "Task.NoHeartbeat":
            return "FAILED Task.NoHeartbeat (as AWS: States.HeartbeatTimeout caught)"
        return ("FAILED Task.TookTooLong: the emulator did not match States.HeartbeatTimeout, it reports a "
                "heartbeat expiry as States.Timeout only (AWS: Task.NoHeartbeat)")

    def task_timeout(self):
        # Heartbeats keep coming, the work outlasts TimeoutSeconds.
        seconds = self.timings["task_timeout_seconds"] + 4
        self.expect("timeout", {"mode": "slow", "seconds": seconds}, "FAILED", ["Task.TookTooLong"], 90)
        return "FAILED Task.TookTooLong"

    def dead_letter(self):
        # A body without a task token can never be reported: it is retried, then moved to the DLQ.
        marker = f"not json {self.stamp}"
        cli("sqs", "send-message", "--queue-url", self.args.queue_url, "--message-body", marker)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            messages = self.sqs.receive_message(QueueUrl=self.args.dlq_url, MaxNumberOfMessages=10,
                                                WaitTimeSeconds=2, VisibilityTimeout=0).get("Messages", [])
            if any(message["Body"] == marker for message in messages):
                return f"in the dead-letter queue after {self.timings['max_receive_count']} receives"
        raise AssertionError("the message did not reach the dead-letter queue within 90 s")

    def approval(self, decision):
        name = f"approval-{decision}"
        summary = f"Rehearsal {decision}: order {self.stamp}"
        execution = start(self.args.state_machine, {"mode": "approval", "summary": summary}, f"{name}-{self.stamp}")
        link = self.link_for(execution, summary)
        local = self.args.approval_endpoint + urllib.parse.urlsplit(link).path
        with urllib.request.urlopen(local, timeout=30) as response:
            page = response.read().decode()
        form = FormToken()
        form.feed(page)
        if not form.token:
            raise AssertionError("the approval page has no form")
        body = urllib.parse.urlencode({"decision": decision, "comment": f"rehearsed {decision}",
                                       "csrf": form.token}).encode()
        request = urllib.request.Request(local, data=body, method="POST", headers={
            "Content-Type": "application/x-www-form-urlencoded", "Origin": self.args.approval_endpoint})
        with urllib.request.urlopen(request, timeout=30) as response:
            if response.status != 200:
                raise AssertionError(f"the decision got HTTP {response.status}")
        described = self.finished(execution, 60)
        if decision == "approve":
            if described["status"] != "SUCCEEDED" or json.loads(described["output"]).get("approval", {}).get("approved") is not True:
                raise AssertionError(f"{described['status']} {described.get('error')} {described.get('output', '')[:300]}")
            return "SUCCEEDED with $.approval.approved = true, decided on the page's form"
        if described["status"] != "FAILED" or described.get("error") != "Approval.Rejected":
            raise AssertionError(f"{described['status']} {described.get('error')} {described.get('cause', '')[:300]!r}")
        return "FAILED Approval.Rejected, decided on the page's form"

    def link_for(self, execution, summary):
        """The link of the mail the approval-request function published (the launcher lists what SNS kept)."""
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            with urllib.request.urlopen(f"{self.args.endpoint}/rehearse/sns-published", timeout=30) as response:
                published = json.load(response)
            for notification in published:
                message = notification["message"]
                if summary in message:
                    links = [link for link in LINK.findall(message) if link not in self.approval_links_seen]
                    if links:
                        with self.lock:
                            self.approval_links_seen.add(links[0])
                        return links[0]
            status = self.sfn.describe_execution(executionArn=execution)
            if status["status"] != "RUNNING":
                raise AssertionError(f"ended before any mail: {status['status']} {status.get('error')} "
                                     f"{status.get('cause', '')[:300]!r}")
            time.sleep(1)
        raise AssertionError("no approval mail within 90 s")

    def run(self):
        scenarios = [("success", self.success), ("rejection", self.rejection), ("worker crash", self.crash),
                     ("heartbeat expiry", self.heartbeat_expiry), ("task timeout", self.task_timeout),
                     ("dead-letter queue", self.dead_letter)]
        if self.args.approval_endpoint:
            scenarios += [("approval approved", lambda: self.approval("approve")),
                          ("approval rejected", lambda: self.approval("reject"))]
        threads = [threading.Thread(target=self.scenario, args=scenario) for scenario in scenarios]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return 1 if self.failures else 0


class FormToken(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.token = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "input" and attributes.get("name") == "csrf":
            self.token = attributes.get("value")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run")
    run.add_argument("--endpoint", required=True)
    run.add_argument("--state-machine", required=True)
    run.add_argument("--queue-url", required=True)
    run.add_argument("--dlq-url", required=True)
    run.add_argument("--approval-endpoint")
    run.add_argument("--timings", required=True)
    begin = commands.add_parser("start")
    begin.add_argument("--state-machine", required=True)
    begin.add_argument("--input", required=True)
    begin.add_argument("--name", required=True)
    args = parser.parse_args(argv)
    if args.command == "start":
        print(start(args.state_machine, json.loads(args.input), args.name))
        return 0
    return Run(args).run()


if __name__ == "__main__":
    sys.exit(main())
