package authz

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math/bits"

	"github.com/orgrail/orgrail/internal/safetext"
)

// The request loader reads the top level of each entry by hand: it finds
// where each member's value starts and ends without decoding it, so that
// a policy already in the cache is recognised from its bytes alone and is
// never parsed again. Only the small "request" member goes through
// encoding/json.

var errTruncated = errors.New("unexpected end of JSON input")

func skipSpace(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// skipValue returns the end of the JSON value starting at b[i]. It checks
// the structure (brackets, strings, literals) but not every detail of
// numbers, which the real decoders check later.
func skipValue(b []byte, i int) (int, error) {
	i = skipSpace(b, i)
	if i >= len(b) {
		return i, errTruncated
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		return skipContainer(b, i)
	}
	j := i
	for j < len(b) {
		c := b[j]
		if c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\n' || c == '\r' {
			break
		}
		j++
	}
	lit := b[i:j]
	if string(lit) == "true" || string(lit) == "false" || string(lit) == "null" || json.Valid(lit) {
		return j, nil
	}
	return j, fmt.Errorf("invalid JSON value %s", safetext.QuoteBytes(lit))
}

// skipString returns the end of the string starting at the quote b[i].
// Most of a policy's bytes are in short strings, so it looks at eight
// bytes at a time for a quote or a backslash (a call to bytes.IndexByte
// costs more than a dozen-byte string) and steps over escapes.
func skipString(b []byte, i int) (int, error) {
	j := i + 1
	for {
		for j+8 <= len(b) {
			w := binary.LittleEndian.Uint64(b[j:])
			m := hasByte(w, '"') | hasByte(w, '\\')
			if m == 0 {
				j += 8
				continue
			}
			j += bits.TrailingZeros64(m) / 8
			break
		}
		if j >= len(b) {
			return len(b), errTruncated
		}
		switch b[j] {
		case '"':
			return j + 1, nil
		case '\\':
			j += 2
		default:
			j++ // the tail, fewer than eight bytes: byte by byte
		}
	}
}

// hasByte sets the high bit of each byte of w that equals c (the
// classic "has zero byte" test on w xor c; exact for the lowest match,
// which is the one used).
func hasByte(w uint64, c byte) uint64 {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	x := w ^ (lo * uint64(c))
	return (x - lo) &^ x & hi
}

// structural marks the bytes skipContainer stops at.
var structural = [256]bool{'"': true, '{': true, '[': true, '}': true, ']': true}

func skipContainer(b []byte, i int) (int, error) {
	depth := 0
	for j := i; j < len(b); j++ {
		if !structural[b[j]] {
			continue
		}
		switch b[j] {
		case '"':
			end, err := skipString(b, j)
			if err != nil {
				return end, err
			}
			j = end - 1
		case '{', '[':
			depth++
			if depth > 256 {
				return j, errors.New("JSON nested too deeply")
			}
		case '}', ']':
			depth--
			if depth == 0 {
				return j + 1, nil
			}
		}
	}
	return len(b), errTruncated
}

// members calls fn with each member of the object b (its key, unquoted,
// and the raw bytes of its value).
func members(b []byte, fn func(key []byte, val []byte) error) error {
	_, err := scanMembers(b, func(key []byte, rest []byte) (int, error) {
		n, err := skipValue(rest, 0)
		if err != nil {
			return n, fmt.Errorf("%s: %w", key, err)
		}
		return n, fn(key, rest[:n])
	})
	return err
}

// elements calls fn with the raw bytes of each element of the array b.
// null stands for an empty array.
func elements(b []byte, fn func(i int, val []byte) error) error {
	_, err := scanElements(b, func(i int, rest []byte) (int, error) {
		n, err := skipValue(rest, 0)
		if err != nil {
			return n, err
		}
		return n, fn(i, rest[:n])
	})
	return err
}

// jsonString decodes a quoted JSON string, without encoding/json when it
// holds no escape.
func jsonString(q []byte) (string, error) {
	if len(q) >= 2 && q[0] == '"' && q[len(q)-1] == '"' && bytes.IndexByte(q, '\\') < 0 {
		return string(q[1 : len(q)-1]), nil
	}
	var s string
	err := json.Unmarshal(q, &s)
	return s, err
}

