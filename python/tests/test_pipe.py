"""The Spark RDD.pipe / Hadoop streaming recipe of dist/README.md, simulated.

Those engines split a JSONL dataset into partitions (input splits), start the
filter once per partition with the records on stdin, one per line, and read
one output line per record back. This test splits a dataset from samples/
into partitions, runs the exact filter command of the README on each one,
and checks that the concatenated output equals one `pith -i jsonl -f json`
run over the whole file, and that a partition with a bad record still
exits 0 (a non-zero exit would fail the Spark/Hadoop task).

Environment (set by meson): PITH_BIN.
"""

import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SAMPLES = os.path.join(ROOT, "samples")

# Must stay identical to the command in dist/README.md.
FILTER = "sh -c 'pith -q -j 1 -i jsonl -f json; test $? -le 1'"

count = failures = 0


def check(cond, what):
    global count, failures
    count += 1
    print(("ok %d - %s" if cond else "not ok %d - %s") % (count, what))
    failures += 0 if cond else 1


def main():
    exe = os.environ.get("PITH_BIN")
    if not exe:
        print("1..0 # SKIP PITH_BIN not set")
        return 77
    readme = open(os.path.join(ROOT, "dist", "README.md"), encoding="utf-8").read()
    check(FILTER in readme, "the tested filter command is the documented one")

    records = []
    for name in sorted(os.listdir(SAMPLES)):
        raw = open(os.path.join(SAMPLES, name), "rb").read()
        try:
            doc = raw.decode("utf-8")
        except UnicodeDecodeError:
            continue
        field = "html" if name.endswith(".html") else "text"
        records.append(json.dumps({"id": name, field: doc, "n": len(records)}))
    records.insert(5, '{"id": "bad", "text": ')  # damaged record
    env = dict(os.environ)
    env["PATH"] = os.path.dirname(os.path.abspath(exe)) + os.pathsep + env["PATH"]

    with tempfile.TemporaryDirectory() as tmp:
        whole = os.path.join(tmp, "all.jsonl")
        with open(whole, "w", encoding="utf-8") as f:
            f.write("\n".join(records) + "\n")
        ref = subprocess.run([exe, "-q", "-i", "jsonl", "-f", "json", whole],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        ref_lines = ref.stdout.decode("utf-8").splitlines()

    out_lines = []
    parts = [records[i:i + 4] for i in range(0, len(records), 4)]
    codes = []
    for part in parts:
        p = subprocess.run(FILTER, shell=True, env=env,
                           input=("\n".join(part) + "\n").encode("utf-8"),
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        codes.append(p.returncode)
        out_lines += p.stdout.decode("utf-8").splitlines()
    check(codes == [0] * len(parts), "every partition exits 0 (%s)" % codes)
    check(len(out_lines) == len(records),
          "one output line per record (%d/%d)" % (len(out_lines), len(records)))
    got = [json.loads(s) for s in out_lines]
    want = [json.loads(s) for s in ref_lines]
    # The damaged record is named by its position, which differs per split.
    for r in got + want:
        if "error" in r:
            r["source"] = r["error"] = "-"
    check(got == want, "partitioned output equals the whole-file output")
    check(sum("error" in r for r in got) == 1, "the damaged record is an error record")
    check([r.get("n") for r in got if "error" not in r] ==
          list(range(len(records) - 1)), "records keep their order and fields")
    print("1..%d" % count)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
