#!/usr/bin/env python3
"""Tests of the generator's parser and of the --check results. Run: python3 scripts/docs-gen/test_gen_docs.py"""
import contextlib
import io
import os
import shutil
import sys

sys.dont_write_bytecode = True
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(__file__))
import check_policy  # noqa: E402
import check_tfvars  # noqa: E402
import gen_docs  # noqa: E402
from gen_docs import read  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

VARIABLES = '''
variable "emails" {
  description = "Addresses, \\"quoted\\" | piped."
  type = list(object({
    name = string
  }))
  default = [
    "a@example.com",
    "b@example.com",
  ]
  nullable = false

  validation {
    condition = alltrue([for a in var.emails : try(
      length(a) <= 254,
    false)])
    error_message = "default = in a validation is not the variable's default."
  }
}

variable "required" {
  type        = string
  description = "No default."
}
'''


class ParserTest(unittest.TestCase):
    def test_multi_line_default_and_type_are_kept_whole_and_validation_blocks_skipped(self):
        (_, body), _ = list(gen_docs.blocks(VARIABLES, "variable"))
        args = gen_docs.arguments(body)
        self.assertEqual(args["default"].split("\n")[0], "[")
        self.assertTrue(args["default"].endswith("]"))
        self.assertIn("b@example.com", args["default"])
        self.assertTrue(args["type"].endswith("}))"))
        self.assertNotIn("condition", args)

    def test_table_escapes_pipes_unescapes_quotes_and_marks_variables_without_default_required(self):
        md = gen_docs.variables_md(VARIABLES)
        self.assertIn('Addresses, "quoted" \\| piped.', md)
        self.assertIn('<pre>[<br>  "a@example.com",<br>  "b@example.com",<br>]</pre> | no |', md)
        self.assertIn("| No default. | `string` | n/a | yes |", md)

    def test_every_alarm_of_the_configuration_is_in_the_table(self):
        md = gen_docs.generate(ROOT)["docs/alarms.md"]
        tf = "".join(read(os.path.join(d, "main.tf"))
                     for d in [ROOT] + [os.path.join(ROOT, "modules", m) for m in os.listdir(os.path.join(ROOT, "modules"))]
                     if os.path.isfile(os.path.join(d, "main.tf")))
        self.assertEqual(md.count("| `<name_prefix>-"), tf.count('resource "aws_cloudwatch_metric_alarm"'))


class CheckTest(unittest.TestCase):
    def setUp(self):
        self.root = tempfile.mkdtemp()
        for p in ["main.tf", "variables.tf", "outputs.tf"]:
            shutil.copy(os.path.join(ROOT, p), self.root)
        shutil.copytree(os.path.join(ROOT, "modules"), os.path.join(self.root, "modules"))
        os.mkdir(os.path.join(self.root, "docs"))
        self.quiet(["gen", self.root])

    def quiet(self, argv):
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            return gen_docs.main(argv)

    def tearDown(self):
        shutil.rmtree(self.root)

    def test_check_passes_on_fresh_output_and_fails_after_a_description_changes(self):
        self.assertEqual(self.quiet(["gen", self.root, "--check"]), 0)
        path = os.path.join(self.root, "outputs.tf")
        text = read(path).replace("ARN of the state machine;", "ARN of the one state machine;")
        with open(path, "w") as f:
            f.write(text)
        self.assertEqual(self.quiet(["gen", self.root, "--check"]), 1)

    def test_tfvars_check_names_a_variable_that_does_not_exist_even_commented_out(self):
        self.assertEqual(check_tfvars.unknown_names('region = "x"\n# batch_size = 1\n', VARIABLES + read(os.path.join(ROOT, "variables.tf"))), [])
        self.assertEqual(check_tfvars.unknown_names('# heartbeat_seconds = 3\n', read(os.path.join(ROOT, "variables.tf"))), ["heartbeat_seconds"])


class PolicyCheckTest(unittest.TestCase):
    def policy(self):
        import json
        return json.loads(read(os.path.join(ROOT, "docs", "deployer-policy.json")))

    def test_the_committed_policy_covers_every_declared_type(self):
        self.assertEqual(check_policy.findings(ROOT, self.policy()), [])

    def test_a_missing_action_is_named_with_the_type_that_needs_it(self):
        policy = self.policy()
        for st in policy["Statement"]:
            st["Action"] = [a for a in st["Action"] if a != "states:StopExecution"]
        self.assertEqual(check_policy.findings(ROOT, policy),
                         ["docs/deployer-policy.json lacks states:StopExecution (needed by resource terraform_data)"])

    def test_a_type_without_a_table_entry_fails(self):
        table = dict(check_policy.TABLE)
        del table["resource aws_dynamodb_table"]
        self.assertIn("resource aws_dynamodb_table has no entry", check_policy.findings(ROOT, self.policy(), table)[0])


if __name__ == "__main__":
    unittest.main()
