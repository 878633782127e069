#!/usr/bin/env python3
"""Sums up the JUnit XML reports of a Maven build: per module, how many tests ran, failed and were skipped,
and why each skipped test was skipped. Used by scripts/test.sh after ./mvnw verify."""
import glob
import os
import sys
import xml.etree.ElementTree as ET

root = sys.argv[1] if len(sys.argv) > 1 else "."
modules = {}
skips = []
for report in sorted(glob.glob(os.path.join(root, "**", "target", "*-reports", "TEST-*.xml"), recursive=True)):
    module = os.path.relpath(report, root).split(os.sep + "target" + os.sep)[0]
    suite = ET.parse(report).getroot()
    counts = modules.setdefault(module, [0, 0, 0])
    for case in suite.iter("testcase"):
        counts[0] += 1
        if case.find("failure") is not None or case.find("error") is not None:
            counts[1] += 1
        skipped = case.find("skipped")
        if skipped is not None:
            counts[2] += 1
            skips.append(f"{suite.get('name', '?').rsplit('.', 1)[-1]}.{case.get('name')}: "
                         f"{skipped.get('message') or 'no reason given'}")
total = [sum(c[i] for c in modules.values()) for i in range(3)]
for module, (tests, failed, skipped) in modules.items():
    print(f"  {module:<28} {tests:5d} tests, {failed} failed, {skipped} skipped")
for skip in skips:
    print(f"  skipped: {skip}")
print(f"java: {total[0] - total[1] - total[2]} passed, {total[1]} failed, {total[2]} skipped")
