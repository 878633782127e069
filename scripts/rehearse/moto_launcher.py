#!/usr/bin/env python3
"""Starts moto's AWS API emulator on 127.0.0.1 for a rehearsal of the real Terraform.

moto answers several calls the AWS provider makes differently from AWS, which either stops an
apply (HTTP 500, a waiter that never sees its value) or makes a second plan non-empty. Each such
defect is worked around here, in this file only, by one class named after the defect; its
docstring says what AWS does instead and where AWS documents it. The tests
(test_moto_launcher.py) show each defect on stock moto and the fixed behaviour here.

Usage: moto_launcher.py [--port N] [--without NAME]... [--stock] [--list]
Prints one line "ready http://127.0.0.1:PORT" when the server answers and the emulator is
configured (Step Functions executions interpreted, Lambda without Docker), then serves until
SIGTERM/SIGINT. Exit code 3 when moto is not installed.
"""

import argparse
import copy
import json
import os
import signal
import sys
import threading
import urllib.error
import urllib.request
import uuid

MOTO_MISSING_EXIT = 3

# Sent before anything is created: moto reads it when a backend first answers.
EMULATOR_CONFIG = {
    "stepfunctions": {"execute_state_machine": True},
    "lambda": {"use_docker": False},
}


def _wrap(owner, name, make):
    """Replaces owner.name by make(original); the original stays reachable for the new one."""
    original = getattr(owner, name)
    setattr(owner, name, make(original))


class Workaround:
    """A moto defect and its fix; apply() patches moto in this process."""

    @classmethod
    def name(cls):
        return cls.__name__

    @staticmethod
    def apply():
        raise NotImplementedError


# ---------------------------------------------------------------------------------------------
# Step Functions
# ---------------------------------------------------------------------------------------------


class ValidateStateMachineDefinitionNotImplemented(Workaround):
    """moto answers ValidateStateMachineDefinition with HTTP 500 (not implemented); the provider
    calls it before it creates or updates a state machine and retries the 500 for minutes.

    AWS: "Validates the syntax of a state machine definition ... returns result OK or FAIL with
    diagnostics" (https://docs.aws.amazon.com/step-functions/latest/apireference/API_ValidateStateMachineDefinition.html).
    Here: moto's own ASL parser (the one CreateStateMachine uses) decides OK or FAIL, so a
    definition moto would refuse to create is reported as AWS reports a bad one.
    """

    @staticmethod
    def apply():
        from moto.core.responses import ActionResult
        from moto.stepfunctions.parser.asl.parse.asl_parser import AmazonStateLanguageParser
        from moto.stepfunctions.responses import StepFunctionResponse

        def validate_state_machine_definition(self):
            definition = self._get_param("definition")
            try:
                AmazonStateLanguageParser.parse(definition)
            except Exception as error:  # the parser raises several kinds; each is a FAIL
                message = f"{type(error).__name__}: {error}"[:1000]
                diagnostic = {"severity": "ERROR", "code": "SCHEMA_VALIDATION_FAILED", "message": message}
                return ActionResult({"result": "FAIL", "diagnostics": [diagnostic], "truncated": False})
            return ActionResult({"result": "OK", "diagnostics": [], "truncated": False})

        StepFunctionResponse.validate_state_machine_definition = validate_state_machine_definition


class ListStateMachineVersionsNotImplemented(Workaround):
    """moto answers ListStateMachineVersions with HTTP 500 (not implemented); the provider reads
    the versions of every state machine it refreshes.

    AWS: "Lists versions for the specified state machine Amazon Resource Name (ARN). The results
    are sorted in descending order of the version creation time."
    (https://docs.aws.amazon.com/step-functions/latest/apireference/API_ListStateMachineVersions.html).
    Here: the versions moto keeps for the state machine (publish = true), newest first.
    """

    @staticmethod
    def apply():
        from moto.core.responses import ActionResult
        from moto.stepfunctions.responses import StepFunctionResponse

        def list_state_machine_versions(self):
            arn = self._get_param("stateMachineArn")
            state_machine = self.stepfunction_backend.describe_state_machine(arn)
            versions = sorted(
                getattr(state_machine, "versions", {}).values(),
                key=lambda version: version.creation_date,
                reverse=True,
            )
            return ActionResult(
                {
                    "stateMachineVersions": [
                        {"stateMachineVersionArn": version.arn, "creationDate": version.creation_date}
                        for version in versions
                    ]
                }
            )

        StepFunctionResponse.list_state_machine_versions = list_state_machine_versions


