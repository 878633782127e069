package io.sfncallback.approval.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sfncallback.core.config.ConfigException;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ApprovalConfigTest {

    static Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>(Map.of("APPROVALS_TABLE", "sfn-callback-approvals"));
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    @Test
    void defaults() {
        ApprovalConfig config = ApprovalConfig.fromEnvironment(env());

        assertThat(config.approvers()).isEmpty();
        assertThat(config.timeout()).isEqualTo(Duration.ofDays(1));
        assertThat(config.retention()).isEqualTo(Duration.ofDays(30));
        assertThat(config.pageOrigin()).isNull();
        assertThat(config.dynamodbEndpoint()).isNull();
    }

    @Test
    void everySettingIsRead() {
        ApprovalConfig config = ApprovalConfig.fromEnvironment(env(
                "APPROVAL_TOPIC_ARN", "arn:aws:sns:eu-west-1:123456789012:approvals",
                "APPROVER_EMAILS", "[\"Alice.Smith+ops@example.com\", \"bob@sub.example.co.uk\"]",
                "APPROVAL_BASE_URL", "https://abc.execute-api.eu-west-1.amazonaws.com/",
                "APPROVAL_TIMEOUT_SECONDS", "600",
                "APPROVAL_PAGE_ORIGIN", "HTTP://127.0.0.1:8085",
                "AWS_ENDPOINT_URL", "http://127.0.0.1:9000",
                "AWS_ENDPOINT_URL_SNS", "http://127.0.0.1:9001"));

        assertThat(config.requireRequestSettings()).isSameAs(config);
        assertThat(config.approvers()).containsExactly("Alice.Smith+ops@example.com", "bob@sub.example.co.uk");
        assertThat(config.baseUrl()).isEqualTo("https://abc.execute-api.eu-west-1.amazonaws.com");
        assertThat(config.timeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(config.pageOrigin()).isEqualTo("http://127.0.0.1:8085");
        assertThat(config.dynamodbEndpoint()).isEqualTo(URI.create("http://127.0.0.1:9000"));
        assertThat(config.sfnEndpoint()).isEqualTo(URI.create("http://127.0.0.1:9000"));
        assertThat(config.snsEndpoint()).isEqualTo(URI.create("http://127.0.0.1:9001"));
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "APPROVALS_TABLE            | a                          | is not a DynamoDB table name",
            "APPROVAL_TOPIC_ARN         | approvals                  | is not an SNS topic ARN",
            "APPROVER_EMAILS            | a@example.com              | is not a JSON array",
            "APPROVER_EMAILS            | {\"a\":1}                  | is not a JSON array",
            "APPROVER_EMAILS            | [1]                        | must hold only strings",
            "APPROVER_EMAILS            | [\"not-an-address\"]       | not an e-mail address",
            "APPROVER_EMAILS            | [\"a@localhost\"]          | not an e-mail address",
            "APPROVER_EMAILS            | [\"a b@example.com\"]      | not an e-mail address",
            "APPROVER_EMAILS            | [\"a\\\"@example.com\"]    | not an e-mail address",
            "APPROVER_EMAILS            | [\"a@x.io\",\"A@X.io\"]    | twice",
            "APPROVAL_BASE_URL          | ftp://example.com          | is not an http(s) URL",
            "APPROVAL_BASE_URL          | https://example.com/?a=1   | must not have a query",
            "APPROVAL_TIMEOUT_SECONDS   | 0                          | must be between 1 and 31536000",
            "APPROVAL_TIMEOUT_SECONDS   | 1d                         | is not a whole number",
            "APPROVAL_PAGE_ORIGIN       | http://127.0.0.1:8085/x    | must be an origin only",
            "AWS_ENDPOINT_URL_DYNAMODB  | localhost:8000             | is not an http(s) URL",
    })
    void aBadValueFailsNamingTheVariable(String variable, String value, String problem) {
        assertThatThrownBy(() -> ApprovalConfig.fromEnvironment(env(variable, value)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(variable)
                .hasMessageContaining(problem)
                .extracting(e -> ((ConfigException) e).variable()).isEqualTo(variable);
    }

    @Test
    void theTableIsRequiredAndTheRequestHandlerNeedsTopicAndBaseUrl() {
        assertThatThrownBy(() -> ApprovalConfig.fromEnvironment(Map.of())).hasMessageStartingWith("APPROVALS_TABLE");
        assertThatThrownBy(() -> ApprovalConfig.fromEnvironment(env()).requireRequestSettings()).hasMessageStartingWith("APPROVAL_TOPIC_ARN");
        assertThatThrownBy(() -> ApprovalConfig.fromEnvironment(env("APPROVAL_TOPIC_ARN", "arn:aws:sns:us-east-1:123456789012:t"))
                .requireRequestSettings()).hasMessageStartingWith("APPROVAL_BASE_URL");
    }

    @Test
    void tooManyApproversAreRefused() {
        StringBuilder many = new StringBuilder("[");
        for (int i = 0; i <= ApprovalConfig.MAX_APPROVERS; i++) {
            many.append(i == 0 ? "" : ",").append("\"a").append(i).append("@example.com\"");
        }
        assertThatThrownBy(() -> ApprovalConfig.fromEnvironment(env("APPROVER_EMAILS", many + "]")))
                .hasMessageContaining("at most " + ApprovalConfig.MAX_APPROVERS);
        assertThat(ApprovalConfig.approvers("[]")).isEqualTo(List.of());
    }
}