// scanMembers reads the object at the start of b, calling fn with each
// member's key and the bytes from its value to the end of b; fn returns
// how many bytes the value takes. It lets a caller cut a long value
// (a list of policies) into parts while reading it, instead of skipping
// it first and reading it again. scanMembers returns where the object
// ends.
func scanMembers(b []byte, fn func(key []byte, rest []byte) (int, error)) (int, error) {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return i, errors.New("expected a JSON object")
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return i + 1, nil
	}
	for {
		i = skipSpace(b, i)
		if i >= len(b) || b[i] != '"' {
			return i, errors.New("expected a quoted member name")
		}
		end, err := skipString(b, i)
		if err != nil {
			return end, err
		}
		key, err := memberKey(b[i:end])
		if err != nil {
			return end, err
		}
		i = skipSpace(b, end)
		if i >= len(b) || b[i] != ':' {
			return i, fmt.Errorf("expected ':' after %s", safetext.QuoteBytes(key))
		}
		vs := skipSpace(b, i+1)
		if vs >= len(b) {
			return vs, fmt.Errorf("%s: %w", key, errTruncated)
		}
		n, err := fn(key, b[vs:])
		if err != nil {
			return vs + n, err
		}
		var done bool
		if i, done, err = nextItem(b, vs+n, '}'); done || err != nil {
			return i, err
		}
	}
}

// nextItem steps over the separator after a member or an element that
// ends at i: a comma (more follow) or close (the container ends).
func nextItem(b []byte, i int, close byte) (next int, done bool, err error) {
	i = skipSpace(b, i)
	switch {
	case i >= len(b):
		return i, true, errTruncated
	case b[i] == ',':
		return i + 1, false, nil
	case b[i] == close:
		return i + 1, true, nil
	}
	return i, true, fmt.Errorf("unexpected %q after a value, expected ',' or %q", b[i], close)
}

// scanElements is scanMembers for an array; null stands for an empty
// array.
func scanElements(b []byte, fn func(i int, rest []byte) (int, error)) (int, error) {
	i := skipSpace(b, 0)
	if bytes.HasPrefix(b[i:], []byte("null")) {
		return i + 4, nil
	}
	if i >= len(b) || b[i] != '[' {
		return i, errors.New("expected a JSON array")
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == ']' {
		return i + 1, nil
	}
	for n := 0; ; n++ {
		vs := skipSpace(b, i)
		if vs >= len(b) {
			return vs, errTruncated
		}
		ln, err := fn(n, b[vs:])
		if err != nil {
			return vs + ln, err
		}
		var done bool
		if i, done, err = nextItem(b, vs+ln, ']'); done || err != nil {
			return i, err
		}
	}
}

// jsonStringOrNull decodes a value that must be a string; null reads
// as "".
func jsonStringOrNull(v []byte) (string, error) {
	if string(v) == "null" {
		return "", nil
	}
	if len(v) == 0 || v[0] != '"' {
		return "", fmt.Errorf("expected a string, found %.20s", v)
	}
	return jsonString(v)
}

// jsonStringAt reads the string (or null) at the start of rest and
// returns its length in bytes.
func jsonStringAt(rest []byte) (string, int, error) {
	n, err := skipValue(rest, 0)
	if err != nil {
		return "", n, err
	}
	s, err := jsonStringOrNull(rest[:n])
	return s, n, err
}

// jsonBool reads the boolean (or null) at the start of rest and returns
// its length in bytes.
func jsonBool(rest []byte) (bool, int, error) {
	switch {
	case bytes.HasPrefix(rest, []byte("true")):
		return true, 4, nil
	case bytes.HasPrefix(rest, []byte("false")):
		return false, 5, nil
	case bytes.HasPrefix(rest, []byte("null")):
		return false, 4, nil
	}
	n, _ := skipValue(rest, 0)
	return false, n, fmt.Errorf("expected true or false, found %.20s", rest[:n])
}

// memberKey returns the unquoted name of a member. Callers switch on
// string(key), which Go compiles without allocating: an entry has a few
// dozen members, and a string each was a measurable share of decoding.
func memberKey(q []byte) ([]byte, error) {
	if len(q) >= 2 && bytes.IndexByte(q, '\\') < 0 {
		return q[1 : len(q)-1], nil
	}
	s, err := jsonString(q)
	return []byte(s), err
}