class StartExecutionDeepcopiesEarlierExecutions(Workaround):
    """moto's interpreter deep-copies the state machine for each StartExecution, and the state
    machine holds a reference to the whole backend: every state machine and every earlier
    execution, whose worker threads hold RLocks. Every StartExecution after the emulator's first
    answers HTTP 500 ("cannot pickle '_thread.RLock' object").

    AWS: StartExecution starts an execution whatever ran before; only a name reused with a
    different input is refused (ExecutionAlreadyExists)
    (https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html).
    Here: the copy an execution runs on copies the state machine's own settings and shares the
    backend, versions and aliases; it starts with no executions (it never reads them).
    """

    SHARED = ("backend", "versions", "aliases", "latest_version")

    @staticmethod
    def apply():
        from moto.stepfunctions.models import StateMachine

        def __deepcopy__(self, memo):
            clone = self.__class__.__new__(self.__class__)
            memo[id(self)] = clone
            for key, value in self.__dict__.items():
                if key == "executions":
                    value = []
                elif key not in StartExecutionDeepcopiesEarlierExecutions.SHARED:
                    value = copy.deepcopy(value, memo)
                setattr(clone, key, value)
            return clone

        StateMachine.__deepcopy__ = __deepcopy__


class UnnamedExecutionArnEndsInNone(Workaround):
    """moto's interpreter names an execution started without a name "None": its ARN ends in
    ":None", and a second unnamed execution collides with the first.

    AWS: "If you don't provide a name for the execution, Step Functions automatically generates a
    universally unique identifier (UUID) as the execution name"
    (https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html).
    """

    @staticmethod
    def apply():
        from moto.stepfunctions.parser.models import StepFunctionsParserBackend

        def make(original):
            def start_execution(self, state_machine_arn, name=None, execution_input=None, trace_header=None):
                return original(self, state_machine_arn, name or str(uuid.uuid4()), execution_input, trace_header)

            return start_execution

        _wrap(StepFunctionsParserBackend, "start_execution", make)


class SendTaskFailureDropsCause(Workaround):
    """moto passes SendTaskFailure's error but not its cause to the waiting task, so the
    execution fails without the cause the worker reported.

    AWS: SendTaskFailure takes "cause: A more detailed explanation of the cause of the failure",
    which the task's failure carries (and a Catch's ResultPath receives as Cause)
    (https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskFailure.html).
    """

    @staticmethod
    def apply():
        from moto.core.responses import EmptyResult
        from moto.stepfunctions.responses import StepFunctionResponse

        def send_task_failure(self):
            self.stepfunction_backend.send_task_failure(
                self._get_param("taskToken"), error=self._get_param("error"), cause=self._get_param("cause")
            )
            return EmptyResult()

        StepFunctionResponse.send_task_failure = send_task_failure


# ---------------------------------------------------------------------------------------------
# SQS
# ---------------------------------------------------------------------------------------------


