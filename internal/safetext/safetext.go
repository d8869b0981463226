// Package safetext makes untrusted text safe to show: Clean for a
// terminal (no control sequence, no bidi override reaches it) and Quote
// for an error message (at most QuoteLimit bytes of the bad input,
// escaped). Every table cell, log line and error that carries data from
// AWS, a snapshot or a user's file goes through one of them.
package safetext

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// QuoteLimit is how many bytes of bad input an error message quotes.
const QuoteLimit = 200

// Quote returns s as a Go-quoted string of at most QuoteLimit bytes of
// s, with control and format characters escaped; a longer s is cut at
// a character boundary and the quote says how long it was.
func Quote(s string) string {
	if len(s) <= QuoteLimit {
		return strconv.Quote(s)
	}
	cut := QuoteLimit
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strconv.Quote(s[:cut]) + fmt.Sprintf("… (%d bytes)", len(s))
}

// QuoteBytes is Quote for a byte slice; it copies at most QuoteLimit+4
// bytes, whatever the slice's length.
func QuoteBytes(b []byte) string {
	if len(b) <= QuoteLimit {
		return strconv.Quote(string(b))
	}
	cut := QuoteLimit
	for cut > 0 && !utf8.RuneStart(b[cut]) {
		cut--
	}
	return strconv.Quote(string(b[:cut])) + fmt.Sprintf("… (%d bytes)", len(b))
}

// Unsafe reports whether r must not reach a terminal as it is: C0 and
// C1 controls (ESC, BEL, CSI, …), DEL, Unicode format characters (bidi
// embeddings, overrides and isolates, zero-width joiners and spaces,
// the byte order mark), line and paragraph separators.
func Unsafe(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case r == '\u2028', r == '\u2029':
		return true
	}
	return unicode.Is(unicode.Cf, r)
}

// Clean returns s ready for one terminal line: tab, newline and carriage
// return become a space; every other unsafe character, and every byte
// that is not UTF-8, is shown escaped (\x1b, \u202e) so that the reader
// sees it was there and the terminal does not act on it. Clean of a
// clean string is the string itself, without allocating.
func Clean(s string) string {
	i := firstUnsafe(s)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	b.WriteString(s[:i])
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\t' || r == '\n' || r == '\r':
			b.WriteByte(' ')
		case Unsafe(r) && r < 0x100:
			fmt.Fprintf(&b, `\x%02x`, r)
		case Unsafe(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// firstUnsafe is the byte offset of the first character Clean changes,
// or -1.
func firstUnsafe(s string) int {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7f {
				return i
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size <= 1) || Unsafe(r) {
			return i
		}
		i += size
	}
	return -1
}

// CleanText is Clean for a message of several lines (an error printed
// on stderr): newlines and tabs are kept, every line is cleaned.
func CleanText(s string) string {
	if firstUnsafe(s) < 0 {
		return s
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		parts := strings.Split(l, "\t")
		for j, p := range parts {
			parts[j] = Clean(p)
		}
		lines[i] = strings.Join(parts, "\t")
	}
	return strings.Join(lines, "\n")
}
