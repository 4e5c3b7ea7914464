/* Mojibake repair (src/mojibake.c): real mojibake is fixed, correct text in
 * many scripts comes out byte-identical. */
#include <string.h>

#include "harness.h"
#include "mojibake.h"

static const char *fix(const char *s, size_t *nfix) {
  static pith_buf b = PITH_BUF_INIT;
  pith_buf_clear(&b);
  *nfix = pith_mojibake_fix(s, strlen(s), &b);
  return pith_buf_cstr(&b);
}

#define FIXES(in, want)                                         \
  do {                                                          \
    size_t n_;                                                  \
    STR_EQ(fix(in, &n_), want, "fix %s", in);                   \
    OK(n_ > 0, "counted repairs for %s", in);                   \
  } while (0)

#define KEEPS(in)                                               \
  do {                                                          \
    size_t n_;                                                  \
    STR_EQ(fix(in, &n_), in, "keeps %s", in);                   \
    INT_EQ(n_, 0, "no repair counted for %s", in);              \
  } while (0)

static void test_fixes(void) {
  FIXES("Itâ€™s", "It’s");
  FIXES("cafÃ©", "café");
  FIXES("â€œquoteâ€\xC2\x9D", "“quote”");
  FIXES("â€œquoteâ€ then", "“quote” then"); /* 0x9D lost on the way */
  FIXES("â€œquoteâ€", "“quote”");
  FIXES("10Â\xC2\xA0km", "10\xC2\xA0km");
  FIXES("10Â km", "10 km");
  FIXES("Â© 2020 Ã‰cole", "© 2020 École");
  FIXES("Ã©tÃ© Ã  la plage", "été à la plage");
  FIXES("voilÃ  tout, dÃ©jÃ  vu", "voilà tout, déjà vu");
  FIXES("GrÃ¼ÃŸe aus MÃ¼nchen", "Grüße aus München");
  FIXES("Ã…ngstrÃ¶m", "Ångström");
  FIXES("EspaÃ±a maÃ±ana", "España mañana");
  FIXES("ÐŸÑ€Ð¸Ð²ÐµÑ‚, Ð¼Ð¸Ñ€", "Привет, мир");
  FIXES("Î“ÎµÎ¹Î¬ ÏƒÎ¿Ï…", "Γειά σου");
  FIXES("ðŸ˜€ emoji", "😀 emoji");
  FIXES("ä¸­æ–‡", "中文");
  FIXES("ï»¿Hello", "\xEF\xBB\xBFHello");
  FIXES("a â€” b â€“ c â€¦", "a — b – c …");
  FIXES("Price: 5 â‚¬", "Price: 5 €");
  /* latin-1 flavour: C1 controls instead of windows-1252 symbols */
  FIXES("It\xC3\xA2\xC2\x80\xC2\x99s", "It’s");
  FIXES("It\xC2\x92s", "It’s");
  /* double encoding */
  FIXES("ItÃ¢â‚¬â„¢s", "It’s");
  FIXES("cafÃƒÂ©", "café");
  /* mixed: only the broken run changes */
  FIXES("The cafÃ© serves crème brûlée", "The café serves crème brûlée");
  FIXES("â€œÐ”Ð°â€\xC2\x9D ← “Да”", "“Да” ← “Да”");
}

static void test_keeps(void) {
  KEEPS("plain ASCII text, nothing to see");
  KEEPS("« L’été à Paris — ça coûte 15 € ! » Où est l’hôtel ? Noël, naïve, cœur.");
  KEEPS("Ça va ? À bientôt. ÉCOLE, Élève, Ô, ÂGE, Ñandú");
  KEEPS("Größe, Übermaß, „Spaß“ — Straße. Äpfel & Öl für 5 € – ÄÖÜ äöü ß");
  KEEPS("„Gruß“ und „Maß“ und „Fuß“…");
  KEEPS("Привет, мир! Съешь же ещё этих мягких французских булок.");
  KEEPS("中文测试：你好，世界！日本語のテキスト。한국어");
  KEEPS("Γειά σου Κόσμε — ελληνικά");
  KEEPS("Emoji 😀 👍🏽 👨‍👩‍👧 ❤️");
  KEEPS("ODTÜ’de İstanbul’da Çağrı şöyle dedi: “Güzel!”");
  KEEPS("Tiếng Việt có dấu: Hà Nội, Đà Nẵng, thành phố Hồ Chí Minh");
  KEEPS("∑ x² ± √2 × 3 ÷ 4 ≤ ∞ ≠ π° µ ½ ¼ ¾ ‰");
  KEEPS("¿Qué tal? ¡AÑO “NUEVO”! ESPAÑA” niño");
  KEEPS("NÃO, CORAÇÃO, MÃE — São Paulo, irmã");
  KEEPS("IRMÃ E IRMÃO, “NÃO”");
  KEEPS("Zażółć gęślą jaźń, Příliš žluťoučký kůň");
  KEEPS("© 2024 ® ™ ° § ¶ ¬ · • … ‹ › « »");
  KEEPS("Þórður, Ø–Å, ð");
  KEEPS("שלום עולם ومرحبا بالعالم");
  KEEPS("A × B’s");
  KEEPS("");
}

static void test_suspect(void) {
  OK(!pith_mojibake_suspect("hello", 5), "ASCII is not suspect");
  OK(!pith_mojibake_suspect("Привет", strlen("Привет")), "Cyrillic is not suspect");
  OK(pith_mojibake_suspect("cafÃ©", strlen("cafÃ©")), "Ã is suspect");
  OK(pith_mojibake_suspect("a\xC2\x92", 3), "C1 is suspect");
}

int main(void) {
  test_fixes();
  test_keeps();
  test_suspect();
  return test_done();
}
