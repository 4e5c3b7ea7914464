#!/usr/bin/env python3
"""CLI-level batch tests: generated JSONL/WARC fixtures through `pith`.

Usage: run_batch.py PITH GEN_FIXTURES WORKDIR
Checks counts in = counts out, order under -j 2, pass-through fields,
error records, directory walking with -o DIR, exit codes. TAP output.
"""
import json
import os
import shutil
import subprocess
import sys

PITH, GEN, WORK = sys.argv[1:4]
n_tests = 0
n_failed = 0


def ok(cond, msg):
    global n_tests, n_failed
    n_tests += 1
    if not cond:
        n_failed += 1
    print("%sok %d - %s" % ("" if cond else "not ", n_tests, msg))
    sys.stdout.flush()
    return cond


def run(args, stdin=None):
    p = subprocess.run([PITH] + args, input=stdin, capture_output=True,
                       timeout=600)
    return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace")


def records(out):
    return [json.loads(l) for l in out.decode("utf-8").splitlines()]


def fx(name):
    return os.path.join(WORK, name)


def check_jsonl(name, man):
    rc1, out1, err1 = run(["-f", "json", "-j", "1", fx(name)])
    rc2, out2, _ = run(["-f", "json", "-j", "2", fx(name)])
    recs = records(out2)
    ok(len(recs) == man["records"], "%s: %d records in, %d out"
       % (name, man["records"], len(recs)))
    ok(out1 == out2, "%s: -j 1 and -j 2 give identical output" % name)
    ids = [r.get("id") for r in recs]
    ok(ids == man["ids"], "%s: ids in input order" % name)
    errors = [r for r in recs if "error" in r]
    ok(len(errors) == man["errors"], "%s: %d error records" % (name, len(errors)))
    ok(all(r["error"] and r.get("text") == "" for r in errors),
       "%s: error records carry a message" % name)
    ok(rc1 == 1 and rc2 == 1, "%s: exit 1 when records failed" % name)
    ok(err1.count("pith: ") >= man["errors"], "%s: errors on stderr" % name)
    return out2, recs


def test_jsonl(manifest):
    out, recs = check_jsonl("crawl.jsonl", manifest["crawl.jsonl"])
    text = out.decode("utf-8")
    ok('"score":1.50e+3' in text, "number passes through byte for byte")
    ok('"nested":{"x": [1, 2 ,3]}' in text, "nested value keeps its spacing")
    ok('"note":"caf\\u00e9 \\ud83d\\ude00"' in text, "escapes kept as written")
    ok(all("html" not in r and "raw_content" not in r for r in recs
           if "error" not in r), "document field not copied to the output")
    good = [r for r in recs if "error" not in r]
    ok(all(r["source"] == r["id"] for r in good), "source is the record id")
    ok(all(r["url"] == "https://ex.test/%d" % int(r["id"][4:])
           for r in good if r["id"].endswith(("0", "4", "8")) and "meta" in r),
       "url field from the record")
    ok(all(r.get("meta", {}).get("tags") == ["a", "b"] for r in good if "meta" in r),
       "object fields pass through")
    bad = [r for r in recs if r.get("id") is None]
    ok(all(":" in r["source"] for r in bad), "unparseable lines named FILE:LINE")
    crlf, _ = check_jsonl("crawl_crlf.jsonl", manifest["crawl_crlf.jsonl"])
    strip = lambda b: b.replace(b"crawl_crlf.jsonl", b"crawl.jsonl")
    ok(strip(crlf) == out, "CRLF lines give the same records")
    multi, _ = check_jsonl("multi.jsonl.gz", manifest["multi.jsonl.gz"])
    ok(multi.replace(b"multi.jsonl.gz", b"crawl.jsonl") == out,
       "multi-member gzip gives the same records")
    rc, out, err = run(["-f", "json", "-i", "jsonl", "-j", "2", "-"],
                       stdin=open(fx("crawl.jsonl"), "rb").read())
    ok(len(records(out)) == manifest["crawl.jsonl"]["records"], "JSONL on stdin")


def test_truncated(manifest):
    rc, out, err = run(["-f", "json", "-j", "2", fx("truncated.jsonl.gz")])
    recs = records(out)
    full = manifest["crawl.jsonl"]["ids"]
    ids = [r.get("id") for r in recs]
    last = recs[-1] if recs else {}
    ok(len(recs) > 5 and ids[:-1] == full[:len(ids) - 1],
       "records before the cut come out in order (%d)" % len(recs))
    ok("truncated gzip" in last.get("error", ""), "the cut is an error record")
    ok(rc == 1 and "truncated gzip" in err, "exit 1 and a message")


