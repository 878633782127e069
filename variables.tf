# Inputs of the stack. Single-variable rules are validation blocks; rules that relate two
# variables are preconditions in main.tf (cross-variable validation needs Terraform >= 1.9).
# local/src/main/resources/terraform-defaults.json mirrors the defaults for the local stack;
# scripts/check-infra.sh fails when the two disagree.

# ---------------------------------------------------------------------------------------------
# Naming and placement
# ---------------------------------------------------------------------------------------------

variable "name_prefix" {
  description = "Prefix of every resource name. Two stacks in one account need different prefixes, or different regions (IAM role names carry the region). 2-32 characters: lower-case letters, digits and hyphens, starting with a letter, so the longest derived name (an IAM role, 64 characters) fits."
  type        = string
  default     = "sfn-callback"
  nullable    = false

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,30}[a-z0-9]$", var.name_prefix))
    error_message = "name_prefix must be 2-32 characters of a-z, 0-9 and '-', start with a letter and not end with '-'."
  }
}

variable "region" {
  description = "AWS region to deploy to. null uses the provider's default (AWS_REGION / AWS_DEFAULT_REGION or the profile)."
  type        = string
  default     = null

  validation {
    condition     = var.region == null || can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]+$", var.region))
    error_message = "region must look like an AWS region code, e.g. eu-west-1, or be null."
  }
}

variable "tags" {
  description = "Tags applied to every resource through the provider's default_tags."
  type        = map(string)
  default     = {}
  nullable    = false
}

# ---------------------------------------------------------------------------------------------
# Queues
# ---------------------------------------------------------------------------------------------

variable "max_receive_count" {
  description = "Receives of one message before SQS moves it to the dead-letter queue (redrive maxReceiveCount). The worker gets the same number and turns a retry on the last receive into Worker.RetriesExhausted, so no execution waits for its timeout."
  type        = number
  default     = 5
  nullable    = false

  validation {
    condition     = var.max_receive_count >= 1 && var.max_receive_count <= 1000 && floor(var.max_receive_count) == var.max_receive_count
    error_message = "max_receive_count must be a whole number from 1 to 1000 (the SQS redrive policy range)."
  }
}

variable "message_retention_seconds" {
  description = "How long the tasks queue keeps an unconsumed message (default 4 days, the SQS default)."
  type        = number
  default     = 345600
  nullable    = false

  validation {
    condition     = var.message_retention_seconds >= 60 && var.message_retention_seconds <= 1209600 && floor(var.message_retention_seconds) == var.message_retention_seconds
    error_message = "message_retention_seconds must be a whole number from 60 to 1209600 (14 days), the SQS range."
  }
}

variable "dlq_message_retention_seconds" {
  description = "How long the dead-letter queue keeps a message (default 14 days, the SQS maximum). Must be at least message_retention_seconds: a standard queue keeps a message's original enqueue time when it moves to the DLQ."
  type        = number
  default     = 1209600
  nullable    = false

  validation {
    condition     = var.dlq_message_retention_seconds >= 60 && var.dlq_message_retention_seconds <= 1209600 && floor(var.dlq_message_retention_seconds) == var.dlq_message_retention_seconds
    error_message = "dlq_message_retention_seconds must be a whole number from 60 to 1209600 (14 days), the SQS range."
  }
}

# ---------------------------------------------------------------------------------------------
# Worker (Lambda)
# ---------------------------------------------------------------------------------------------

variable "lambda_runtime" {
  description = "Lambda Java runtime of the worker (the jar is Java 21 bytecode). java21 only: hashicorp/aws accepts java25 from 6.20.0 on, and this configuration also supports 5.100."
  type        = string
  default     = "java21"
  nullable    = false

  validation {
    condition     = contains(["java21"], var.lambda_runtime)
    error_message = "lambda_runtime must be java21: java25 needs hashicorp/aws >= 6.20.0 (5.100 rejects it), which is above the lowest provider version this configuration supports."
  }
}

