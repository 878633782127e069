# Inputs of the callback core. Each variable of the root (variables.tf at the repository root)
# that configures this module has the same name, meaning and validation here.

# ---------------------------------------------------------------------------------------------
# Naming and the state machine
# ---------------------------------------------------------------------------------------------

variable "name_prefix" {
  description = "Prefix of every resource name (<prefix>-tasks, <prefix>-worker, ...). 2-32 characters: lower-case letters, digits and hyphens, starting with a letter, so the longest derived name (the worker's IAM role, with the region) fits 64 characters."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,30}[a-z0-9]$", var.name_prefix))
    error_message = "name_prefix must be 2-32 characters of a-z, 0-9 and '-', start with a letter and not end with '-'."
  }
}

variable "state_machine_arn" {
  description = "ARN of the state machine whose tasks the worker completes: its role may report to this state machine only. Its partition, region and account are the worker's. Built from its parts by the caller, so that the worker does not depend on the state machine (destroy deletes the state machine first)."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:states:[a-z0-9-]+:[0-9]{12}:stateMachine:[A-Za-z0-9_-]{1,80}$", var.state_machine_arn))
    error_message = "state_machine_arn must be a state machine ARN: arn:<partition>:states:<region>:<account>:stateMachine:<name>."
  }
}

variable "task_heartbeat_seconds" {
  description = "HeartbeatSeconds of the state machine's task that sends to the tasks queue; the tasks-waiting alarm fires at half of it unless queue_age_alarm_seconds is set."
  type        = number
  default     = 60
  nullable    = false

  validation {
    condition     = var.task_heartbeat_seconds >= 3 && floor(var.task_heartbeat_seconds) == var.task_heartbeat_seconds
    error_message = "task_heartbeat_seconds must be a whole number of at least 3."
  }
}

# ---------------------------------------------------------------------------------------------
# Queues
# ---------------------------------------------------------------------------------------------

variable "max_receive_count" {
  description = "Receives of one message before SQS moves it to the dead-letter queue (redrive maxReceiveCount). The worker gets the same number and turns a retry on the last receive into Worker.RetriesExhausted."
  type        = number
  default     = 5
  nullable    = false

  validation {
    condition     = var.max_receive_count >= 1 && var.max_receive_count <= 1000 && floor(var.max_receive_count) == var.max_receive_count
    error_message = "max_receive_count must be a whole number from 1 to 1000 (the SQS redrive policy range)."
  }
}

variable "message_retention_seconds" {
  description = "How long the tasks queue keeps an unconsumed message."
  type        = number
  default     = 345600
  nullable    = false

  validation {
    condition     = var.message_retention_seconds >= 60 && var.message_retention_seconds <= 1209600 && floor(var.message_retention_seconds) == var.message_retention_seconds
    error_message = "message_retention_seconds must be a whole number from 60 to 1209600 (14 days), the SQS range."
  }
}

variable "dlq_message_retention_seconds" {
  description = "How long the dead-letter queue keeps a message; at least message_retention_seconds."
  type        = number
  default     = 1209600
  nullable    = false

  validation {
    condition     = var.dlq_message_retention_seconds >= 60 && var.dlq_message_retention_seconds <= 1209600 && floor(var.dlq_message_retention_seconds) == var.dlq_message_retention_seconds
    error_message = "dlq_message_retention_seconds must be a whole number from 60 to 1209600 (14 days), the SQS range."
  }
}

# ---------------------------------------------------------------------------------------------
# Worker
# ---------------------------------------------------------------------------------------------

variable "worker_jar" {
  description = "Path of the worker's shaded jar: this project's (lambda/worker/target/callback-worker.jar) or a project of your own that depends on the worker library and holds your processor."
  type        = string
  nullable    = false
}

variable "processor_class" {
  description = "Fully qualified class name of the TaskProcessor the worker runs (in worker_jar). null runs the demo processor."
  type        = string
  default     = null

  validation {
    condition     = var.processor_class == null || can(regex("^[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)+$", var.processor_class))
    error_message = "processor_class must be a fully qualified Java class name such as com.example.MyProcessor, or null."
  }
}

variable "approval_enabled" {
  description = "Whether the state machine has the approval states (modules/approval). The worker gets it as APPROVAL_ENABLED: without it, a processor that asks for approval fails its task at once with Approval.NotEnabled."
  type        = bool
  default     = false
  nullable    = false
}

variable "lambda_runtime" {
  description = "Lambda Java runtime of the worker."
  type        = string
  default     = "java21"
  nullable    = false

  validation {
    condition     = contains(["java21"], var.lambda_runtime)
    error_message = "lambda_runtime must be java21."
  }
}

variable "lambda_architecture" {
  description = "Instruction set of the worker: arm64 or x86_64."
  type        = string
  default     = "arm64"
  nullable    = false

  validation {
    condition     = contains(["arm64", "x86_64"], var.lambda_architecture)
    error_message = "lambda_architecture must be arm64 or x86_64."
  }
}

variable "lambda_memory_mb" {
  description = "Worker memory in MB."
  type        = number
  default     = 1024
  nullable    = false

  validation {
    condition     = var.lambda_memory_mb >= 128 && var.lambda_memory_mb <= 10240 && floor(var.lambda_memory_mb) == var.lambda_memory_mb
    error_message = "lambda_memory_mb must be a whole number from 128 to 10240."
  }
}

