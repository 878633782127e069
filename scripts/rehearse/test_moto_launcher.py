"""Each workaround of moto_launcher.py: the defect on stock moto, the AWS behaviour with it.

Two emulators run for the whole module, both on free ports of 127.0.0.1 and configured the same
way (executions interpreted, Lambda without Docker): moto as installed (--stock) and moto with
the launcher's workarounds. Every test runs one scenario against both.

Run: python3 -m unittest discover -s scripts/rehearse -p 'test_*.py' -v
"""

import http.server
import io
import json
import os
import subprocess
import sys
import threading
import time
import unittest
import urllib.request
import uuid
import zipfile

import moto_launcher

try:
    import boto3
    from botocore.config import Config
    from botocore.exceptions import ClientError
except ImportError:  # boto3 comes with moto
    boto3 = None

HERE = os.path.dirname(os.path.abspath(__file__))
ACCOUNT = "123456789012"
REGION = "us-east-1"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/rehearse-test"
# One attempt: a 500 is the defect being shown, not something to retry for seconds.
NO_RETRIES = Config(retries={"total_max_attempts": 1}, read_timeout=30)


class Emulator:
    """A launcher process; `endpoint` once ready() read its ready line."""

    def __init__(self, *args):
        self.process = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "moto_launcher.py"), "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=None if os.environ.get("REHEARSE_DEBUG") else subprocess.DEVNULL,
            text=True,
        )
        self.endpoint = None
        self.clients = {}

    def ready(self):
        line = self.process.stdout.readline()  # blocks until the server is up and configured
        if not line.startswith("ready "):
            self.stop()
            raise RuntimeError(f"the launcher did not start: {line!r}")
        self.endpoint = line.split()[1]
        return self

    def client(self, service):
        if service not in self.clients:  # a client costs a tenth of a second to make
            self.clients[service] = boto3.client(
                service,
                endpoint_url=self.endpoint,
                region_name=REGION,
                aws_access_key_id="test",
                aws_secret_access_key="test",
                config=NO_RETRIES,
            )
        return self.clients[service]

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
        self.process.stdout.close()


# moto as installed; moto with every workaround; and, for two defects of executions (stock moto
# cannot start a second execution at all), moto with every workaround but those two.
STOCK = FIXED = EXECUTIONS_AS_STOCK = None
EXECUTION_DEFECTS = ("UnnamedExecutionArnEndsInNone", "SendTaskFailureDropsCause")


def setUpModule():
    global STOCK, FIXED, EXECUTIONS_AS_STOCK
    if boto3 is None:
        raise unittest.SkipTest("moto (and boto3) not installed: python3 -m pip install 'moto[server]==5.2.1'")
    # Started together, so their start-up (a few seconds each) overlaps.
    STOCK = Emulator("--stock")
    FIXED = Emulator()
    EXECUTIONS_AS_STOCK = Emulator(*(arg for name in EXECUTION_DEFECTS for arg in ("--without", name)))
    try:
        for emulator in (STOCK, FIXED, EXECUTIONS_AS_STOCK):
            emulator.ready()
    except BaseException:
        tearDownModule()  # unittest skips it when setUpModule fails
        raise


