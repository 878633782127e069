package io.sfncallback.testkit;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.util.function.LongSupplier;

/** A Lambda context with a controllable clock and a capturing logger. */
public final class TestContext implements Context {

    private final LongSupplier remainingMillis;
    private final CapturingLogger logger;
    private final String requestId;

    public TestContext(LongSupplier remainingMillis, CapturingLogger logger) {
        this(remainingMillis, logger, "req-1");
    }

    public TestContext(LongSupplier remainingMillis, CapturingLogger logger, String requestId) {
        this.remainingMillis = remainingMillis;
        this.logger = logger;
        this.requestId = requestId;
    }

    /** A context with plenty of time left. */
    public static TestContext relaxed(CapturingLogger logger) {
        return new TestContext(() -> 600_000, logger);
    }

    /** A context whose deadline is {@code budgetMillis} from now. */
    public static TestContext withBudget(long budgetMillis, CapturingLogger logger) {
        long end = System.nanoTime() / 1_000_000 + budgetMillis;
        return new TestContext(() -> end - System.nanoTime() / 1_000_000, logger);
    }

    @Override
    public String getAwsRequestId() {
        return requestId;
    }

    @Override
    public String getLogGroupName() {
        return "/aws/lambda/test";
    }

    @Override
    public String getLogStreamName() {
        return "test";
    }

    @Override
    public String getFunctionName() {
        return "test";
    }

    @Override
    public String getFunctionVersion() {
        return "1";
    }

    @Override
    public String getInvokedFunctionArn() {
        return "arn:aws:lambda:us-east-1:123456789012:function:test:live";
    }

    @Override
    public CognitoIdentity getIdentity() {
        return null;
    }

    @Override
    public ClientContext getClientContext() {
        return null;
    }

    @Override
    public int getRemainingTimeInMillis() {
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, remainingMillis.getAsLong()));
    }

    @Override
    public int getMemoryLimitInMB() {
        return 1024;
    }

    @Override
    public LambdaLogger getLogger() {
        return logger;
    }
}
