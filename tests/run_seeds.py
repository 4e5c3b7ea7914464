#!/usr/bin/env python3
"""Run pith over the project's seed dumps (<srcdir>/../shared/seeds/*.txt).

usage: run_seeds.py PITH SRCDIR

The seeds are not ours, so they are not in the repo: the test skips (77)
when they are absent. For each seed, `pith -i text -f json` must:
  - drop every junk line listed below (no line of "text" equals it);
  - keep every section heading listed below as a paragraph of its own;
  - keep every article paragraph: each line of >= 60 characters that is not
    junk, plus the short article lines listed below, as a paragraph of its
    own;
  - put the title in "title" (a duplicated title also leaves "text");
  - fill the metadata below (None: the field must be null).
The expected strings are written as in the seeds; they go through the same
quote/space normalization pith applies by default (--quotes ascii).
"""
import glob
import os
import sys

import pithtest

# What a reader of each seed sees as junk, headings and metadata. The
# kinds of junk are those the SPEC lists; the exact strings are the seeds'.
SEEDS = {
    "000_49e448ae635e210a.txt": {
        "title": "Microsoft CEO Describes DeepSeek as 'Real Innovation' and 'Good News'",
        "junk": ["Rohan Mehta contributed to this report for TROIB News"],
        "headings": ["Allegations Amid Use", "Understanding 'Distillation'"],
        "meta": {"author": "Rohan Mehta", "date": None, "lang": "en"},
    },
    "001_d1d89adcf9678a09.txt": {
        # The dump opens with a one-sentence lead, not a title: pith may take
        # it as the title or keep it as text, but must not lose it.
        "title_or_text": ["Leaders in the tech industry have warned that reducing the risk "
                          "of human extinction caused by artificial intelligence should be a "
                          "global priority on par with other large-scale societal risks."],
        "junk": ["News magazine bootstrap themes!",
                 "I like this themes, fast loading and look profesional",
                 "Thank you Carlos!", "You're welcome!",
                 "Please support me with give positive rating!", "Yes Sure!"],
        "headings": ['Developing Technology via "Distillation"?',
                     "Stealing Technology or Innovating?",
                     'Is DeepSeek\'s "Shortcut" Media Hype?'],
        "meta": {"author": None, "date": None, "lang": "en"},
    },
    "002_07149adeae2ab7f6.txt": {
        "title": "\u2018War rooms\u2019, data theft allegations and open source: "
                 "How tech firms reacted to DeepSeek\u2019s AI",
        "junk": ["10 hours ago 1", "Read this article on source website"],
        "headings": ["Nvidia", "Meta", "Yann LeCun", "OpenAI", "Elon Musk",
                     "Satya Nadella"],
        "short": ["The company\u2019s CEO Jensen Huang has not commented publicly."],
        "meta": {"author": None, "date": None, "lang": "en"},
    },
    "003_ef9930b001d5a396.txt": {
        "junk": ["WallStreetPit does not provide investment advice. All rights reserved.",
                 "Leave a Reply"],
        "headings": [],
        "meta": {"author": None, "date": None, "lang": "en"},
    },
    "004_86deb29d773a87df.txt": {
        "title": "Did DeepSeek use OpenAI's models to train its own? Trump's crypto "
                 "czar says there's 'substantial evidence'",
        "duplicated_title": True,
        "junk": ["Log In", "Published 1 month ago2 minute read", "read more",
                 "David Sacks, AI and crypto czar. Source: Reuters.",
                 "End of Article", "Origin:", "publisher logo", "Firstpost",
                 "Loading...", "You may also like..."],
        "headings": [],
        # the short last paragraph before "End of Article"
        "short": ["It also raised concerns about competition in the AI sector."],
        "meta": {"author": None, "date": None, "site": "Firstpost", "lang": "en"},
    },
}


def check(pith, path, spec):
    rec, err = pithtest.pith_json(pith, path)
    if err:
        return [err]
    n = pithtest.normalize
    paras = set(pithtest.paragraphs(rec.get("text")))
    text_lines = set(pithtest.lines(rec.get("text")))
    title = rec.get("title")
    fails = []

    junk = {n(j) for j in spec["junk"]}
    for j in sorted(junk):
        if j in text_lines:
            fails.append(f"kept junk: {j}")
    for h in spec["headings"]:
        if n(h) not in paras:
            fails.append(f"lost heading: {n(h)}")

    want_title = n(spec["title"]) if "title" in spec else None
    if want_title is not None and title != want_title:
        fails.append(f"title: expected {want_title!r}, got {title!r}")
    if spec.get("duplicated_title") and want_title in text_lines:
        fails.append(f"duplicated title left in text: {want_title}")
    either = {n(t) for t in spec.get("title_or_text", [])}
    for t in sorted(either):
        if t not in paras and title != t:
            fails.append(f"lost (neither text nor title): {t}")

    with open(path, encoding="utf-8", errors="replace") as f:
        raw = [n(l) for l in f.read().splitlines()]
    article = [l for l in raw if len(l) >= 60 and l not in junk
               and l != want_title and l not in either]
    article += [n(s) for s in spec.get("short", [])]
    for a in article:
        if a not in paras:
            fails.append(f"lost paragraph: {a[:100]}{'...' if len(a) > 100 else ''}")

    for key, want in spec["meta"].items():
        if rec.get(key) != want:
            fails.append(f"{key}: expected {want!r}, got {rec.get(key)!r}")
    return fails


def main(argv):
    pith, srcdir, _ = pithtest.setup(argv)
    seeds_dir = os.path.join(os.path.dirname(srcdir), "shared", "seeds")
    seeds = sorted(glob.glob(os.path.join(seeds_dir, "*.txt")))
    if not seeds:
        print(f"1..0 # SKIP no seeds in {seeds_dir}")
        return pithtest.SKIP
    print(f"1..{len(seeds)}")
    failed = 0
    for i, path in enumerate(seeds, 1):
        name = os.path.basename(path)
        spec = SEEDS.get(name)
        if spec is None:
            print(f"ok {i} - {name} # SKIP no expectations written for this seed")
            continue
        fails = check(pith, path, spec)
        print(f"{'not ok' if fails else 'ok'} {i} - {name}")
        for f in fails:
            print(f"#   {f}")
        failed += bool(fails)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
