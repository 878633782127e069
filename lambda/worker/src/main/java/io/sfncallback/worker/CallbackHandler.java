package io.sfncallback.worker;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaRuntime;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import io.sfncallback.worker.batch.Deadline;
import io.sfncallback.worker.batch.Invocation;
import io.sfncallback.worker.config.WorkerConfig;
import io.sfncallback.worker.snapstart.Priming;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.crac.Core;
import org.crac.Resource;

/**
 * The Lambda entry point ({@code io.sfncallback.worker.CallbackHandler::handleRequest}): completes
 * Step Functions tasks from batches of SQS messages.
 *
 * <p>Deliberately thin. The constructor runs in Lambda's init phase, reads the configuration once
 * (failing the init with the variable's name on a bad value), builds the {@link Worker} and
 * registers the SnapStart priming hook; each invocation hands the batch to the worker. The
 * response lists the records to deliver again
 * (<a href="https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html#services-sqs-batchfailurereporting">partial
 * batch responses</a>, which the event source mapping must enable with ReportBatchItemFailures), so
 * one bad record never fails the whole batch.
 */
public final class CallbackHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private final Worker worker;
    // Held so the CRaC context, which may reference resources weakly, keeps it until the snapshot.
    private final Priming priming;

    /** Used by the Lambda runtime: the configuration comes from the environment. */
    public CallbackHandler() {
        this(System.getenv());
    }

    /** Configuration from the given variables; used by the local stack and tests. */
    public CallbackHandler(Map<String, String> environment) {
        this(Worker.create(WorkerConfig.fromEnvironment(environment), LambdaRuntime.getLogger()));
    }

    CallbackHandler(Worker worker) {
        this(worker, Core.getGlobalContext());
    }

    CallbackHandler(Worker worker, org.crac.Context<Resource> crac) {
        this.worker = Objects.requireNonNull(worker, "worker");
        this.priming = new Priming(worker.config(), worker.log());
        crac.register(priming);
        worker.log().at(LogLevel.INFO, "worker ready")
                .with("processor", worker.config().processorClass())
                .with("heartbeatIntervalSeconds", worker.config().heartbeatInterval().toSeconds())
                .with("maxReceiveCount", worker.config().maxReceiveCount())
                .with("retryDelaySeconds", worker.config().retryDelayEnabled() ? worker.config().retryDelay().toSeconds() : null)
                .with("maxConcurrentRecords", worker.config().maxConcurrentRecords())
                .write();
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        List<SQSMessage> records = event == null || event.getRecords() == null ? List.of() : event.getRecords();
        return worker.handle(records, invocation(context));
    }

    private Invocation invocation(Context context) {
        if (context == null) {
            return new Invocation(Deadline.none(), worker.log());
        }
        return new Invocation(
                new Deadline(context::getRemainingTimeInMillis, worker.config().deadlineMargin()),
                worker.log().forInvocation(context));
    }
}
