#!/usr/bin/env python3
"""Generate JSONL and WARC fixtures for pith's batch tests (gen_fixtures.py).

Usage: gen_fixtures.py OUTDIR [--big-mb N]

Writes into OUTDIR, plus manifest.json describing what each file holds
(records in, expected error records, ids in order) so the test can check
"one output record per input record, in order, errors present".
All text is generated here; nothing is copied from elsewhere.
"""
import gzip
import json
import os
import random
import sys

WORDS = ("river garden window morning letter market teacher station story "
         "harbor council budget winter village doctor museum bridge summer "
         "engine forest report library season student kitchen festival").split()


def sentence(rng, n=14):
    w = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(w).capitalize() + "."


def paragraph(rng, k=4):
    return " ".join(sentence(rng) for _ in range(k))


def html_page(rng, title):
    paras = "".join("<p>%s</p>" % paragraph(rng) for _ in range(5))
    return ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>%s</title>"
            "</head><body><nav><a href=\"/\">Home</a> | <a href=\"/news\">News</a>"
            "</nav><article><h1>%s</h1>%s</article><footer>All rights reserved."
            "</footer></body></html>" % (title, title, paras))


def text_dump(rng):
    return "\n\n".join(paragraph(rng) for _ in range(4))


# ---- JSONL ---------------------------------------------------------------

def jsonl_records(rng):
    """(line, expect_error, id) tuples; blank lines have id None."""
    out = []
    for i in range(40):
        rid = "doc-%03d" % i
        kind = i % 4
        if kind == 0:
            line = json.dumps({"id": rid, "url": "https://ex.test/%d" % i,
                               "html": html_page(rng, "Title %d" % i),
                               "meta": {"n": i, "tags": ["a", "b"]}})
        elif kind == 1:
            # Pass-through values with formatting a re-serializer would change.
            line = ('{"id": "%s", "score": 1.50e+3, "nested": {"x": [1, 2 ,3]},'
                    ' "note": "caf\\u00e9 \\ud83d\\ude00", "text": %s}'
                    % (rid, json.dumps(text_dump(rng))))
        elif kind == 2:
            line = json.dumps({"id": rid, "raw_content": text_dump(rng),
                               "lang_hint": None}, ensure_ascii=False)
        else:
            line = json.dumps({"id": rid, "content": html_page(rng, "C%d" % i),
                               "flags": [True, False]})
        out.append((line, False, rid))
    bad = [
        ('{"id": "bad-json", "html": "<p>x</p>"', True, None),
        ('{"id": "no-field", "body": "<p>nothing here</p>"}', True, "no-field"),
        ('{"id": "non-string", "html": 12345}', True, "non-string"),
        ('{"id": "array-field", "html": ["<p>a</p>"]}', True, "array-field"),
        ('[1, 2, 3]', True, None),
        ('not json at all', True, None),
    ]
    # Spread the bad ones through the file.
    for k, b in enumerate(bad):
        out.insert(5 + k * 6, b)
    out.insert(12, ("", False, None))  # blank line: no record
    return out


def write_jsonl(path, recs, crlf=False):
    nl = "\r\n" if crlf else "\n"
    with open(path, "w", encoding="utf-8", newline="") as f:
        for line, _, _ in recs:
            f.write(line + nl)


def manifest_entry(recs):
    real = [r for r in recs if r[0] != ""]
    return {"records": len(real),
            "errors": sum(1 for r in real if r[1]),
            "ids": [r[2] for r in real]}