def tearDownModule():
    for emulator in (STOCK, FIXED, EXECUTIONS_AS_STOCK):
        if emulator is not None:
            emulator.stop()


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def wait_for(condition, timeout=60):
    """Polls condition() until it returns something truthy; fails after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        time.sleep(0.05)


PASS_MACHINE = json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Pass", "End": True}}})


def create_state_machine(emulator, definition=PASS_MACHINE, **kwargs):
    return emulator.client("stepfunctions").create_state_machine(
        name=unique("machine"), definition=definition, roleArn=ROLE_ARN, **kwargs
    )["stateMachineArn"]


def status_code(error):
    return error.response["ResponseMetadata"]["HTTPStatusCode"]


class StepFunctionsTest(unittest.TestCase):
    def test_ValidateStateMachineDefinitionNotImplemented(self):
        with self.assertRaises(ClientError) as stock:
            STOCK.client("stepfunctions").validate_state_machine_definition(definition=PASS_MACHINE)
        self.assertEqual(500, status_code(stock.exception))

        sfn = FIXED.client("stepfunctions")
        self.assertEqual("OK", sfn.validate_state_machine_definition(definition=PASS_MACHINE)["result"])
        refused = sfn.validate_state_machine_definition(definition=json.dumps({"StartAt": "Missing", "States": {}}))
        self.assertEqual("FAIL", refused["result"])
        self.assertEqual("ERROR", refused["diagnostics"][0]["severity"])

    def test_ListStateMachineVersionsNotImplemented(self):
        with self.assertRaises(ClientError) as stock:
            STOCK.client("stepfunctions").list_state_machine_versions(stateMachineArn=create_state_machine(STOCK))
        self.assertEqual(500, status_code(stock.exception))

        sfn = FIXED.client("stepfunctions")
        self.assertEqual([], sfn.list_state_machine_versions(stateMachineArn=create_state_machine(FIXED))["stateMachineVersions"])
        published = create_state_machine(FIXED, publish=True)
        versions = sfn.list_state_machine_versions(stateMachineArn=published)["stateMachineVersions"]
        self.assertEqual([f"{published}:1"], [version["stateMachineVersionArn"] for version in versions])

    def test_StartExecutionDeepcopiesEarlierExecutions(self):
        sfn = STOCK.client("stepfunctions")
        machine = create_state_machine(STOCK)
        with self.assertRaises(ClientError) as stock:
            for name in ("first", "second"):  # the first fails too once any execution ran here
                sfn.start_execution(stateMachineArn=machine, name=name)
        self.assertEqual(500, status_code(stock.exception))

        sfn = FIXED.client("stepfunctions")
        machines = [create_state_machine(FIXED) for _ in range(2)]
        arns = [sfn.start_execution(stateMachineArn=machine, name=name)["executionArn"] for machine in machines for name in ("first", "second")]
        for arn in arns:
            wait_for(lambda arn=arn: sfn.describe_execution(executionArn=arn)["status"] == "SUCCEEDED")

    def test_UnnamedExecutionArnEndsInNone(self):
        sfn = EXECUTIONS_AS_STOCK.client("stepfunctions")
        arn = sfn.start_execution(stateMachineArn=create_state_machine(EXECUTIONS_AS_STOCK))["executionArn"]
        self.assertTrue(arn.endswith(":None"), arn)

        sfn = FIXED.client("stepfunctions")
        machine = create_state_machine(FIXED)
        arns = [sfn.start_execution(stateMachineArn=machine)["executionArn"] for _ in range(2)]
        names = [arn.rsplit(":", 1)[1] for arn in arns]
        for name in names:
            self.assertEqual(name, str(uuid.UUID(name)))
        self.assertNotEqual(names[0], names[1])
        self.assertEqual(names[0], sfn.describe_execution(executionArn=arns[0])["name"])

    def test_SendTaskFailureDropsCause(self):
        def failed_execution(emulator):
            """Fails a waitForTaskToken task with an error and a cause; the execution's ending."""
            sqs = emulator.client("sqs")
            queue_url = sqs.create_queue(QueueName=unique("tasks"))["QueueUrl"]
            definition = {
                "StartAt": "Task",
                "States": {
                    "Task": {
                        "Type": "Task",
                        "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                        "Parameters": {"QueueUrl": queue_url, "MessageBody": {"TaskToken.$": "$$.Task.Token"}},
                        "End": True,
                    }
                },
            }
            sfn = emulator.client("stepfunctions")
            arn = sfn.start_execution(stateMachineArn=create_state_machine(emulator, json.dumps(definition)))["executionArn"]
            message = wait_for(lambda: sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=1).get("Messages"))[0]
            token = json.loads(message["Body"])["TaskToken"]
            sfn.send_task_failure(taskToken=token, error="Worker.Rejected", cause="the order is on hold")
            return wait_for(lambda: (lambda d: d if d["status"] == "FAILED" else None)(sfn.describe_execution(executionArn=arn)))

        stock = failed_execution(EXECUTIONS_AS_STOCK)
        self.assertEqual("Worker.Rejected", stock["error"])
        self.assertNotEqual("the order is on hold", stock.get("cause"))

        fixed = failed_execution(FIXED)
        self.assertEqual("Worker.Rejected", fixed["error"])
        self.assertEqual("the order is on hold", fixed["cause"])


