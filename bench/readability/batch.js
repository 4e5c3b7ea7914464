// Mozilla readability.js in batch, the way bench/html_bench runs pith: every
// page read and gunzipped into memory first, then, in one process on one
// core, jsdom parses each page and Readability extracts the article. Prints
// pages/s and MB/s for the whole (jsdom + Readability) and for jsdom alone.
//
//   cd bench/readability && npm install
//   node batch.js [--repeat N] [--pred OUT.json] FILE.html[.gz]...
//   node batch.js              # ../../../shared/bench/html-sh/html/*.html.gz
//
// --pred writes {id: {"articleBody": text}} for `../shared/bench/score file`
// (id = file name without .html[.gz]), like html_bench.
"use strict";
const fs = require("fs");
const path = require("path");
const zlib = require("zlib");
const { JSDOM, VirtualConsole } = require("jsdom");
const { Readability } = require("@mozilla/readability");

function parseArgs(argv) {
  const a = { repeat: 1, pred: null, files: [] };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--repeat") a.repeat = Number(argv[++i]);
    else if (argv[i] === "--pred") a.pred = argv[++i];
    else a.files.push(argv[i]);
  }
  if (a.files.length === 0) {
    const dir = path.join(__dirname, "../../../shared/bench/html-sh/html");
    if (!fs.existsSync(dir)) {
      console.error("no files given and " + dir + " is absent");
      process.exit(2);
    }
    a.files = fs.readdirSync(dir).filter((f) => f.endsWith(".html.gz"))
      .sort().map((f) => path.join(dir, f));
  }
  return a;
}

// Bytes -> document input, decoded once before timing (pith's decoding is
// inside its timed call, so this favours readability slightly): valid
// UTF-8 becomes a string; anything else stays a Buffer and jsdom sniffs its
// charset (BOM, <meta charset>, else windows-1252). Without this, jsdom
// reads UTF-8 pages that declare no charset as windows-1252.
function load(files) {
  const utf8 = new TextDecoder("utf-8", { fatal: true });
  return files.map((f) => {
    let data = fs.readFileSync(f);
    if (f.endsWith(".gz")) data = zlib.gunzipSync(data);
    const id = path.basename(f).replace(/\.html(\.gz)?$/, "");
    const size = data.length;
    try {
      data = utf8.decode(data);
    } catch (e) {
      // not UTF-8: leave the bytes to jsdom's sniffing
    }
    return { id, data, size };
  });
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const pages = load(args.files);
  const bytes = pages.reduce((s, p) => s + p.size, 0);
  const quiet = new VirtualConsole(); // page scripts never run; drop CSS noise
  const url = "https://example.org/article";
  const pred = {};
  let failed = 0;

  const t0 = process.hrtime.bigint();
  for (let r = 0; r < args.repeat; r++) {
    for (const p of pages) {
      let text = "";
      try {
        const dom = new JSDOM(p.data, { url, virtualConsole: quiet });
        const art = new Readability(dom.window.document).parse();
        text = art && art.textContent ? art.textContent : "";
        dom.window.close();
      } catch (e) {
        failed++;
      }
      if (r === 0) pred[p.id] = { articleBody: text };
    }
  }
  const t1 = process.hrtime.bigint();
  for (let r = 0; r < args.repeat; r++) {
    for (const p of pages) {
      const dom = new JSDOM(p.data, { url, virtualConsole: quiet });
      dom.window.close();
    }
  }
  const t2 = process.hrtime.bigint();

  const n = pages.length * args.repeat;
  const mb = (bytes * args.repeat) / 1e6;
  const s1 = Number(t1 - t0) / 1e9, s2 = Number(t2 - t1) / 1e9;
  console.log(`pages ${pages.length} x ${args.repeat}, ${mb.toFixed(1)} MB`);
  console.log(`readability (jsdom + Readability): ${s1.toFixed(3)} s  ` +
    `${(n / s1).toFixed(2)} pages/s  ${(mb / s1).toFixed(2)} MB/s` +
    (failed ? `  (${failed} pages threw)` : ""));
  console.log(`jsdom parse alone: ${s2.toFixed(3)} s  ${(n / s2).toFixed(2)} pages/s  ` +
    `${(mb / s2).toFixed(2)} MB/s`);
  console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(1)} MB`);
  if (args.pred) fs.writeFileSync(args.pred, JSON.stringify(pred));
}

main();
