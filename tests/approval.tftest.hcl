# Human approval at the root (docs/approval.md): off by default, and then nothing of it exists;
# on, the module, its outputs and the one-year rule between the worker's task and the approval;
# every approval variable's validation (the root's; modules/approval has the same). The
# resources themselves: tests/module_approval.tftest.hcl; the definition with approval on, exactly
# as before the modules: tests/state_machine.tftest.hcl.

# Teardown destroys what the runs applied: no destroy-time provisioner may call AWS from a test
# (tests/destroy.tftest.hcl covers it).
variables {
  stop_executions_on_destroy = false
}

mock_provider "aws" {
  source = "./tests/mocks"
}

# Nothing of approval, nothing reachable from the internet: no table, topic, functions or API;
# the worker knows, so a processor that asks for approval fails at once (Approval.NotEnabled).
run "approval_is_off_by_default_and_nothing_of_it_exists" {
  assert {
    condition = (
      length(module.approval) == 0 &&
      output.approval_endpoint == null && output.approvals_table_name == null && output.approval_topic_arn == null &&
      output.approval_request_function_name == null && output.approval_page_function_name == null
    )
    error_message = "Approval off: no approval module instance, and its outputs are null."
  }

  assert {
    condition     = module.callback.worker_environment["APPROVAL_ENABLED"] == "false"
    error_message = "The worker must know that approval is off: APPROVAL_ENABLED=${module.callback.worker_environment["APPROVAL_ENABLED"]}"
  }

  assert {
    condition     = length([for k in keys(jsondecode(aws_sfn_state_machine.callback.definition).States) : k if startswith(k, "Approval") || k == "WaitForApproval" || startswith(k, "NotApproved")]) == 0
    error_message = "Approval off: no approval state in the definition."
  }
}

run "approval_on_creates_the_module_and_names_it_in_the_outputs" {
  variables {
    approval_enabled = true
  }

  assert {
    condition = (
      length(module.approval) == 1 &&
      output.approval_endpoint == "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com" &&
      output.approvals_table_name == "sfn-callback-approvals" &&
      output.approval_topic_arn == "arn:aws:sns:us-east-1:123456789012:sfn-callback-approvals" &&
      output.approval_request_function_name == "sfn-callback-approval-request" &&
      output.approval_page_function_name == "sfn-callback-approval-page"
    )
    error_message = "Approval outputs: ${jsonencode([output.approval_endpoint, output.approvals_table_name, output.approval_topic_arn, output.approval_request_function_name, output.approval_page_function_name])}"
  }

  assert {
    condition     = module.callback.worker_environment["APPROVAL_ENABLED"] == "true" && jsondecode(aws_sfn_state_machine.callback.definition).States.WaitForWorker.Next == "ApprovalRequested"
    error_message = "Approval on: the worker may ask for approval, and its result goes to ApprovalRequested."
  }
}

run "approval_settings_reach_the_module" {
  command = plan

  variables {
    approval_enabled         = true
    approval_timeout_seconds = 3600
    approver_emails          = ["alice@example.com"]
  }

  assert {
    condition = (
      jsondecode(aws_sfn_state_machine.callback.definition).States.WaitForApproval.TimeoutSeconds == 3600 &&
      module.approval[0].request_environment["APPROVAL_TIMEOUT_SECONDS"] == "3600" &&
      module.approval[0].request_environment["APPROVER_EMAILS"] == "[\"alice@example.com\"]"
    )
    error_message = "The root's approval variables reach the module."
  }
}

# Switched off again, everything of approval is destroyed (docs/deploy.md says so for upgrades).
run "approval_off_again_destroys_it" {
  assert {
    condition     = length(module.approval) == 0 && output.approval_endpoint == null && module.callback.worker_environment["APPROVAL_ENABLED"] == "false"
    error_message = "Approval off again: the module's instance is gone."
  }
}

# --- approver_emails: what ApprovalConfig accepts, no more --------------------------------------

run "approver_without_an_at_sign_is_refused" {
  command = plan
  variables {
    approver_emails = ["ops.example.com"]
  }
  expect_failures = [var.approver_emails]
}

run "approver_without_a_dotted_domain_is_refused" {
  command = plan
  variables {
    approver_emails = ["ops@localhost"]
  }
  expect_failures = [var.approver_emails]
}

run "approver_with_a_space_or_quotes_is_refused" {
  command = plan
  variables {
    approver_emails = ["\"ops team\"@example.com"]
  }
  expect_failures = [var.approver_emails]
}

run "approver_with_a_name_and_brackets_is_refused" {
  command = plan
  variables {
    approver_emails = ["Ops <ops@example.com>"]
  }
  expect_failures = [var.approver_emails]
}

run "approver_domain_label_starting_with_a_hyphen_is_refused" {
  command = plan
  variables {
    approver_emails = ["ops@-example.com"]
  }
  expect_failures = [var.approver_emails]
}

run "approver_local_part_of_65_characters_is_refused" {
  command = plan
  variables {
    approver_emails = ["${format("%065d", 1)}@example.com"]
  }
  expect_failures = [var.approver_emails]
}