class SqsTest(unittest.TestCase):
    def test_RedriveAllowPolicyNotReturned(self):
        policy = json.dumps({"redrivePermission": "byQueue", "sourceQueueArns": [f"arn:aws:sqs:{REGION}:{ACCOUNT}:tasks"]})

        def returned(emulator):
            sqs = emulator.client("sqs")
            url = sqs.create_queue(QueueName=unique("dead-letters"))["QueueUrl"]
            sqs.set_queue_attributes(QueueUrl=url, Attributes={"RedriveAllowPolicy": policy})
            return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"].get("RedriveAllowPolicy"), sqs, url

        stock, sqs, url = returned(STOCK)
        self.assertIsNone(stock)
        with self.assertRaises(ClientError) as refused:
            sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["RedriveAllowPolicy"])
        self.assertIn("InvalidAttributeName", str(refused.exception))
        value, sqs, url = returned(FIXED)
        self.assertEqual(policy, value)
        self.assertEqual(policy, sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["RedriveAllowPolicy"])["Attributes"]["RedriveAllowPolicy"])
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"RedriveAllowPolicy": ""})  # the provider's delete
        self.assertNotIn("RedriveAllowPolicy", sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"])

    def test_RedrivePolicyReformatted(self):
        def returned(emulator):
            sqs = emulator.client("sqs")
            dead_letters = sqs.create_queue(QueueName=unique("dead-letters"))["QueueUrl"]
            target = sqs.get_queue_attributes(QueueUrl=dead_letters, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
            given = json.dumps({"deadLetterTargetArn": target, "maxReceiveCount": 5}, separators=(",", ":"))
            url = sqs.create_queue(QueueName=unique("tasks"), Attributes={"RedrivePolicy": given})["QueueUrl"]
            return given, sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]["RedrivePolicy"]

        given, stock = returned(STOCK)
        self.assertNotEqual(given, stock)
        self.assertEqual(json.loads(given), json.loads(stock))  # same policy, other spacing
        given, fixed = returned(FIXED)
        self.assertEqual(given, fixed)

    def test_SetQueueAttributesErasesPolicy(self):
        def policy_after_other_change(emulator):
            sqs = emulator.client("sqs")
            url = sqs.create_queue(QueueName=unique("tasks"))["QueueUrl"]
            arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
            policy = {
                "Version": "2012-10-17",
                "Statement": [{"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "sqs:*", "Resource": arn, "Condition": {"Bool": {"aws:SecureTransport": "false"}}}],
            }
            sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps(policy)})
            sqs.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "120"})
            attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
            self.assertEqual("120", attributes["VisibilityTimeout"])
            return policy, attributes.get("Policy")

        _, stock = policy_after_other_change(STOCK)
        self.assertIsNone(stock)
        policy, fixed = policy_after_other_change(FIXED)
        self.assertEqual(policy, json.loads(fixed))

    def test_SqsRunsEventSourceMappings(self):
        def receivable_after_send(emulator):
            sqs = emulator.client("sqs")
            url = sqs.create_queue(QueueName=unique("tasks"))["QueueUrl"]
            arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
            function = create_function(emulator)
            emulator.client("lambda").create_event_source_mapping(EventSourceArn=arn, FunctionName=function, BatchSize=10)
            sqs.send_message(QueueUrl=url, MessageBody='{"TaskToken":"t"}')
            return sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1).get("Messages", [])

        self.assertEqual([], receivable_after_send(STOCK))
        fixed = receivable_after_send(FIXED)
        self.assertEqual(['{"TaskToken":"t"}'], [message["Body"] for message in fixed])


