"""Tests of the Python binding (unittest; run by `meson test python`).

The build passes PITH_LIBRARY (an unsanitized libpith), PYTHONPATH (python/)
and PITH_BIN (the CLI, the reference for the binding's output).
"""

import json
import os
import subprocess
import sys
import tempfile
import threading
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SAMPLES = os.path.join(ROOT, "samples")
sys.path.insert(0, os.path.join(ROOT, "python"))

import pith  # noqa: E402

KEYS = ["text", "title", "author", "date", "site", "url", "description",
        "lang", "image", "charset", "source", "words"]

ARTICLE = (
    "Posted 2 days ago\n\n"
    "The council voted on Tuesday to approve the budget for the next year, "
    "after a long debate about the costs of the new library and the state "
    "of the roads in the town.\n\n"
    "Members of the opposition said that the plan was too expensive and "
    "that the money should have gone to the schools, which have waited for "
    "new roofs since the storm of the winter before last.\n\n"
    "The mayor answered that the library would be paid for over ten years "
    "and that the roads were the first item of the budget in any case.\n\n"
    "A local shop owner who followed the debate from the public gallery "
    "said she was glad the question was finally settled, because the road "
    "in front of her shop has been closed twice this year already.\n\n"
    "The budget will be published on the town's website next week, and a "
    "second vote on the details of the library plan is expected in May.\n")


def sample(name):
    with open(os.path.join(SAMPLES, name), "rb") as f:
        return f.read()


def cli_json(path, *args):
    """The CLI's JSON record for one file, or None without PITH_BIN."""
    exe = os.environ.get("PITH_BIN")
    if not exe:
        return None
    out = subprocess.run([exe, "-q", "-f", "json", *args, path],
                         stdout=subprocess.PIPE, check=False).stdout
    return json.loads(out.decode("utf-8"))


class Basics(unittest.TestCase):
    def test_version(self):
        v = pith.version()
        self.assertRegex(v, r"^\d+\.\d+\.\d+$")
        exe = os.environ.get("PITH_BIN")
        if exe:
            out = subprocess.run([exe, "--version"], stdout=subprocess.PIPE,
                                 check=True).stdout.decode()
            self.assertIn(v, out)

    def test_keys_and_types(self):
        d = pith.clean(sample("en_chip_race.txt"))
        self.assertEqual(list(d)[:len(KEYS)], KEYS)
        self.assertNotIn("error", d)
        self.assertNotIn("explain", d)
        self.assertIsInstance(d["text"], str)
        self.assertIsInstance(d["words"], int)
        self.assertGreater(d["words"], 50)
        self.assertEqual(d["words"], len(d["text"].split()))

    def test_str_equals_utf8_bytes(self):
        raw = sample("fr_festival.txt")
        self.assertEqual(pith.clean(raw), pith.clean(raw.decode("utf-8")))

    def test_same_as_cli(self):
        for name in sorted(os.listdir(SAMPLES)):
            path = os.path.join(SAMPLES, name)
            ref = cli_json(path)
            if ref is None:
                self.skipTest("PITH_BIN not set")
            with self.subTest(sample=name):
                self.assertEqual(pith.clean(sample(name), source=path), ref)

    def test_html_metadata(self):
        d = pith.clean(sample("html_jsonld.html"), kind="html")
        self.assertTrue(d["title"])
        self.assertNotIn("<", d["text"])

    def test_kind_changes_the_front_end(self):
        html = b"<html><body><p>One &amp; two</p></body></html>"
        self.assertNotIn("<p>", pith.clean(html, kind="html", strip=False)["text"])
        self.assertIn("<p>", pith.clean(html, kind="text", strip=False)["text"])

    def test_empty_document(self):
        d = pith.clean(b"")
        self.assertEqual(d["text"], "")
        self.assertEqual(d["words"], 0)


class Options(unittest.TestCase):
    def test_quotes(self):
        txt = "\u201cQuoted,\u201d she said, \u2018twice\u2019."
        self.assertEqual(pith.clean(txt, kind="text", strip=False)["text"].strip(),
                         "\"Quoted,\" she said, 'twice'.")
        self.assertEqual(pith.clean(txt, kind="text", strip=False,
                                    quotes="keep")["text"].strip(), txt)

    def test_strip(self):
        raw = sample("en_opinion_longthread.txt")
        kept = pith.clean(raw, strip=False)
        cut = pith.clean(raw)
        self.assertGreater(kept["words"], cut["words"])

    def test_explain(self):
        d = pith.clean(sample("en_chip_race.txt"), explain=True)
        ex = d["explain"]
        self.assertTrue(ex)
        for e in ex:
            self.assertEqual(sorted(e), ["features", "keep", "text", "why"])
        self.assertTrue(any(e["keep"] for e in ex))
        self.assertTrue(any(not e["keep"] for e in ex))
        # Options are cached per set: explain must not leak into the next call.
        self.assertNotIn("explain", pith.clean(sample("en_chip_race.txt")))

    def test_markdown(self):
        d = pith.clean(sample("html_jsonld.html"), format="markdown")
        self.assertTrue(d["text"].startswith("# "))
        plain = pith.clean(sample("html_jsonld.html"))
        self.assertFalse(plain["text"].startswith("# "))

    def test_reference_date(self):
        self.assertIsNone(pith.clean(ARTICLE, kind="text")["date"])
        d = pith.clean(ARTICLE, kind="text", reference_date="2024-03-12")
        self.assertEqual(d["date"], "2024-03-10")
        with self.assertRaises(pith.PithError):
            pith.clean(ARTICLE, reference_date="yesterday")

    def test_charset(self):
        cyr = "Привет, мир. Это проверка кодировки."
        raw = cyr.encode("cp1251")
        d = pith.clean(raw, kind="text", strip=False, charset="windows-1251")
        self.assertEqual(d["text"].strip(), cyr)
        self.assertEqual(d["charset"].lower(), "windows-1251")
        with self.assertRaises(pith.PithError):
            pith.clean(raw, charset="no-such-charset")

    def test_url_source_date(self):
        d = pith.clean(ARTICLE, kind="text", url="https://example.org/a",
                       source="rec-1", date="2020-01-02")
        self.assertEqual(d["url"], "https://example.org/a")
        self.assertEqual(d["source"], "rec-1")

    def test_filters(self):
        base = pith.clean(ARTICLE, kind="text")
        self.assertIn("opposition", base["text"])
        with tempfile.TemporaryDirectory() as tmp:
            rules = os.path.join(tmp, "mine.rules")
            with open(rules, "w") as f:
                f.write("# test rule\ndrop contains:* members of the opposition\n")
            d = pith.clean(ARTICLE, kind="text", filters=rules)
            self.assertNotIn("opposition", d["text"])
            self.assertIn("mayor", d["text"])
            # A changed file is a new option set, not a stale cache hit.
            with open(rules, "w") as f:
                f.write("drop contains:* the mayor answered\n\n")
            d = pith.clean(ARTICLE, kind="text", filters=[rules])
            self.assertIn("opposition", d["text"])
            self.assertNotIn("mayor", d["text"])
            bad = os.path.join(tmp, "bad.rules")
            with open(bad, "w") as f:
                f.write("drop contains ok\nfrobnicate exact x\n")
            with self.assertRaises(pith.PithError) as cm:
                pith.clean(ARTICLE, filters=bad)
            self.assertIn("bad.rules:2", str(cm.exception))

    def test_bad_arguments(self):
        for kw in ({"kind": "pdf"}, {"quotes": "curly"}, {"format": "json"}):
            with self.subTest(**kw), self.assertRaises(ValueError):
                pith.clean(b"x", **kw)

    def test_cache_is_bounded(self):
        for i in range(40):
            pith.clean(b"x", reference_date="2024-01-%02d" % (i % 28 + 1),
                       strip=bool(i % 2))
        self.assertLessEqual(len(pith._cache), pith._CACHE_MAX)


class Threads(unittest.TestCase):
    def test_concurrent_calls_match_serial(self):
        names = [n for n in sorted(os.listdir(SAMPLES))]
        docs = [sample(n) for n in names]
        want = [pith.clean(d) for d in docs]
        got = {}
        errors = []

        def work(t):
            try:
                for k in range(3):
                    for i, d in enumerate(docs):
                        # Varying options also races the cache.
                        r = pith.clean(d, explain=bool((t + k) % 2))
                        r.pop("explain", None)
                        got[(t, k, i)] = r
            except Exception as e:  # surfaced in the main thread
                errors.append(e)

        threads = [threading.Thread(target=work, args=(t,)) for t in range(6)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        self.assertEqual(errors, [])
        for (t, k, i), r in got.items():
            self.assertEqual(r, want[i], names[i])


if __name__ == "__main__":
    unittest.main(verbosity=2)