variable "lambda_architecture" {
  description = "Instruction set of the worker: arm64 (Graviton, cheaper per GB-second) or x86_64. The jar is pure Java, so either works."
  type        = string
  default     = "arm64"
  nullable    = false

  validation {
    condition     = contains(["arm64", "x86_64"], var.lambda_architecture)
    error_message = "lambda_architecture must be arm64 or x86_64."
  }
}

variable "lambda_memory_mb" {
  description = "Worker memory in MB. Lambda gives CPU in proportion; 1024 keeps SnapStart restores and TLS handshakes quick."
  type        = number
  default     = 1024
  nullable    = false

  validation {
    condition     = var.lambda_memory_mb >= 128 && var.lambda_memory_mb <= 10240 && floor(var.lambda_memory_mb) == var.lambda_memory_mb
    error_message = "lambda_memory_mb must be a whole number from 128 to 10240."
  }
}

variable "lambda_timeout_seconds" {
  description = "Worker invocation timeout. Bounds how long one batch may run; the tasks queue's visibility timeout is derived from it."
  type        = number
  default     = 120
  nullable    = false

  validation {
    condition     = var.lambda_timeout_seconds >= 1 && var.lambda_timeout_seconds <= 900 && floor(var.lambda_timeout_seconds) == var.lambda_timeout_seconds
    error_message = "lambda_timeout_seconds must be a whole number from 1 to 900 (the Lambda maximum)."
  }
}

variable "lambda_application_log_level" {
  description = "Level of the worker's own log lines (Lambda advanced logging, JSON format; the worker reads it as AWS_LAMBDA_LOG_LEVEL)."
  type        = string
  default     = "INFO"
  nullable    = false

  validation {
    condition     = contains(["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"], var.lambda_application_log_level)
    error_message = "lambda_application_log_level must be one of TRACE, DEBUG, INFO, WARN, ERROR, FATAL."
  }
}

variable "lambda_system_log_level" {
  description = "Level of the Lambda platform's log lines (START/END/REPORT are INFO) for the worker."
  type        = string
  default     = "WARN"
  nullable    = false

  validation {
    condition     = contains(["DEBUG", "INFO", "WARN"], var.lambda_system_log_level)
    error_message = "lambda_system_log_level must be one of DEBUG, INFO, WARN."
  }
}