class RedriveAllowPolicyNotReturned(Workaround):
    """moto stores a queue's RedriveAllowPolicy but GetQueueAttributes never returns it (and
    refuses it as an attribute name); the provider's aws_sqs_queue_redrive_allow_policy waits for
    the value it set until its timeout, then fails.

    AWS: RedriveAllowPolicy is one of the queue attributes GetQueueAttributes takes and returns
    (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_GetQueueAttributes.html;
    QueueAttributeName.RedriveAllowPolicy in the AWS SDKs).
    """

    @staticmethod
    def apply():
        from moto.sqs.models import Queue

        Queue.redrive_allow_policy = None  # class default: instances set it through SetQueueAttributes
        if "RedriveAllowPolicy" not in Queue.BASE_ATTRIBUTES:
            Queue.BASE_ATTRIBUTES = [*Queue.BASE_ATTRIBUTES, "RedriveAllowPolicy"]

        def make(original):
            def attributes(self):
                result = original.fget(self)
                if not self.redrive_allow_policy:  # "" removes it (the provider's delete)
                    result.pop("RedriveAllowPolicy", None)
                return result

            return property(attributes)

        _wrap(Queue, "attributes", make)


class RedrivePolicyReformatted(Workaround):
    """moto parses a queue's RedrivePolicy and returns it re-serialised with spaces
    ('{"deadLetterTargetArn": "...", "maxReceiveCount": 5}'); the provider compares what it reads
    with the configured policy in compact form, so every plan shows a "whitespace changes" update
    of the queue, and everything that reads the queue (policy documents, the worker's role
    policy) becomes unknown and is updated too.

    AWS returns the policy in the compact form the provider writes: the provider normalises the
    configured redrive_policy (queue.go: StateFunc structure.NormalizeJsonString) and stores what
    GetQueueAttributes returns as is (attrmap.APIAttributesToResourceData), and its acceptance test
    TestAccSQSQueue_redrivePolicy, run against AWS, requires an empty plan after the apply
    (hashicorp/terraform-provider-aws internal/service/sqs/queue.go, queue_test.go).
    """

    @staticmethod
    def apply():
        from moto.sqs.models import Queue

        def make(original):
            def attributes(self):
                result = original.fget(self)
                if self.redrive_policy:
                    result["RedrivePolicy"] = json.dumps(self.redrive_policy, separators=(",", ":"))
                return result

            return property(attributes)

        _wrap(Queue, "attributes", make)


class SetQueueAttributesErasesPolicy(Workaround):
    """moto's SetQueueAttributes resets the queue's Policy whenever the request does not name it,
    so setting the redrive allow policy (or any other attribute) silently deletes the queue
    policy, and the next plan wants to put it back.

    AWS changes only the attributes a SetQueueAttributes request names
    (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html:
    "Sets the value of one or more queue attributes").
    """

    @staticmethod
    def apply():
        from moto.sqs.models import Queue

        def make(original):
            def _set_attributes(self, attributes, now=None):
                kept = getattr(self, "_policy_json", None)
                original(self, attributes, now)
                if "Policy" not in attributes and kept is not None:
                    self._policy_json = kept

            return _set_attributes

        _wrap(Queue, "_set_attributes", make)


class SqsRunsEventSourceMappings(Workaround):
    """moto's SQS, on every SendMessage, hands the new messages to each event source mapping's
    function itself; without Docker it runs no code and deletes the messages as if a function had
    succeeded, so nobody else can ever receive them. The rehearsal hosts the real functions
    elsewhere, polling the queue as Lambda's pollers do.

    AWS: the mapping's pollers receive from the queue and delete a batch only after the function
    processed it (https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html); a message stays in
    the queue, receivable, until something processes it.
    Here: moto's mappings are stored and returned, never run.
    """

    @staticmethod
    def apply():
        from moto.sqs.models import Queue

        class StoredMappings(dict):
            """The queue's mappings, kept for the API but hidden from add_message's loop."""

            def items(self):
                return iter(())

        def make(original):
            def __init__(self, *args, **kwargs):
                original(self, *args, **kwargs)
                self.lambda_event_source_mappings = StoredMappings()

            return __init__

        _wrap(Queue, "__init__", make)


# ---------------------------------------------------------------------------------------------
# Lambda
# ---------------------------------------------------------------------------------------------