def create_function(emulator, **kwargs):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("stand-in.txt", "moto stores the code; it never runs it")
    iam = emulator.client("iam")
    try:
        iam.create_role(RoleName="rehearse-test", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}))
    except iam.exceptions.EntityAlreadyExistsException:
        pass  # one role for every function of the module
    name = unique("function")
    emulator.client("lambda").create_function(
        FunctionName=name,
        Runtime="java21",
        Role=ROLE_ARN,
        Handler="io.sfncallback.worker.CallbackHandler::handleRequest",
        Code={"ZipFile": buffer.getvalue()},
        **kwargs,
    )
    return name


class LambdaTest(unittest.TestCase):
    LOGGING = {"LogFormat": "JSON", "LogGroup": "/aws/lambda/rehearse", "ApplicationLogLevel": "DEBUG", "SystemLogLevel": "WARN"}

    def test_LambdaLoggingConfigNotReturned(self):
        def returned(emulator):
            name = create_function(emulator, LoggingConfig=self.LOGGING)
            return emulator.client("lambda"), name

        client, name = returned(STOCK)
        self.assertNotEqual(self.LOGGING, client.get_function(FunctionName=name)["Configuration"].get("LoggingConfig"))

        client, name = returned(FIXED)
        self.assertEqual(self.LOGGING, client.get_function(FunctionName=name)["Configuration"]["LoggingConfig"])
        client.update_function_configuration(FunctionName=name, LoggingConfig={"LogFormat": "Text"})
        self.assertEqual(
            {"LogFormat": "Text", "LogGroup": "/aws/lambda/rehearse"},
            client.get_function(FunctionName=name)["Configuration"]["LoggingConfig"],
        )
        plain = create_function(FIXED)
        self.assertEqual(
            {"LogFormat": "Text", "LogGroup": f"/aws/lambda/{plain}"},
            client.get_function(FunctionName=plain)["Configuration"]["LoggingConfig"],
        )

    def test_LambdaSnapStartNotReturned(self):
        def snap_start(emulator):
            name = create_function(emulator, SnapStart={"ApplyOn": "PublishedVersions"}, Publish=True)
            client = emulator.client("lambda")
            return (
                client.get_function(FunctionName=name, Qualifier="1")["Configuration"]["SnapStart"],
                client.get_function(FunctionName=name)["Configuration"]["SnapStart"],
            )

        published, _ = snap_start(STOCK)
        self.assertEqual("None", published["ApplyOn"])

        published, latest = snap_start(FIXED)
        self.assertEqual({"ApplyOn": "PublishedVersions", "OptimizationStatus": "On"}, published)
        self.assertEqual({"ApplyOn": "PublishedVersions", "OptimizationStatus": "Off"}, latest)

    def test_EventSourceMappingDropsAliasArn(self):
        def mapped_function(emulator):
            client = emulator.client("lambda")
            name = create_function(emulator, Publish=True)
            alias = client.create_alias(FunctionName=name, Name="live", FunctionVersion="1")["AliasArn"]
            sqs = emulator.client("sqs")
            url = sqs.create_queue(QueueName=unique("tasks"))["QueueUrl"]
            queue = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
            mapping = client.create_event_source_mapping(EventSourceArn=queue, FunctionName=alias)["UUID"]
            return alias, client.get_event_source_mapping(UUID=mapping)["FunctionArn"]

        alias, stock = mapped_function(STOCK)
        self.assertNotEqual(alias, stock)  # the version the alias pointed to when mapped

        alias, fixed = mapped_function(FIXED)
        self.assertEqual(alias, fixed)

    def test_LambdaInvokeRunsNoCode(self):
        calls = []

        class Host(http.server.BaseHTTPRequestHandler):
            """The host mode's Invoke endpoint: echoes the event, or fails like a Java handler."""

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                calls.append((self.path, json.loads(body)))
                if json.loads(body).get("fail"):
                    answer, headers = {"errorMessage": "no", "errorType": "java.lang.IllegalStateException"}, {"X-Amz-Function-Error": "Unhandled"}
                else:
                    answer, headers = {"echo": json.loads(body)}, {}
                data = json.dumps(answer).encode()
                self.send_response(200)
                for key, value in {"Content-Type": "application/json", "Content-Length": str(len(data)), **headers}.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        host = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Host)
        threading.Thread(target=host.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{host.server_port}"

        def invoke(emulator, payload):
            name = create_function(emulator)
            response = emulator.client("lambda").invoke(FunctionName=name, Payload=json.dumps(payload))
            return name, response.get("FunctionError"), json.loads(response["Payload"].read() or b"null")

        try:
            _, error, stock = invoke(STOCK, {"x": 1})
            self.assertEqual((None, {"x": 1}), (error, stock))  # the event back: no code ran

            forward(FIXED, url)
            name, error, fixed = invoke(FIXED, {"x": 1})
            self.assertEqual((None, {"echo": {"x": 1}}), (error, fixed))
            self.assertEqual((f"/2015-03-31/functions/{name}/invocations", {"x": 1}), calls[-1])
            _, error, failed = invoke(FIXED, {"fail": True})
            self.assertEqual(("Unhandled", "java.lang.IllegalStateException"), (error, failed["errorType"]))
        finally:
            forward(FIXED, None)
            host.shutdown()
            host.server_close()


def forward(emulator, url):
    request = urllib.request.Request(
        f"{emulator.endpoint}/rehearse/lambda-invoke-forward", data=json.dumps({"url": url}).encode(), method="POST"
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 204, response.status


class LauncherTest(unittest.TestCase):
    def test_every_workaround_has_a_test_named_after_it(self):
        tests = {name for case in (StepFunctionsTest, SqsTest, LambdaTest) for name in dir(case) if name.startswith("test_")}
        for workaround in moto_launcher.WORKAROUNDS:
            self.assertIn(f"test_{workaround.name()}", tests)

    def test_every_workaround_cites_what_aws_does(self):
        for workaround in moto_launcher.WORKAROUNDS:
            self.assertIn("AWS", workaround.__doc__, workaround.name())
            self.assertRegex(workaround.__doc__, r"https://(docs\.aws\.amazon\.com/|github\.com/hashicorp/terraform-provider-aws)|hashicorp/terraform-provider-aws ", workaround.name())

    def test_sns_published_lists_what_was_published_to_a_topic(self):
        sns = FIXED.client("sns")
        topic = sns.create_topic(Name=unique("approvals"))["TopicArn"]
        sns.publish(TopicArn=topic, Subject="Approval needed", Message="open https://example/approvals/abc")
        with urllib.request.urlopen(f"{FIXED.endpoint}/rehearse/sns-published", timeout=30) as response:
            published = json.load(response)
        self.assertIn({"topicArn": topic, "subject": "Approval needed", "message": "open https://example/approvals/abc"}, published)

    def test_an_unknown_workaround_name_is_a_usage_error(self):
        result = subprocess.run(
            [sys.executable, os.path.join(HERE, "moto_launcher.py"), "--without", "NoSuchDefect"],
            capture_output=True,
            text=True,
            timeout=30,
        )
        self.assertEqual(2, result.returncode)
        self.assertIn("NoSuchDefect", result.stderr)


    def test_without_moto_it_says_how_to_install_it_and_exits_3(self):
        # -S: no site-packages, so moto is not importable, as on a machine without it.
        result = subprocess.run(
            [sys.executable, "-S", os.path.join(HERE, "moto_launcher.py")],
            capture_output=True,
            text=True,
            timeout=30,
        )
        self.assertEqual(moto_launcher.MOTO_MISSING_EXIT, result.returncode)
        self.assertIn("pip install 'moto[server]==5.2.1'", result.stderr)


if __name__ == "__main__":
    unittest.main()
