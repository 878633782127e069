package io.sfncallback.local.api;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** State machine and execution ARNs of the local account and region. */
public record Arns(String partition, String region, String accountId) {

    private static final Pattern NAME = Pattern.compile("[^\\s<>{}\\[\\]?*\"#%\\\\^|~`$&,;:/\\x00-\\x1F\\x7F-\\x9F]{1,80}");

    /**
     * Names of state machines and executions: 1 to 80 characters, none of white space, brackets, wildcards,
     * {@code " # % \ ^ | ~ ` $ & , ; : /} or control characters (StartExecution API reference).
     */
    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    public String stateMachine(String name) {
        return prefix() + "stateMachine:" + name;
    }

    public String execution(String stateMachineName, String executionName) {
        return prefix() + "execution:" + stateMachineName + ":" + executionName;
    }

    /** The state machine name in a state machine ARN of this account and region. */
    public Optional<String> stateMachineName(String arn) {
        return match(arn, "stateMachine:([^:]+)");
    }

    /** The state machine ARN an execution ARN belongs to. */
    public Optional<String> stateMachineOfExecution(String arn) {
        return match(arn, "execution:([^:]+):[^:]+").map(this::stateMachine);
    }

    public boolean looksLikeStatesArn(String arn) {
        return arn.startsWith("arn:") && arn.split(":", -1).length >= 7 && arn.split(":")[2].equals("states");
    }

    private Optional<String> match(String arn, String resource) {
        Matcher matcher = Pattern.compile(Pattern.quote(prefix()) + resource).matcher(arn);
        return matcher.matches() ? Optional.of(matcher.group(1)) : Optional.empty();
    }

    private String prefix() {
        return "arn:" + partition + ":states:" + region + ":" + accountId + ":";
    }
}
