"""pith: boilerplate stripper and article normalizer (ctypes binding).

    >>> import pith
    >>> doc = pith.clean(open("page.html", "rb").read())
    >>> doc["title"], doc["text"][:60]

`clean()` returns the same object `pith -f json` prints for a document:
text, title, author, date, site, url, description, lang, image, charset,
source, words, plus `error` when the document could not be processed and
`explain` when asked for.

The shared library is found, in order, at $PITH_LIBRARY, next to this
package (a copied libpith.so), or through the dynamic loader
(ctypes.util.find_library('pith'), then libpith.so.0).

Thread safety: the C library keeps no global state and an options object is
read-only once built, so any number of threads may call clean() at once;
ctypes releases the GIL during the C call.
"""

import ctypes
import ctypes.util
import json
import os
import threading

__all__ = ["clean", "version", "library_path", "PithError"]

# Mirrors of include/pith.h. The header promises these values are stable.
_KINDS = {"auto": 0, "html": 1, "text": 2}
_FORMAT_JSON = 1
_FORMAT_MARKDOWN = 2
_FORMATS = (None, "text", "markdown")

_OPT_STRIP = 1 << 0
_OPT_MOJIBAKE = 1 << 1
_OPT_ENTITIES = 1 << 2
_OPT_NFC = 1 << 3
_OPT_ASCII_QUOTES = 1 << 4
_OPT_SPACES = 1 << 5
_OPT_EXPLAIN = 1 << 6
_OPT_LINKS = 1 << 7
_OPT_DEFAULT_FILTERS = 1 << 8

_ENOMEM = -1


class PithError(Exception):
    """The library refused an option or ran out of memory."""


class _Input(ctypes.Structure):
    _fields_ = [
        ("abi_version", ctypes.c_uint),
        ("bytes", ctypes.c_char_p),
        ("len", ctypes.c_size_t),
        ("kind", ctypes.c_int),
        ("charset", ctypes.c_char_p),
        ("url", ctypes.c_char_p),
        ("date", ctypes.c_char_p),
        ("source", ctypes.c_char_p),
    ]


def _candidates():
    env = os.environ.get("PITH_LIBRARY")
    if env:
        # An explicit choice is final: a wrong path should fail loudly, not
        # fall back to some other libpith on the system.
        return [env]
    here = os.path.dirname(os.path.abspath(__file__))
    out = [os.path.join(here, n) for n in ("libpith.so", "libpith.so.0")
           if os.path.exists(os.path.join(here, n))]
    found = ctypes.util.find_library("pith")
    if found:
        out.append(found)
    out.append("libpith.so.0")
    return out


def _load():
    errors = []
    for path in _candidates():
        try:
            return ctypes.CDLL(path), path
        except OSError as e:
            errors.append("%s: %s" % (path, e))
    raise ImportError("pith: cannot load libpith (set PITH_LIBRARY to the "
                      "path of libpith.so): " + "; ".join(errors))


_lib, _lib_path = _load()


def _fn(name, restype, *argtypes):
    f = getattr(_lib, name)
    f.restype = restype
    f.argtypes = argtypes
    return f


_vp = ctypes.c_void_p
_options_new = _fn("pith_options_new", _vp)
_options_free = _fn("pith_options_free", None, _vp)
_options_set_flags = _fn("pith_options_set_flags", None, _vp, ctypes.c_uint)
_options_set_charset = _fn("pith_options_set_charset", ctypes.c_int, _vp,
                           ctypes.c_char_p)
_options_set_reference_date = _fn("pith_options_set_reference_date",
                                  ctypes.c_int, _vp, ctypes.c_char_p)
_options_add_filters_file = _fn("pith_options_add_filters_file", ctypes.c_int,
                                _vp, ctypes.c_char_p, ctypes.c_char_p,
                                ctypes.c_size_t)
_clean_input = _fn("pith_clean_input", _vp, _vp, ctypes.POINTER(_Input))
_result_free = _fn("pith_result_free", None, _vp)
_render = _fn("pith_render", ctypes.c_int, _vp, ctypes.c_int,
              ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(ctypes.c_size_t))
_free = _fn("pith_free", None, _vp)
_strerror = _fn("pith_strerror", ctypes.c_char_p, ctypes.c_int)
_version_string = _fn("pith_version_string", ctypes.c_char_p)


def version():
    """Version of the loaded libpith, "MAJOR.MINOR.PATCH"."""
    return _version_string().decode()


def library_path():
    """Path (or soname) the library was loaded from."""
    return _lib_path


def _enc(s):
    if s is None:
        return None
    return s.encode("utf-8") if isinstance(s, str) else bytes(s)


class _Options:
    """One C options object. Freed when the last user drops it, so a clean()
    running in another thread keeps it alive after eviction from the cache."""

    def __init__(self, flags, charset, reference_date, filters):
        self.ptr = None
        ptr = _options_new()
        if not ptr:
            raise MemoryError("pith_options_new")
        self.ptr = ptr
        _options_set_flags(ptr, flags)
        if charset is not None:
            rc = _options_set_charset(ptr, _enc(charset))
            if rc != 0:
                raise PithError("charset %r: %s" % (charset, _err(rc)))
        if reference_date is not None:
            rc = _options_set_reference_date(ptr, _enc(reference_date))
            if rc != 0:
                raise PithError("reference_date %r: %s (use YYYY-MM-DD)"
                                % (reference_date, _err(rc)))
        for path in filters:
            buf = ctypes.create_string_buffer(512)
            rc = _options_add_filters_file(ptr, os.fsencode(path), buf,
                                           len(buf))
            if rc != 0:
                raise PithError(buf.value.decode("utf-8", "replace")
                                or "%s: %s" % (path, _err(rc)))

    def __del__(self):
        if self.ptr:
            _options_free(self.ptr)
            self.ptr = None


