#!/bin/sh
# Install test: `meson install` into a scratch DESTDIR, then use the install
# the way a user would: the pith binary, the man page, pith.h + pith.pc, and
# examples/clean.c linked against the shared and the static library.
#
#   run.sh MESON BUILD_DIR SOURCE_DIR CC SANITIZE VERSION
set -eu
MESON=$1 BUILD=$2 SRC=$3 CC=$4 SANITIZE=$5 VERSION=$6

TMP=$(mktemp -d "${TMPDIR:-/tmp}/pith-install.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
DEST=$TMP/dest
n=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
fail() { echo "not ok - $*"; exit 1; }

# The build is already up to date (meson test builds first); rebuilding from
# inside a test would race the build it is testing.
"$MESON" install -C "$BUILD" --no-rebuild --destdir "$DEST" --quiet \
  || fail "meson install"
ok "meson install --destdir"

PC=$(find "$DEST" -name pith.pc -path '*/pkgconfig/*' | head -n 1)
[ -n "$PC" ] || fail "pith.pc not installed"
prefix=$(sed -n 's/^prefix=//p' "$PC")
ROOT=$DEST$prefix
LIBDIR=$(dirname "$(dirname "$PC")")
for f in "$ROOT/bin/pith" "$ROOT/include/pith.h" "$LIBDIR/libpith.so" \
         "$LIBDIR/libpith.so.0" "$LIBDIR/libpith.a" \
         "$ROOT/share/man/man1/pith.1" "$ROOT/share/pith/filters/ui.rules" \
         "$ROOT/share/pith/filters/README.md"; do
  [ -e "$f" ] || fail "missing ${f#$DEST}"
done
ok "binary, header, shared+static library, pith.pc, man page, filters installed"

# One version everywhere: meson.build, pith.h, the man page.
grep -q "^#define PITH_VERSION_STRING \"$VERSION\"" "$ROOT/include/pith.h" \
  || fail "pith.h PITH_VERSION_STRING is not $VERSION"
grep -q "^\.TH PITH 1 .*\"pith $VERSION\"" "$ROOT/share/man/man1/pith.1" \
  || fail "pith.1 .TH does not say pith $VERSION"
ok "pith.h and pith.1 carry version $VERSION"

# The sanitized CI build installs sanitized binaries; anything linking them
# needs the same runtime, and leaks still count.
SANFLAGS=
if [ "$SANITIZE" != none ]; then
  SANFLAGS="-fsanitize=$SANITIZE"
fi

# Only pith_ symbols leave the shared library.
if command -v nm >/dev/null; then
  extra=$(nm -D --defined-only "$LIBDIR/libpith.so" |
    awk '{print $3}' | grep -v -e '^pith_' -e '^_init$' -e '^_fini$' \
      -e '^_edata$' -e '^_end$' -e '^__bss_start$' || true)
  [ -z "$extra" ] || fail "non-pith symbols exported: $extra"
  ok "only pith_* symbols exported"
fi

# The installed CLI runs on its own.
out=$("$ROOT/bin/pith" --version)
case $out in *"$VERSION"*) ;; *) fail "pith --version: $out" ;; esac
SAMPLE=$SRC/samples/html_jsonld.html
"$ROOT/bin/pith" -f json "$SAMPLE" > "$TMP/cli.json" || fail "installed pith"
"$ROOT/bin/pith" "$SAMPLE" > "$TMP/cli.txt"
ok "installed pith $VERSION cleans a sample"

# pkg-config over the DESTDIR: a copy of pith.pc with the prefix moved there.
mkdir "$TMP/pc"
sed "s|^prefix=.*|prefix=$ROOT|" "$PC" > "$TMP/pc/pith.pc"
# Keep the system's .pc files reachable for Requires.private (--static).
sysdirs=$(pkg-config --variable pc_path pkg-config 2>/dev/null || true)
export PKG_CONFIG_PATH="$TMP/pc${sysdirs:+:$sysdirs}"
[ "$(pkg-config --modversion pith)" = "$VERSION" ] || fail "pkg-config version"
case $(pkg-config --cflags --libs pith) in
  *"$ROOT/include"*"$LIBDIR"*) ;;
  *) fail "pkg-config flags: $(pkg-config --cflags --libs pith)" ;;
esac
ok "pkg-config finds pith $VERSION in the DESTDIR"

# The header stands alone, in strict C and in C++.
printf '#include <pith.h>\nint main(void) { return pith_version() < 0; }\n' \
  > "$TMP/h.c"
$CC -std=c99 -Wall -Wextra -Wpedantic -Werror -c "$TMP/h.c" -o "$TMP/h.o" \
  $(pkg-config --cflags pith) || fail "pith.h in C99"
if command -v c++ >/dev/null; then
  c++ -x c++ -Wall -Wextra -Werror -c "$TMP/h.c" -o "$TMP/hpp.o" \
    $(pkg-config --cflags pith) || fail "pith.h in C++"
fi
ok "pith.h compiles alone (C99 -Wpedantic, C++)"

# The example, shared: cc clean.c $(pkg-config --cflags --libs pith)
# shellcheck disable=SC2046
$CC -Wall -Wextra -Werror $SANFLAGS -o "$TMP/example" "$SRC/examples/clean.c" \
  $(pkg-config --cflags --libs pith) || fail "build example (shared)"
