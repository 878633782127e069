package io.sfncallback.core.logging;

import com.amazonaws.services.lambda.runtime.LambdaLogger;

/** A Lambda logger that drops everything, for work whose lines nobody should see (priming). */
public enum DiscardingLogger implements LambdaLogger {
    INSTANCE;

    @Override
    public void log(String message) {
    }

    @Override
    public void log(byte[] message) {
    }
}