variable "log_retention_days" {
  description = "Retention of every log group (the functions', the state machine's, the approval API's), in days; 0 keeps logs forever."
  type        = number
  default     = 14
  nullable    = false

  validation {
    condition     = contains([0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be 0 or a value CloudWatch Logs accepts: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "lambda_tracing_enabled" {
  description = "Active X-Ray tracing for the worker (adds the X-Ray write permissions to its role)."
  type        = bool
  default     = false
  nullable    = false
}

variable "heartbeat_interval_seconds" {
  description = "How often the worker sends SendTaskHeartbeat while a processor works. At most a third of task_heartbeat_seconds, so one lost heartbeat does not time the task out."
  type        = number
  default     = 15
  nullable    = false

  validation {
    condition     = var.heartbeat_interval_seconds >= 1 && floor(var.heartbeat_interval_seconds) == var.heartbeat_interval_seconds
    error_message = "heartbeat_interval_seconds must be a whole number of at least 1."
  }
}

variable "retry_delay_seconds" {
  description = "Visibility timeout the worker gives a record it reports as a batch item failure, so a retry comes back well before the task's heartbeat runs out."
  type        = number
  default     = 10
  nullable    = false

  validation {
    condition     = var.retry_delay_seconds >= 0 && var.retry_delay_seconds <= 43200 && floor(var.retry_delay_seconds) == var.retry_delay_seconds
    error_message = "retry_delay_seconds must be a whole number from 0 to 43200 (the SQS visibility timeout range)."
  }
}

variable "worker_jar" {
  description = "Path of the worker's shaded jar. null deploys this project's build, lambda/worker/target/callback-worker.jar (the demo processor). Your own processor: a Maven project of your own that depends on the worker library and builds a shaded jar (examples/order-processor/), its path here and its class in processor_class."
  type        = string
  default     = null

  validation {
    condition     = var.worker_jar == null || can(regex("\\.jar$", var.worker_jar))
    error_message = "worker_jar must be the path of a .jar file, or null."
  }
}

variable "approval_jar" {
  description = "Path of the approval functions' shaded jar (with approval_enabled). null deploys this project's build, lambda/approval/target/callback-approval.jar."
  type        = string
  default     = null

  validation {
    condition     = var.approval_jar == null || can(regex("\\.jar$", var.approval_jar))
    error_message = "approval_jar must be the path of a .jar file, or null."
  }
}

variable "processor_class" {
  description = "Fully qualified class name of the TaskProcessor the worker runs (public, no-argument constructor). null runs the demo processor."
  type        = string
  default     = null

  validation {
    condition     = var.processor_class == null || can(regex("^[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)+$", var.processor_class))
    error_message = "processor_class must be a fully qualified Java class name such as com.example.MyProcessor, or null."
  }
}

variable "max_concurrent_records" {
  description = "Records of one batch the worker processes at the same time (MAX_CONCURRENT_RECORDS). The default equals batch_size, so a batch costs about one callback round trip."
  type        = number
  default     = 10
  nullable    = false

  validation {
    condition     = var.max_concurrent_records >= 1 && var.max_concurrent_records <= 1000 && floor(var.max_concurrent_records) == var.max_concurrent_records
    error_message = "max_concurrent_records must be a whole number from 1 to 1000."
  }
}

# ---------------------------------------------------------------------------------------------
# Event source mapping (SQS -> worker)
# ---------------------------------------------------------------------------------------------

variable "batch_size" {
  description = "Most records handed to one invocation. Above 10 needs batching_window_seconds >= 1 (an AWS rule for SQS event sources)."
  type        = number
  default     = 10
  nullable    = false

  validation {
    condition     = var.batch_size >= 1 && var.batch_size <= 10000 && floor(var.batch_size) == var.batch_size
    error_message = "batch_size must be a whole number from 1 to 10000."
  }
}

variable "batching_window_seconds" {
  description = "Longest time Lambda gathers records before invoking the worker (MaximumBatchingWindowInSeconds). 0 invokes as soon as records arrive: lowest latency."
  type        = number
  default     = 0
  nullable    = false

  validation {
    condition     = var.batching_window_seconds >= 0 && var.batching_window_seconds <= 300 && floor(var.batching_window_seconds) == var.batching_window_seconds
    error_message = "batching_window_seconds must be a whole number from 0 to 300."
  }
}

variable "max_concurrency" {
  description = "Most concurrent worker invocations the SQS event source starts (scaling_config maximum_concurrency). Caps the load on whatever the processor calls."
  type        = number
  default     = 10
  nullable    = false

  validation {
    condition     = var.max_concurrency >= 2 && var.max_concurrency <= 1000 && floor(var.max_concurrency) == var.max_concurrency
    error_message = "max_concurrency must be a whole number from 2 to 1000 (the range AWS accepts for an SQS event source)."
  }
}

# ---------------------------------------------------------------------------------------------
# State machine
# ---------------------------------------------------------------------------------------------

variable "task_heartbeat_seconds" {
  description = "HeartbeatSeconds of the waiting task: with no heartbeat or answer for this long, counted from when the message is sent, the execution fails with Task.NoHeartbeat."
  type        = number
  default     = 60
  nullable    = false

  validation {
    condition     = var.task_heartbeat_seconds >= 3 && floor(var.task_heartbeat_seconds) == var.task_heartbeat_seconds
    error_message = "task_heartbeat_seconds must be a whole number of at least 3 (the heartbeat interval is at most a third of it)."
  }
}

variable "task_timeout_seconds" {
  description = "TimeoutSeconds of the waiting task: the longest a task may take in all, heartbeats or not (the execution fails with Task.TookTooLong)."
  type        = number
  default     = 3600
  nullable    = false

  validation {
    condition     = var.task_timeout_seconds >= 4 && var.task_timeout_seconds <= 31536000 && floor(var.task_timeout_seconds) == var.task_timeout_seconds
    error_message = "task_timeout_seconds must be a whole number from 4 to 31536000 (one year, the longest a standard execution runs)."
  }
}

variable "state_machine_log_level" {
  description = "Execution history events the state machine sends to CloudWatch Logs: ALL, ERROR, FATAL or OFF."
  type        = string
  default     = "ERROR"
  nullable    = false

  validation {
    condition     = contains(["ALL", "ERROR", "FATAL", "OFF"], var.state_machine_log_level)
    error_message = "state_machine_log_level must be one of ALL, ERROR, FATAL, OFF."
  }
}

variable "state_machine_include_execution_data" {
  description = "Whether state machine logs carry inputs and outputs. Off by default: they hold payloads and task tokens."
  type        = bool
  default     = false
  nullable    = false
}

variable "state_machine_tracing_enabled" {
  description = "X-Ray tracing for the state machine (adds the X-Ray write permissions to its role)."
  type        = bool
  default     = false
  nullable    = false
}

# ---------------------------------------------------------------------------------------------
# Alarms
# ---------------------------------------------------------------------------------------------

variable "queue_age_alarm_seconds" {
  description = "Age of the oldest message in the tasks queue above which the tasks-waiting-too-long alarm fires. null uses half of task_heartbeat_seconds. Messages being worked on count too, so raise it when tasks take longer than that."
  type        = number
  default     = null

  validation {
    condition     = var.queue_age_alarm_seconds == null || try(var.queue_age_alarm_seconds >= 1 && floor(var.queue_age_alarm_seconds) == var.queue_age_alarm_seconds, false)
    error_message = "queue_age_alarm_seconds must be a whole number of at least 1, or null."
  }
}

variable "alarm_email" {
  description = "E-mail address that receives the alarms through an SNS topic (the address must confirm the subscription). null creates no topic; the alarms still show in CloudWatch."
  type        = string
  default     = null

  validation {
    condition     = var.alarm_email == null || can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", var.alarm_email))
    error_message = "alarm_email must be an e-mail address or null."
  }
}

# ---------------------------------------------------------------------------------------------
# Human approval (docs/approval.md)
# ---------------------------------------------------------------------------------------------

# A switch of its own, not "on when approver_emails is set": approver lists change routinely, and
# removing the last approver must not destroy the table with the pending requests and the HTTP
# API their links point to. Switching it off does destroy them (docs/deploy.md, "Upgrading").
variable "approval_enabled" {
  description = "Human approval (docs/approval.md): the approval states in the definition, the approvals table, the e-mail topic, the request and page functions and the internet-facing HTTP API of the pages. Off: none of it exists, and a processor that asks for approval fails its task at once with Approval.NotEnabled. The approval_* variables and approver_emails take effect only when it is on."
  type        = bool
  default     = false
  nullable    = false
}

# The same rules as ApprovalConfig (APPROVER_EMAILS), so that a bad list fails the plan rather
# than the function's init: a local part of 1-64 characters without quotes or spaces, a dotted
# domain, 254 characters in all (RFC 5321), no two addresses differing only in case (SNS filter
# policies match case-sensitively, so such a pair would get two links for one mailbox), at most
# 100 (each is a subscription filter policy; SNS allows 200 per topic by default). The JSON list
# travels in an environment variable, and Lambda allows 4 KB of them per function in all.
# https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
variable "approver_emails" {
  description = "E-mail addresses of the people who may approve or reject a run that asks for approval; each gets a link of their own through an SNS e-mail subscription, which they must confirm (SNS sends a confirmation e-mail) before approval e-mails reach them. Empty: a run that asks for approval fails at once with Approval.NoApprovers. At most 100, none twice (ignoring case), 3072 characters as JSON."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition = alltrue([for a in var.approver_emails : try(
      length(a) <= 254 && can(regex("^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$", a)),
    false)])
    error_message = "approver_emails must hold e-mail addresses like name@example.com: a local part of 1-64 characters without quotes, spaces or @, a dotted domain, 254 characters at most."
  }

  validation {
    condition     = length(distinct([for a in var.approver_emails : lower(a)])) == length(var.approver_emails)
    error_message = "approver_emails lists an address twice (addresses are compared ignoring case)."
  }

  validation {
    condition     = length(var.approver_emails) <= 100
    error_message = "approver_emails may hold at most 100 addresses (each one is an SNS subscription filter policy; SNS allows 200 per topic by default)."
  }

  validation {
    condition     = length(jsonencode(var.approver_emails)) <= 3072
    error_message = "approver_emails is longer than 3072 characters as JSON: it is the APPROVER_EMAILS environment variable, and Lambda allows 4 KB of environment variables per function in all."
  }
}

variable "approval_timeout_seconds" {
  description = "How long a run waits for a decision: TimeoutSeconds of the approval task, and how long the links work. No decision by then fails the run with Approval.Expired. Default one day."
  type        = number
  default     = 86400
  nullable    = false

  validation {
    condition     = var.approval_timeout_seconds >= 60 && var.approval_timeout_seconds <= 31536000 && floor(var.approval_timeout_seconds) == var.approval_timeout_seconds
    error_message = "approval_timeout_seconds must be a whole number from 60 (a person needs at least the time an e-mail takes) to 31536000 (one year, the longest a standard execution runs)."
  }
}

variable "approval_retention_days" {
  description = "Days the approval records (who decided, when, through which link) and their links are kept after a request expires; DynamoDB's TTL then deletes them. Until then the page can still say that a request was decided or expired."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = var.approval_retention_days >= 1 && var.approval_retention_days <= 3650 && floor(var.approval_retention_days) == var.approval_retention_days
    error_message = "approval_retention_days must be a whole number from 1 to 3650 (what the approval functions accept as APPROVAL_RETENTION_DAYS)."
  }
}

# HTTP API route throttling (token bucket): the rate is the steady requests per second, the burst
# the bucket. Approvers are a handful of people and mail scanners; the limits cap what a flood of
# requests can cost in Lambda invocations. AWS's account-level maximums: 10,000 requests per
# second and a burst of 5,000.
# https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-throttling.html
variable "approval_rate_limit" {
  description = "Steady-state requests per second the approval page's HTTP API accepts (the stage's default route throttling, for every route, the catch-all included); more get 429 Too Many Requests."
  type        = number
  default     = 10
  nullable    = false

  validation {
    condition     = var.approval_rate_limit > 0 && var.approval_rate_limit <= 10000
    error_message = "approval_rate_limit must be above 0 and at most 10000 requests per second (API Gateway's account-level limit)."
  }
}

variable "approval_burst_limit" {
  description = "Requests the approval page's HTTP API accepts at once above approval_rate_limit (the token bucket's size)."
  type        = number
  default     = 20
  nullable    = false

  validation {
    condition     = var.approval_burst_limit >= 1 && var.approval_burst_limit <= 5000 && floor(var.approval_burst_limit) == var.approval_burst_limit
    error_message = "approval_burst_limit must be a whole number from 1 to 5000 (API Gateway's account-level burst limit)."
  }
}

# ---------------------------------------------------------------------------------------------
# Destroy
# ---------------------------------------------------------------------------------------------

variable "stop_executions_on_destroy" {
  description = "Whether `terraform destroy` stops the state machine's running executions before deleting it (scripts/stop-executions.sh, which needs the AWS CLI v2 and states:ListExecutions / states:StopExecution). Without it, an execution waiting for an approval or a long task keeps the state machine DELETING, and the destroy times out after 5 minutes."
  type        = bool
  default     = true
  nullable    = false
}
