#!/usr/bin/env python3
"""Hostile-input test: generates inputs that break naive parsers and runs
`pith -q -f json` on each with a time limit.

    run_hostile.py PITH WORKDIR [--full] [--only NAME...]

Every case must: exit 0 or 1, print no sanitizer report, print one valid
JSON object per input document (error records count), and finish within its
time limit. Limits are generous for an ASan build but far below what a
quadratic pass would need at these sizes, so they catch non-linear time.
--full uses the sizes of issue 6 (100 MB line, 1 GB gzip bomb) for a manual
run; the default sizes keep the whole test under a minute under ASan.
Inputs are generated (seeded, reproducible) in WORKDIR, never committed.
"""
import gzip
import json
import os
import random
import subprocess
import sys
import time
import zlib

SANITIZER_MARKS = (b"AddressSanitizer", b"LeakSanitizer", b"runtime error:",
                   b"UndefinedBehaviorSanitizer", b"ThreadSanitizer")


class Case:
    def __init__(self, name, make, records=1, limit=10.0, args=(), check=None,
                 suffix=""):
        self.name, self.make, self.records = name, make, records
        self.limit, self.args, self.check, self.suffix = limit, args, check, suffix


def words_line(nbytes, rng):
    vocab = [b"lorem", b"ipsum", b"dolor", b"sit", b"amet", b"harbour",
             b"council", b"caf\xc3\xa9", b"\xe2\x80\x9cquoted\xe2\x80\x9d",
             b"&amp;", b"2024", b"stra\xc3\x9fe"]
    chunk = b" ".join(rng.choice(vocab) for _ in range(20000)) + b" "
    reps = nbytes // len(chunk) + 1
    return (chunk * reps)[:nbytes]


def gzip_bomb(path, nbytes):
    """A gzip member inflating to nbytes zeros, written in 1 MB steps."""
    zero = bytes(1 << 20)
    co = zlib.compressobj(9, zlib.DEFLATED, 31)
    with open(path, "wb") as f:
        for _ in range(nbytes >> 20):
            f.write(co.compress(zero))
        f.write(co.flush())


INVALID_UTF8 = [
    b"\x80", b"\xbf", b"\x80\x80\x80",              # lone continuations
    b"\xc2", b"\xe2\x82", b"\xf0\x9f\x98",          # truncated sequences
    b"\xc0\x80", b"\xc1\xbf", b"\xc0\xaf",          # overlong 2-byte
    b"\xe0\x80\xaf", b"\xe0\x9f\xbf",               # overlong 3-byte
    b"\xf0\x80\x80\xaf", b"\xf0\x8f\xbf\xbf",       # overlong 4-byte
    b"\xf8\x88\x80\x80\x80", b"\xfc\x84\x80\x80\x80\x80",  # 5/6-byte forms
    b"\xed\xa0\x80", b"\xed\xbf\xbf", b"\xed\xa0\xbd\xed\xb8\x80",  # surrogates
    b"\xf4\x90\x80\x80", b"\xf7\xbf\xbf\xbf",       # above U+10FFFF
    b"\xfe", b"\xff", b"\xfe\xff", b"\xff\xfe\x00",  # never valid
    b"\xef\xbf\xbe", b"\xef\xbf\xbf",               # noncharacters (valid)
]


def invalid_utf8_doc(html):
    parts = []
    for i, bad in enumerate(INVALID_UTF8 * 40):
        parts.append(b"word%d %s tail " % (i, bad))
        if i % 7 == 6:
            parts.append(b"</p><p>" if html else b"\n\n")
    body = b"".join(parts)
    if html:
        return (b"<html><head><title>bad \xc0\xaf title</title></head><body>"
                b"<p title=\"\xed\xa0\x80\">" + body + b"</p></body></html>")
    return body


def warc_record(body, rtype=b"response", ctype=b"application/http; msgtype=response",
                n=0, clen=None):
    clen = len(body) if clen is None else clen
    head = (b"WARC/1.0\r\nWARC-Type: %s\r\nWARC-Record-ID: <urn:uuid:%08d>\r\n"
            b"WARC-Target-URI: https://example.org/%d\r\n"
            b"WARC-Date: 2024-01-02T03:04:05Z\r\nContent-Type: %s\r\n"
            b"Content-Length: %d\r\n\r\n" % (rtype, n, n, ctype, clen))
    return head + body + b"\r\n\r\n"


HTTP_PAGE = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
             b"<html><body><article><p>The harbour wall was repaired on Tuesday "
             b"by a crew of twelve workers.</p></article></body></html>")


