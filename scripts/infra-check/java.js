// What the worker's Java source says: which AWS calls it makes, which environment variables it
// reads, which classes exist. A scan of the text, not a compiler: it looks for calls of the SDK
// clients' operation names in files that import the SDK package, so it keeps working while the
// worker's classes move around.
"use strict";

const fs = require("fs");
const path = require("path");

// Operation names of the two SDK v2 clients the worker may use (method = lowerCamel of the API).
// Batch APIs are authorized by the single-message action (Service Authorization Reference for
// SQS: ChangeMessageVisibilityBatch -> sqs:ChangeMessageVisibility, and so on).
const SDK_OPERATIONS = {
  sfn: {
    pkg: "software.amazon.awssdk.services.sfn",
    prefix: "states",
    ops: [
      "createActivity", "createStateMachine", "createStateMachineAlias", "deleteActivity", "deleteStateMachine",
      "deleteStateMachineAlias", "deleteStateMachineVersion", "describeActivity", "describeExecution", "describeMapRun",
      "describeStateMachine", "describeStateMachineAlias", "describeStateMachineForExecution", "getActivityTask",
      "getExecutionHistory", "listActivities", "listExecutions", "listMapRuns", "listStateMachineAliases",
      "listStateMachineVersions", "listStateMachines", "publishStateMachineVersion", "redriveExecution",
      "sendTaskFailure", "sendTaskHeartbeat", "sendTaskSuccess", "startExecution", "startSyncExecution", "stopExecution",
      "testState", "updateMapRun", "updateStateMachine", "updateStateMachineAlias", "validateStateMachineDefinition",
    ],
    action: (op) => op,
  },
  sqs: {
    pkg: "software.amazon.awssdk.services.sqs",
    prefix: "sqs",
    ops: [
      "addPermission", "cancelMessageMoveTask", "changeMessageVisibility", "changeMessageVisibilityBatch", "createQueue",
      "deleteMessage", "deleteMessageBatch", "deleteQueue", "getQueueAttributes", "getQueueUrl",
      "listDeadLetterSourceQueues", "listMessageMoveTasks", "listQueueTags", "listQueues", "purgeQueue", "receiveMessage",
      "removePermission", "sendMessage", "sendMessageBatch", "setQueueAttributes", "startMessageMoveTask", "tagQueue",
      "untagQueue",
    ],
    action: (op) => op.replace(/Batch$/, ""),
  },
};

function javaFiles(dir) {
  if (!fs.existsSync(dir)) return [];
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...javaFiles(p));
    else if (e.name.endsWith(".java")) out.push(p);
  }
  return out.sort();
}

function stripComments(src) {
  return src.replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, " ")).replace(/\/\/[^\n]*/g, "");
}

function lineOf(text, index) {
  return text.slice(0, index).split("\n").length;
}

// Calls made over the wire without the SDK client, named by their JSON-protocol target
// (X-Amz-Target: "AmazonSQS.ChangeMessageVisibilityBatch", "AWSStepFunctions.SendTaskSuccess").
const WIRE_TARGETS = { AmazonSQS: "sqs", AWSStepFunctions: "sfn" };

// [{action: "states:SendTaskSuccess", file, line, call}]
function sdkCalls(srcDir, root) {
  const calls = [];
  for (const file of javaFiles(srcDir)) {
    const text = stripComments(fs.readFileSync(file, "utf8"));
    for (const m of text.matchAll(/"(AmazonSQS|AWSStepFunctions)\.([A-Z][A-Za-z]+)"/g)) {
      const client = SDK_OPERATIONS[WIRE_TARGETS[m[1]]];
      const call = m[2][0].toLowerCase() + m[2].slice(1);
      if (!client.ops.includes(call)) continue;
      const op = client.action(call);
      calls.push({
        action: `${client.prefix}:${op[0].toUpperCase()}${op.slice(1)}`,
        call,
        file: path.relative(root, file),
        line: lineOf(text, m.index),
      });
    }
    for (const client of Object.values(SDK_OPERATIONS)) {
      if (!text.includes(client.pkg)) continue;
      const re = new RegExp(`\\.\\s*(${client.ops.join("|")})\\s*\\(`, "g");
      for (const m of text.matchAll(re)) {
        const op = client.action(m[1]);
        calls.push({
          action: `${client.prefix}:${op[0].toUpperCase()}${op.slice(1)}`,
          call: m[1],
          file: path.relative(root, file),
          line: lineOf(text, m.index),
        });
      }
    }
  }
  return calls;
}

