package io.sfncallback.local.approval;

import io.sfncallback.local.esm.FunctionSettings;
import io.sfncallback.local.esm.LogSink;
import io.sfncallback.local.functions.LocalFunction;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The approval functions of a deployed stack, hosted here for {@code local-run.sh --host-functions}: the request
 * function (for whatever invokes it, such as the host mode's Lambda Invoke endpoint) and the page function behind
 * the same {@link ApprovalHttpServer} the local stack uses, each with the environment it was deployed with. Unlike
 * {@link LocalApproval}, nothing else is started: DynamoDB, SNS and Step Functions are the endpoints that
 * environment names. The outbox page stays empty (mail goes to the deployed topic).
 */
public final class HostedApproval implements AutoCloseable {

    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private ApprovalHttpServer http;
    private ApprovalRequestFunction requestFunction;

    private HostedApproval() {
    }

    /**
     * Loads both functions (each initialised once, so a bad configuration fails here) and binds the approval
     * endpoint on {@code host:port} (0 = a free port).
     */
    public static HostedApproval start(FunctionSettings request, FunctionSettings page, String host, int port,
            LogSink functionLog, Consumer<String> serverLog) throws Exception {
        HostedApproval approval = new HostedApproval();
        try {
            approval.http = approval.own(ApprovalHttpServer.start(host, port, new Outbox(), "arn:aws:sns:hosted",
                    request.accountId(), Clock.systemUTC(), serverLog));
            // The page checks a POST's Origin against https://<the API's domain>; served here, its origin is
            // this endpoint's, as in the local stack.
            Map<String, String> pageEnvironment = new LinkedHashMap<>(page.environment());
            pageEnvironment.put("APPROVAL_PAGE_ORIGIN", approval.http.endpoint());
            FunctionSettings servedPage = new FunctionSettings(page.jar(), page.handlerClass(), page.functionName(),
                    pageEnvironment, page.timeoutSeconds(), page.memorySizeMb(), page.region(), page.accountId());
            JarFunction requestJar = approval.own(new JarFunction(request, LocalApproval.MAX_ENVIRONMENTS, functionLog));
            JarFunction pageJar = approval.own(new JarFunction(servedPage, LocalApproval.MAX_ENVIRONMENTS,
                    functionLog));
            for (JarFunction function : new JarFunction[] {requestJar, pageJar}) {
                try {
                    function.warmUp();
                } catch (JarFunction.InitFailure e) {
                    throw new IllegalStateException("the approval function " + e.getMessage(), e);
                }
            }
            approval.requestFunction = new ApprovalRequestFunction(requestJar);
            approval.http.route(new ApprovalPageFunction(pageJar)::handle);
            return approval;
        } catch (Exception | Error e) {
            approval.close();
            throw e;
        }
    }

    /** The request function, as a task or an Invoke endpoint calls it. */
    public LocalFunction requestFunction() {
        return requestFunction;
    }

    /** {@code http://host:port}: the page's origin; a link is {@code <endpoint>/approvals/<link>}. */
    public String endpoint() {
        return http.endpoint();
    }

    private <T extends AutoCloseable> T own(T resource) {
        resources.push(resource);
        return resource;
    }

    @Override
    public void close() {
        while (!resources.isEmpty()) {
            AutoCloseable resource = resources.pop();
            try {
                resource.close();
            } catch (Exception e) {
                System.err.println("[hosted-approval] could not stop " + resource.getClass().getSimpleName() + ": " + e);
            }
        }
    }
}
