#pragma once
// User text in what eslabon prints (README "Limits"): names, values and paths from a file, quoted
// in messages, cannot drive the terminal. Every error message passes through printable() (a
// ConfigError's on construction; the command line's other errors where they are printed), and a
// value quoted from a file is a short token (quoted_token). The loader refuses control characters
// in names and other text values, so tables never hold them.

#include <cstddef>
#include <string>
#include <string_view>

namespace eslabon {

// `s` with every control character (C0 but a newline when `keep_newlines`, DEL, C1) written as
// \t, \n, \r or \xHH (\u0085 for a C1 character, which is 2 bytes in UTF-8), and every byte that is
// not part of valid UTF-8 as \xHH; any other unicode as it is. Idempotent: printable(printable(s))
// is printable(s).
std::string printable(std::string_view s, bool keep_newlines = false);

// printable(s) cut to at most `max` characters (code points), ending in "..." when cut.
std::string printable_token(std::string_view s, std::size_t max = 40);

// The byte offset of the first byte of `s` that is not valid UTF-8 (an overlong form, a
// surrogate, a code point past U+10FFFF, a cut sequence), or npos.
std::size_t invalid_utf8(std::string_view s);

// True when `s` holds a control character: C0 (tab and newline too), DEL, or C1 (U+0080..U+009F).
bool has_control(std::string_view s);

}  // namespace eslabon