def gzip_members(data, parts):
    """Compress data as `parts` gzip members cut at line boundaries."""
    lines = data.splitlines(keepends=True)
    step = max(1, len(lines) // parts)
    out = b""
    for i in range(0, len(lines), step):
        out += gzip.compress(b"".join(lines[i:i + step]))
    return out


def big_record(path, mb, rng):
    para = paragraph(rng, 6)
    body = []
    size = 0
    while size < mb * 1024 * 1024:
        body.append(para)
        size += len(para) + 2
    with open(path, "w", encoding="utf-8") as f:
        f.write(json.dumps({"id": "small-1", "text": text_dump(rng)}) + "\n")
        f.write(json.dumps({"id": "big", "text": "\n\n".join(body)}) + "\n")
        f.write(json.dumps({"id": "small-2", "text": text_dump(rng)}) + "\n")


# ---- WARC ----------------------------------------------------------------

def warc_record(wtype, rid, block, uri=None, ctype=None, version="WARC/1.0",
                clen=None):
    h = [version, "WARC-Type: " + wtype,
         "WARC-Record-ID: <urn:uuid:%s>" % rid,
         "WARC-Date: 2024-05-%02dT08:30:00Z" % (1 + len(rid) % 28)]
    if uri:
        h.append("WARC-Target-URI: " + uri)
    if ctype:
        h.append("Content-Type: " + ctype)
    h.append("Content-Length: %d" % (len(block) if clen is None else clen))
    return ("\r\n".join(h) + "\r\n\r\n").encode() + block + b"\r\n\r\n"


def http_response(body, ctype="text/html; charset=utf-8", status="200 OK",
                  chunked=False):
    head = "HTTP/1.1 %s\r\nContent-Type: %s\r\n" % (status, ctype)
    if chunked:
        head += "Transfer-Encoding: chunked\r\n"
        chunks = b""
        for i in range(0, len(body), 700):
            part = body[i:i + 700]
            chunks += b"%x\r\n" % len(part) + part + b"\r\n"
        body = chunks + b"0\r\n\r\n"
    else:
        head += "Content-Length: %d\r\n" % len(body)
    return head.encode() + b"\r\n" + body


HTTP = "application/http; msgtype=response"


def warc_records(rng):
    """(bytes, kind) where kind is 'doc', 'skip' or 'error'."""
    recs = [(warc_record("warcinfo", "info", b"software: gen_fixtures\r\n",
                         ctype="application/warc-fields"), "skip")]
    for i in range(12):
        uri = "http://site%d.test/page" % i
        body = html_page(rng, "Page %d" % i).encode()
        recs.append((warc_record("request", "req%d" % i,
                                 b"GET /page HTTP/1.1\r\nHost: x\r\n\r\n", uri,
                                 "application/http; msgtype=request"), "skip"))
        if i == 4:
            blk = http_response(body, status="404 Not Found")
            kind = "skip"
        elif i == 5:
            blk = http_response(b"\x89PNG\r\n\x1a\n....", ctype="image/png")
            kind = "skip"
        else:
            blk = http_response(body, chunked=(i % 3 == 0),
                                ctype=("text/html; charset=ISO-8859-1"
                                       if i == 7 else "text/html"))
            kind = "doc"
        recs.append((warc_record("response", "resp%d" % i, blk, uri, HTTP,
                                 version="WARC/1.1" if i % 2 else "WARC/1.0"),
                     kind))
        recs.append((warc_record("metadata", "meta%d" % i, b"fetchTimeMs: 12\r\n",
                                 uri, "application/warc-fields"), "skip"))
    return recs


def write_warcs(outdir, rng, manifest):
    recs = warc_records(rng)
    plain = b"".join(r for r, _ in recs)
    docs = sum(1 for _, k in recs if k == "doc")
    with open(os.path.join(outdir, "crawl.warc"), "wb") as f:
        f.write(plain)
    manifest["crawl.warc"] = {"records": docs, "errors": 0}
    with open(os.path.join(outdir, "crawl.warc.gz"), "wb") as f:
        for r, _ in recs:
            f.write(gzip.compress(r))  # one member per record, as Common Crawl
    manifest["crawl.warc.gz"] = {"records": docs, "errors": 0}

    # Damage: garbage between records, a corrupt gzip member, a truncated end.
    members = [gzip.compress(r) for r, _ in recs]
    bad_idx = next(i for i, (_, k) in enumerate(recs) if k == "doc")
    m = bytearray(members[bad_idx])
    for j in range(20, len(m) - 4, 7):
        m[j] ^= 0x55
    members[bad_idx] = bytes(m)
    members.insert(bad_idx + 3, b"this is not gzip and not WARC\r\n")
    tail = gzip.compress(warc_record("response", "cut", http_response(
        html_page(rng, "Cut").encode()), "http://cut.test/", HTTP))
    data = b"".join(members) + tail[:len(tail) // 2]
    with open(os.path.join(outdir, "damaged.warc.gz"), "wb") as f:
        f.write(data)
    # Good documents minus the corrupted one; errors: corrupt member, the
    # garbage, the truncated tail (at least 3; garbage may merge).
    manifest["damaged.warc.gz"] = {"records_min": docs - 1 + 2,
                                   "good": docs - 1, "errors_min": 2}


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    outdir = sys.argv[1]
    big_mb = 50
    if "--big-mb" in sys.argv:
        big_mb = int(sys.argv[sys.argv.index("--big-mb") + 1])
    os.makedirs(outdir, exist_ok=True)
    rng = random.Random(5)
    manifest = {}

    recs = jsonl_records(rng)
    write_jsonl(os.path.join(outdir, "crawl.jsonl"), recs)
    manifest["crawl.jsonl"] = manifest_entry(recs)
    write_jsonl(os.path.join(outdir, "crawl_crlf.jsonl"), recs, crlf=True)
    manifest["crawl_crlf.jsonl"] = manifest_entry(recs)
    with open(os.path.join(outdir, "crawl.jsonl"), "rb") as f:
        raw = f.read()
    with open(os.path.join(outdir, "multi.jsonl.gz"), "wb") as f:
        f.write(gzip_members(raw, 5))
    manifest["multi.jsonl.gz"] = manifest_entry(recs)
    whole = gzip.compress(raw)
    with open(os.path.join(outdir, "truncated.jsonl.gz"), "wb") as f:
        f.write(whole[: len(whole) * 2 // 3])
    manifest["truncated.jsonl.gz"] = {"errors_min": 1, "truncated": True}

    if big_mb > 0:
        big_record(os.path.join(outdir, "big.jsonl"), big_mb, rng)
        manifest["big.jsonl"] = {"records": 3, "errors": 0,
                                 "ids": ["small-1", "big", "small-2"]}

    write_warcs(outdir, rng, manifest)

    # A directory tree of pages for the walk and -o DIR.
    tree = os.path.join(outdir, "tree")
    for sub in ("", "b", "b/c"):
        os.makedirs(os.path.join(tree, sub), exist_ok=True)
    files = {"a.html": html_page(rng, "A"), "b/b1.txt": text_dump(rng),
             "b/c/c1.html": html_page(rng, "C1")}
    for rel, content in files.items():
        with open(os.path.join(tree, rel), "w", encoding="utf-8") as f:
            f.write(content)
    with open(os.path.join(tree, "b", "zipped.html.gz"), "wb") as f:
        f.write(gzip.compress(html_page(rng, "Z").encode()))
    manifest["tree"] = {"files": ["a.html", "b/b1.txt", "b/c/c1.html",
                                  "b/zipped.html.gz"]}

    with open(os.path.join(outdir, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)


if __name__ == "__main__":
    main()
