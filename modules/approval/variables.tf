# Inputs of the approval add-on. Each variable of the root (variables.tf at the repository root)
# that configures this module has the same name, meaning and validation here.

# ---------------------------------------------------------------------------------------------
# Naming and the state machine
# ---------------------------------------------------------------------------------------------

variable "name_prefix" {
  description = "Prefix of every resource name (<prefix>-approvals, <prefix>-approval-page, ...). 2-32 characters: lower-case letters, digits and hyphens, starting with a letter, so the longest derived name (the page function's IAM role, with the region) fits 64 characters."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,30}[a-z0-9]$", var.name_prefix))
    error_message = "name_prefix must be 2-32 characters of a-z, 0-9 and '-', start with a letter and not end with '-'."
  }
}

variable "state_machine_arn" {
  description = "ARN of the state machine whose approval tasks these functions complete: their roles may report to it only. Its partition, region and account are the functions'. Built from its parts by the caller, so that nothing here depends on the state machine (destroy deletes the state machine first)."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:states:[a-z0-9-]+:[0-9]{12}:stateMachine:[A-Za-z0-9_-]{1,80}$", var.state_machine_arn))
    error_message = "state_machine_arn must be a state machine ARN: arn:<partition>:states:<region>:<account>:stateMachine:<name>."
  }
}

variable "approval_jar" {
  description = "Path of the approval functions' shaded jar (this project's lambda/approval/target/callback-approval.jar)."
  type        = string
  nullable    = false
}

# ---------------------------------------------------------------------------------------------
# Approval
# ---------------------------------------------------------------------------------------------

# The same rules as ApprovalConfig (APPROVER_EMAILS), so that a bad list fails the plan rather
# than the function's init: a local part of 1-64 characters without quotes or spaces, a dotted
# domain, 254 characters in all (RFC 5321), no two addresses differing only in case (SNS filter
# policies match case-sensitively, so such a pair would get two links for one mailbox), at most
# 100 (each is a subscription filter policy; SNS allows 200 per topic by default). The JSON list
# travels in an environment variable, and Lambda allows 4 KB of them per function in all.
# https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
variable "approver_emails" {
  description = "E-mail addresses of the people who may approve or reject a run; each gets a filtered SNS e-mail subscription, which they must confirm. Empty: a run that asks for approval fails at once with Approval.NoApprovers. At most 100, none twice (ignoring case), 3072 characters as JSON."
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
  description = "How long a run waits for a decision: TimeoutSeconds of the approval task, and how long the links work."
  type        = number
  default     = 86400
  nullable    = false

  validation {
    condition     = var.approval_timeout_seconds >= 60 && var.approval_timeout_seconds <= 31536000 && floor(var.approval_timeout_seconds) == var.approval_timeout_seconds
    error_message = "approval_timeout_seconds must be a whole number from 60 to 31536000 (one year, the longest a standard execution runs)."
  }
}

variable "approval_retention_days" {
  description = "Days the approval records and their links are kept after a request expires; DynamoDB's TTL then deletes them."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = var.approval_retention_days >= 1 && var.approval_retention_days <= 3650 && floor(var.approval_retention_days) == var.approval_retention_days
    error_message = "approval_retention_days must be a whole number from 1 to 3650 (what the approval functions accept as APPROVAL_RETENTION_DAYS)."
  }
}

# HTTP API route throttling (token bucket); AWS's account-level maximums: 10,000 requests per
# second and a burst of 5,000. https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-throttling.html
variable "approval_rate_limit" {
  description = "Steady-state requests per second the approval page's HTTP API accepts (the stage's default route throttling, for every route, the catch-all included); more get 429."
  type        = number
  default     = 10
  nullable    = false

  validation {
    condition     = var.approval_rate_limit > 0 && var.approval_rate_limit <= 10000
    error_message = "approval_rate_limit must be above 0 and at most 10000 requests per second (API Gateway's account-level limit)."
  }
}

variable "approval_burst_limit" {
  description = "Requests the approval page's HTTP API accepts at once above approval_rate_limit."
  type        = number
  default     = 20
  nullable    = false

  validation {
    condition     = var.approval_burst_limit >= 1 && var.approval_burst_limit <= 5000 && floor(var.approval_burst_limit) == var.approval_burst_limit
    error_message = "approval_burst_limit must be a whole number from 1 to 5000 (API Gateway's account-level burst limit)."
  }
}

# ---------------------------------------------------------------------------------------------
# The two functions
# ---------------------------------------------------------------------------------------------

variable "lambda_runtime" {
  description = "Lambda Java runtime of both functions."
  type        = string
  default     = "java21"
  nullable    = false

  validation {
    condition     = contains(["java21"], var.lambda_runtime)
    error_message = "lambda_runtime must be java21."
  }
}

variable "lambda_architecture" {
  description = "Instruction set of both functions: arm64 or x86_64."
  type        = string
  default     = "arm64"
  nullable    = false

  validation {
    condition     = contains(["arm64", "x86_64"], var.lambda_architecture)
    error_message = "lambda_architecture must be arm64 or x86_64."
  }
}

variable "lambda_memory_mb" {
  description = "Memory of both functions in MB."
  type        = number
  default     = 1024
  nullable    = false

  validation {
    condition     = var.lambda_memory_mb >= 128 && var.lambda_memory_mb <= 10240 && floor(var.lambda_memory_mb) == var.lambda_memory_mb
    error_message = "lambda_memory_mb must be a whole number from 128 to 10240."
  }
}

variable "lambda_application_log_level" {
  description = "Level of the functions' own log lines."
  type        = string
  default     = "INFO"
  nullable    = false

  validation {
    condition     = contains(["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"], var.lambda_application_log_level)
    error_message = "lambda_application_log_level must be one of TRACE, DEBUG, INFO, WARN, ERROR, FATAL."
  }
}

variable "lambda_system_log_level" {
  description = "Level of the Lambda platform's log lines for both functions."
  type        = string
  default     = "WARN"
  nullable    = false

  validation {
    condition     = contains(["DEBUG", "INFO", "WARN"], var.lambda_system_log_level)
    error_message = "lambda_system_log_level must be one of DEBUG, INFO, WARN."
  }
}

variable "lambda_tracing_enabled" {
  description = "Active X-Ray tracing for both functions."
  type        = bool
  default     = false
  nullable    = false
}

variable "log_retention_days" {
  description = "Retention of the functions' and the API's log groups, in days; 0 keeps logs forever."
  type        = number
  default     = 14
  nullable    = false

  validation {
    condition     = contains([0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be 0 or a value CloudWatch Logs accepts."
  }
}

variable "alarm_actions" {
  description = "ARNs the alarms notify when they fire and when they clear (an SNS topic); empty: the alarms show in CloudWatch only."
  type        = list(string)
  default     = []
  nullable    = false
}