class LambdaInvokeRunsNoCode(Workaround):
    """moto without Docker runs no function code: a synchronous Invoke answers with the event it
    was given, for any function name, existing or not, so a Step Functions task that invokes the
    approval-request function "succeeds" without storing, mailing or waiting for anything.

    AWS: Invoke runs the function and returns its response, or its error payload with
    X-Amz-Function-Error (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html).
    Here: once told where (POST /rehearse/lambda-invoke-forward {"url": "http://127.0.0.1:PORT"}),
    Invoke of any function is forwarded to that Lambda-Invoke-shaped endpoint, where the host
    mode of scripts/local-run.sh runs the real handler; a function the endpoint does not host
    (404) falls back to moto's answer, and so does every Invoke while no URL is set.
    """

    forward_url = None

    @staticmethod
    def apply():
        # With use_docker false, moto serves Lambda from this subclass (moto.awslambda.utils.get_backend).
        from moto.awslambda_simple.models import LambdaSimpleBackend

        def make(original):
            def invoke(self, function_name, qualifier, body, headers, response_headers):
                url = LambdaInvokeRunsNoCode.forward_url
                if url is None:
                    return original(self, function_name, qualifier, body, headers, response_headers)
                fn = self.get_function(function_name, qualifier)  # moto's 404 for an unknown function
                data = body if isinstance(body, bytes) else (body or "{}").encode()
                request = urllib.request.Request(
                    f"{url}/2015-03-31/functions/{fn.function_name}/invocations",
                    data=data,
                    headers={"Content-Type": "application/json"},
                    method="POST",
                )
                try:
                    with urllib.request.urlopen(request, timeout=60) as response:
                        payload = response.read()
                        function_error = response.headers.get("X-Amz-Function-Error")
                except urllib.error.HTTPError as error:
                    if error.code == 404:  # not hosted there: moto's own answer
                        return original(self, function_name, qualifier, body, headers, response_headers)
                    raise
                if function_error:
                    response_headers["x-amz-function-error"] = function_error
                response_headers["Content-Length"] = str(len(payload))
                return payload

            return invoke

        _wrap(LambdaSimpleBackend, "invoke", make)




class LambdaLoggingConfigNotReturned(Workaround):
    """moto ignores a function's LoggingConfig: GetFunction returns none, so every plan wants
    to set log_format, log_group and the log levels again.

    AWS returns the function's LoggingConfig (LogFormat, LogGroup, and for JSON the
    ApplicationLogLevel and SystemLogLevel, INFO unless set); without one, Text and the default
    group /aws/lambda/<name>
    (https://docs.aws.amazon.com/lambda/latest/api/API_LoggingConfig.html,
    https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-log-level.html: "The default application log level ... is INFO", "By default, Lambda sets the system log level to INFO").
    """

    @staticmethod
    def apply():
        from moto.awslambda.models import LambdaFunction

        def given(self, spec):
            config = {"LogFormat": "Text", "LogGroup": f"/aws/lambda/{self.function_name}"}
            config.update(getattr(self, "_logging_config", None) or {})
            config.update(spec or {})
            if config["LogFormat"] == "JSON":
                config.setdefault("ApplicationLogLevel", "INFO")
                config.setdefault("SystemLogLevel", "INFO")
            else:
                config.pop("ApplicationLogLevel", None)
                config.pop("SystemLogLevel", None)
            return config

        def make_init(original):
            def __init__(self, account_id, spec, region, version=1):
                original(self, account_id, spec, region, version)
                self._logging_config = given(self, spec.get("LoggingConfig"))

            return __init__

        def make_update(original):
            def update_configuration(self, config_updates):
                if "LoggingConfig" in config_updates:
                    self._logging_config = given(self, config_updates["LoggingConfig"])
                return original(self, config_updates)

            return update_configuration

        def make_get(original):
            def get_configuration(self, on_create=False):
                config = original(self, on_create)
                config["LoggingConfig"] = dict(self._logging_config)
                return config

            return get_configuration

        _wrap(LambdaFunction, "__init__", make_init)
        _wrap(LambdaFunction, "update_configuration", make_update)
        _wrap(LambdaFunction, "get_configuration", make_get)


