"""The Dask recipe (dist/dask_clean.py) against the single-process CLI.

Builds a JSONL dataset from samples/ (plus damaged records), cleans it on a
LocalCluster of 2 worker processes, and checks that the output is record for
record what `pith -i jsonl -f json` writes, and what the binding writes in
one process (--local). Exit 77 (skipped) when no Python here can import
dask.distributed (Debian: apt-get install python3-distributed).

Environment (set by meson): PITH_LIBRARY, PYTHONPATH, PITH_BIN.
"""

import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SAMPLES = os.path.join(ROOT, "samples")
SCRIPT = os.path.join(ROOT, "dist", "dask_clean.py")

# Samples not in UTF-8; JSON carries text, so they are decoded first.
CODECS = {"cp1251": "cp1251", "sjis": "shift_jis", "cp1252": "cp1252"}

failures = 0
count = 0


def check(cond, what):
    global failures, count
    count += 1
    print(("ok %d - %s" if cond else "not ok %d - %s") % (count, what))
    if not cond:
        failures += 1


def python_with_dask():
    """sys.executable if it has dask.distributed, else Debian's python3."""
    for exe in (sys.executable, "/usr/bin/python3"):
        if exe and os.path.exists(exe) and subprocess.run(
                [exe, "-c", "import dask.bag, dask.distributed"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0:
            return exe
    return None


def read_sample(name):
    raw = open(os.path.join(SAMPLES, name), "rb").read()
    for tag, codec in CODECS.items():
        if tag in name:
            return raw.decode(codec)
    return raw.decode("utf-8")


def make_dataset(path):
    names = sorted(os.listdir(SAMPLES))
    lines = []
    for rep in range(3):
        for i, name in enumerate(names):
            field = "html" if name.endswith(".html") else "text"
            rec = {"id": "%s#%d" % (name, rep), field: read_sample(name),
                   "crawl": rep}
            if i % 3 == 0:
                del rec["id"]  # source becomes FILE:LINE
            if i % 4 == 0:
                rec["url"] = "https://example.org/%d/%s" % (rep, name)
            lines.append(json.dumps(rec, ensure_ascii=(i % 2 == 0)))
        lines.append("")  # blank lines are skipped but counted
    lines += ['{"id": "broken", "text": "unterminated',  # invalid JSON
              '[1, 2, 3]',                                 # not an object
              '{"id": 42, "body": "no known field"}',      # missing field
              '{"id": "num", "text": 5}',                  # not a string
              '{"text": "Short line.", "words": "theirs"}']  # key clash
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))  # no newline after the last record
    return sum(1 for s in lines if s.strip())


def load(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(s) for s in f]


def comparable(rec):
    """Error messages are worded by each implementation; the rest must match."""
    rec = dict(rec)
    if "error" in rec:
        rec["error"] = True
    return rec


def main():
    exe = python_with_dask()
    if not exe:
        print("1..0 # SKIP dask.distributed not importable "
              "(apt-get install python3-distributed)")
        return 77
    pith_bin = os.environ.get("PITH_BIN")
    with tempfile.TemporaryDirectory(prefix="pith-dask-test-") as tmp:
        src = os.path.join(tmp, "in.jsonl")
        n = make_dataset(src)
        outs = {}
        for mode, extra in (("dask", ["--workers", "2", "--partitions", "7"]),
                            ("local", ["--local"])):
            out = os.path.join(tmp, mode + ".jsonl")
            proc = subprocess.run([exe, SCRIPT, *extra, "--tmp", tmp, src, out],
                                  stderr=subprocess.PIPE, timeout=300)
            sys.stderr.write(proc.stderr.decode("utf-8", "replace"))
            check(proc.returncode == 0, "%s run exits 0" % mode)
            outs[mode] = load(out) if proc.returncode == 0 else []
            check(len(outs[mode]) == n, "%s: %d records for %d input records"
                  % (mode, len(outs[mode]), n))

        d, l = outs["dask"], outs["local"]
        check(d == l, "Dask output equals the single-process binding output")
        check(len({r["source"] for r in d}) == n, "every record has its own source")
        check(sum("error" in r for r in d) == 4, "4 damaged records give errors")
        check(sum(r["words"] > 50 for r in d if "error" not in r) >= 30,
              "the samples give articles")
        check(all(r.get("crawl") in (0, 1, 2) for r in d if "error" not in r
                  and "crawl" in r),
              "other fields pass through")

        if pith_bin:
            ref_path = os.path.join(tmp, "cli.jsonl")
            with open(ref_path, "wb") as f:
                # Exit 1: some records failed, on purpose.
                rc = subprocess.run([pith_bin, "-q", "-i", "jsonl", "-f", "json",
                                     src], stdout=f, stderr=subprocess.DEVNULL,
                                    timeout=300).returncode
            check(rc == 1, "pith -i jsonl exits 1 (some records failed)")
            ref = load(ref_path)
            check(len(ref) == n, "CLI: one record per input record")
            same = [comparable(a) == comparable(b) for a, b in zip(d, ref)]
            for i, ok in enumerate(same):
                if not ok:
                    diff = {k: (d[i].get(k), ref[i].get(k))
                            for k in set(d[i]) | set(ref[i])
                            if d[i].get(k) != ref[i].get(k)}
                    print("# record %d differs: %s" % (i + 1, str(diff)[:300]))
            check(all(same) and len(d) == len(ref),
                  "Dask output equals `pith -i jsonl -f json` output")
            check([list(r) for r in d] == [list(r) for r in ref],
                  "same keys in the same order as the CLI")
    print("1..%d" % count)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
