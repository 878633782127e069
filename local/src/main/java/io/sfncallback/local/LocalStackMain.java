package io.sfncallback.local;

import com.google.gson.JsonObject;
import io.sfncallback.local.config.CommandLine;
import io.sfncallback.local.config.PortCheck;
import io.sfncallback.local.config.TerraformDefaults;
import io.sfncallback.local.esm.LogSink;
import io.sfncallback.local.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * Entry point of {@code scripts/local-run.sh}: starts the stack, runs the demo execution, prints how to use the
 * endpoints with the AWS CLI and stays up until Ctrl-C (or, with {@code --once}, exits with the demo's status).
 */
public final class LocalStackMain {

    private LocalStackMain() {
    }

    public static void main(String[] args) throws Exception {
        // ElasticMQ logs through SLF4J; without a binding SLF4J would say so on every start.
        System.setProperty("slf4j.internal.verbosity", "ERROR");
        Path repoRoot = Path.of(System.getProperty("repo.root", ".")).toAbsolutePath().normalize();
        if (args.length > 0 && args[0].equals("--host-functions")) {
            // A deployed stack's functions against its endpoints, nothing else started (issue 16).
            io.sfncallback.local.host.HostMain.main(Arrays.asList(args).subList(1, args.length), repoRoot);
            return;
        }
        CommandLine commandLine;
        try {
            commandLine = CommandLine.parse(Arrays.asList(args), TerraformDefaults.load(), repoRoot);
        } catch (IllegalArgumentException e) {
            e.getMessage().lines().forEach(line -> System.err.println("local-run: " + line));
            System.err.println("local-run: scripts/local-run.sh --help-all lists every flag; the rules are Terraform's"
                    + " (variables.tf)");
            System.exit(2);
            return;
        }
        if (commandLine.help()) {
            System.out.print(CommandLine.USAGE);
            return;
        }
        Optional<String> busy = PortCheck.firstBusy(commandLine.config());
        if (busy.isPresent()) {
            System.err.println("local-run: " + busy.get());
            System.exit(2);
            return;
        }
        progress("state lives in memory only: stopping the stack forgets every execution, message and approval link");
        LocalStack stack;
        try {
            stack = LocalStack.start(commandLine.config(), LogSink.stdout(), LocalStackMain::progress);
        } catch (Exception e) {
            System.err.println("local-run: could not start the local stack: " + e);
            if (isPortInUse(e)) {
                System.err.println("local-run: a port is taken (another local stack?); choose others with"
                        + " --sfn-port / --sqs-port / --approval-port (0 = a free port).");
            }
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            progress("stopping");
            stack.close();
            stopped.countDown();
        }, "local-stack-shutdown"));
        if (commandLine.readyFile() != null) {
            writeReadyFile(commandLine.readyFile(), stack);
        }
        printEndpoints(stack);
        int exitCode = 0;
        if (commandLine.demo()) {
            try {
                exitCode = new DemoExecution(stack, LocalStackMain::progress).run(commandLine.demoInput());
            } catch (Exception e) {
                System.err.println("local-run: the demo execution could not run: " + e);
                exitCode = 1;
            }
        }
        if (commandLine.once()) {
            System.exit(exitCode);
        }
        printCliCommands(stack);
        progress("ready; press Ctrl-C to stop");
        stopped.await();
    }

    /** ElasticMQ (Pekko) wraps the BindException, so look at the whole chain and the messages. */
    private static boolean isPortInUse(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof java.net.BindException || String.valueOf(t.getMessage()).contains("Address already in use")) {
                return true;
            }
        }
        return false;
    }

    static void progress(String message) {
        System.out.println("[local-stack] " + message);
    }

    private static void writeReadyFile(Path file, LocalStack stack) throws IOException {
        JsonObject ready = new JsonObject();
        ready.addProperty("sfnEndpoint", stack.sfnEndpoint());
        ready.addProperty("sqsEndpoint", stack.sqsEndpoint());
        ready.addProperty("stateMachineArn", stack.stateMachineArn());
        ready.addProperty("queueUrl", stack.queues().tasksQueueUrl());
        ready.addProperty("dlqUrl", stack.queues().deadLetterQueueUrl());
        ready.addProperty("region", stack.config().region());
        ready.addProperty("approvalEnabled", stack.config().approvalEnabled());
        stack.approvalLoop().ifPresent(approval -> {
            ready.addProperty("outboxUrl", approval.outboxUrl());
            ready.addProperty("approvalEndpoint", approval.approvalEndpoint());
            ready.addProperty("approvalFunctionArn", stack.approvalFunctionArn());
            ready.addProperty("approvalTopicArn", approval.topicArn());
            ready.addProperty("dynamoDbEndpoint", approval.dynamoDbEndpoint());
            ready.addProperty("snsEndpoint", approval.snsEndpoint());
        });
        Path absolute = file.toAbsolutePath();
        Path temporary = absolute.resolveSibling(absolute.getFileName() + ".tmp");
        Files.writeString(temporary, Json.write(ready) + "\n");
        Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        progress("wrote " + absolute);
    }

    private static void printEndpoints(LocalStack stack) {
        System.out.println();
        System.out.println("  Step Functions endpoint : " + stack.sfnEndpoint());
        System.out.println("  SQS endpoint            : " + stack.sqsEndpoint());
        System.out.println("  state machine           : " + stack.stateMachineArn());
        System.out.println("  tasks queue             : " + stack.queues().tasksQueueUrl());
        System.out.println("  dead-letter queue       : " + stack.queues().deadLetterQueueUrl());
        stack.approvalLoop().ifPresentOrElse(approval -> {
            System.out.println("  approval e-mails outbox : " + approval.outboxUrl());
            System.out.println("  approval endpoint       : " + approval.approvalEndpoint() + "/approvals/{link}");
            System.out.println("  approvals table         : " + stack.config().approvalsTableName() + " (DynamoDB Local, "
                    + approval.dynamoDbEndpoint() + ")");
        }, () -> System.out.println("  approval                : off (--approval-enabled true turns it on)"));
        System.out.println();
    }

    private static void printCliCommands(LocalStack stack) {
        AwsCli.Choice cli = AwsCli.find();
        String sfn = cli.command() + " --endpoint-url " + stack.sfnEndpoint() + " stepfunctions";
        String sqs = cli.command() + " --endpoint-url " + stack.sqsEndpoint() + " sqs";
        String which = cli.confirmedV2() ? "Try it with the AWS CLI v2 (" + cli.command() + ")"
                : "Try it with the AWS CLI v2 (none was found here: install it; an AWS CLI v1 will not do)";
        System.out.println("""

                %s; any region and dummy credentials; always pass --endpoint-url:

                  export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_REGION=%s AWS_DEFAULT_REGION=%s
                  %s start-execution --state-machine-arn %s --input '{"mode":"slow","seconds":3}'
                  %s describe-execution --execution-arn <executionArn printed above>
                  %s get-execution-history --execution-arn <executionArn printed above>
                  %s list-executions --state-machine-arn %s
                  %s receive-message --queue-url %s --attribute-names All --max-number-of-messages 10

                Other demo inputs: {"mode":"reject"}, {"mode":"crash"}, {"mode":"hang","seconds":90},
                {"mode":"retry","succeedOnAttempt":2}: see docs/reference.md.

                """.formatted(which, stack.config().region(), stack.config().region(), sfn, stack.stateMachineArn(), sfn, sfn, sfn,
                stack.stateMachineArn(), sqs, stack.queues().deadLetterQueueUrl()));
        stack.approvalLoop().ifPresentOrElse(approval -> System.out.println("""
                        Human approval: start a run that asks for it, open the outbox, click the link, approve or reject:

                          %s start-execution --state-machine-arn %s \
                            --input '{"mode":"approval","summary":"Order 42: 3 laptops for EUR 4,200, requested by Sam"}'
                          open %s   (one e-mail per approver: %s)
                          %s describe-execution --execution-arn <executionArn>   (RUNNING until someone decides;
                            then SUCCEEDED with the decision at $.approval, or FAILED with Approval.Rejected;
                            Approval.Expired after %d s without a decision)
                        """.formatted(sfn, stack.stateMachineArn(), approval.outboxUrl(),
                        stack.config().approverEmails().isEmpty() ? "none configured, so the run fails"
                                + " at once with Approval.NoApprovers" : String.join(", ", stack.config().approverEmails()),
                        sfn, stack.config().approvalTimeoutSeconds())),
                () -> System.out.println("""
                        Human approval is off (Terraform's approval_enabled = false): a run whose processor asks for
                        approval fails at once with Approval.NotEnabled. Restart with --approval-enabled true to try it.
                        """));
    }
}
