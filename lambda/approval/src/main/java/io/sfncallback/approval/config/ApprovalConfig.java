package io.sfncallback.approval.config;

import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.sfncallback.core.config.ConfigException;
import io.sfncallback.core.config.EnvReader;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The approval handlers' settings, read once from environment variables when a function
 * initialises; a bad value throws {@link ConfigException} naming the variable, which fails the
 * init phase before any request is taken. Both handlers read the same variables; each checks that
 * the ones it needs are set ({@link #requireRequestSettings()}). The variables are listed in
 * {@code docs/approval.md}.
 *
 * @param table            the DynamoDB table of requests and links ({@code APPROVALS_TABLE})
 * @param topicArn         the SNS topic the e-mails go through, or {@code null} ({@code APPROVAL_TOPIC_ARN})
 * @param approvers        the approvers' e-mail addresses, possibly none ({@code APPROVER_EMAILS}, a JSON array)
 * @param baseUrl          the link base without a trailing slash, or {@code null} ({@code APPROVAL_BASE_URL})
 * @param timeout          how long a request waits for a decision ({@code APPROVAL_TIMEOUT_SECONDS})
 * @param retention        how long request and link items are kept after they expire ({@code APPROVAL_RETENTION_DAYS})
 * @param pageOrigin       the origin decision POSTs must come from, or {@code null} to take it from each
 *                         request's API Gateway domain name ({@code APPROVAL_PAGE_ORIGIN})
 * @param maxAttempts      attempts per AWS call, first one included ({@code AWS_MAX_ATTEMPTS}, default 3)
 * @param callTimeout      time limit of one AWS call, retries included ({@code AWS_CALL_TIMEOUT_MS})
 * @param logLevel         the lowest level that is logged ({@code AWS_LAMBDA_LOG_LEVEL})
 * @param region           the AWS region of the clients ({@code AWS_REGION})
 * @param dynamodbEndpoint DynamoDB endpoint override ({@code AWS_ENDPOINT_URL_DYNAMODB} / {@code AWS_ENDPOINT_URL})
 * @param snsEndpoint      SNS endpoint override ({@code AWS_ENDPOINT_URL_SNS} / {@code AWS_ENDPOINT_URL})
 * @param sfnEndpoint      Step Functions endpoint override ({@code AWS_ENDPOINT_URL_SFN} / {@code AWS_ENDPOINT_URL})
 */
public record ApprovalConfig(
        String table,
        String topicArn,
        List<String> approvers,
        String baseUrl,
        Duration timeout,
        Duration retention,
        String pageOrigin,
        int maxAttempts,
        Duration callTimeout,
        LogLevel logLevel,
        String region,
        URI dynamodbEndpoint,
        URI snsEndpoint,
        URI sfnEndpoint) {

    /** More than this many approvers is refused: each one is an SNS subscription filter policy (200 per topic by default). */
    public static final int MAX_APPROVERS = 100;
    /** Step Functions' longest execution, one year, bounds any task's {@code TimeoutSeconds}. */
    public static final int MAX_TIMEOUT_SECONDS = 31_536_000;
    /** RFC 5321's limit on a forward path, which is what an address must fit in. */
    static final int MAX_ADDRESS_LENGTH = 254;

    // Deliberately narrower than RFC 5322: no quoted local parts, comments or IP literals, nothing
    // an SNS filter policy would need escaped, and a dotted domain.
    private static final Pattern ADDRESS = Pattern.compile(
            "[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                    + "(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+");
    // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html
    private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z0-9_.-]{3,255}");
    private static final Pattern TOPIC_ARN = Pattern.compile("arn:aws[a-z-]*:sns:[a-z0-9-]+:\\d{12}:[A-Za-z0-9_-]{1,256}(\\.fifo)?");

    public ApprovalConfig {
        Objects.requireNonNull(table, "table");
        approvers = List.copyOf(approvers);
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(retention, "retention");
        Objects.requireNonNull(callTimeout, "callTimeout");
        Objects.requireNonNull(logLevel, "logLevel");
        Objects.requireNonNull(region, "region");
    }

    /**
     * Reads and validates every setting.
     *
     * @throws ConfigException naming the first variable with a bad value
     */
    public static ApprovalConfig fromEnvironment(Map<String, String> env) {
        EnvReader read = new EnvReader(env);
        return new ApprovalConfig(
                tableName(read.value("APPROVALS_TABLE")),
                topicArn(read.value("APPROVAL_TOPIC_ARN")),
                approvers(read.value("APPROVER_EMAILS")),
                baseUrl(read.endpoint("APPROVAL_BASE_URL")),
                Duration.ofSeconds(read.integer("APPROVAL_TIMEOUT_SECONDS", 86_400, 1, MAX_TIMEOUT_SECONDS)),
                Duration.ofDays(read.integer("APPROVAL_RETENTION_DAYS", 30, 1, 3_650)),
                origin(read.endpoint("APPROVAL_PAGE_ORIGIN")),
                read.integer("AWS_MAX_ATTEMPTS", 3, 1, 10),
                Duration.ofMillis(read.integer("AWS_CALL_TIMEOUT_MS", 10_000, 100, 300_000)),
                read.logLevel("AWS_LAMBDA_LOG_LEVEL", LogLevel.INFO),
                read.region("AWS_REGION", "us-east-1"),
                read.endpoint("AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL"),
                read.endpoint("AWS_ENDPOINT_URL_SNS", "AWS_ENDPOINT_URL"),
                read.endpoint("AWS_ENDPOINT_URL_SFN", "AWS_ENDPOINT_URL"));
    }

    /**
     * The request handler also needs the topic and the link base.
     *
     * @throws ConfigException naming the first one that is not set
     */
    public ApprovalConfig requireRequestSettings() {
        if (topicArn == null) {
            throw new ConfigException("APPROVAL_TOPIC_ARN", "", "must be set to the SNS topic of the approval e-mails");
        }
        if (baseUrl == null) {
            throw new ConfigException("APPROVAL_BASE_URL", "", "must be set to the base URL of the approval links");
        }
        return this;
    }

    private static String tableName(String raw) {
        if (raw == null) {
            throw new ConfigException("APPROVALS_TABLE", "", "must be set to the DynamoDB table of approval requests");
        }
        if (!TABLE_NAME.matcher(raw).matches()) {
            throw new ConfigException("APPROVALS_TABLE", raw, "is not a DynamoDB table name (3-255 of A-Z a-z 0-9 _ . -)");
        }
        return raw;
    }

    private static String topicArn(String raw) {
        if (raw != null && !TOPIC_ARN.matcher(raw).matches()) {
            throw new ConfigException("APPROVAL_TOPIC_ARN", raw, "is not an SNS topic ARN such as arn:aws:sns:us-east-1:123456789012:approvals");
        }
        return raw;
    }

    /** A JSON array of addresses, as Terraform's {@code jsonencode(var.approver_emails)} writes it; unset means none. */
    static List<String> approvers(String raw) {
        String name = "APPROVER_EMAILS";
        if (raw == null) {
            return List.of();
        }
        JsonElement parsed;
        try {
            parsed = JsonParser.parseString(raw);
        } catch (JsonParseException e) {
            throw new ConfigException(name, raw, "is not a JSON array of e-mail addresses such as [\"a@example.com\"]");
        }
        if (!(parsed instanceof JsonArray array)) {
            throw new ConfigException(name, raw, "is not a JSON array of e-mail addresses such as [\"a@example.com\"]");
        }
        if (array.size() > MAX_APPROVERS) {
            throw new ConfigException(name, raw, "lists " + array.size() + " addresses; at most " + MAX_APPROVERS + " are allowed");
        }
        List<String> addresses = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (JsonElement item : array) {
            if (!item.isJsonPrimitive() || !item.getAsJsonPrimitive().isString()) {
                throw new ConfigException(name, raw, "must hold only strings; found " + item);
            }
            String address = item.getAsString();
            if (address.length() > MAX_ADDRESS_LENGTH || !ADDRESS.matcher(address).matches()) {
                throw new ConfigException(name, raw, "holds '" + address + "', which is not an e-mail address like name@example.com");
            }
            if (!seen.add(address.toLowerCase(Locale.ROOT))) {
                throw new ConfigException(name, raw, "lists '" + address + "' twice");
            }
            addresses.add(address);
        }
        return addresses;
    }

    /** {@code uri}: an http(s) URL with a host, as {@link EnvReader#endpoint} checked it; null when unset. */
    private static String baseUrl(URI uri) {
        String name = "APPROVAL_BASE_URL";
        if (uri == null) {
            return null;
        }
        String raw = uri.toString();
        if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new ConfigException(name, raw, "must not have a query, a fragment or user information");
        }
        String text = uri.toString();
        return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    }

    /** {@code scheme://host[:port]}, lower-cased, as browsers send it in the Origin header. */
    private static String origin(URI uri) {
        String name = "APPROVAL_PAGE_ORIGIN";
        if (uri == null) {
            return null;
        }
        String raw = uri.toString();
        String path = uri.getRawPath();
        if ((path != null && !path.isEmpty() && !path.equals("/")) || uri.getRawQuery() != null
                || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new ConfigException(name, raw, "must be an origin only, such as http://127.0.0.1:8085 (no path)");
        }
        return (uri.getScheme() + "://" + uri.getRawAuthority()).toLowerCase(Locale.ROOT);
    }
}
