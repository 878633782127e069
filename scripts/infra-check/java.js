// What the Lambda functions' Java source says: which AWS calls each handler can reach, which
// environment variables the code reads, which classes exist, where Maven puts each shaded jar.
// A function's source is the source roots its jar is built from (the worker: lambda/core and
// lambda/worker; the approval functions: lambda/core and lambda/approval), passed as a list of
// directories. A scan of the text, not a compiler:
// from the handler class it follows the classes named and the methods called (by name, so a call
// reaches every method of that name in a reached class: it errs towards more calls, never fewer),
// then collects the operations called on SDK v2 client fields, parameters and local variables in
// the methods it reached, and raw JSON-protocol targets.
"use strict";

const fs = require("fs");
const path = require("path");

// SDK v2 client types and the IAM service prefix of their operations.
const CLIENTS = { SfnClient: "states", SqsClient: "sqs", DynamoDbClient: "dynamodb", SnsClient: "sns" };
// Targets of calls made over the wire without the SDK client ("AmazonSQS.ChangeMessageVisibilityBatch").
const WIRE_TARGETS = { AmazonSQS: "sqs", AWSStepFunctions: "states", DynamoDB_20120810: "dynamodb" };
// Client methods that are not operations.
const NOT_OPERATIONS = new Set(["close", "serviceName", "serviceClientConfiguration", "utilities", "waiter"]);
// Methods the runtime, SnapStart or an executor call without the code naming them.
const CALLED_BY_RUNTIME = ["handleRequest", "beforeCheckpoint", "afterRestore", "run", "call", "get", "accept", "apply", "close", "toString"];
const KEYWORDS = new Set(["if", "for", "while", "switch", "catch", "synchronized", "try", "return", "new", "else", "throw", "case", "do"]);

// The IAM action of an operation: SQS and SNS authorize their batch APIs by the single-message
// action (Service Authorization Reference: ChangeMessageVisibilityBatch -> sqs:ChangeMessageVisibility,
// PublishBatch -> sns:Publish); a paginator calls its operation.
function action(prefix, op) {
  let name = op.replace(/Paginator$/, "");
  if (prefix === "sqs" || prefix === "sns") name = name.replace(/Batch$/, "");
  return `${prefix}:${name[0].toUpperCase()}${name.slice(1)}`;
}

const javaFiles = (dir) => (fs.existsSync(dir) ? fs.readdirSync(dir, { recursive: true }).filter((f) => f.endsWith(".java")).map((f) => path.join(dir, f)).sort() : []);

// Same length as the input, so offsets stay valid: comments blanked; with `masked`, string and
// char literals blanked too (their braces and parentheses are not code).
function blank(src, masked) {
  return src.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'/g, (m) =>
    m.startsWith("/") || masked ? m.replace(/[^\n]/g, " ") : m,
  );
}

const lineOf = (text, index) => text.slice(0, index).split("\n").length;