variable "lambda_timeout_seconds" {
  description = "Worker invocation timeout; the tasks queue's visibility timeout is six times it plus the batching window."
  type        = number
  default     = 120
  nullable    = false

  validation {
    condition     = var.lambda_timeout_seconds >= 1 && var.lambda_timeout_seconds <= 900 && floor(var.lambda_timeout_seconds) == var.lambda_timeout_seconds
    error_message = "lambda_timeout_seconds must be a whole number from 1 to 900 (the Lambda maximum)."
  }
}

variable "lambda_application_log_level" {
  description = "Level of the worker's own log lines."
  type        = string
  default     = "INFO"
  nullable    = false

  validation {
    condition     = contains(["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"], var.lambda_application_log_level)
    error_message = "lambda_application_log_level must be one of TRACE, DEBUG, INFO, WARN, ERROR, FATAL."
  }
}

variable "lambda_system_log_level" {
  description = "Level of the Lambda platform's log lines for the worker."
  type        = string
  default     = "WARN"
  nullable    = false

  validation {
    condition     = contains(["DEBUG", "INFO", "WARN"], var.lambda_system_log_level)
    error_message = "lambda_system_log_level must be one of DEBUG, INFO, WARN."
  }
}

variable "lambda_tracing_enabled" {
  description = "Active X-Ray tracing for the worker."
  type        = bool
  default     = false
  nullable    = false
}

variable "log_retention_days" {
  description = "Retention of the worker's log group, in days; 0 keeps logs forever."
  type        = number
  default     = 14
  nullable    = false

  validation {
    condition     = contains([0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be 0 or a value CloudWatch Logs accepts."
  }
}

variable "heartbeat_interval_seconds" {
  description = "How often the worker sends SendTaskHeartbeat while a processor works (at most a third of the task's HeartbeatSeconds)."
  type        = number
  default     = 15
  nullable    = false

  validation {
    condition     = var.heartbeat_interval_seconds >= 1 && floor(var.heartbeat_interval_seconds) == var.heartbeat_interval_seconds
    error_message = "heartbeat_interval_seconds must be a whole number of at least 1."
  }
}

variable "retry_delay_seconds" {
  description = "Visibility timeout the worker gives a record it reports as a batch item failure."
  type        = number
  default     = 10
  nullable    = false

  validation {
    condition     = var.retry_delay_seconds >= 0 && var.retry_delay_seconds <= 43200 && floor(var.retry_delay_seconds) == var.retry_delay_seconds
    error_message = "retry_delay_seconds must be a whole number from 0 to 43200 (the SQS visibility timeout range)."
  }
}

variable "max_concurrent_records" {
  description = "Records of one batch the worker processes at the same time."
  type        = number
  default     = 10
  nullable    = false

  validation {
    condition     = var.max_concurrent_records >= 1 && var.max_concurrent_records <= 1000 && floor(var.max_concurrent_records) == var.max_concurrent_records
    error_message = "max_concurrent_records must be a whole number from 1 to 1000."
  }
}

# ---------------------------------------------------------------------------------------------
# Event source mapping
# ---------------------------------------------------------------------------------------------

variable "batch_size" {
  description = "Most records handed to one invocation. Above 10 needs batching_window_seconds >= 1."
  type        = number
  default     = 10
  nullable    = false

  validation {
    condition     = var.batch_size >= 1 && var.batch_size <= 10000 && floor(var.batch_size) == var.batch_size
    error_message = "batch_size must be a whole number from 1 to 10000."
  }
}

variable "batching_window_seconds" {
  description = "Longest time Lambda gathers records before invoking the worker."
  type        = number
  default     = 0
  nullable    = false

  validation {
    condition     = var.batching_window_seconds >= 0 && var.batching_window_seconds <= 300 && floor(var.batching_window_seconds) == var.batching_window_seconds
    error_message = "batching_window_seconds must be a whole number from 0 to 300."
  }
}

variable "max_concurrency" {
  description = "Most concurrent worker invocations the SQS event source starts."
  type        = number
  default     = 10
  nullable    = false

  validation {
    condition     = var.max_concurrency >= 2 && var.max_concurrency <= 1000 && floor(var.max_concurrency) == var.max_concurrency
    error_message = "max_concurrency must be a whole number from 2 to 1000 (the range AWS accepts for an SQS event source)."
  }
}

# ---------------------------------------------------------------------------------------------
# Alarms
# ---------------------------------------------------------------------------------------------

variable "queue_age_alarm_seconds" {
  description = "Age of the oldest message in the tasks queue above which the tasks-waiting-too-long alarm fires. null uses half of task_heartbeat_seconds."
  type        = number
  default     = null

  validation {
    condition     = var.queue_age_alarm_seconds == null || try(var.queue_age_alarm_seconds >= 1 && floor(var.queue_age_alarm_seconds) == var.queue_age_alarm_seconds, false)
    error_message = "queue_age_alarm_seconds must be a whole number of at least 1, or null."
  }
}

variable "alarm_actions" {
  description = "ARNs the alarms notify when they fire and when they clear (an SNS topic); empty: the alarms show in CloudWatch only."
  type        = list(string)
  default     = []
  nullable    = false
}
