#!/usr/bin/env python3
"""Check samples/NAME.{txt,html} against tests/samples_expect/NAME.expect.

usage: run_expect.py PITH SRCDIR [NAME...]

An .expect file says what pith must do with one sample:
    + LINE        LINE is kept: it is a paragraph of "text" on its own
    - LINE        LINE is dropped: it is no line of "text" (junk, or the
                  duplicated title, which belongs in "title" only)
    KEY: VALUE    metadata (title, author, date, site, lang); "null" means
                  the field must be null; a date also matches "DATE" + "T..."
    # ...         comment
LINEs are written as pith must print them (quotes ASCII, entities decoded).
These are requirements, not snapshots: a failure means pith is wrong.
"""
import glob
import os
import sys

import pithtest

META_KEYS = ("title", "author", "date", "site", "lang")


def parse_expect(path):
    keep, drop, meta = [], [], {}
    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            if line.startswith("+ "):
                keep.append(line[2:].strip())
            elif line.startswith("- "):
                drop.append(line[2:].strip())
            else:
                key, sep, value = line.partition(":")
                if not sep or key not in META_KEYS:
                    raise ValueError(f"{path}:{n}: cannot parse {line!r}")
                value = value.strip()
                meta[key] = None if value == "null" else value
    return keep, drop, meta


def meta_matches(key, want, got):
    if want is None or got is None:
        return want is got
    if key == "date":
        return got == want or got.startswith(want + "T")
    return got == want


def check(pith, srcdir, name, expect_path):
    sample = next((f"samples/{name}{ext}" for ext in (".txt", ".html", ".htm")
                   if os.path.exists(os.path.join(srcdir, "samples", name + ext))),
                  None)
    if sample is None:
        return [f"no samples/{name}.txt or .html for {expect_path}"]
    keep, drop, meta = parse_expect(expect_path)
    rec, err = pithtest.pith_json(pith, sample, cwd=srcdir)
    if err:
        return [err]
    paras = set(pithtest.paragraphs(rec.get("text")))
    text_lines = set(pithtest.lines(rec.get("text")))
    fails = [f"lost:  {k}" for k in keep if k not in paras]
    fails += [f"kept junk: {d}" for d in drop if d in text_lines]
    for key, want in meta.items():
        got = rec.get(key)
        if not meta_matches(key, want, got):
            fails.append(f"{key}: expected {want!r}, got {got!r}")
    return fails


def main(argv):
    pith, srcdir, names = pithtest.setup(argv)
    expects = sorted(glob.glob(os.path.join(srcdir, "tests", "samples_expect", "*.expect")))
    if names:
        expects = [e for e in expects if os.path.basename(e)[:-7] in names]
    if not expects:
        print("1..0 # SKIP no .expect files")
        return pithtest.SKIP
    print(f"1..{len(expects)}")
    failed = 0
    for i, path in enumerate(expects, 1):
        name = os.path.basename(path)[:-len(".expect")]
        fails = check(pith, srcdir, name, path)
        print(f"{'not ok' if fails else 'ok'} {i} - {name}")
        for f in fails:
            print(f"#   {f}")
        failed += bool(fails)
    if failed:
        print(f"# {failed} of {len(expects)} samples fail their expectations")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
