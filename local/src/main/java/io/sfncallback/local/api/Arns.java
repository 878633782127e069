package io.sfncallback.local.api;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** State machine and execution ARNs of the local account and region. */
public record Arns(String partition, String region, String accountId) {

    private static final Pattern FORBIDDEN = Pattern.compile(
            "[\\p{IsWhite_Space}<>{}\\[\\]?*\"#%\\\\^|~`$&,;:/\\x{0000}-\\x{001F}\\x{007F}-\\x{009F}\\x{FFFE}\\x{FFFF}\\x{10FFFF}]");

    /**
     * Names of state machines and executions (StartExecution API reference): 1 to 80 characters, counted as code
     * points, none of them white space (any Unicode White_Space, not only ASCII), brackets {@code < > { } [ ]},
     * wildcards {@code ? *}, {@code " # % \ ^ | ~ ` $ & , ; : /}, control characters (U+0000-001F, U+007F-009F,
     * U+FFFE-FFFF), surrogates (U+D800-DFFF, i.e. a lone half of a pair) or U+10FFFF.
     */
    public static boolean isValidName(String name) {
        if (name == null || name.isEmpty()) {
            return false;
        }
        int length = 0;
        for (int i = 0; i < name.length(); ) {
            int codePoint = name.codePointAt(i);
            if (codePoint >= 0xD800 && codePoint <= 0xDFFF) {
                return false;
            }
            i += Character.charCount(codePoint);
            length++;
        }
        return length <= 80 && !FORBIDDEN.matcher(name).find();
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

    /**
     * Refuses what is not a Step Functions ARN of {@code resourceType} with InvalidArn, worded like AWS
     * ("Invalid Arn: 'Invalid ARN prefix: ...'", LocalStack parity snapshot test_sfn_api.snapshot.json,
     * test_describe_execution_invalid_arn, recorded against AWS 2024-03-08). A well-formed ARN of another account
     * or region is left to the caller: it names nothing here (…DoesNotExist).
     */
    public void requireStatesArn(String arn, String resourceType) throws ApiException {
        if (!arn.startsWith("arn:")) {
            throw new ApiException("InvalidArn", "Invalid Arn: 'Invalid ARN prefix: " + arn + "'");
        }
        String[] parts = arn.split(":", -1);
        boolean wellFormed = parts.length >= 7 && !parts[1].isEmpty() && parts[2].equals("states")
                && !parts[3].isEmpty() && parts[4].matches("\\d{12}") && parts[5].equals(resourceType)
                && java.util.Arrays.stream(parts, 6, parts.length).noneMatch(String::isEmpty)
                && parts.length == (resourceType.equals("execution") ? 8 : 7);
        if (!wellFormed) {
            throw new ApiException("InvalidArn", "Invalid Arn: 'Resource type not valid in this context: " + arn + "'");
        }
    }

    private Optional<String> match(String arn, String resource) {
        Matcher matcher = Pattern.compile(Pattern.quote(prefix()) + resource).matcher(arn);
        return matcher.matches() ? Optional.of(matcher.group(1)) : Optional.empty();
    }

    private String prefix() {
        return "arn:" + partition + ":states:" + region + ":" + accountId + ":";
    }
}
