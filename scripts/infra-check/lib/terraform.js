// Reading Terraform files.
//
// HashiCorp's own HCL parser (hcl2json, compiled to WASM) is the authority on syntax: every file
// goes through it, and its errors are reported as they come. Its JSON output drops positions, so a
// small structural scanner below finds where each block and attribute starts (file:line for every
// finding) and keeps each attribute's expression text; the scanner's structure is then compared
// with hcl2json's, so a scanner mistake shows up as an error instead of a silently skipped check.
// Expressions are handed back to hcl2json's expression parser to find references.
"use strict";

const fs = require("fs");
const path = require("path");
const hcl = require("@cdktf/hcl2json");

function collectTerraformFiles(root) {
  return fs
    .readdirSync(root)
    .filter((f) => f.endsWith(".tf"))
    .sort()
    .map((f) => path.join(root, f));
}

class ScanError extends Error {}

// The same expressions come back many times (every check, every self-test copy): parse each once.
const astCache = new Map();
async function expressionAst(rel, expr) {
  const key = expr;
  if (!astCache.has(key)) {
    astCache.set(
      key,
      hcl.getExpressionAst(rel, expr).catch((e) => {
        astCache.delete(key);
        throw e;
      }),
    );
  }
  return astCache.get(key);
}

// Structural scanner for HCL native syntax: bodies of attributes and blocks, with 1-based lines.
class Scanner {
  constructor(text, file) {
    this.s = text;
    this.file = file;
    this.i = 0;
  }

  line(at = this.i) {
    let n = 1;
    for (let k = 0; k < at && k < this.s.length; k++) if (this.s[k] === "\n") n++;
    return n;
  }

  error(msg, at = this.i) {
    return new ScanError(`${this.file}:${this.line(at)}: ${msg}`);
  }

  // Skips blanks, newlines and comments between body items.
  skipTrivia() {
    const s = this.s;
    for (;;) {
      const c = s[this.i];
      if (c === " " || c === "\t" || c === "\r" || c === "\n") this.i++;
      else if (c === "#" || (c === "/" && s[this.i + 1] === "/")) {
        while (this.i < s.length && s[this.i] !== "\n") this.i++;
      } else if (c === "/" && s[this.i + 1] === "*") {
        const end = s.indexOf("*/", this.i + 2);
        if (end < 0) throw this.error("unterminated comment");
        this.i = end + 2;
      } else return;
    }
  }

  skipSpaces() {
    while (this.s[this.i] === " " || this.s[this.i] === "\t") this.i++;
  }

  ident() {
    const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(this.s.slice(this.i, this.i + 200));
    if (!m) return null;
    this.i += m[0].length;
    return m[0];
  }

  // A quoted string with template sequences; returns the index after the closing quote.
  skipString(from) {
    const s = this.s;
    let k = from + 1;
    while (k < s.length) {
      const c = s[k];
      if (c === "\\") k += 2;
      else if (c === '"') return k + 1;
      else if (c === "\n") throw this.error("newline in a quoted string", k);
      else if ((c === "$" || c === "%") && s[k + 1] === "{" && s[k - 1] !== c) k = this.skipTemplateSequence(k + 2);
      else k++;
    }
    throw this.error("unterminated string", from);
  }

  // Inside ${ ... } or %{ ... }: expression tokens until the matching brace.
  skipTemplateSequence(from) {
    const s = this.s;
    let depth = 1;
    let k = from;
    while (k < s.length) {
      const c = s[k];
      if (c === '"') k = this.skipString(k);
      else if (c === "{") {
        depth++;
        k++;
      } else if (c === "}") {
        depth--;
        k++;
        if (depth === 0) return k;
      } else k++;
    }
    throw this.error("unterminated template sequence", from);
  }

  // <<EOT / <<-EOT ... EOT: returns the index just after the closing marker line.
  skipHeredoc(from) {
    const s = this.s;
    const m = /^<<(-?)([A-Za-z_][A-Za-z0-9_-]*)\r?\n/.exec(s.slice(from, from + 100));
    if (!m) return null;
    let k = from + m[0].length;
    for (;;) {
      const eol = s.indexOf("\n", k);
      const lineText = s.slice(k, eol < 0 ? s.length : eol).replace(/\r$/, "");
      if (lineText.trim() === m[2]) return eol < 0 ? s.length : eol;
      if (eol < 0) throw this.error(`heredoc ${m[2]} is not closed`, from);
      k = eol + 1;
    }
  }

  // An attribute's expression: up to a newline (or a closing brace of a one-line block) outside brackets.
  expression() {
    const s = this.s;
    const start = this.i;
    const stack = [];
    let k = this.i;
    while (k < s.length) {
      const c = s[k];
      if (c === '"') {
        k = this.skipString(k);
        continue;
      }
      if (c === "<" && s[k + 1] === "<") {
        const end = this.skipHeredoc(k);
        if (end !== null) {
          k = end;
          continue;
        }
      }
      if (c === "#" || (c === "/" && s[k + 1] === "/")) {
        if (stack.length === 0) break;
        while (k < s.length && s[k] !== "\n") k++;
        continue;
      }
      if (c === "/" && s[k + 1] === "*") {
        const end = s.indexOf("*/", k + 2);
        if (end < 0) throw this.error("unterminated comment", k);
        k = end + 2;
        continue;
      }
      if (c === "(" || c === "[" || c === "{") stack.push(c);
      else if (c === ")" || c === "]" || c === "}") {
        if (stack.length === 0) {
          if (c === "}") break;
          throw this.error(`unbalanced '${c}'`, k);
        }
        stack.pop();
      } else if (c === "\n" && stack.length === 0) break;
      k++;
    }
    this.i = k;
    const text = s.slice(start, k).trim();
    // The expression parser needs the newline that ends a heredoc's closing marker.
    return { text: text.startsWith("<<") ? `${text}\n` : text, start };
  }

