#!/usr/bin/env node
// Offline checks of the Terraform configuration: our `terraform validate`, and stricter where it
// can be. Usage: node check.js [--root DIR] [--self-test | --no-self-test] [-h]
//   (default: the checks on the repository, then the self-test of planted errors)
"use strict";

const path = require("path");
const { Model } = require("./lib/model");
const { runAll } = require("./lib/checks");
const { ScanError } = require("./lib/terraform");

const DEFAULT_ROOT = path.resolve(__dirname, "..", "..");
const SCHEMA = require("./aws-provider-schema.json");

async function checkRoot(root) {
  let model;
  try {
    model = await Model.load(root);
  } catch (e) {
    if (e instanceof ScanError) return { lines: [`${e.message.split("\n")[0]}`].concat(e.message.split("\n").slice(1)), count: 1 };
    throw e;
  }
  const findings = await runAll(model, SCHEMA);
  return { lines: findings.lines(), count: findings.count };
}

async function main() {
  const args = process.argv.slice(2);
  let root = DEFAULT_ROOT;
  let selfTest = true;
  let onlySelfTest = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--root") root = path.resolve(args[++i]);
    else if (a === "--self-test") onlySelfTest = true;
    else if (a === "--no-self-test") selfTest = false;
    else if (a === "-h" || a === "--help") {
      console.log("usage: node check.js [--root DIR] [--self-test | --no-self-test]");
      console.log("  default       check the configuration, then run the self-test (planted errors must be caught)");
      console.log("  --self-test   only the self-test");
      console.log("  --no-self-test  only the checks");
      return 0;
    } else {
      console.error(`check-infra: unknown argument ${a}`);
      return 2;
    }
  }
  let failed = 0;
  if (!onlySelfTest) {
    const started = Date.now();
    const { lines, count } = await checkRoot(root);
    for (const l of lines) console.log(l);
    console.log(`check-infra: ${count === 0 ? "OK" : `${count} finding(s)`} in ${path.relative(process.cwd(), root) || "."} (${((Date.now() - started) / 1000).toFixed(1)} s, provider schema ${SCHEMA.provenance.provider})`);
    if (count) failed++;
  }
  if (selfTest || onlySelfTest) {
    const { runSelfTest } = require("./selftest");
    const ok = await runSelfTest(DEFAULT_ROOT, checkRoot);
    if (!ok) failed++;
  }
  return failed ? 1 : 0;
}

module.exports = { checkRoot };

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (e) => {
      console.error(`check-infra: internal error: ${e.stack || e}`);
      process.exit(3);
    },
  );
}