def build_cases(full):
    rng = random.Random(6)
    mb = 1 << 20
    line_mb = 100 if full else 20
    bomb_mb = 1024 if full else 300
    cases = []

    def add(name, data_fn, **kw):
        cases.append(Case(name, data_fn, **kw))

    add("empty", lambda p: b"")
    add("whitespace", lambda p: b" \t\r\n\n   \n\t\xc2\xa0\xe2\x80\x83\n" * 1000)
    add("one_line_%dmb" % line_mb, lambda p: words_line(line_mb * mb, rng),
        limit=30.0 if not full else 150.0)
    add("no_spaces_5mb", lambda p: b"a" * (5 * mb), limit=15.0)
    add("million_lines", lambda p: b"".join(b"w%d\n" % (i % 97) for i in range(10 ** 6)),
        limit=20.0)
    add("million_blank_lines", lambda p: b"\n" * 10 ** 6, limit=10.0)
    add("html_nested_100k", lambda p: b"<html><body>" + b"<div>" * 100000 +
        b"<p>deep text in the middle</p>" + b"</div>" * 100000 + b"</body></html>",
        limit=20.0)
    add("html_nested_unclosed_100k", lambda p: b"<div><span>" * 50000 + b"text",
        limit=20.0)
    add("html_formatting_100k", lambda p: b"<p>" + b"<b><i><a href=x>" * 30000 +
        b"text", limit=20.0)
    add("html_table_nest_10k", lambda p: b"<table><tr><td>" * 10000 + b"cell",
        limit=20.0)
    add("html_million_attributes", lambda p: b"<html><body><div " +
        b" ".join(b"a%d=\"v\"" % i for i in range(10 ** 6)) + b"><p>text</p></div>",
        limit=20.0)
    add("html_million_paragraphs", lambda p: b"<html><body>" +
        b"".join(b"<p>line %d</p>" % (i % 1000) for i in range(10 ** 6)), limit=30.0)
    add("html_unclosed_comment", lambda p: b"<p>before</p><!-- " + b"x" * mb, limit=10.0)
    add("html_unclosed_script", lambda p: b"<p>before</p><script>" + b"var a=1;" * (mb // 8),
        limit=10.0)
    add("html_unclosed_style", lambda p: b"<p>before</p><style>" + b"p{}" * (mb // 3))
    add("html_unclosed_title", lambda p: b"<title>" + b"t " * (mb // 2))
    add("html_unclosed_tag", lambda p: b"<p>x</p><div class=\"" + b"y" * mb)
    add("html_only_tags", lambda p: b"<" * mb, limit=10.0)
    add("html_cdata_pi", lambda p: b"<![CDATA[" + b"]" * 1000 + b"<?php " + b"?" * 1000)
    add("invalid_utf8_text", lambda p: invalid_utf8_doc(False))
    add("invalid_utf8_html", lambda p: invalid_utf8_doc(True))
    add("nul_bytes_text", lambda p: b"the text\x00 has\x00\x00 NUL bytes\n" * 10000)
    add("nul_bytes_html", lambda p: b"<p>a\x00b</p><\x00div>\x00" * 10000)
    add("all_nul_1mb", lambda p: bytes(mb))
    add("utf16le_no_bom", lambda p: ("The council approved the budget on Monday. " * 2000)
        .encode("utf-16-le"))
    add("utf16be_no_bom", lambda p: ("Der Rat hat den Haushalt beschlossen. " * 2000)
        .encode("utf-16-be"))
    add("utf16le_html_no_bom", lambda p: ("<html><body><p>" + "Text of the page. " * 500 +
        "</p></body></html>").encode("utf-16-le"))
    add("random_bytes_1mb", lambda p: rng.randbytes(mb))
    add("png", lambda p: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + rng.randbytes(mb))
    add("zip_like", lambda p: b"PK\x03\x04" + rng.randbytes(64 * 1024))

    def bomb(p):
        gzip_bomb(p, bomb_mb * mb)
        return None
    add("gzip_bomb_%dmb" % bomb_mb, bomb, limit=60.0 if not full else 180.0,
        check=lambda objs: objs[0].get("error") and "limit" in objs[0]["error"],
        suffix=".gz", args=("-i", "text"))

    text_gz = gzip.compress(words_line(2 * mb, rng))
    add("truncated_gzip", lambda p: text_gz[: len(text_gz) // 2], suffix=".gz",
        check=lambda objs: "error" in objs[0])
    add("gzip_then_garbage", lambda p: gzip.compress(b"hello there\n") + b"garbage!" * 10,
        suffix=".gz")
    add("gzip_header_only", lambda p: b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03",
        suffix=".gz")
    page = warc_record(HTTP_PAGE, n=1)
    add("truncated_warc", lambda p: page + warc_record(HTTP_PAGE, n=2)[:300],
        records=2, suffix=".warc")
    add("warc_huge_content_length", lambda p: warc_record(HTTP_PAGE, n=1, clen=10 ** 15) +
        page, records=1, suffix=".warc", args=("-i", "warc"))
    add("warc_garbage_between", lambda p: page + rng.randbytes(5000) + page,
        records=2, suffix=".warc", args=("-i", "warc"))
    add("truncated_warc_gz", lambda p: gzip.compress(page) +
        gzip.compress(warc_record(HTTP_PAGE, n=2))[:150], records=2, suffix=".warc.gz")

    def payload_bomb(p):
        zero = gzip.compress(bytes(300 * mb), 9)
        http = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                b"Content-Encoding: gzip\r\n\r\n" + zero)
        return warc_record(http, n=1) + page
    add("warc_payload_bomb", payload_bomb, records=2, suffix=".warc", limit=60.0,
        args=("-i", "warc"),
        check=lambda objs: "limit" in objs[0].get("error", "") and "error" not in objs[1])

    def jsonl(lines):
        return b"".join(l + b"\n" for l in lines)
    add("json_deep_nesting", lambda p: jsonl([
        b'{"text":"ok","deep":' + b"[" * 100000 + b"]" * 100000 + b"}",
        b'{"text":"ok","deep":' + b'{"a":' * 100000 + b"1" + b"}" * 100000 + b"}",
        b'{"text":"unclosed","deep":' + b"[" * 100000,
        b'{"text":"fine"}']), records=4, args=("-i", "jsonl"))
    add("json_bad_escapes", lambda p: jsonl([
        b'{"text":"bad \\x escape"}', b'{"text":"short \\u12"}',
        b'{"text":"lone \\ud800 surrogate"}', b'{"text":"lone \\udc00 low"}',
        b'{"text":"ctl \x01 raw"}', b'{"text":"nul \\u0000 in text"}',
        b'{"text":"inv \xc0\xaf utf8"}', b'{"text":"unterminated',
        b'{"text":"trailing"} junk', b'{"text":1e999999}', b"{", b"[]",
        b'{"id":{"not":"a string"},"text":"x"}', b'{"text":"' + b"\\\\" * 50000 + b'"}']),
        records=14, args=("-i", "jsonl"))
    add("jsonl_million_lines", lambda p: b'{"text":"a"}\n' * 200000,
        records=200000, limit=40.0, args=("-i", "jsonl"))
    return cases


def run_case(pith, work, case):
    path = os.path.join(work, case.name + (case.suffix or ".in"))
    if not os.path.exists(path):
        data = case.make(path)
        if data is not None:
            with open(path, "wb") as f:
                f.write(data)
    cmd = [pith, "-q", "-j", "1", "-f", "json", *case.args, path]
    t0 = time.monotonic()
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=case.limit * 3)
    except subprocess.TimeoutExpired:
        return "hang (over %.0f s)" % (case.limit * 3), case.limit * 3
    dt = time.monotonic() - t0
    if any(m in p.stderr for m in SANITIZER_MARKS):
        return "sanitizer report:\n" + p.stderr.decode(errors="replace")[:3000], dt
    if p.returncode not in (0, 1):
        return "exit status %d: %s" % (p.returncode, p.stderr[:500]), dt
    objs = []
    for line in p.stdout.split(b"\n"):
        if not line:
            continue
        try:
            objs.append(json.loads(line))
        except ValueError as e:
            return "invalid JSON output (%s): %r" % (e, line[:200]), dt
    if len(objs) != case.records:
        return "%d records, want %d" % (len(objs), case.records), dt
    if any(not isinstance(o, dict) for o in objs):
        return "a record is not an object", dt
    if case.check and not case.check(objs):
        return "check failed: %r" % (str(objs[0])[:300],), dt
    if dt > case.limit:
        return "too slow: %.1f s (limit %.0f s)" % (dt, case.limit), dt
    return None, dt


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        sys.exit(__doc__)
    pith, work = os.path.abspath(args[0]), args[1]
    full = "--full" in args
    only = args[args.index("--only") + 1:] if "--only" in args else None
    os.makedirs(work, exist_ok=True)
    cases = [c for c in build_cases(full) if not only or c.name in only]
    print("1..%d" % len(cases))
    failed = 0
    for i, case in enumerate(cases, 1):
        err, dt = run_case(pith, work, case)
        if err:
            failed += 1
            print("not ok %d - %s (%.2f s)" % (i, case.name, dt))
            for line in err.splitlines():
                print("#   " + line)
        else:
            print("ok %d - %s (%.2f s)" % (i, case.name, dt))
        sys.stdout.flush()
        # Big generated inputs are cheap to rebuild; keep the disk clean.
        for name in os.listdir(work):
            full_path = os.path.join(work, name)
            if os.path.getsize(full_path) > 50 << 20:
                os.remove(full_path)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
