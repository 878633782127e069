#!/usr/bin/env python3
"""Fails when terraform.tfvars.example sets (or shows commented out) a name variables.tf lacks."""
import os
import re
import sys

sys.dont_write_bytecode = True

sys.path.insert(0, os.path.dirname(__file__))
from gen_docs import blocks, read  # noqa: E402


def unknown_names(example, variables_tf):
    known = {labels[0] for labels, _ in blocks(variables_tf, "variable")}
    named = re.findall(r"^(?:# )?([a-z_][a-z0-9_]*) +=", example, re.M)
    return [n for n in named if n not in known]


def main(root):
    example = read(os.path.join(root, "terraform.tfvars.example"))
    variables = read(os.path.join(root, "variables.tf"))
    bad = unknown_names(example, variables)
    for n in bad:
        print("gen-docs: terraform.tfvars.example names {}, which is not a variable of variables.tf".format(n), file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