  body(closing) {
    const attributes = [];
    const blocks = [];
    for (;;) {
      this.skipTrivia();
      if (this.i >= this.s.length) {
        if (closing) throw this.error("missing closing brace");
        break;
      }
      if (this.s[this.i] === "}") {
        if (!closing) throw this.error("unexpected '}'");
        this.i++;
        break;
      }
      const at = this.i;
      const name = this.ident();
      if (!name) throw this.error(`unexpected '${this.s[this.i]}'`);
      this.skipSpaces();
      if (this.s[this.i] === "=" && this.s[this.i + 1] !== "=") {
        this.i++;
        this.skipSpaces();
        const expr = this.expression();
        attributes.push({ name, line: this.line(at), expr: expr.text, exprLine: this.line(expr.start) });
        continue;
      }
      const labels = [];
      for (;;) {
        this.skipSpaces();
        const c = this.s[this.i];
        if (c === '"') {
          const end = this.skipString(this.i);
          labels.push(JSON.parse(this.s.slice(this.i, end)));
          this.i = end;
        } else if (c === "{") {
          this.i++;
          break;
        } else {
          const label = this.ident();
          if (!label) throw this.error(`expected a block label or '{' after ${name}`);
          labels.push(label);
        }
      }
      const inner = this.body(true);
      blocks.push({ type: name, labels, line: this.line(at), ...inner });
    }
    return { attributes, blocks };
  }
}

function scan(text, file) {
  return new Scanner(text, file).body(false);
}

// hcl2json's shape: a block is an array of bodies (labels are nested object keys); an attribute is a value.
function compareWithHcl2json(body, json, where, problems) {
  for (const a of body.attributes) {
    if (!(a.name in json)) problems.push(`${where}: attribute ${a.name} (line ${a.line}) not seen by the HCL parser`);
  }
  const seen = new Map();
  for (const b of body.blocks) {
    let node = json[b.type];
    for (const l of b.labels) node = node && node[l];
    const key = [b.type, ...b.labels].join(".");
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    if (!Array.isArray(node) || !node[n]) {
      problems.push(`${where}: block ${key} (line ${b.line}) not seen by the HCL parser`);
      continue;
    }
    compareWithHcl2json(b, node[n], `${where} > ${key}`, problems);
  }
}

async function parseTerraformFiles(paths, root = path.dirname(paths[0] ?? ".")) {
  const out = [];
  for (const file of paths) {
    const rel = path.relative(root, file) || path.basename(file);
    const text = fs.readFileSync(file, "utf8");
    let json;
    try {
      json = await hcl.parse(rel, text);
    } catch (e) {
      throw new ScanError(`${rel}: HCL syntax error: ${e.message.replace(/^parse config: /, "")}`);
    }
    const body = scan(text, rel);
    const problems = [];
    compareWithHcl2json(body, json, rel, problems);
    if (problems.length) throw new ScanError(`internal: the structure scanner disagrees with hcl2json: ${problems.join("; ")}`);
    out.push({ file, rel, text, body, json });
  }
  return out;
}

// All traversals (references) in an expression, with for-expression variables removed.
async function references(rel, expr) {
  const ast = await expressionAst(rel, expr);
  const refs = [];
  const functions = [];
  (function walk(node, locals) {
    if (!node) return;
    let scope = locals;
    if (node.type === "for") scope = new Set([...locals, node.meta.keyVar, node.meta.valVar].filter(Boolean));
    if (node.type === "function") functions.push(node.meta.name);
    if (node.type === "scopeTraversal") {
      const parts = node.meta.traversal.map((t) => ({ kind: t.type, name: t.segment }));
      if (!scope.has(parts[0].name)) refs.push({ text: node.meta.fullAccessor, parts, line: node.range.start.line });
    }
    for (const c of node.children ?? []) walk(c, scope);
  })(ast, new Set());
  return { refs, functions, ast };
}

// Literal values (strings, numbers, bools, null, lists and objects of literals); undefined otherwise.
async function literal(rel, expr) {
  return literalOf(rel, await expressionAst(rel, expr));
}

async function literalOf(rel, node) {
  if (!node) return undefined;
  const text = node.meta?.value ?? "";
  switch (node.type) {
    case "literalValue": {
      if (text === "null") return null;
      if (text === "true") return true;
      if (text === "false") return false;
      const n = Number(text);
      return Number.isNaN(n) ? undefined : n;
    }
    case "template": {
      // A template without interpolation is a plain string.
      if (node.children.some((c) => c.type !== "literalValue")) return undefined;
      try {
        return JSON.parse(text);
      } catch {
        return undefined;
      }
    }
    case "tuple": {
      const items = [];
      for (const c of node.children.filter((c) => c.type !== "")) items.push(await literalOf(rel, c));
      return items.some((v) => v === undefined) ? undefined : items;
    }
    case "object": {
      const out = {};
      for (const [k, v] of Object.entries(node.meta.items ?? {})) {
        const value = await literal(rel, v);
        if (value === undefined) return undefined;
        out[k.replace(/^"|"$/g, "")] = value;
      }
      return out;
    }
    case "unaryOp": {
      const v = await literalOf(rel, node.children[0]);
      return node.meta.operator === "negate" && typeof v === "number" ? -v : undefined;
    }
    default:
      return undefined;
  }
}

module.exports = { collectTerraformFiles, parseTerraformFiles, references, literal, scan, expressionAst, ScanError };
