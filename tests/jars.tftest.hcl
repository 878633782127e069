# Each function from its own jar: the worker from worker_jar (by default this project's
# lambda/worker/target/callback-worker.jar), the approval functions from the approval jar. A change
# to the approval jar alone leaves the worker alone: same hash, so no new version, no new
# SnapStart snapshot, no alias move (scripts/check-infra.sh also checks, in the plan of the second
# run, that nothing under module.callback changes). And a processor of one's own, in a project of
# one's own (examples/order-processor/), deploys by setting two variables. scripts/check-infra.sh
# puts stand-ins where the Maven builds put the jars.

# Teardown destroys what the runs applied: no destroy-time provisioner may call AWS from a test
# (tests/destroy.tftest.hcl covers it).
variables {
  stop_executions_on_destroy = false
  approval_enabled           = true
}

mock_provider "aws" {
  source = "./tests/mocks"
}

run "each_function_runs_its_own_jar" {
  assert {
    condition = (
      module.callback.worker_source_code_hash == filebase64sha256("./lambda/worker/target/callback-worker.jar") &&
      module.approval[0].request_source_code_hash == filebase64sha256("./lambda/approval/target/callback-approval.jar")
    )
    error_message = "The worker runs lambda/worker's jar, the approval functions lambda/approval's."
  }
}

run "a_new_approval_jar_leaves_the_worker_alone" {
  command = plan

  variables {
    approval_jar = "tests/fixtures/b.jar"
  }

  assert {
    condition = (
      module.approval[0].request_source_code_hash == filebase64sha256("tests/fixtures/b.jar") &&
      module.callback.worker_source_code_hash == filebase64sha256("./lambda/worker/target/callback-worker.jar") &&
      output.worker_alias_arn == run.each_function_runs_its_own_jar.worker_alias_arn
    )
    error_message = "Only the approval functions' hash changes; the worker keeps its hash and its alias."
  }
}

# The README's "Plug in your own processor": a project like examples/order-processor, built,
# and two variables set.
run "a_processor_of_ones_own_deploys_from_its_own_project" {
  command = plan

  variables {
    approval_enabled = false
    worker_jar       = "examples/order-processor/target/order-processor.jar"
    processor_class  = "com.example.orders.OrderProcessor"
  }

  assert {
    condition = (
      module.callback.worker_source_code_hash == filebase64sha256("examples/order-processor/target/order-processor.jar") &&
      module.callback.worker_environment["PROCESSOR_CLASS"] == "com.example.orders.OrderProcessor"
    )
    error_message = "The worker runs the example's jar and its processor: ${module.callback.worker_environment["PROCESSOR_CLASS"]}"
  }
}