class LambdaSnapStartNotReturned(Workaround):
    """moto ignores a function's SnapStart setting: GetFunction always answers ApplyOn None, so
    every plan wants to turn SnapStart on again.

    AWS returns the SnapStart setting as given: ApplyOn PublishedVersions, with
    OptimizationStatus On for a published version and Off for $LATEST, which SnapStart does not
    snapshot (https://docs.aws.amazon.com/lambda/latest/api/API_SnapStartResponse.html,
    https://docs.aws.amazon.com/lambda/latest/dg/snapstart-activate.html).
    """

    @staticmethod
    def apply():
        from moto.awslambda.models import LambdaFunction

        def make_init(original):
            def __init__(self, account_id, spec, region, version=1):
                original(self, account_id, spec, region, version)
                self._snap_start_apply_on = (spec.get("SnapStart") or {}).get("ApplyOn", "None")

            return __init__

        def make_update(original):
            def update_configuration(self, config_updates):
                if "SnapStart" in config_updates:
                    self._snap_start_apply_on = (config_updates["SnapStart"] or {}).get("ApplyOn", "None")
                return original(self, config_updates)

            return update_configuration

        def make_get(original):
            def get_configuration(self, on_create=False):
                config = original(self, on_create)
                apply_on = self._snap_start_apply_on
                published = str(self.version) != "$LATEST"
                config["SnapStart"] = {
                    "ApplyOn": apply_on,
                    "OptimizationStatus": "On" if apply_on == "PublishedVersions" and published else "Off",
                }
                return config

            return get_configuration

        _wrap(LambdaFunction, "__init__", make_init)
        _wrap(LambdaFunction, "update_configuration", make_update)
        _wrap(LambdaFunction, "get_configuration", make_get)


class EventSourceMappingDropsAliasArn(Workaround):
    """moto records an event source mapping's function as the unqualified function ARN even when
    it was created (or updated) with an alias ARN, so every plan wants to point the mapping at
    the alias again.

    AWS returns the FunctionArn of the version or alias the mapping invokes: "FunctionName ...
    Version or Alias ARN" (https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html,
    https://docs.aws.amazon.com/lambda/latest/api/API_EventSourceMappingConfiguration.html).
    """

    @staticmethod
    def apply():
        from moto.awslambda.models import LambdaBackend

        def qualified(function_name, function_arn):
            """The function's ARN with the qualifier the caller named (alias or version), if any.

            function_name is what the caller gave: a name, a name:qualifier, or an ARN with or
            without a qualifier; function_arn is moto's (unqualified or version) ARN for it.
            """
            name_and_qualifier = function_name.split(":function:")[-1]
            if ":" not in name_and_qualifier:
                return function_arn
            prefix = function_arn.split(":function:")[0]
            return f"{prefix}:function:{name_and_qualifier}"

        def make_create(original):
            def create_event_source_mapping(self, spec):
                esm = original(self, spec)
                esm.function_arn = qualified(spec["FunctionName"], esm.function_arn)
                return esm

            return create_event_source_mapping

        def make_update(original):
            def update_event_source_mapping(self, uuid_, spec):
                esm = original(self, uuid_, spec)
                if esm is not None and spec.get("FunctionName"):
                    esm.function_arn = qualified(spec["FunctionName"], esm.function_arn)
                return esm

            return update_event_source_mapping

        _wrap(LambdaBackend, "create_event_source_mapping", make_create)
        _wrap(LambdaBackend, "update_event_source_mapping", make_update)


WORKAROUNDS = [
    ValidateStateMachineDefinitionNotImplemented,
    ListStateMachineVersionsNotImplemented,
    StartExecutionDeepcopiesEarlierExecutions,
    UnnamedExecutionArnEndsInNone,
    SendTaskFailureDropsCause,
    RedriveAllowPolicyNotReturned,
    RedrivePolicyReformatted,
    SetQueueAttributesErasesPolicy,
    SqsRunsEventSourceMappings,
    LambdaLoggingConfigNotReturned,
    LambdaSnapStartNotReturned,
    EventSourceMappingDropsAliasArn,
    LambdaInvokeRunsNoCode,
]


