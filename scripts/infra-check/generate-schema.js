#!/usr/bin/env node
// Extracts a compact schema of the hashicorp/aws resource and data source types this
// configuration uses, from the prebuilt CDKTF bindings (@cdktf/provider-aws), which are
// generated from the provider's own schema (`terraform providers schema -json`).
//
// Why not a dependency of the check: the package is ~400 MB. The check reads the committed
// aws-provider-schema.json instead; this script regenerates it when the configuration starts
// using a new type or the provider pin moves.
//
//   node scripts/infra-check/generate-schema.js               # installs the package into a temp dir
//   node scripts/infra-check/generate-schema.js --from DIR    # DIR/node_modules/@cdktf/provider-aws already there
//
// What is taken from where:
//   .jsii assembly   which Terraform types exist, every argument and nested block (a property whose
//                    doc summary is "<name> block."), required vs optional, and a block's cardinality
//                    (a single struct = at most one block; an array of structs = any number)
//   lib/*/index.js   the embedded TypeScript source (source map) carries one comment per attribute,
//                    "// <name> - computed: x, optional: y, required: z", which gives `computed`
//                    (attributes that can be read, and the read-only ones that must not be set)
"use strict";

const fs = require("fs");
const os = require("os");
const path = require("path");
const { execFileSync } = require("child_process");
const { collectTerraformFiles, parseTerraformFiles } = require("./lib/terraform");

const PACKAGE = "@cdktf/provider-aws";
const PACKAGE_VERSION = "21.22.1";
const ROOT = path.resolve(__dirname, "..", "..");
const OUT = path.join(__dirname, "aws-provider-schema.json");

class GenerateError extends Error {}

function fail(msg) {
  throw new GenerateError(msg);
}

function installPackage() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "provider-aws-"));
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ private: true }));
  console.error(`generate-schema: installing ${PACKAGE}@${PACKAGE_VERSION} into ${dir} (about 400 MB, takes a minute)`);
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--ignore-scripts", `${PACKAGE}@${PACKAGE_VERSION}`], {
    cwd: dir,
    stdio: ["ignore", "inherit", "inherit"],
  });
  return dir;
}