// Names of environment variables the worker reads: string literals in upper snake case passed
// to a reader call (System.getenv("X"), read.integer("X", ...), env.get("X")).
function envVarsRead(srcDir) {
  const names = new Set();
  for (const file of javaFiles(srcDir)) {
    const text = stripComments(fs.readFileSync(file, "utf8"));
    for (const m of text.matchAll(/\(\s*"([A-Z][A-Z0-9_]{2,})"/g)) names.add(m[1]);
  }
  return names;
}

// Does class a.b.C exist (a.b/C.java declaring class/record/interface C), and does it have method m?
function findClass(srcDir, fqcn) {
  const rel = `${fqcn.replace(/\./g, "/")}.java`;
  const file = path.join(srcDir, rel);
  if (!fs.existsSync(file)) return { exists: false, file: rel };
  const text = stripComments(fs.readFileSync(file, "utf8"));
  const simple = fqcn.split(".").pop();
  const pkg = fqcn.split(".").slice(0, -1).join(".");
  const declares = new RegExp(`\\b(class|record|interface|enum)\\s+${simple}\\b`).test(text);
  const inPackage = new RegExp(`^\\s*package\\s+${pkg.replace(/\./g, "\\.")}\\s*;`, "m").test(text);
  return {
    exists: declares && inPackage,
    file: rel,
    hasMethod: (m) => new RegExp(`\\bpublic\\s+[\\w<>\\[\\],.?\\s]+\\s${m}\\s*\\(`).test(text),
  };
}

// The shaded jar's path from the pom: <finalName> of the shade plugin, a property resolved from
// <properties> or an activeByDefault profile, in ${project.build.directory} (target/).
function shadedJar(pomFile) {
  if (!fs.existsSync(pomFile)) return { error: `${pomFile} not found` };
  const pom = fs.readFileSync(pomFile, "utf8").replace(/<!--[\s\S]*?-->/g, "");
  const shade = pom.match(/<artifactId>maven-shade-plugin<\/artifactId>[\s\S]*?<\/plugin>/g) ?? [];
  let finalName = null;
  for (const s of shade) {
    const m = s.match(/<finalName>([^<]+)<\/finalName>/);
    if (m) finalName = m[1].trim();
  }
  if (!finalName) {
    const a = pom.match(/<artifactId>([^<]+)<\/artifactId>/);
    const v = pom.match(/<version>([^<]+)<\/version>/);
    return { error: "no <finalName> in the maven-shade-plugin configuration", guess: `${a?.[1]}-${v?.[1]}` };
  }
  const props = {};
  const top = pom.replace(/<profiles>[\s\S]*<\/profiles>/, "");
  for (const block of top.match(/<properties>[\s\S]*?<\/properties>/g) ?? []) {
    for (const p of block.matchAll(/<([\w.-]+)>([^<]*)<\/\1>/g)) props[p[1]] = p[2].trim();
  }
  for (const prof of pom.match(/<profile>[\s\S]*?<\/profile>/g) ?? []) {
    if (!/<activeByDefault>\s*true\s*<\/activeByDefault>/.test(prof)) continue;
    for (const block of prof.match(/<properties>[\s\S]*?<\/properties>/g) ?? []) {
      for (const p of block.matchAll(/<([\w.-]+)>([^<]*)<\/\1>/g)) props[p[1]] = p[2].trim();
    }
  }
  const resolved = finalName.replace(/\$\{([\w.-]+)\}/g, (m, k) => props[k] ?? m);
  if (/\$\{/.test(resolved)) return { error: `cannot resolve shade finalName ${finalName}` };
  return { jar: `target/${resolved}.jar` };
}

module.exports = { sdkCalls, envVarsRead, findClass, shadedJar, javaFiles };
