package io.sfncallback.local.engine;

/** The statuses DescribeExecution and ListExecutions report (PENDING_REDRIVE never happens locally). */
public enum ExecutionStatus { RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED }
