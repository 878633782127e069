// The configuration as the checks see it: parsed files, an index of resources, data sources,
// variables, locals and outputs (each with file and line), plus helpers to read attributes.
"use strict";

const path = require("path");
const { collectTerraformFiles, parseTerraformFiles, references } = require("./terraform");
const { evaluate, UNKNOWN, isUnknown } = require("./eval");

class Model {
  static async load(root) {
    const m = new Model();
    m.root = root;
    m.files = await parseTerraformFiles(collectTerraformFiles(root), root);
    m.resources = new Map(); // "aws_x.name" -> {type, name, block, file}
    m.data = new Map(); // "aws_x.name" -> ...
    m.variables = new Map(); // name -> {block, file}
    m.locals = new Map(); // name -> {attr, file}
    m.outputs = new Map();
    m.duplicates = [];
    for (const f of m.files) {
      for (const b of f.body.blocks) {
        const put = (map, key, value) => {
          if (map.has(key)) m.duplicates.push({ file: f.rel, line: b.line, what: key, first: map.get(key) });
          else map.set(key, value);
        };
        if (b.type === "resource" && b.labels.length === 2) put(m.resources, b.labels.join("."), { type: b.labels[0], name: b.labels[1], block: b, file: f.rel });
        else if (b.type === "data" && b.labels.length === 2) put(m.data, b.labels.join("."), { type: b.labels[0], name: b.labels[1], block: b, file: f.rel });
        else if (b.type === "variable" && b.labels.length === 1) put(m.variables, b.labels[0], { block: b, file: f.rel });
        else if (b.type === "output" && b.labels.length === 1) put(m.outputs, b.labels[0], { block: b, file: f.rel });
        else if (b.type === "locals") {
          for (const a of b.attributes) put(m.locals, a.name, { attr: a, file: f.rel });
        }
      }
    }
    m.defaults = {};
    for (const [name, v] of m.variables) {
      const d = attr(v.block, "default");
      m.defaults[name] = d ? await evaluate(v.file, d.expr, { vars: {}, locals: {} }) : UNKNOWN;
    }
    return m;
  }

  env(overrides = {}) {
    const locals = {};
    for (const [name, l] of this.locals) locals[name] = l.attr.expr;
    return { vars: { ...this.defaults, ...overrides }, locals, path: { module: ".", root: "." } };
  }

  async eval(file, expr, overrides) {
    return evaluate(file, expr, this.env(overrides));
  }

  // References of an expression, with local.* followed to what they refer to (for "does this
  // statement point at the tasks queue" kinds of questions).
  async deepRefs(file, expr, seen = new Set()) {
    const { refs } = await references(file, expr);
    const out = [];
    for (const r of refs) {
      out.push(r.text);
      if (r.parts[0].name === "local" && r.parts[1] && !seen.has(r.parts[1].name)) {
        seen.add(r.parts[1].name);
        const l = this.locals.get(r.parts[1].name);
        if (l) out.push(...(await this.deepRefs(l.file, l.attr.expr, seen)));
      }
    }
    return out;
  }
}

function attr(block, name) {
  return block.attributes.find((a) => a.name === name);
}

function blocks(block, type) {
  return block.blocks.filter((b) => b.type === type);
}

module.exports = { Model, attr, blocks, UNKNOWN, isUnknown, path };
