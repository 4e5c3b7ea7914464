#!/usr/bin/env python3
"""Clean a JSONL dataset with pith on a Dask cluster.

    python3 dist/dask_clean.py crawl.jsonl clean.jsonl            # LocalCluster
    python3 dist/dask_clean.py --scheduler tcp://host:8786 in.jsonl out.jsonl
    python3 dist/dask_clean.py --local crawl.jsonl clean.jsonl    # no Dask

Output is what `pith -i jsonl -f json INPUT` writes, record for record and
in input order: each input object minus its document field, followed by
pith's fields (text, title, author, date, site, url, description, lang,
image, charset, source, words, and error for a bad record). `source` is the
record's "id", else "INPUT:LINE" as the CLI names it.

How it is split: the driver cuts INPUT into byte ranges that end at line
ends (a few seeks, no full read); a dask.bag holds one range per partition.
A first pass counts the lines of each range in parallel, so every worker
knows the line number its range starts at; the second pass cleans. Workers
read their range themselves and send back only clean records, so INPUT must
be readable from every worker (local disk for a LocalCluster; a shared
filesystem, or any fsspec URL such as s3://bucket/x.jsonl with its backend
installed, on a real cluster). The driver writes the parts in order.

Needs the pith Python binding (python/pith) importable on the workers and
libpith.so loadable there (PITH_LIBRARY, or installed where the loader finds
it). Plain JSONL only: decompress .gz first (or use the CLI, which reads it).
"""

import argparse
import json
import os
import sys
import tempfile

# pith's own output keys; an input key with one of these names is replaced.
PITH_KEYS = ("text", "title", "author", "date", "site", "url", "description",
             "lang", "image", "charset", "source", "words", "error", "explain")
DEFAULT_FIELDS = ("html", "raw_content", "content", "text")


def _error_record(source, message):
    rec = {k: None for k in PITH_KEYS[:11]}
    rec.update(text="", source=source, words=0, error=message)
    return rec


def _doc_field(obj, field):
    if field:
        return field, obj.get(field)
    for name in DEFAULT_FIELDS:
        if obj.get(name) is not None:
            return name, obj[name]
    return None, None


def clean_line(line, number, name, field=None, options=None):
    """One JSONL line -> one output object, as `pith -i jsonl -f json`."""
    import pith

    source = "%s:%d" % (name, number)
    try:
        obj = json.loads(line)
    except ValueError as e:
        return _error_record(source, "line %d: invalid JSON (%s)" % (number, e))
    if not isinstance(obj, dict):
        return _error_record(source, "line %d: not a JSON object" % number)
    rid = obj.get("id")
    if isinstance(rid, (str, int, float)) and not isinstance(rid, bool) \
            and str(rid) != "":
        source = str(rid)
    fname, doc = _doc_field(obj, field)
    if doc is None or not isinstance(doc, str):
        if fname and doc is not None:
            msg = 'line %d: field "%s" is %s, not a string' % (
                number, fname, type(doc).__name__)
        elif fname:
            msg = 'line %d: no field "%s"' % (number, fname)
        else:
            msg = ("line %d: none of the fields html, raw_content, content, "
                   "text (use --field NAME)" % number)
        out = _error_record(source, msg)
    else:
        url, date = obj.get("url"), obj.get("date")
        out = pith.clean(doc, source=source,
                         url=url if isinstance(url, str) else None,
                         date=date if isinstance(date, str) else None,
                         **(options or {}))
    merged = {k: v for k, v in obj.items() if k != fname and k not in out}
    merged.update(out)
    return merged


def _open(path):
    try:
        import fsspec
        return fsspec.open(path, "rb").open()
    except ImportError:
        return open(path, "rb")