// A source file: its class, its methods (name and body range, found at any depth) and the rest.
function parse(file) {
  const raw = fs.readFileSync(file, "utf8");
  const text = blank(raw, false);
  // A sealed type's `permits` clause names its subclasses without running any of them (the
  // approval functions' priming base class permits both handlers' primings).
  const code = blank(raw, true).replace(/\bpermits\b[^{]*/g, (m) => m.replace(/[^\n]/g, " "));
  const methods = [];
  for (const m of code.matchAll(/([\w$>\]])\s+([A-Za-z_$][\w$]*)\s*\((?:[^()]|\([^()]*\))*\)\s*(?:throws\s+[\w.,\s]+)?\{/g)) {
    const before = code.slice(0, m.index + 1).match(/(\w+)\s*$/)?.[1];
    if (KEYWORDS.has(m[2]) || KEYWORDS.has(before)) continue;
    let depth = 0;
    let end = m.index + m[0].length - 1;
    for (; end < code.length; end++) {
      if (code[end] === "{") depth++;
      else if (code[end] === "}" && --depth === 0) break;
    }
    methods.push({ name: m[2], start: m.index, end });
  }
  // Outside every method: fields, initializers (with and without their string literals).
  const outside = (t) => methods.reduce((r, m) => r.slice(0, m.start) + " ".repeat(m.end - m.start) + r.slice(m.end), t);
  const clients = new Map();
  for (const m of code.matchAll(new RegExp(`\\b(${Object.keys(CLIENTS).join("|")})\\s+(\\w+)\\s*[;,)=]`, "g"))) clients.set(m[2], CLIENTS[m[1]]);
  return { file, text, code, simple: path.basename(file, ".java"), methods, rest: { text: outside(text), code: outside(code) }, clients };
}

// A reached part of a file: the text outside its methods (start -1), or one method.
const part = (f, start, end, key) => (start === -1 ? f.rest[key] : f[key].slice(start, end));

// The code a handler can run: the handler class's methods and initializers, and, to a fixed
// point, the initializers of every class named there and the methods called there.
const parsed = new Map(); // srcDir -> its files, parsed once
const sourcesOf = (srcDir) => parsed.get(srcDir) ?? parsed.set(srcDir, javaFiles(srcDir).map(parse)).get(srcDir);
// The files of one or more source roots.
const sources = (srcDirs) => [srcDirs].flat().flatMap(sourcesOf);
function reachable(srcDirs, handlerClass) {
  if (!handlerClass) return [];
  const files = sources(srcDirs);
  const bySimple = new Map(files.map((f) => [f.simple, f]));
  const entry = files.find((f) => f.file.endsWith(path.join(...handlerClass.split(".")) + ".java"));
  if (!entry) return [];
  const classes = new Set([entry]);
  const names = new Set(CALLED_BY_RUNTIME);
  const segments = new Map(); // file -> [{start, end}] reached
  const reach = (f, start, end) => {
    const list = segments.get(f) ?? [];
    if (list.some((s) => s.start === start)) return false;
    list.push({ start, end });
    segments.set(f, list);
    const code = part(f, start, end, "code");
    for (const c of code.matchAll(/([A-Za-z_$][\w$]*)\s*\(|::\s*(\w+)/g)) names.add(c[1] ?? c[2]);
    for (const t of code.matchAll(/\b[A-Z][\w$]*/g)) if (bySimple.has(t[0])) classes.add(bySimple.get(t[0]));
    return true;
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (const f of [...classes]) {
      if (reach(f, -1, -1)) changed = true;
      for (const m of f.methods) {
        if ((f === entry || m.name === f.simple || names.has(m.name)) && reach(f, m.start, m.end)) changed = true;
      }
    }
  }
  return [...segments].map(([f, list]) => ({ f, list }));
}

// [{action: "states:SendTaskSuccess", call, file, line}] that the handler can make.
function sdkCalls(srcDirs, root, handlerClass) {
  const calls = [];
  for (const { f, list } of reachable(srcDirs, handlerClass)) {
    for (const { start, end } of list) {
      const offset = start === -1 ? 0 : start;
      const text = part(f, start, end, "text");
      const at = (i) => ({ file: path.relative(root, f.file), line: lineOf(f.text, offset + i) });
      for (const m of text.matchAll(new RegExp(`"(${Object.keys(WIRE_TARGETS).join("|")})\\.([A-Z]\\w+)"`, "g"))) {
        calls.push({ action: action(WIRE_TARGETS[m[1]], m[2][0].toLowerCase() + m[2].slice(1)), call: m[2], ...at(m.index) });
      }
      for (const [name, prefix] of f.clients) {
        for (const m of text.matchAll(new RegExp(`\\b${name}\\s*\\.\\s*([a-z]\\w*)\\s*\\(`, "g"))) {
          if (!NOT_OPERATIONS.has(m[1])) calls.push({ action: action(prefix, m[1]), call: m[1], ...at(m.index) });
        }
      }
    }
  }
  return calls;
}

// Names of environment variables the code reads: string literals in upper snake case passed to a
// reader call (System.getenv("X"), read.integer("X", ...), env.get("X")).
function envVarsRead(srcDirs) {
  const names = new Set();
  for (const f of sources(srcDirs)) for (const m of f.text.matchAll(/\(\s*"([A-Z][A-Z0-9_]{2,})"/g)) names.add(m[1]);
  return names;
}

// Does class a.b.C exist in one of the source roots (a.b/C.java declaring class/record/interface
// C), and does it have method m?
function findClass(srcDirs, fqcn) {
  const rel = `${fqcn.replace(/\./g, "/")}.java`;
  const file = [srcDirs].flat().map((d) => path.join(d, rel)).find((f) => fs.existsSync(f));
  if (!file) return { exists: false, file: rel };
  const text = blank(fs.readFileSync(file, "utf8"), false);
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

// The shaded jar's path from a module's pom: <finalName> of the shade plugin (in the module's pom
// or, failing that, in its parent's, <relativePath> or ../pom.xml), a property resolved from the
// module's <properties> and then the parent's, in ${project.build.directory} (target/).
function shadedJar(pomFile) {
  if (!fs.existsSync(pomFile)) return { error: `${pomFile} not found` };
  const read = (f) => fs.readFileSync(f, "utf8").replace(/<!--[\s\S]*?-->/g, "");
  const pom = read(pomFile);
  const finalNameIn = (text) => {
    let name = null;
    for (const s of text.match(/<artifactId>maven-shade-plugin<\/artifactId>[\s\S]*?<\/plugin>/g) ?? []) {
      const m = s.match(/<finalName>([^<]+)<\/finalName>/);
      if (m) name = m[1].trim();
    }
    return name;
  };
  // The build's own properties; a profile's (the baseline build's jar name) are not the default.
  const propsIn = (text) => {
    const props = {};
    for (const block of text.replace(/<profiles>[\s\S]*<\/profiles>/, "").match(/<properties>[\s\S]*?<\/properties>/g) ?? []) {
      for (const p of block.matchAll(/<([\w.-]+)>([^<]*)<\/\1>/g)) props[p[1]] = p[2].trim();
    }
    return props;
  };
  const parentBlock = pom.match(/<parent>[\s\S]*?<\/parent>/)?.[0];
  let parent = "";
  if (parentBlock) {
    const rel = parentBlock.match(/<relativePath>([^<]*)<\/relativePath>/)?.[1]?.trim() ?? "../pom.xml";
    let parentFile = path.resolve(path.dirname(pomFile), rel);
    if (fs.existsSync(parentFile) && fs.statSync(parentFile).isDirectory()) parentFile = path.join(parentFile, "pom.xml");
    if (fs.existsSync(parentFile)) parent = read(parentFile);
  }
  const finalName = finalNameIn(pom) ?? finalNameIn(parent);
  if (!finalName) return { error: `no <finalName> in the maven-shade-plugin configuration of ${pomFile} or its parent` };
  const props = { ...propsIn(parent), ...propsIn(pom) };
  const resolved = finalName.replace(/\$\{([\w.-]+)\}/g, (m, k) => props[k] ?? m);
  if (/\$\{/.test(resolved)) return { error: `cannot resolve shade finalName ${finalName} (${pomFile})` };
  return { jar: `target/${resolved}.jar` };
}

module.exports = { sdkCalls, envVarsRead, findClass, shadedJar };
