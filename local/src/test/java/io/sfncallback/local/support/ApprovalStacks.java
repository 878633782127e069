package io.sfncallback.local.support;

import io.sfncallback.local.LocalStack;
import io.sfncallback.local.config.LocalStackConfig;
import io.sfncallback.local.config.TerraformDefaults;
import java.util.List;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * Local stacks with the real worker jar for the approval tests, started on first use and shared by every test class
 * of the run (JUnit's root store closes them when the run ends): starting one costs seconds on a busy machine.
 * Register with {@code @RegisterExtension static ApprovalStacks stacks = new ApprovalStacks();}.
 */
public final class ApprovalStacks implements BeforeAllCallback {

    /** The stacks' shapes. */
    public enum Kind {
        /** Two approvers, a generous approval timeout. */
        TWO_APPROVERS("approval", List.of("alice@example.com", "bob@example.com"), 600),
        /** One approver and a short approval timeout, for expiry. */
        SHORT_TIMEOUT("approval-expiry", List.of("alice@example.com"), SHORT_APPROVAL_TIMEOUT_SECONDS),
        /** No approvers, as Terraform's default. */
        NO_APPROVERS("approval-none", List.of(), 600);

        final String namePrefix;
        final List<String> approvers;
        final int approvalTimeoutSeconds;

        Kind(String namePrefix, List<String> approvers, int approvalTimeoutSeconds) {
            this.namePrefix = namePrefix;
            this.approvers = approvers;
            this.approvalTimeoutSeconds = approvalTimeoutSeconds;
        }
    }

    /** The approval timeout of {@link Kind#SHORT_TIMEOUT}: short, as only timeout tests are. */
    public static final int SHORT_APPROVAL_TIMEOUT_SECONDS = 6;

    /** A running stack, its log and a Step Functions client. */
    public record Running(LocalStack stack, CapturingLog log, SfnClient sfn) implements AutoCloseable {
        @Override
        public void close() {
            sfn.close();
            stack.close();
        }
    }

    private ExtensionContext.Store store;

    @Override
    public void beforeAll(ExtensionContext context) {
        store = context.getRoot().getStore(ExtensionContext.Namespace.create(ApprovalStacks.class));
    }

    /** The stack of {@code kind}, started now if no test started it yet. */
    public Running get(Kind kind) {
        return store.getOrComputeIfAbsent(kind, k -> start(kind), Running.class);
    }

    private static Running start(Kind kind) {
        LocalStackConfig.Builder config = LocalStackConfig.builder(TerraformDefaults.load(), Definitions.repoRoot());
        config.sfnPort = 0;
        config.sqsPort = 0;
        config.approvalPort = 0;
        config.workerJar = FunctionJars.worker();
        config.approvalJar = FunctionJars.approval();
        config.approvalEnabled = true;
        config.namePrefix = kind.namePrefix;
        config.approverEmails = kind.approvers;
        config.approvalTimeoutSeconds = kind.approvalTimeoutSeconds;
        // Success paths: generous heartbeat timing, as in CallbackLoopIT.
        config.lambdaTimeoutSeconds = 40;
        config.taskHeartbeatSeconds = 10;
        config.taskTimeoutSeconds = 60;
        config.heartbeatIntervalSeconds = 1;
        config.retryDelaySeconds = 1;
        config.pollWaitSeconds = 1;
        CapturingLog log = new CapturingLog();
        try {
            LocalStack stack = LocalStack.start(config.build(), log,
                    message -> System.out.println("[stack " + kind + "] " + message));
            return new Running(stack, log, SfnClients.local(stack.sfnEndpoint()));
        } catch (Exception e) {
            throw new IllegalStateException("the " + kind + " stack did not start: " + e, e);
        }
    }
}
