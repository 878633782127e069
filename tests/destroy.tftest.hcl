# `terraform destroy` stops the executions still running before it deletes the state machine
# (terraform_data.stop_executions_on_destroy; scripts/tests/run.sh tests the script itself, and
# scripts/infra-check/check.js checks in `terraform graph` that it is destroyed before the state
# machine). The provisioner only runs on destroy, and the test's teardown must not call AWS: the
# last run switches it off, which is an update in place, not a destroy.

mock_provider "aws" {
  source = "./tests/mocks"
}

run "destroy_stops_the_running_executions_of_this_state_machine_by_default" {
  assert {
    condition = (
      terraform_data.stop_executions_on_destroy.output.enabled == true &&
      terraform_data.stop_executions_on_destroy.output.state_machine_arn == aws_sfn_state_machine.callback.arn &&
      terraform_data.stop_executions_on_destroy.output.region == "us-east-1" &&
      terraform_data.stop_executions_on_destroy.output.script == "./scripts/stop-executions.sh"
    )
    error_message = "By default destroy runs scripts/stop-executions.sh for this state machine, in its region."
  }
}

run "switching_it_off_is_kept_for_the_destroy" {
  variables {
    stop_executions_on_destroy = false
  }

  assert {
    condition     = terraform_data.stop_executions_on_destroy.output.enabled == false
    error_message = "stop_executions_on_destroy = false reaches the destroy-time provisioner."
  }
}