def split(path, parts):
    """Byte ranges [start, end) of about equal size, each ending at a line
    end, found with one seek + readline per boundary."""
    with _open(path) as f:
        f.seek(0, os.SEEK_END)
        size = f.tell()
        cuts = [0]
        for i in range(1, parts):
            f.seek(max(size * i // parts, cuts[-1]))
            if f.tell() > 0:
                f.seek(f.tell() - 1)  # a cut right after "\n" is a line start
            f.readline()
            pos = f.tell()
            if cuts[-1] < pos < size:
                cuts.append(pos)
    cuts.append(size)
    return [(cuts[i], cuts[i + 1]) for i in range(len(cuts) - 1)]


def _read_range(path, rng):
    start, end = rng
    with _open(path) as f:
        f.seek(start)
        return f.read(end - start)


def count_lines(path, rng):
    data = _read_range(path, rng)
    return data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)


def clean_range(path, name, rng, first_line, field, options):
    """Clean the records in one byte range; returns output lines (str)."""
    out = []
    data = _read_range(path, rng)
    for i, raw in enumerate(data.split(b"\n")):
        if raw.endswith(b"\r"):
            raw = raw[:-1]
        if not raw.strip(b" \t"):
            continue
        line = raw.decode("utf-8", "replace")
        rec = clean_line(line, first_line + i, name, field, options)
        out.append(json.dumps(rec, ensure_ascii=False, separators=(",", ":")))
    return out


def run_dask(args, options, out):
    import dask.bag as db
    from dask.distributed import Client, LocalCluster

    # Spawned workers import pith through the same path as this driver.
    here = os.path.dirname(os.path.abspath(__file__))
    pypath = [p for p in (os.environ.get("PYTHONPATH"),
                          os.path.join(os.path.dirname(here), "python")) if p]
    os.environ["PYTHONPATH"] = os.pathsep.join(pypath)

    cluster = None
    scratch = tempfile.TemporaryDirectory(prefix="pith-dask-", dir=args.tmp)
    if args.scheduler:
        client = Client(args.scheduler)
    else:
        cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1,
                               processes=True, host="127.0.0.1",
                               scheduler_port=0, dashboard_address=None,
                               local_directory=scratch.name, silence_logs=40)
        client = Client(cluster)
    try:
        ranges = split(args.input, args.partitions or 4 * args.workers)
        bag = db.from_sequence(ranges, npartitions=len(ranges))
        counts = bag.map(lambda r: count_lines(args.input, r)).compute()
        starts, line = [], 1
        for c in counts:
            starts.append(line)
            line += c
        jobs = db.from_sequence(list(zip(ranges, starts)),
                                npartitions=len(ranges))
        parts = jobs.map(lambda j: clean_range(args.input, args.name, j[0],
                                               j[1], args.field, options))
        # One future per partition; written in order as each completes, so
        # the driver holds no more than the parts still in flight.
        futures = client.compute(parts.to_delayed())
        n = 0
        for fut in futures:
            for lines in fut.result():
                for s in lines:
                    out.write(s + "\n")
                    n += 1
            fut.release()
        return n, len(ranges)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
        scratch.cleanup()


def run_local(args, options, out):
    n = 0
    with _open(args.input) as f:
        f.seek(0, os.SEEK_END)
        size = f.tell()
    for s in clean_range(args.input, args.name, (0, size), 1, args.field,
                         options):
        out.write(s + "\n")
        n += 1
    return n, 1


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("input", help="JSONL file (or fsspec URL)")
    ap.add_argument("output", help="output JSONL file, '-' for stdout")
    ap.add_argument("--workers", type=int, default=2,
                    help="LocalCluster worker processes (default 2)")
    ap.add_argument("--partitions", type=int, default=0,
                    help="byte-range partitions (default 4 per worker)")
    ap.add_argument("--scheduler", help="address of a running scheduler "
                    "instead of a LocalCluster")
    ap.add_argument("--local", action="store_true",
                    help="no Dask: clean in this process (the reference)")
    ap.add_argument("--field", help="document field (default: first of "
                    "html, raw_content, content, text)")
    ap.add_argument("--name", help="INPUT as written in `source` "
                    "(default: INPUT as given)")
    ap.add_argument("--kind", default="auto", choices=("auto", "html", "text"))
    ap.add_argument("--explain", action="store_true")
    ap.add_argument("--reference-date")
    ap.add_argument("--tmp", default=None,
                    help="parent of the workers' scratch directory "
                    "(default: $TMPDIR)")
    args = ap.parse_args(argv)
    args.name = args.name or args.input
    options = {"kind": args.kind, "explain": args.explain,
               "reference_date": args.reference_date}

    out = sys.stdout if args.output == "-" else open(args.output, "w",
                                                     encoding="utf-8")
    try:
        n, parts = (run_local if args.local else run_dask)(args, options, out)
    finally:
        if out is not sys.stdout:
            out.close()
    print("dask_clean: %d records, %d partitions" % (n, parts),
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
