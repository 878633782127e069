# ---------------------------------------------------------------------------------------------
# What the function is
# ---------------------------------------------------------------------------------------------

variable "function_name" {
  description = "Name of the function; its log group is /aws/lambda/<function_name>. 1-64 characters of letters, digits, '-' and '_' (Lambda's limit for a name)."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,64}$", var.function_name))
    error_message = "function_name must be 1-64 characters of A-Z, a-z, 0-9, '-' and '_'."
  }
}

variable "description" {
  description = "Description of the function (at most 256 characters)."
  type        = string
  default     = ""
  nullable    = false

  validation {
    condition     = length(var.description) <= 256
    error_message = "description must be at most 256 characters (Lambda's limit)."
  }
}

variable "jar" {
  description = "Path of the shaded jar the function runs. Its SHA-256 is the function's source_code_hash: a new jar publishes a new version."
  type        = string
  nullable    = false
}

variable "build_hint" {
  description = "How to build the jar, quoted in the error when it does not exist."
  type        = string
  default     = "./mvnw -q package -DskipTests at the repository root"
  nullable    = false
}

variable "handler" {
  description = "Handler of the function: package.Class::method."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)+::[A-Za-z_$][A-Za-z0-9_$]*$", var.handler))
    error_message = "handler must look like com.example.Handler::handleRequest."
  }
}

variable "environment" {
  description = "Environment variables of the function (Lambda allows 4 KB of them in all)."
  type        = map(string)
  default     = {}
  nullable    = false
}

variable "runtime" {
  description = "Lambda Java runtime. java21 only: hashicorp/aws accepts java25 from 6.20.0 on, and this module also supports 5.100."
  type        = string
  default     = "java21"
  nullable    = false

  validation {
    condition     = contains(["java21"], var.runtime)
    error_message = "runtime must be java21."
  }
}

variable "architecture" {
  description = "Instruction set: arm64 or x86_64."
  type        = string
  default     = "arm64"
  nullable    = false

  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "architecture must be arm64 or x86_64."
  }
}

variable "memory_mb" {
  description = "Memory in MB (Lambda gives CPU in proportion)."
  type        = number
  default     = 1024
  nullable    = false

  validation {
    condition     = var.memory_mb >= 128 && var.memory_mb <= 10240 && floor(var.memory_mb) == var.memory_mb
    error_message = "memory_mb must be a whole number from 128 to 10240."
  }
}

variable "timeout_seconds" {
  description = "Invocation timeout in seconds."
  type        = number
  nullable    = false

  validation {
    condition     = var.timeout_seconds >= 1 && var.timeout_seconds <= 900 && floor(var.timeout_seconds) == var.timeout_seconds
    error_message = "timeout_seconds must be a whole number from 1 to 900 (the Lambda maximum)."
  }
}

variable "alias_description" {
  description = "Description of the live alias: who invokes it."
  type        = string
  default     = "The published version callers invoke (SnapStart needs a version)."
  nullable    = false
}

# ---------------------------------------------------------------------------------------------
# Permissions
# ---------------------------------------------------------------------------------------------

variable "account_id" {
  description = "The AWS account the function runs in: only Lambda calling for this account may assume its role."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits."
  }
}

variable "role_name" {
  description = "Name of the function's IAM role (global to the account: put the region in it when one account has stacks in several regions). At most 64 characters."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[\\w+=,.@-]{1,64}$", var.role_name))
    error_message = "role_name must be 1-64 characters of letters, digits and +=,.@_- (IAM's limit)."
  }
}

variable "role_description" {
  description = "Description of the role (at most 1000 characters)."
  type        = string
  default     = ""
  nullable    = false

  validation {
    condition     = length(var.role_description) <= 1000
    error_message = "role_description must be at most 1000 characters (IAM's limit)."
  }
}

variable "policy_name" {
  description = "Name of the role's inline policy."
  type        = string
  nullable    = false
}

variable "policy_json" {
  description = "IAM policy document (JSON, as aws_iam_policy_document renders it) with what the function's code calls. Writing to its own log group is added; statements need unique sids other than WriteOwnLogs."
  type        = string
  nullable    = false

  validation {
    condition     = can(jsondecode(var.policy_json).Statement)
    error_message = "policy_json must be an IAM policy document with a Statement list."
  }
}

# ---------------------------------------------------------------------------------------------
# Logs and tracing
# ---------------------------------------------------------------------------------------------

variable "log_retention_days" {
  description = "Retention of the function's log group, in days; 0 keeps logs forever."
  type        = number
  default     = 14
  nullable    = false

  validation {
    condition     = contains([0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be 0 or a value CloudWatch Logs accepts: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "application_log_level" {
  description = "Level of the function's own log lines (Lambda advanced logging, JSON format)."
  type        = string
  default     = "INFO"
  nullable    = false

  validation {
    condition     = contains(["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"], var.application_log_level)
    error_message = "application_log_level must be one of TRACE, DEBUG, INFO, WARN, ERROR, FATAL."
  }
}

variable "system_log_level" {
  description = "Level of the Lambda platform's log lines (START/END/REPORT are INFO)."
  type        = string
  default     = "WARN"
  nullable    = false

  validation {
    condition     = contains(["DEBUG", "INFO", "WARN"], var.system_log_level)
    error_message = "system_log_level must be one of DEBUG, INFO, WARN."
  }
}

variable "tracing_enabled" {
  description = "Active X-Ray tracing (adds the X-Ray write permissions to the role)."
  type        = bool
  default     = false
  nullable    = false
}