# 64 + 1 + 190 = 255 characters, one more than an address may have.
run "approver_address_of_255_characters_is_refused" {
  command = plan
  variables {
    approver_emails = ["${format("%064d", 1)}@${format("%063d", 0)}.${format("%063d", 0)}.${format("%054d", 0)}.example"]
  }
  expect_failures = [var.approver_emails]
}

run "approver_listed_twice_ignoring_case_is_refused" {
  command = plan
  variables {
    approver_emails = ["ann@example.com", "Ann@Example.com"]
  }
  expect_failures = [var.approver_emails]
}

run "more_than_100_approvers_are_refused" {
  command = plan
  variables {
    approver_emails = [for i in range(101) : "approver${i}@example.com"]
  }
  expect_failures = [var.approver_emails]
}

# 12 addresses of 253 characters: 3073 characters of JSON, one more than the environment allows.
run "approvers_longer_than_3072_characters_of_json_are_refused" {
  command = plan
  variables {
    approver_emails = [for i in range(12) : "${format("%064d", i)}@${format("%063d", 0)}.${format("%063d", 0)}.${format("%052d", 0)}.example"]
  }
  expect_failures = [var.approver_emails]
}

# The boundaries that must pass, the root's and modules/approval's validations (approval on): the
# plausible odd addresses, a 64-character local part, a 254-character address, 100 approvers,
# exactly 3072 characters of JSON.
run "approver_addresses_at_every_boundary_pass" {
  command = plan
  variables {
    approval_enabled = true
    approver_emails = [
      "Bob.Smith+orders@example.org",
      "o'neil_&_co@mail.example.co.uk",
      "${format("%064d", 1)}@example.com",
      "${format("%064d", 2)}@${format("%063d", 0)}.${format("%063d", 0)}.${format("%053d", 0)}.example",
    ]
  }
  assert {
    condition     = length(var.approver_emails[3]) == 254
    error_message = "Every plausible address is accepted, up to 254 characters."
  }
}

run "one_hundred_approvers_pass" {
  command = plan
  variables {
    approval_enabled = true
    approver_emails  = [for i in range(100) : "approver${i}@example.com"]
  }
  assert {
    condition     = length(var.approver_emails) == 100
    error_message = "100 approvers pass."
  }
}

run "approvers_of_exactly_3072_characters_of_json_pass" {
  command = plan
  variables {
    approval_enabled = true
    approver_emails = concat(
      [for i in range(11) : "${format("%064d", i)}@${format("%063d", 0)}.${format("%063d", 0)}.${format("%052d", 0)}.example"],
      ["${format("%064d", 11)}@${format("%063d", 0)}.${format("%063d", 0)}.${format("%051d", 0)}.example"],
    )
  }
  assert {
    condition     = length(jsonencode(var.approver_emails)) == 3072
    error_message = "The test must use exactly 3072 characters of JSON: ${length(jsonencode(var.approver_emails))}"
  }
}

# --- the other approval settings --------------------------------------------------------------

run "approval_settings_below_their_ranges_are_refused" {
  command = plan
  variables {
    approval_timeout_seconds = 59
    approval_retention_days  = 0
    approval_rate_limit      = 0
    approval_burst_limit     = 0
  }
  expect_failures = [var.approval_timeout_seconds, var.approval_retention_days, var.approval_rate_limit, var.approval_burst_limit]
}

run "approval_settings_above_their_ranges_are_refused" {
  command = plan
  variables {
    approval_timeout_seconds = 31536001
    approval_retention_days  = 3651
    approval_rate_limit      = 10001
    approval_burst_limit     = 5001
  }
  expect_failures = [var.approval_timeout_seconds, var.approval_retention_days, var.approval_rate_limit, var.approval_burst_limit]
}

run "approval_fractions_are_refused_where_aws_counts_whole_units" {
  command = plan
  variables {
    approval_timeout_seconds = 86400.5
    approval_retention_days  = 1.5
    approval_burst_limit     = 1.5
  }
  expect_failures = [var.approval_timeout_seconds, var.approval_retention_days, var.approval_burst_limit]
}

# A standard execution runs at most a year (31536000 s): the worker's task and the approval must
# fit in it together. 3600 + 31532401 is one second over.
run "task_and_approval_timeouts_over_a_year_are_refused" {
  command = plan
  variables {
    approval_enabled         = true
    task_timeout_seconds     = 3600
    approval_timeout_seconds = 31532401
  }
  expect_failures = [aws_sfn_state_machine.callback]
}

# Applied: the approval alias's ARN in the definition is known only then.
run "task_and_approval_timeouts_of_exactly_a_year_pass" {
  variables {
    approval_enabled         = true
    task_timeout_seconds     = 3600
    approval_timeout_seconds = 31532400
  }
  assert {
    condition     = jsondecode(aws_sfn_state_machine.callback.definition).States.WaitForApproval.TimeoutSeconds == 31532400
    error_message = "3600 + 31532400 = 31536000 plans."
  }
}

# Without approval there is no approval to fit in the year.
run "without_approval_a_long_approval_timeout_is_not_refused" {
  command = plan
  variables {
    task_timeout_seconds     = 3600
    approval_timeout_seconds = 31532401
  }
  assert {
    condition     = length(module.approval) == 0
    error_message = "approval_timeout_seconds does not matter without approval."
  }
}
