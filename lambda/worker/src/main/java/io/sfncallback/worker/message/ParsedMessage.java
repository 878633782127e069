package io.sfncallback.worker.message;

/**
 * What an SQS body turned out to be: a task the worker can process, or a message it cannot use.
 *
 * @see TaskMessageParser
 */
public sealed interface ParsedMessage permits TaskMessage, UnusableMessage {

    /** The task token found in the message; {@code null} when it had no usable one. */
    String taskToken();

    /** The execution the message names, or {@code null}. */
    String executionArn();
}
