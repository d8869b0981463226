package output

import (
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// wideRanges are the East Asian Wide and Fullwidth blocks a terminal
// draws two cells wide (Unicode UAX #11, the blocks Japanese text uses).
var wideRanges = &unicode.RangeTable{R16: []unicode.Range16{
	{Lo: 0x1100, Hi: 0x115f, Stride: 1}, // Hangul Jamo initials
	{Lo: 0x2e80, Hi: 0x303e, Stride: 1}, // CJK radicals, symbols and punctuation
	{Lo: 0x3041, Hi: 0x33ff, Stride: 1}, // Hiragana, Katakana, CJK compatibility
	{Lo: 0x3400, Hi: 0x4dbf, Stride: 1}, // CJK extension A
	{Lo: 0x4e00, Hi: 0x9fff, Stride: 1}, // CJK unified ideographs
	{Lo: 0xa000, Hi: 0xa4cf, Stride: 1}, // Yi
	{Lo: 0xac00, Hi: 0xd7a3, Stride: 1}, // Hangul syllables
	{Lo: 0xf900, Hi: 0xfaff, Stride: 1}, // CJK compatibility ideographs
	{Lo: 0xfe30, Hi: 0xfe4f, Stride: 1}, // CJK compatibility forms
	{Lo: 0xff00, Hi: 0xff60, Stride: 1}, // Fullwidth forms
	{Lo: 0xffe0, Hi: 0xffe6, Stride: 1}, // Fullwidth signs
}, R32: []unicode.Range32{
	{Lo: 0x20000, Hi: 0x3fffd, Stride: 1}, // CJK extensions B and later
}}

// DisplayWidth returns how many terminal cells s takes: two for East
// Asian wide characters, none for combining marks, one otherwise.
func DisplayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch {
		case unicode.Is(wideRanges, r):
			n += 2
		case unicode.Is(unicode.Mn, r):
		default:
			n++
		}
	}
	return n
}

// hasWide reports whether any cell of rows is not one cell per rune.
func hasWide(rows [][]string) bool {
	for _, row := range rows {
		for _, c := range row {
			if DisplayWidth(c) != utf8.RuneCountInString(c) {
				return true
			}
		}
	}
	return false
}

// writeAligned writes rows as text/tabwriter would with padding 2 and
// space padding, but measuring cells by DisplayWidth, so that Japanese
// headers and values line up. Every column but the last is padded.
func writeAligned(w io.Writer, rows [][]string) error {
	var widths []int
	for _, row := range rows {
		for i, c := range row[:max(len(row)-1, 0)] {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], DisplayWidth(c))
		}
	}
	var b strings.Builder
	for _, row := range rows {
		for i, c := range row {
			b.WriteString(c)
			if i < len(row)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-DisplayWidth(c)+2))
			}
		}
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}
