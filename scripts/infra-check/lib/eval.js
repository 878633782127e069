// A small evaluator of Terraform expressions over known values: enough to compute locals,
// template arguments, validation conditions and preconditions from variable values, the way
// `terraform plan` would before it talks to AWS. Anything it cannot know (a resource attribute,
// an unsupported function) evaluates to UNKNOWN, and callers treat UNKNOWN as "not checkable".
"use strict";

const { expressionAst } = require("./terraform");

const UNKNOWN = Symbol("unknown");

class EvalError extends Error {}

function isUnknown(v) {
  return v === UNKNOWN;
}

// env: { vars: {name: value}, locals: {name: exprText}, path: {module: "."}, resolveLocal }
async function evaluate(rel, exprText, env, depth = 0) {
  if (depth > 50) throw new EvalError("local values refer to each other in a cycle");
  const ast = await expressionAst(rel, exprText);
  return evalNode(rel, ast, env, depth);
}

async function evalNode(rel, node, env, depth) {
  if (!node) return UNKNOWN;
  const kids = (node.children ?? []).filter((c) => c.type !== "" || (c.children ?? []).length);
  switch (node.type) {
    case "": // parentheses
      return kids.length === 1 ? evalNode(rel, kids[0], env, depth) : UNKNOWN;
    case "literalValue": {
      const t = node.meta.value;
      if (node.meta.type === "string") return t;
      if (t === "null") return null;
      if (t === "true") return true;
      if (t === "false") return false;
      const n = Number(t);
      return Number.isNaN(n) ? UNKNOWN : n;
    }
    case "template": {
      const parts = [];
      for (const c of node.children) {
        if (c.type === "literalValue") parts.push(c.meta.value);
        else {
          const v = await evalNode(rel, c, env, depth);
          if (isUnknown(v)) return UNKNOWN;
          if (v === null) throw new EvalError(`null value in a string template: ${c.meta?.value ?? ""}`);
          parts.push(String(v));
        }
      }
      // A lone literal keeps its JSON decoding (escapes); hcl2json gives literal parts decoded.
      return parts.join("");
    }
    case "tuple": {
      const out = [];
      for (const c of kids) {
        const v = await evalNode(rel, c, env, depth);
        if (isUnknown(v)) return UNKNOWN;
        out.push(v);
      }
      return out;
    }
    case "object": {
      const out = {};
      for (const [k, v] of Object.entries(node.meta.items ?? {})) {
        const val = await evaluate(rel, v, env, depth);
        if (isUnknown(val)) return UNKNOWN;
        out[k.replace(/^"|"$/g, "")] = val;
      }
      return out;
    }
    case "scopeTraversal": {
      const parts = node.meta.traversal.map((t) => t.segment);
      if (parts[0] === "var" && parts.length >= 2) {
        if (!(parts[1] in env.vars)) return UNKNOWN;
        return dig(env.vars[parts[1]], parts.slice(2));
      }
      if (parts[0] === "local" && parts.length >= 2) {
        const expr = env.locals[parts[1]];
        if (expr === undefined) return UNKNOWN;
        return dig(await evaluate(rel, expr, env, depth + 1), parts.slice(2));
      }
      if (parts[0] === "path" && parts.length === 2) return env.path?.[parts[1]] ?? UNKNOWN;
      return UNKNOWN;
    }
    case "unaryOp": {
      const v = await evalNode(rel, kids[0], env, depth);
      if (isUnknown(v)) return UNKNOWN;
      if (node.meta.operator === "negate") return -v;
      if (node.meta.operator === "logicalNot") return !v;
      return UNKNOWN;
    }
    case "binaryOp": {
      const op = node.meta.operator;
      const a = await evalNode(rel, kids[0], env, depth);
      // Terraform evaluates both operands of && and || (no short circuit), so errors still count.
      const b = await evalNode(rel, kids[1], env, depth);
      if (isUnknown(a) || isUnknown(b)) return UNKNOWN;
      const num = (x) => {
        if (typeof x !== "number") throw new EvalError(`a number is required in ${node.meta.value}, got ${JSON.stringify(x)}`);
        return x;
      };
      switch (op) {
        case "add":
          return num(a) + num(b);
        case "subtract":
          return num(a) - num(b);
        case "multiply":
          return num(a) * num(b);
        case "divide":
          return num(a) / num(b);
        case "modulo":
          return num(a) % num(b);
        case "lessThan":
          return num(a) < num(b);
        case "lessThanOrEqual":
          return num(a) <= num(b);
        case "greaterThan":
          return num(a) > num(b);
        case "greaterThanOrEqual":
          return num(a) >= num(b);
        case "equal":
          return JSON.stringify(a) === JSON.stringify(b);
        case "notEqual":
          return JSON.stringify(a) !== JSON.stringify(b);
        case "logicalAnd":
          return a && b;
        case "logicalOr":
          return a || b;
        default:
          return UNKNOWN;
      }
    }
    case "conditional": {
      const c = await evalNode(rel, kids[0], env, depth);
      if (isUnknown(c)) return UNKNOWN;
      return evalNode(rel, c ? kids[1] : kids[2], env, depth);
    }
    case "function":
      return callFunction(rel, node, kids, env, depth);
    default:
      return UNKNOWN;
  }
}

function dig(value, path) {
  let v = value;
  for (const p of path) {
    if (v === null || typeof v !== "object" || !(p in v)) return UNKNOWN;
    v = v[p];
  }
  return v;
}

async function callFunction(rel, node, kids, env, depth) {
  const name = node.meta.name;
  if (name === "can") {
    try {
      const v = await evalNode(rel, kids[0], env, depth);
      return isUnknown(v) ? UNKNOWN : true;
    } catch {
      return false;
    }
  }
  const args = [];
  for (const k of kids) {
    const v = await evalNode(rel, k, env, depth);
    if (isUnknown(v)) return UNKNOWN;
    args.push(v);
  }
  switch (name) {
    case "regex": {
      const m = new RegExp(args[0]).exec(args[1]);
      if (!m) throw new EvalError(`regex: no match for ${JSON.stringify(args[1])}`);
      return m[0];
    }
    case "contains":
      return args[0].some((x) => JSON.stringify(x) === JSON.stringify(args[1]));
    case "floor":
      return Math.floor(args[0]);
    case "ceil":
      return Math.ceil(args[0]);
    case "min":
      return Math.min(...args);
    case "max":
      return Math.max(...args);
    case "length":
      return typeof args[0] === "string" ? [...args[0]].length : Object.keys(args[0]).length;
    case "tostring":
      return args[0] === null ? null : String(args[0]);
    case "tonumber":
      return args[0] === null ? null : Number(args[0]);
    case "coalesce": {
      const v = args.find((x) => x !== null && x !== "");
      if (v === undefined) throw new EvalError("coalesce: no non-null argument");
      return v;
    }
    case "jsonencode":
      return JSON.stringify(args[0]);
    case "lower":
      return args[0].toLowerCase();
    case "upper":
      return args[0].toUpperCase();
    case "format":
      return UNKNOWN;
    default:
      return UNKNOWN;
  }
}

module.exports = { evaluate, UNKNOWN, isUnknown, EvalError };