def test_big(manifest):
    if "big.jsonl" not in manifest:
        return
    rc, out, err = run(["-f", "json", "-j", "2", fx("big.jsonl")])
    recs = records(out)
    ok([r.get("id") for r in recs] == ["small-1", "big", "small-2"],
       "50 MB record between two small ones, in order")
    ok(rc == 0 and not any("error" in r for r in recs),
       "50 MB record cleaned without error (%s)" % err.strip()[:200])


def test_warc(manifest):
    outs = {}
    for name in ("crawl.warc", "crawl.warc.gz"):
        rc, out, err = run(["-f", "json", "-j", "2", fx(name)])
        rc1, out1, _ = run(["-f", "json", "-j", "1", fx(name)])
        recs = records(out)
        ok(len(recs) == manifest[name]["records"],
           "%s: %d documents" % (name, len(recs)))
        ok(rc == 0 and out == out1, "%s: exit 0, -j 1 = -j 2" % name)
        ok(all(r["source"].startswith("urn:uuid:resp") and
               r["url"].startswith("http://site") and
               r["date"] for r in recs), "%s: source, url, date" % name)
        ok(all(r["words"] > 50 for r in recs), "%s: text extracted" % name)
        outs[name] = out
    ok(outs["crawl.warc"] == outs["crawl.warc.gz"],
       "per-record gzip WARC = plain WARC")
    rc, out, err = run(["-f", "json", "-j", "2", fx("damaged.warc.gz")])
    recs = records(out)
    man = manifest["damaged.warc.gz"]
    good = [r for r in recs if "error" not in r]
    bad = [r for r in recs if "error" in r]
    ok(len(good) == man["good"], "damaged WARC: %d good documents" % len(good))
    ok(len(bad) >= man["errors_min"], "damaged WARC: %d error records" % len(bad))
    ok(any("truncated" in r["error"] for r in bad), "damaged WARC: truncation")
    ok(rc == 1, "damaged WARC: exit 1")


def test_tree():
    out_dir = os.path.join(WORK, "out_tree")
    shutil.rmtree(out_dir, ignore_errors=True)
    rc, out, err = run(["-q", "-o", out_dir, fx("tree")])
    want = ["a.html.txt", "b/b1.txt.txt", "b/c/c1.html.txt", "b/zipped.html.txt"]
    have = sorted(os.path.relpath(os.path.join(d, f), out_dir)
                  for d, _, fs in os.walk(out_dir) for f in fs)
    ok(rc == 0 and have == want, "-o DIR mirrors the tree: %s" % have)
    ok(all(os.path.getsize(os.path.join(out_dir, w)) > 100 for w in want if w in have),
       "mirrored files hold the text")
    ok(err == "", "--quiet: nothing on stderr")
    rc, out, err = run(["-f", "json", fx("tree")])
    src = [os.path.relpath(r["source"], fx("tree")) for r in records(out)]
    ok(src == ["a.html", "b/b1.txt", "b/c/c1.html", "b/zipped.html.gz"],
       "directory walked in sorted order: %s" % src)
    ok("4 documents, 0 failed" in err, "summary line for several documents")
    rc, out, err = run(["-f", "json", fx("tree"), fx("does-not-exist")])
    ok(rc == 2 and len(records(out)) == 4 and "does-not-exist" in err,
       "missing input: exit 2, the rest still processed")
    rc, out, err = run(["-"], stdin=b"<p>Just one short document on stdin.</p>")
    ok(rc == 0 and err == "", "single stdin document: no summary (clean pipes)")
    rc, out, err = run(["-f", "json", "-j", "2", "-o", out_dir, fx("crawl.jsonl")])
    lines = open(os.path.join(out_dir, "crawl.jsonl.json"), "rb").read().splitlines()
    ok(len(lines) == 46, "-o DIR with JSONL: one file, one line per record")
    rc, out, err = run(["-j", "0", fx("crawl.jsonl")])
    ok(rc == 2, "-j 0 is a usage error")


def main():
    if os.path.exists(WORK):
        shutil.rmtree(WORK)
    big = os.environ.get("PITH_TEST_BIG_MB", "50")
    subprocess.run([sys.executable, GEN, WORK, "--big-mb", big], check=True)
    manifest = json.load(open(fx("manifest.json")))
    test_jsonl(manifest)
    test_truncated(manifest)
    test_big(manifest)
    test_warc(manifest)
    test_tree()
    print("1..%d" % n_tests)
    shutil.rmtree(WORK, ignore_errors=True)
    return 1 if n_failed else 0


if __name__ == "__main__":
    sys.exit(main())
