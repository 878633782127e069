// A small line diff (LCS) for fmt findings: files here are a few hundred lines.
"use strict";

function unifiedDiff(a, b, name, context = 2) {
  const x = a.split("\n");
  const y = b.split("\n");
  const n = x.length;
  const m = y.length;
  const lcs = Array.from({ length: n + 1 }, () => new Int32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) lcs[i][j] = x[i] === y[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  }
  const ops = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && x[i] === y[j]) ops.push({ t: " ", s: x[i], ai: i++, bj: j++ });
    else if (i < n && (j >= m || lcs[i + 1][j] >= lcs[i][j + 1])) ops.push({ t: "-", s: x[i], ai: i++, bj: j });
    else ops.push({ t: "+", s: y[j], ai: i, bj: j++ });
  }
  const lines = [`--- ${name}`, `+++ ${name} (terraform fmt)`];
  let firstLine = null;
  let k = 0;
  while (k < ops.length) {
    if (ops[k].t === " ") {
      k++;
      continue;
    }
    const start = Math.max(0, k - context);
    let end = k;
    while (end < ops.length && (ops[end].t !== " " || ops.slice(end, end + context * 2 + 1).some((o) => o.t !== " "))) end++;
    end = Math.min(ops.length, end + context);
    if (firstLine === null) firstLine = ops[k].ai + 1;
    lines.push(`@@ line ${ops[start].ai + 1} @@`);
    for (const o of ops.slice(start, end)) lines.push(`${o.t}${o.s}`);
    k = end;
  }
  return { text: lines.map((l) => `    ${l}`).join("\n"), firstLine };
}

module.exports = { unifiedDiff };
