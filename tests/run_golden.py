#!/usr/bin/env python3
"""Golden tests: samples/NAME.{txt,html} -> tests/golden/NAME.txt + NAME.json.

usage: run_golden.py PITH SRCDIR [--update] [--all] [NAME...]

For each sample that has tests/golden/NAME.txt, run `pith -f text` and
`pith -f json` on it (from SRCDIR, so "source" is the stable relative path)
and compare with the expected files; a mismatch prints a unified diff.
NAME.json holds the one JSON record pretty-printed, so diffs are per field.

--update rewrites the expected files of the samples that have them, plus the
NAMEs given (creating them); --all creates them for every sample. Only commit
a golden file after reading it: it must show correct behaviour.
"""
import difflib
import glob
import json
import os
import sys

import pithtest


def render(pith, srcdir, sample):
    """(text output, pretty JSON output) for one sample, or raise RuntimeError."""
    kind = pithtest.input_kind(sample)
    rc, out, err = pithtest.run_pith(pith, ["-i", kind, "-f", "text", sample], cwd=srcdir)
    if rc != 0:
        raise RuntimeError(f"pith -f text exited with {rc}: {err.strip()}")
    try:
        text = out.decode("utf-8")
    except UnicodeDecodeError as e:
        raise RuntimeError(f"pith -f text: output is not valid UTF-8: {e}")
    rec, error = pithtest.pith_json(pith, sample, cwd=srcdir)
    if error:
        raise RuntimeError(f"pith -f json: {error}")
    return text, json.dumps(rec, indent=2, ensure_ascii=False) + "\n"


def read(path):
    with open(path, encoding="utf-8", newline="") as f:
        return f.read()


def write(path, data):
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(data)


def diff(expected, actual, path):
    return "".join(difflib.unified_diff(
        expected.splitlines(True), actual.splitlines(True),
        fromfile=f"{path} (expected)", tofile=f"{path} (pith output)"))


def main(argv):
    pith, srcdir, rest = pithtest.setup(argv)
    update = "--update" in rest
    every = "--all" in rest
    names = [a for a in rest if not a.startswith("--")]
    golden = os.path.join(srcdir, "tests", "golden")
    samples = sorted(p for ext in ("txt", "html")
                     for p in glob.glob(os.path.join(srcdir, "samples", f"*.{ext}")))
    todo, seen = [], {}
    for path in samples:
        name = os.path.splitext(os.path.basename(path))[0]
        if name in seen:
            print(f"Bail out! samples/{os.path.basename(path)} and "
                  f"samples/{os.path.basename(seen[name])} would share tests/golden/{name}.*")
            return 2
        seen[name] = path
        has = os.path.exists(os.path.join(golden, name + ".txt"))
        if names and name not in names:
            continue
        if has or (update and (every or name in names)):
            todo.append((name, os.path.relpath(path, srcdir)))
    if not todo:
        print("1..0 # SKIP no golden files")
        return pithtest.SKIP
    print(f"1..{len(todo)}")
    failed = 0
    for i, (name, sample) in enumerate(todo, 1):
        try:
            outputs = render(pith, srcdir, sample)
        except RuntimeError as e:
            print(f"not ok {i} - {name}\n# {sample}: {e}")
            failed += 1
            continue
        problems = []
        for ext, actual in zip((".txt", ".json"), outputs):
            gpath = os.path.join(golden, name + ext)
            if update:
                os.makedirs(golden, exist_ok=True)
                write(gpath, actual)
            elif not os.path.exists(gpath):
                problems.append(f"{gpath} is missing (run with --update {name})")
            elif read(gpath) != actual:
                problems.append(diff(read(gpath), actual, f"tests/golden/{name}{ext}"))
        print(f"{'not ok' if problems else 'ok'} {i} - {name}"
              + (" (updated)" if update else ""))
        for p in problems:
            sys.stdout.write("".join("# " + l + "\n" for l in p.rstrip("\n").split("\n")))
        failed += bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
