"""Shared helpers for the whole-document tests (run_golden, run_expect, run_seeds).

These scripts drive the real `pith` binary, the way a user would, and compare
what comes out; they never import anything from the library.
"""
import json
import os
import re
import subprocess
import sys
import unicodedata

SKIP = 77  # meson/automake convention for "test skipped"

# The default --quotes ascii mapping from the SPEC; expected strings taken
# from raw dumps go through it so they read as pith must print them.
_QUOTES = {c: "'" for c in "\u2018\u2019\u201a\u201b\u2032"}
_QUOTES.update({c: '"' for c in "\u201c\u201d\u201e\u201f\u2033"})


def normalize(s):
    """A raw dump line as pith should print it: NFC, ASCII quotes, one space."""
    s = unicodedata.normalize("NFC", s)
    s = "".join(_QUOTES.get(c, c) for c in s)
    s = re.sub(r"[\s\u00a0\u2000-\u200a\u202f\u205f\u3000]+", " ", s)
    return s.strip()


def paragraphs(text):
    """Paragraphs of pith's text output: blocks separated by blank lines."""
    return [p.strip() for p in re.split(r"\n[ \t]*\n", text or "") if p.strip()]


def lines(text):
    return [l.strip() for l in (text or "").split("\n") if l.strip()]


def input_kind(path):
    return "html" if path.endswith((".html", ".htm")) else "text"


def run_pith(pith, args, cwd=None):
    """Run pith; return (exit code, stdout bytes, stderr text)."""
    try:
        p = subprocess.run([pith] + args, cwd=cwd, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=60)
    except subprocess.TimeoutExpired:
        return -1, b"", "timed out after 60 s"
    return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace")


def pith_json(pith, path, cwd=None, extra=()):
    """One document through `pith -f json`; returns (record dict, error str)."""
    rc, out, err = run_pith(pith, ["-i", input_kind(path), "-f", "json",
                                   *extra, path], cwd=cwd)
    if rc != 0:
        return None, f"pith exited with {rc}: {err.strip()}"
    try:
        text = out.decode("utf-8")
    except UnicodeDecodeError as e:
        return None, f"output is not valid UTF-8: {e}"
    recs = [l for l in text.split("\n") if l.strip()]
    if len(recs) != 1:
        return None, f"expected one JSON line, got {len(recs)}"
    try:
        return json.loads(recs[0]), None
    except json.JSONDecodeError as e:
        return None, f"invalid JSON: {e}"


def setup(argv):
    """argv: PITH SRCDIR [args...] -> (absolute pith path, srcdir, rest)."""
    if len(argv) < 3:
        sys.stderr.write(f"usage: {os.path.basename(argv[0])} PITH SRCDIR [...]\n")
        sys.exit(2)
    return os.path.abspath(argv[1]), os.path.abspath(argv[2]), argv[3:]