function snake(camel) {
  return camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

// Terraform name of a property, from its registry link ("...#function_name LambdaFunction#function_name").
function tfName(prop) {
  const text = `${prop.docs?.summary ?? ""} ${prop.docs?.remarks ?? ""}`;
  const m = text.match(/#([a-z0-9_]+) \w+#/);
  return m ? m[1] : snake(prop.name);
}

function blockElementFqn(type) {
  if (type.fqn) return { fqn: type.fqn, max: 1 };
  const union = type.union?.types ?? [];
  for (const t of union) {
    if (t.collection?.kind === "array" && t.collection.elementtype.fqn) {
      return { fqn: t.collection.elementtype.fqn, max: null };
    }
  }
  return null;
}

function typeLabel(type) {
  if (type.primitive) return type.primitive === "any" ? "any" : type.primitive;
  if (type.collection) return `${type.collection.kind}(${typeLabel(type.collection.elementtype)})`;
  if (type.union) {
    const inner = type.union.types.filter((t) => t.fqn !== "cdktf.IResolvable");
    return inner.length === 1 ? typeLabel(inner[0]) : inner.map(typeLabel).join("|");
  }
  if (type.fqn === "cdktf.IResolvable") return "bool"; // booleans are `boolean | IResolvable`
  return "object";
}

class Extractor {
  constructor(pkgDir) {
    this.pkgDir = pkgDir;
    this.jsii = JSON.parse(fs.readFileSync(path.join(pkgDir, ".jsii"), "utf8"));
    this.tsCache = new Map();
    this.byTfType = new Map();
    const re = /^Represents a \{@link https:\/\/registry\.terraform\.io\/providers\/hashicorp\/aws\/([\d.]+)\/docs\/(resources|data-sources)\/\w+ (\w+)\}/;
    for (const [fqn, t] of Object.entries(this.jsii.types)) {
      if (t.kind !== "class") continue;
      const m = (t.docs?.summary ?? "").match(re);
      if (!m) continue;
      this.providerVersion = m[1];
      const kind = m[2] === "resources" ? "resource" : "data";
      this.byTfType.set(`${kind}:${m[3]}`, { fqn, type: t });
    }
  }

  // Per class of the module's TypeScript source: attribute name -> {computed, optional, required}.
  computedFlags(locationFile) {
    if (this.tsCache.has(locationFile)) return this.tsCache.get(locationFile);
    const jsFile = path.join(this.pkgDir, "lib", path.dirname(locationFile).replace(/^src\//, ""), "index.js");
    const js = fs.readFileSync(jsFile, "utf8");
    const m = js.match(/sourceMappingURL=data:application\/json;base64,(\S+)/);
    if (!m) fail(`no embedded source map in ${jsFile}`);
    const ts = JSON.parse(Buffer.from(m[1], "base64").toString("utf8")).sourcesContent[0];
    const perClass = new Map();
    for (const chunk of ts.split(/\nexport class /).slice(1)) {
      const name = chunk.match(/^(\w+)/)[1];
      const flags = new Map();
      for (const a of chunk.matchAll(/\/\/ (\w+) - computed: (true|false), optional: (true|false), required: (true|false)/g)) {
        flags.set(a[1], { computed: a[2] === "true", optional: a[3] === "true", required: a[4] === "true" });
      }
      perClass.set(name, flags);
    }
    this.tsCache.set(locationFile, perClass);
    return perClass;
  }

  // Schema of one block body: the config struct (arguments) plus the flags of the class that reads it.
  body(structFqn, readerClassName) {
    const struct = this.jsii.types[structFqn];
    if (!struct) fail(`type ${structFqn} missing from the assembly`);
    const flags = this.computedFlags(struct.locationInModule.filename).get(readerClassName) ?? new Map();
    const attributes = {};
    const blocks = {};
    for (const prop of struct.properties ?? []) {
      const name = tfName(prop);
      const isBlock = /^\w+ block\.$/.test(prop.docs?.summary ?? "");
      if (isBlock) {
        const el = blockElementFqn(prop.type);
        if (!el) fail(`cannot tell the element type of block ${name} in ${structFqn}`);
        const elName = this.jsii.types[el.fqn].name;
        blocks[name] = {
          min_items: prop.optional ? 0 : 1,
          max_items: el.max,
          ...this.body(el.fqn, `${elName}OutputReference`),
        };
      } else {
        const f = flags.get(name);
        attributes[name] = {
          type: typeLabel(prop.type),
          required: !prop.optional,
          optional: !!prop.optional,
          computed: f ? f.computed : false,
        };
      }
    }
    // Read-only attributes (computed, never set) appear only in the reader's flags.
    for (const [name, f] of flags) {
      if (!(name in attributes) && !(name in blocks) && f.computed && !f.optional && !f.required) {
        attributes[name] = { type: "computed", required: false, optional: false, computed: true };
      }
    }
    return { attributes: sortKeys(attributes), blocks: sortKeys(blocks) };
  }

  extract(kind, tfType) {
    const hit = this.byTfType.get(`${kind}:${tfType}`);
    if (!hit) fail(`${kind} type ${tfType} is not in ${PACKAGE}@${PACKAGE_VERSION}`);
    const configFqn = `${hit.fqn}Config`;
    return this.body(configFqn, hit.type.name);
  }
}

function sortKeys(obj) {
  return Object.fromEntries(Object.keys(obj).sort().map((k) => [k, obj[k]]));
}

async function main() {
  const args = process.argv.slice(2);
  let fromDir = null;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--from") fromDir = args[++i];
    else if (args[i] === "-h" || args[i] === "--help") {
      console.log("usage: generate-schema.js [--from DIR]   (DIR holds node_modules/@cdktf/provider-aws)");
      return;
    } else fail(`unknown argument ${args[i]}`);
  }
  const base = fromDir ?? installPackage();
  try {
    await generateAsync(base);
  } finally {
    if (!fromDir) fs.rmSync(base, { recursive: true, force: true });
  }
}

async function generateAsync(base) {
  const pkgDir = path.join(base, "node_modules", PACKAGE);
  const pkgJson = JSON.parse(fs.readFileSync(path.join(pkgDir, "package.json"), "utf8"));
  if (pkgJson.version !== PACKAGE_VERSION) fail(`found ${PACKAGE}@${pkgJson.version}, want ${PACKAGE_VERSION}`);

  const files = await parseTerraformFiles(collectTerraformFiles(ROOT));
  const used = { resource: new Set(), data: new Set() };
  for (const f of files) {
    for (const b of f.body.blocks) {
      if ((b.type === "resource" || b.type === "data") && b.labels.length === 2) used[b.type].add(b.labels[0]);
    }
  }

  const ex = new Extractor(pkgDir);
  const out = {
    provenance: {
      package: `${PACKAGE}@${PACKAGE_VERSION}`,
      provider: `registry.terraform.io/hashicorp/aws ${ex.providerVersion}`,
      generated: new Date().toISOString().slice(0, 10),
      command: "node scripts/infra-check/generate-schema.js",
      note: "Only the types used by the *.tf files at the repository root. Regenerate after adding a type.",
    },
    resources: {},
    data_sources: {},
  };
  for (const t of [...used.resource].sort()) out.resources[t] = ex.extract("resource", t);
  for (const t of [...used.data].sort()) out.data_sources[t] = ex.extract("data", t);
  fs.writeFileSync(OUT, `${JSON.stringify(out, null, 1)}\n`);
  console.error(`generate-schema: wrote ${path.relative(ROOT, OUT)} (${used.resource.size} resource, ${used.data.size} data source types)`);
}

main().catch((e) => {
  console.error(`generate-schema: ${e instanceof GenerateError ? e.message : e.stack || e}`);
  process.exit(1);
});