LD_LIBRARY_PATH=$LIBDIR "$TMP/example" "$SAMPLE" > "$TMP/ex.txt" \
  || fail "run example (shared)"
if command -v ldd >/dev/null; then
  LD_LIBRARY_PATH=$LIBDIR ldd "$TMP/example" | grep -q "$LIBDIR/libpith.so" \
    || fail "example did not load the DESTDIR libpith"
fi
ok "example built with pkg-config, runs on the DESTDIR libpith.so"

# Its output is the CLI's: the same title, the same text.
python3 - "$TMP/cli.json" "$TMP/cli.txt" "$TMP/ex.txt" <<'PY' || fail "example output differs from pith"
import json, sys
cli = json.load(open(sys.argv[1], encoding="utf-8"))
cli_txt = open(sys.argv[2], encoding="utf-8").read()
ex = open(sys.argv[3], encoding="utf-8").read()
head, _, text = ex.partition("\n\n")
want = "title: %s\nwords: %d" % (cli["title"] or "(none)", cli["words"])
assert cli["title"], "sample has no title"
assert head == want, (head, want)
assert text.strip() == cli["text"].strip() == cli_txt.strip(), "text differs"
assert cli["words"] > 20
PY
ok "example prints the title and text the CLI prints"

# The example, static: libpith.a plus the Requires.private of pith.pc.
libs=$(pkg-config --static --libs pith | sed 's/ -lpith / /; s/^-lpith //; s/ -lpith$//')
$CC -Wall -Wextra -Werror $SANFLAGS -o "$TMP/example-static" \
  "$SRC/examples/clean.c" $(pkg-config --cflags pith) "$LIBDIR/libpith.a" \
  $(echo "$libs" | sed "s|-L$LIBDIR||") || fail "build example (static)"
env -u LD_LIBRARY_PATH "$TMP/example-static" "$SAMPLE" > "$TMP/ex-static.txt" \
  || fail "run example (static)"
cmp -s "$TMP/ex.txt" "$TMP/ex-static.txt" || fail "static example differs"
ok "example links the static libpith.a with pkg-config --static"

# examples/Makefile, as documented, both ways.
if command -v make >/dev/null; then
  mkdir "$TMP/ex"
  cp "$SRC/examples/clean.c" "$SRC/examples/Makefile" "$TMP/ex/"
  make -s -C "$TMP/ex" CC="$CC" CFLAGS="-Wall -Wextra -Werror $SANFLAGS" \
    || fail "make -C examples"
  LD_LIBRARY_PATH=$LIBDIR "$TMP/ex/pith-example" "$SAMPLE" | cmp -s - "$TMP/ex.txt" \
    || fail "examples/Makefile build differs"
  rm "$TMP/ex/pith-example"
  make -s -C "$TMP/ex" STATIC=1 CC="$CC" CFLAGS="-Wall -Wextra -Werror $SANFLAGS" \
    || fail "make -C examples STATIC=1"
  ! ldd "$TMP/ex/pith-example" 2>/dev/null | grep -q libpith \
    || fail "make STATIC=1 linked the shared libpith"
  env -u LD_LIBRARY_PATH "$TMP/ex/pith-example" "$SAMPLE" | cmp -s - "$TMP/ex.txt" \
    || fail "examples/Makefile STATIC=1 build differs"
  ok "examples/Makefile builds the example, shared and STATIC=1"
fi

# The man page parses and renders.
MAN=$ROOT/share/man/man1/pith.1
if command -v groff >/dev/null; then
  warn=$(groff -man -Tutf8 -ww -z "$MAN" 2>&1)
  [ -z "$warn" ] || fail "groff warnings: $warn"
  ok "groff parses pith.1 without warnings"
elif command -v mandoc >/dev/null; then
  mandoc -T lint -W warning "$MAN" || fail "mandoc lint"
  ok "mandoc parses pith.1"
else
  echo "ok - # SKIP no groff or mandoc"
fi
if command -v man >/dev/null && command -v groff >/dev/null; then
  page=$(MANWIDTH=80 man -l "$MAN" 2>/dev/null | sed 's/.\x08//g' || true)
  [ -n "$page" ] || { echo "ok - # SKIP man -l printed nothing"; page=skip; }
  [ "$page" = skip ] || for s in NAME SYNOPSIS DESCRIPTION OPTIONS "INPUT KINDS" OUTPUT \
           "FILTER RULES" "EXIT STATUS" EXAMPLES "SEE ALSO" \
           --explain --reference-date --no-default-filters; do
    case $page in *"$s"*) ;; *) fail "man -l pith.1 lacks $s" ;; esac
  done
  [ "$page" = skip ] || ok "man -l renders every section"
fi

# Every long option of --help is documented in the man page.
missing=
for opt in $("$ROOT/bin/pith" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
  grep -q -- "$(echo "$opt" | sed 's/-/\\\\-/g')" "$MAN" || missing="$missing $opt"
done
[ -z "$missing" ] || fail "options missing from pith.1:$missing"
ok "pith.1 documents every option of pith --help"

echo "1..$n"
