package io.sfncallback.local.support;

/**
 * The source of the stand-in handler: same constructor contract as the real worker, and behaviour chosen by the
 * record body so tests can make it succeed, fail a record, throw, or overrun its timeout.
 */
public final class StandInHandlerSource {

    public static final String CLASS_NAME = "standin.StandInHandler";

    public static final String SOURCE = """
            package standin;

            import com.amazonaws.services.lambda.runtime.Context;
            import com.amazonaws.services.lambda.runtime.RequestHandler;
            import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
            import com.amazonaws.services.lambda.runtime.events.SQSEvent;
            import com.amazonaws.services.lambda.runtime.logging.LogLevel;
            import java.nio.charset.StandardCharsets;
            import java.util.ArrayList;
            import java.util.List;
            import java.util.Map;

            public class StandInHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
                private final Map<String, String> env;

                public StandInHandler(Map<String, String> env) {
                    if (env.containsKey("FAIL_INIT")) {
                        throw new IllegalArgumentException("PROCESSOR_CLASS names " + env.get("FAIL_INIT")
                                + ", which is not in the jar");
                    }
                    this.env = env;
                }

                @Override
                public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
                    List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
                    for (SQSEvent.SQSMessage message : event.getRecords()) {
                        String body = message.getBody();
                        String line = "{\\"level\\":\\"INFO\\",\\"messageId\\":\\"" + message.getMessageId()
                                + "\\",\\"receiveCount\\":\\"" + message.getAttributes().get("ApproximateReceiveCount")
                                + "\\",\\"function\\":\\"" + context.getFunctionName()
                                + "\\",\\"remainingPositive\\":" + (context.getRemainingTimeInMillis() > 0)
                                + ",\\"queueEnv\\":\\"" + env.get("TASKS_QUEUE_URL")
                                + "\\",\\"eventSourceArn\\":\\"" + message.getEventSourceArn()
                                + "\\",\\"batchSize\\":" + event.getRecords().size()
                                + ",\\"body\\":\\"" + body.replace("\\"", "'") + "\\"}";
                        context.getLogger().log(line.getBytes(StandardCharsets.UTF_8), LogLevel.INFO);
                        if (body.contains("throw")) {
                            throw new IllegalStateException("stand-in handler asked to throw");
                        }
                        if (body.contains("sleep")) {
                            try {
                                Thread.sleep(30_000);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }
                        if (body.contains("fail-record")) {
                            failures.add(SQSBatchResponse.BatchItemFailure.builder()
                                    .withItemIdentifier(message.getMessageId()).build());
                        }
                        if (body.contains("bogus-id")) {
                            failures.add(SQSBatchResponse.BatchItemFailure.builder()
                                    .withItemIdentifier("not-a-message-of-this-batch").build());
                        }
                    }
                    return SQSBatchResponse.builder().withBatchItemFailures(failures).build();
                }
            }
            """;

    private StandInHandlerSource() {
    }
}
