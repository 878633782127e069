package io.sfncallback.local.engine;

import com.google.gson.JsonElement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Starts, finds, completes and stops executions: what the Step Functions endpoint needs from the interpreter.
 * Executions run on the engine's own threads, so StartExecution returns at once, like AWS.
 */
public final class ExecutionEngine implements AutoCloseable {

    private final Clock clock;
    private final ExecutorService executor;
    private final ScheduledExecutorService scheduler;
    private final TaskTokens tokens = new TaskTokens();
    private final Interpreter interpreter;
    private final ConcurrentMap<String, Execution> executions = new ConcurrentHashMap<>();

    public ExecutionEngine(Clock clock, MessageSender sender, String region) {
        this(clock, sender, FunctionInvoker.NONE, region);
    }

    /** {@code functions} runs the lambda:invoke.waitForTaskToken tasks. */
    public ExecutionEngine(Clock clock, MessageSender sender, FunctionInvoker functions, String region) {
        this.clock = clock;
        this.executor = Executors.newFixedThreadPool(16, daemon("sfn-local-engine"));
        this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("sfn-local-timers"));
        this.interpreter = new Interpreter(clock, executor, scheduler, sender, functions, tokens, region,
                () -> ThreadLocalRandom.current().nextDouble());
    }

    /** The outcome of StartExecution: a new execution, or the running one with the same name and input. */
    public record Started(Execution execution, boolean isNew) {
    }

    /**
     * Starts an execution named {@code name} under {@code executionArn}. StartExecution is idempotent for a running
     * execution with the same name and input; otherwise a taken name fails.
     *
     * @throws ExecutionAlreadyExists when the name is taken by a closed execution or one with another input
     */
    public Started start(StateMachine stateMachine, String executionArn, String name, String input)
            throws ExecutionAlreadyExists {
        Execution created = new Execution(executionArn, name, stateMachine, input, clock.instant());
        Execution existing = executions.putIfAbsent(executionArn, created);
        if (existing != null) {
            if (existing.status() == ExecutionStatus.RUNNING && existing.input().equals(input)) {
                return new Started(existing, false);
            }
            throw new ExecutionAlreadyExists("Execution Already Exists: '" + executionArn + "'");
        }
        synchronized (created) {
            created.addEvent(created.startDate(), "ExecutionStarted", "executionStartedEventDetails",
                    Events.executionStarted(input, stateMachine.roleArn(), stateMachine.arn()));
        }
        executor.execute(() -> {
            synchronized (created) {
                try {
                    interpreter.begin(created);
                } catch (RuntimeException e) {
                    internalFailure(created, e);
                }
            }
        });
        return new Started(created, true);
    }

    public Optional<Execution> find(String executionArn) {
        return Optional.ofNullable(executions.get(executionArn));
    }

    /** Executions of a state machine, most recent first (ListExecutions' order). */
    public List<Execution> list(String stateMachineArn) {
        List<Execution> list = new ArrayList<>();
        for (Execution execution : executions.values()) {
            if (execution.stateMachine().arn().equals(stateMachineArn)) {
                list.add(execution);
            }
        }
        list.sort(Comparator.comparing(Execution::startDate).reversed().thenComparing(Execution::arn));
        return list;
    }

    public void sendTaskSuccess(String token, JsonElement output) throws CallbackRejected {
        TaskAttempt attempt = openAttempt(token);
        synchronized (attempt.execution) {
            requireOpen(attempt);
            interpreter.succeeded(attempt, output);
        }
    }

    public void sendTaskFailure(String token, String error, String cause) throws CallbackRejected {
        TaskAttempt attempt = openAttempt(token);
        synchronized (attempt.execution) {
            requireOpen(attempt);
            interpreter.failed(attempt, error, cause);
        }
    }

    public void sendTaskHeartbeat(String token) throws CallbackRejected {
        TaskAttempt attempt = openAttempt(token);
        synchronized (attempt.execution) {
            requireOpen(attempt);
            interpreter.heartbeat(attempt);
        }
    }

    /** Stops a running execution (ExecutionAborted); a closed one is left as it is. */
    public void stop(Execution execution, String error, String cause) {
        synchronized (execution) {
            if (execution.isRunning()) {
                interpreter.abort(execution, error, cause);
            }
        }
    }

    /** Whether the engine issued {@code token} (to any task attempt, open or closed). */
    public boolean issued(String token) {
        return tokens.find(token).isPresent();
    }

    private TaskAttempt openAttempt(String token) throws CallbackRejected {
        return tokens.find(token).orElseThrow(() -> new CallbackRejected("InvalidToken", "Invalid Token: '"
                + (token.length() > 40 ? token.substring(0, 40) + "…" : token) + "'"));
    }

    private static void requireOpen(TaskAttempt attempt) throws CallbackRejected {
        if (!attempt.isOpen() || !attempt.execution.isRunning()) {
            throw new CallbackRejected("TaskTimedOut", "Task Timed Out: 'Provided task does not exist anymore'");
        }
    }

    private void internalFailure(Execution execution, RuntimeException e) {
        if (execution.isRunning()) {
            interpreter.failInternally(execution, e);
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    static java.util.concurrent.ThreadFactory daemon(String name) {
        return Thread.ofPlatform().name(name + "-", 1).daemon(true).factory();
    }

    /** StartExecution named an execution that exists and cannot be returned idempotently. */
    public static final class ExecutionAlreadyExists extends Exception {
        public ExecutionAlreadyExists(String message) {
            super(message);
        }
    }
}
