#!/usr/bin/env python3
"""The local stack's parity cases (local/src/test/resources/parity/cases.json, whose expected
answers are AWS's, each with its evidence) run against moto's Step Functions interpreter: a second
oracle for the local interpreter. Prints one line per case (agree, or what differs) and a count.

Usage: parity_moto.py [--endpoint URL] [--only SUBSTRING] [--json FILE]
Without --endpoint it starts moto_launcher.py on a free port (exit 3 when moto is missing). The
cases' queue "q" becomes a real queue of the emulator; their functions (echo, throws) are served
behind the launcher's Lambda Invoke forwarding (LambdaInvokeRunsNoCode); the test plays the worker
as ParityTest does. Exit 0 whatever the count: disagreements are findings, judged in the report.
"""

import argparse
import concurrent.futures
import http.server
import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.request
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
ACCOUNT = "123456789012"
REGION = "us-east-1"
WAIT = 30


class Functions(http.server.BaseHTTPRequestHandler):
    """ParityTest's functions: echo returns its payload, throws fails as a Java handler does."""

    def do_POST(self):
        name = self.path.split("/")[3]
        payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
        headers = {}
        if name == "echo":
            answer = payload
        elif name == "throws":
            answer = {"errorMessage": "no approver for this request", "errorType": "java.lang.IllegalStateException",
                      "stackTrace": []}
            headers["X-Amz-Function-Error"] = "Unhandled"
        else:
            self.send_response(404)
            self.end_headers()
            return
        data = json.dumps(answer).encode()
        self.send_response(200)
        for key, value in {"Content-Type": "application/json", "Content-Length": str(len(data)), **headers}.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def render_project(heartbeat, timeout, queue_url):
    """Definitions.project: statemachine.asl.json with the approval module's states merged in."""
    def substitute(text, values):
        return re.sub(r"\$\{([a-z_]+)\}", lambda m: str(values[m.group(1)]), text)

    core = json.loads(substitute(open(os.path.join(ROOT, "statemachine.asl.json")).read(), {
        "partition": "aws", "queue_url": queue_url, "heartbeat_seconds": heartbeat, "timeout_seconds": timeout}))
    approval = json.loads(substitute(open(os.path.join(ROOT, "modules/approval/states.asl.json")).read(), {
        "partition": "aws", "approval_timeout_seconds": 86400,
        "approval_function_arn": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:sfn-callback-approval-request"}))
    core["States"].update(approval)
    core["States"]["WaitForWorker"]["Next"] = "ApprovalRequested"
    return json.dumps(core)


def find_token(value):
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "TaskToken" and isinstance(item, str):
                return item
            found = find_token(item)
            if found:
                return found
    elif isinstance(value, list):
        for item in value:
            found = find_token(item)
            if found:
                return found
    return None


class Oracle:
    def __init__(self, endpoint):
        import boto3
        from botocore.config import Config

        config = Config(retries={"total_max_attempts": 1}, read_timeout=60)
        make = lambda service: boto3.client(service, endpoint_url=endpoint, region_name=REGION,
                                            aws_access_key_id="test", aws_secret_access_key="test", config=config)
        self.sfn, self.sqs, self.lam, self.iam = make("stepfunctions"), make("sqs"), make("lambda"), make("iam")
        self.queue_url = self.sqs.create_queue(QueueName="parity-q")["QueueUrl"]
        try:
            self.iam.create_role(RoleName="parity", AssumeRolePolicyDocument="{}")
        except self.iam.exceptions.EntityAlreadyExistsException:
            pass
        for name in ("echo", "throws", "sfn-callback-approval-request"):
            try:
                self.lam.create_function(FunctionName=name, Runtime="java21", Role=f"arn:aws:iam::{ACCOUNT}:role/parity",
                                         Handler="x::handleRequest", Code={"ZipFile": zip_bytes()})
            except self.lam.exceptions.ResourceConflictException:
                pass

    def machine(self, definition):
        definition = definition.replace('"QueueUrl": "q"', f'"QueueUrl": "{self.queue_url}"').replace(
            '"QueueUrl":"q"', f'"QueueUrl":"{self.queue_url}"')
        return self.sfn.create_state_machine(name=f"parity-{uuid.uuid4().hex[:12]}", definition=definition,
                                             roleArn=f"arn:aws:iam::{ACCOUNT}:role/parity")["stateMachineArn"]

    def ended(self, execution):
        deadline = time.monotonic() + WAIT
        while True:
            described = self.sfn.describe_execution(executionArn=execution)
            if described["status"] != "RUNNING":
                return described
            if time.monotonic() > deadline:
                return described
            time.sleep(0.2)

    def history(self, execution):
        return self.sfn.get_execution_history(executionArn=execution, maxResults=1000)["events"]

    def token(self, execution, n):
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            scheduled = [e for e in self.history(execution) if e["type"] == "TaskScheduled"]
            if len(scheduled) >= n:
                return find_token(json.loads(scheduled[n - 1]["taskScheduledEventDetails"]["parameters"]))
            time.sleep(0.2)
        raise AssertionError(f"no TaskScheduled #{n}")

    def choice_row(self, operator, variable, operand, matches):
        definition = json.dumps({"StartAt": "CheckValues", "States": {
            "CheckValues": {"Type": "Choice", "Choices": [{"Variable": "$.Variable", operator: operand, "Next": "ConditionTrue"}],
                            "Default": "ConditionFalse"},
            "ConditionTrue": {"Type": "Succeed"}, "ConditionFalse": {"Type": "Fail", "Error": "ConditionFalse"}}})
        try:
            machine = self.machine(definition)
        except Exception as error:
            return [f"CreateStateMachine refused the definition: {error}"]
        execution = self.sfn.start_execution(stateMachineArn=machine, input=json.dumps({"Variable": variable}))["executionArn"]
        described = self.ended(execution)
        wanted = "SUCCEEDED" if matches else "FAILED"
        return [] if described["status"] == wanted else [f"status {described['status']} {described.get('error')}, AWS {wanted}"]

    def case(self, case):
        definition = case["definition"]
        if isinstance(definition, str):
            definition = render_project(case["heartbeatSeconds"], case["timeoutSeconds"], self.queue_url)
        else:
            definition = json.dumps(definition)
        try:
            machine = self.machine(definition)
        except Exception as error:
            return [f"CreateStateMachine refused the definition: {error}"]
        name = machine.rsplit(":", 1)[1]
        payload = case.get("input", {})
        if "inputPadTo" in case:
            payload = padded(payload, case["inputPadTo"])
        try:
            execution = self.sfn.start_execution(stateMachineArn=machine, input=json.dumps(payload))["executionArn"]
        except Exception as error:
            return [f"StartExecution refused: {error}"]
        for i, callback in enumerate(case.get("callbacks", [])):
            action = callback["action"]
            if action == "none":
                continue
            token = self.token(execution, i + 1)
            try:
                if action == "success":
                    output = callback["output"]
                    if "outputPadTo" in callback:
                        output = padded(output, callback["outputPadTo"])
                    self.sfn.send_task_success(taskToken=token, output=json.dumps(output))
                else:
                    kwargs = {k: callback[k] for k in ("error", "cause") if callback.get(k) is not None}
                    self.sfn.send_task_failure(taskToken=token, **kwargs)
            except Exception as error:
                return [f"{action} callback refused: {error}"]
        described = self.ended(execution)
        expect = case["expect"]
        place = lambda text: None if text is None else text.replace("${stateMachineName}", name).replace("${account}", ACCOUNT)
        differences = []
        if described["status"] != expect["status"]:
            differences.append(f"status {described['status']}, AWS {expect['status']}")
        if "error" in expect and described.get("error") != place(expect["error"]):
            differences.append(f"error {described.get('error')!r}, AWS {place(expect['error'])!r}")
        if "cause" in expect and described.get("cause") != place(expect["cause"]):
            differences.append(f"cause {short(described.get('cause'))!r}, AWS {short(place(expect['cause']))!r}")
        if "causeStartsWith" in expect and not (described.get("cause") or "").startswith(place(expect["causeStartsWith"])):
            differences.append(f"cause {short(described.get('cause'))!r}, AWS starts {place(expect['causeStartsWith'])!r}")
        if "output" in expect and json.loads(described.get("output") or "null") != expect["output"]:
            differences.append(f"output {short(described.get('output'))}, AWS {short(json.dumps(expect['output']))}")
        history = self.history(execution)
        types = [event["type"] for event in history]
        if "events" in expect and types != expect["events"]:
            differences.append(f"events {types}, AWS {expect['events']}")
        for event_type, fields in expect.get("eventDetails", {}).items():
            event = next((e for e in history if e["type"] == event_type), None)
            if event is None:
                differences.append(f"no {event_type} event")
                continue
            details = next((v for k, v in event.items() if k.endswith("EventDetails")), {})
            for field, wanted in fields.items():
                actual = details.get(field)
                if isinstance(wanted, str):
                    wanted = place(wanted)
                elif wanted is not None and isinstance(actual, str):
                    try:
                        actual = json.loads(actual)
                    except ValueError:
                        pass
                if actual is not None and not isinstance(actual, str) and isinstance(wanted, str):
                    actual = str(actual)
                if actual != wanted:
                    differences.append(f"{event_type}.{field} {short(json.dumps(actual))}, AWS {short(json.dumps(wanted))}")
        return differences


def short(text, limit=400):
    text = "" if text is None else str(text)
    return text if len(text) <= limit else text[:limit] + "..."


def padded(value, size):
    copy = dict(value, pad="")
    copy["pad"] = "a" * (size - len(json.dumps(copy, separators=(",", ":")).encode()))
    return copy


def zip_bytes():
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("stand-in.txt", "never run")
    return buffer.getvalue()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--endpoint")
    parser.add_argument("--only")
    parser.add_argument("--json", help="write every case's result to this file")
    args = parser.parse_args(argv)
    launcher = None
    endpoint = args.endpoint
    if endpoint is None:
        launcher = subprocess.Popen([sys.executable, os.path.join(HERE, "moto_launcher.py")], stdout=subprocess.PIPE,
                                    stderr=subprocess.DEVNULL, text=True)
        line = launcher.stdout.readline()
        if not line.startswith("ready "):
            code = launcher.wait()
            print(f"parity: the emulator did not start (exit {code}); moto missing? python3 -m pip install 'moto[server]==5.2.1'",
                  file=sys.stderr)
            return 3 if code == 3 else 1
        endpoint = line.split()[1]
    functions = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Functions)
    threading.Thread(target=functions.serve_forever, daemon=True).start()
    try:
        urllib.request.urlopen(urllib.request.Request(f"{endpoint}/rehearse/lambda-invoke-forward", method="POST",
                               data=json.dumps({"url": f"http://127.0.0.1:{functions.server_port}"}).encode()), timeout=30)
        oracle = Oracle(endpoint)
        cases = json.load(open(os.path.join(ROOT, "local/src/test/resources/parity/cases.json")))
        jobs = []
        for case in cases:
            if "choiceTable" in case:
                table = case["choiceTable"]
                for row in table["rows"]:
                    label = f"{table['operator']} {json.dumps(row[0])} vs {json.dumps(row[1])}"
                    jobs.append((label, case["source"], lambda t=table, r=row: oracle.choice_row(t["operator"], r[0], r[1], r[2])))
            else:
                jobs.append((case["name"], case["source"], lambda c=case: oracle.case(c)))
        if args.only:
            jobs = [job for job in jobs if args.only in job[0]]
        results = []
        with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
            futures = [(label, source, pool.submit(run)) for label, source, run in jobs]
            for label, source, future in futures:
                try:
                    differences = future.result()
                except Exception as error:
                    differences = [f"{type(error).__name__}: {error}"]
                results.append({"case": label, "source": source, "differences": differences})
                print(f"parity: {'agree' if not differences else 'DIFFER'}: {label}"
                      + "".join(f"\n          {d}" for d in differences), flush=True)
        agree = sum(1 for result in results if not result["differences"])
        print(f"parity: moto agrees with AWS's recorded answer in {agree} of {len(results)} cases")
        if args.json:
            with open(args.json, "w") as out:
                json.dump(results, out, indent=1)
        return 0
    finally:
        functions.shutdown()
        if launcher is not None:
            launcher.terminate()
            launcher.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
