package io.sfncallback.local.esm;

import java.nio.file.Path;
import java.util.Map;

/**
 * The simulated Lambda function: the shaded jar, its handler class, the environment Terraform would give it,
 * its timeout and memory size.
 */
public record FunctionSettings(Path jar, String handlerClass, String functionName, Map<String, String> environment,
        int timeoutSeconds, int memorySizeMb, String region, String accountId) {

    public FunctionSettings {
        environment = Map.copyOf(environment);
    }

    public String functionArn() {
        return "arn:aws:lambda:" + region + ":" + accountId + ":function:" + functionName;
    }
}
