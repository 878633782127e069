# Upgrading a stack applied from the single-file layout (commit 395c545, kept verbatim in
# tests/upgrade/from-395c545/) to the modules: the first run applies that configuration, the second
# plans this one against the same state (state_key, Terraform >= 1.11: hence a directory of its
# own, which scripts/check-infra.sh runs with -test-directory only on such a Terraform). Every
# resource the old layout created must be found at its new address (moved.tf): a `moved` block
# whose target does not exist, or a resource left out, plans a delete. scripts/check-infra.sh
# reads the second run's plan (terraform test -json -verbose) and requires that nothing is
# deleted or replaced, that nothing is created but what that layout lacked (the approval API's
# catch-all route and its permission), and that no moved resource changes an argument other than
# the ones this change means to change. The mock provider cannot say which changes force a
# replacement, so that list is the check; scripts/rehearse/upgrade.sh repeats the upgrade with the
# real provider against an AWS API emulator.

variables {
  stop_executions_on_destroy = false
  # The old layout's approval was always there; the new one keeps it only when asked.
  approval_enabled = true
  approver_emails  = ["alice@example.com"]
  alarm_email      = "ops@example.com"
}

mock_provider "aws" {
  source = "./tests/mocks"
}

run "apply_the_single_file_layout" {
  state_key = "stack"

  module {
    source = "./tests/upgrade/from-395c545"
  }

  # Every optional resource of the old layout, so that each has to move.
  variables {
    lambda_tracing_enabled        = true
    state_machine_tracing_enabled = true
  }
}

run "plan_the_modules_against_its_state" {
  command   = plan
  state_key = "stack"

  variables {
    lambda_tracing_enabled        = true
    state_machine_tracing_enabled = true
  }

  assert {
    condition     = output.state_machine_arn == run.apply_the_single_file_layout.state_machine_arn && output.tasks_queue_url == run.apply_the_single_file_layout.tasks_queue_url && output.approval_endpoint == run.apply_the_single_file_layout.approval_endpoint
    error_message = "The state machine, the queue and the approval API keep their identities."
  }
}