def _err(rc):
    return _strerror(rc).decode()


# Building options parses the built-in filters (milliseconds), so keep one
# per distinct option set. Bounded: a program varying options per call must
# not grow without limit.
_CACHE_MAX = 32
_cache = {}
_cache_lock = threading.Lock()


def _options(flags, charset, reference_date, filters):
    # A rule file that changed on disk is a different option set.
    stamp = []
    for p in filters:
        try:
            st = os.stat(p)
            stamp.append((p, st.st_mtime_ns, st.st_size))
        except OSError:
            stamp.append((p, None, None))
    key = (flags, charset, reference_date, tuple(stamp))
    with _cache_lock:
        opts = _cache.get(key)
        if opts is not None:
            return opts
    # Built outside the lock: two threads may race to build the same set;
    # the loser's copy is simply dropped.
    opts = _Options(flags, charset, reference_date, filters)
    with _cache_lock:
        if key not in _cache and len(_cache) >= _CACHE_MAX:
            _cache.pop(next(iter(_cache)))
        return _cache.setdefault(key, opts)


def _flags(quotes, strip, explain, mojibake, entities, nfc, spaces,
           default_filters, links):
    if quotes not in ("ascii", "keep"):
        raise ValueError("quotes must be 'ascii' or 'keep', not %r" % (quotes,))
    flags = 0
    for on, bit in ((strip, _OPT_STRIP), (mojibake, _OPT_MOJIBAKE),
                    (entities, _OPT_ENTITIES), (nfc, _OPT_NFC),
                    (quotes == "ascii", _OPT_ASCII_QUOTES),
                    (spaces, _OPT_SPACES), (explain, _OPT_EXPLAIN),
                    (links, _OPT_LINKS),
                    (default_filters, _OPT_DEFAULT_FILTERS)):
        if on:
            flags |= bit
    return flags


def _render_str(res, fmt):
    out = ctypes.c_void_p()
    n = ctypes.c_size_t()
    rc = _render(res, fmt, ctypes.byref(out), ctypes.byref(n))
    if rc != 0:
        raise MemoryError("pith_render: " + _err(rc))
    try:
        return ctypes.string_at(out, n.value).decode("utf-8")
    finally:
        _free(out)


def clean(data, *, kind="auto", format=None, charset=None, quotes="ascii",
          strip=True, explain=False, filters=None, reference_date=None,
          url=None, source=None, date=None, mojibake=True, entities=True,
          nfc=True, spaces=True, default_filters=True, links=False):
    """Clean one document and return its fields as a dict.

    data            bytes (any charset, detected) or str (taken as UTF-8)
    kind            'auto' (sniff), 'html' or 'text'
    format          None or 'text': `text` holds plain paragraphs;
                    'markdown': `text` holds the markdown rendering
    charset         force the input charset (like --charset)
    quotes          'ascii' (curly quotes to ASCII) or 'keep'
    strip           False keeps every block: normalize only (--no-strip)
    explain         add an `explain` list: every block, kept or not, and why
    filters         a rule-file path or a list of them (--filters)
    reference_date  'YYYY-MM-DD' to resolve relative dates ("2 days ago")
    url, date       used when the document names none (like a WARC header)
    source          file path or record id, echoed in `source`
    mojibake, entities, nfc, spaces, default_filters, links: the other
                    switches of the command line, same defaults

    A document that cannot be processed still gives a dict, with `error`.
    Bad options raise ValueError or PithError.
    """
    if kind not in _KINDS:
        raise ValueError("kind must be one of auto, html, text; not %r" % (kind,))
    if format not in _FORMATS:
        raise ValueError("format must be None, 'text' or 'markdown'; not %r"
                         % (format,))
    if filters is None:
        filters = ()
    elif isinstance(filters, (str, bytes, os.PathLike)):
        filters = (os.fspath(filters),)
    else:
        filters = tuple(os.fspath(f) for f in filters)
    flags = _flags(quotes, strip, explain, mojibake, entities, nfc, spaces,
                   default_filters, links)
    opts = _options(flags, charset, reference_date, filters)

    transport = None
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
        transport = b"utf-8"  # we encoded it: a <meta charset> would lie
    elif not isinstance(data, bytes):
        data = bytes(data)
    inp = _Input(0, data, len(data), _KINDS[kind], transport, _enc(url),
                 _enc(date), _enc(source))
    res = _clean_input(opts.ptr, ctypes.byref(inp))
    if not res:
        raise MemoryError("pith_clean_input")
    try:
        doc = json.loads(_render_str(res, _FORMAT_JSON))
        if format == "markdown" and "error" not in doc:
            doc["text"] = _render_str(res, _FORMAT_MARKDOWN)
    finally:
        _result_free(res)
    return doc
