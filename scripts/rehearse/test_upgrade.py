"""upgrade.sh's own checks, without running Terraform: the plan check and the missing-moto exit.

The rehearsal itself is scripts/rehearse/upgrade.sh (minutes); these take a second.
Run: python3 -m unittest discover -s scripts/rehearse -p 'test_*.py' -v
"""

import contextlib
import io
import json
import os
import stat
import subprocess
import sys
import tempfile
import unittest

import rehearse_checks

HERE = os.path.dirname(os.path.abspath(__file__))


def plan_with(*changes):
    """A `terraform show -json` document holding the given (address, actions, extra) changes."""
    return {
        "format_version": "1.2",
        "resource_changes": [
            {"address": address, "change": {"actions": actions, "before": {"policy": "a"}, "after": {"policy": "b"}, "after_unknown": {}}, **extra}
            for address, actions, extra in changes
        ],
    }


class PlanCheckTest(unittest.TestCase):
    def check(self, document):
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as file:
            json.dump(document, file)
        self.addCleanup(os.unlink, file.name)
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = rehearse_checks.plan(file.name)
        return status, out.getvalue(), err.getvalue()

    def test_in_place_updates_and_moves_pass_and_are_listed(self):
        status, out, _ = self.check(
            plan_with(
                ("module.callback.aws_sqs_queue_policy.tasks", ["update"], {}),
                ("module.callback.aws_sqs_queue.tasks", ["no-op"], {"previous_address": "aws_sqs_queue.tasks"}),
            )
        )
        self.assertEqual(0, status)
        self.assertIn("update module.callback.aws_sqs_queue_policy.tasks: policy", out)
        self.assertIn("1 to update in place, 0 to delete or replace, 1 moved", out)

    def test_a_replacement_fails_naming_the_address(self):
        status, out, err = self.check(plan_with(("aws_sfn_state_machine.callback", ["delete", "create"], {})))
        self.assertEqual(1, status)
        self.assertIn("replace aws_sfn_state_machine.callback", out)
        self.assertIn("must delete or replace nothing", err)

    def test_a_delete_fails_naming_the_address(self):
        status, out, _ = self.check(plan_with(("aws_dynamodb_table.approvals", ["delete"], {})))
        self.assertEqual(1, status)
        self.assertIn("delete aws_dynamodb_table.approvals", out)


class MissingMotoTest(unittest.TestCase):
    """Where moto is missing the rehearsal says how to install it: exit 3 to skip, 1 under CI."""

    def run_upgrade(self, ci):
        with tempfile.TemporaryDirectory() as bin_dir:
            stub = os.path.join(bin_dir, "python3")
            with open(stub, "w") as file:  # python3 without site-packages: no moto, as on a bare machine
                file.write(f'#!/bin/sh\nexec "{sys.executable}" -S "$@"\n')
            os.chmod(stub, stat.S_IRWXU)
            env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}", CI=ci)
            return subprocess.run([os.path.join(HERE, "upgrade.sh")], capture_output=True, text=True, env=env, timeout=60)

    def test_without_moto_it_exits_3_and_says_how_to_install_it(self):
        result = self.run_upgrade(ci="")
        self.assertEqual(3, result.returncode, result.stderr)
        self.assertIn("pip install 'moto[server]==5.2.1'", result.stderr)

    def test_under_ci_a_missing_moto_fails(self):
        self.assertEqual(1, self.run_upgrade(ci="true").returncode)


if __name__ == "__main__":
    unittest.main()