def rehearsal_routes(app, forwarding):
    """WSGI middleware with the rehearsal's own routes, beside moto's:
    POST /rehearse/lambda-invoke-forward {"url": ...} sets (null clears) LambdaInvokeRunsNoCode's
    target, when that workaround is on; GET /rehearse/sns-published lists every message published
    to an SNS topic ([{topicArn, subject, message}]), the rehearsal's stand-in for the approvers'
    mailbox (moto's /moto-api/data.json fails once a Lambda function exists: it reads every
    attribute of every model, one of which asks Docker).
    """

    def answer(start_response, status, body=b""):
        start_response(status, [("Content-Type", "application/json")] if body else [])
        return [body]

    def middleware(environ, start_response):
        path, method = environ.get("PATH_INFO"), environ.get("REQUEST_METHOD")
        if path == "/rehearse/lambda-invoke-forward" and method == "POST" and forwarding:
            length = int(environ.get("CONTENT_LENGTH") or 0)
            LambdaInvokeRunsNoCode.forward_url = json.loads(environ["wsgi.input"].read(length) or b"{}").get("url")
            return answer(start_response, "204 No Content")
        if path == "/rehearse/sns-published" and method == "GET":
            from moto.sns.models import sns_backends

            published = []
            for account, regions in sns_backends.items():
                for region, backend in regions.items():
                    for arn, topic in backend.topics.items():
                        for _, message, subject, _, _ in topic.sent_notifications:
                            published.append({"topicArn": arn, "subject": subject, "message": message})
            return answer(start_response, "200 OK", json.dumps(published).encode())
        return app(environ, start_response)

    return middleware


def configure(endpoint):
    """POST /moto-api/config: executions interpreted, Lambda without Docker."""
    request = urllib.request.Request(
        f"{endpoint}/moto-api/config",
        data=json.dumps(EMULATOR_CONFIG).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        if response.status >= 300:
            raise RuntimeError(f"POST /moto-api/config answered {response.status}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--without", action="append", default=[], metavar="NAME", help="leave one workaround out (repeatable)")
    parser.add_argument("--stock", action="store_true", help="no workarounds: moto as installed")
    parser.add_argument("--list", action="store_true", help="list the workarounds and exit")
    args = parser.parse_args(argv)

    names = [workaround.name() for workaround in WORKAROUNDS]
    if args.list:
        print("\n".join(names))
        return 0
    unknown = sorted(set(args.without) - set(names))
    if unknown:
        parser.error(f"unknown workaround(s) {', '.join(unknown)}; known: {', '.join(names)}")

    try:
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
        from werkzeug.serving import make_server
    except ImportError as error:
        print(
            f"moto_launcher: moto's server is not importable ({error}). Install it: "
            "python3 -m pip install 'moto[server]==5.2.1'",
            file=sys.stderr,
        )
        return MOTO_MISSING_EXIT

    if not args.stock:
        for workaround in WORKAROUNDS:
            if workaround.name() not in args.without:
                workaround.apply()

    app = rehearsal_routes(DomainDispatcherApplication(create_backend_app),
                           forwarding=not args.stock and LambdaInvokeRunsNoCode.name() not in args.without)
    server = make_server("127.0.0.1", args.port, app, threaded=True)
    endpoint = f"http://127.0.0.1:{server.server_port}"
    # The interpreter's service integrations (sqs:sendMessage.waitForTaskToken, lambda:invoke)
    # call back into this server at localhost:$MOTO_PORT, as moto's own moto_server sets it.
    os.environ["MOTO_PORT"] = str(server.server_port)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    configure(endpoint)

    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    print(f"ready {endpoint}", flush=True)
    stop.wait()
    server.shutdown()
    thread.join()
    return 0


if __name__ == "__main__":
    sys.exit(main())
