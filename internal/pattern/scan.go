package pattern

import (
	"bytes"
	"fmt"
	"unicode/utf16"
	"unicode/utf8"
)

// maxDepth bounds nesting so that hostile documents cannot exhaust the stack.
const maxDepth = 256

// SyntaxError is a malformed JSON document, with the byte offset where
// the scanner gave up.
type SyntaxError struct {
	Offset int
	Msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("invalid JSON at byte %d: %s", e.Offset, e.Msg)
}

// scanner walks one JSON document, emitting values at the paths of a
// pathNode tree and skipping everything else.
type scanner struct {
	data []byte
	pos  int
	vals *Values
}

func (s *scanner) errorf(format string, a ...any) error {
	return &SyntaxError{Offset: s.pos, Msg: fmt.Sprintf(format, a...)}
}

func (s *scanner) skipSpace() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// value reads the value at s.pos, which belongs to node n.
func (s *scanner) value(n *pathNode, depth int) error {
	if depth > maxDepth {
		return s.errorf("nesting deeper than %d", maxDepth)
	}
	if s.pos >= len(s.data) {
		return s.errorf("unexpected end of input")
	}
	switch c := s.data[s.pos]; c {
	case '{':
		if n.children == nil && !(n.raw && n.leaf >= 0) {
			return s.skipValue()
		}
		start := s.pos
		if err := s.object(n, depth); err != nil {
			return err
		}
		if n.raw && n.leaf >= 0 {
			s.vals.add(n.leaf, Object, s.data[start:s.pos])
		}
		return nil
	case '[':
		return s.array(n, depth)
	case '"':
		if n.leaf < 0 {
			return s.skipString()
		}
		str, err := s.str()
		if err != nil {
			return err
		}
		s.vals.add(n.leaf, String, str)
		return nil
	default:
		start := s.pos
		k, err := s.literal()
		if err != nil {
			return err
		}
		if n.leaf >= 0 {
			s.vals.add(n.leaf, k, s.data[start:s.pos])
		}
		return nil
	}
}

func (s *scanner) object(n *pathNode, depth int) error {
	s.pos++ // {
	s.skipSpace()
	if s.pos < len(s.data) && s.data[s.pos] == '}' {
		s.pos++
		return nil
	}
	for {
		if s.pos >= len(s.data) || s.data[s.pos] != '"' {
			return s.errorf("expected an object key")
		}
		key, err := s.str()
		if err != nil {
			return err
		}
		s.skipSpace()
		if s.pos >= len(s.data) || s.data[s.pos] != ':' {
			return s.errorf("expected ':' after object key")
		}
		s.pos++
		s.skipSpace()
		if c := n.child(key); c != nil {
			err = s.value(c, depth+1)
		} else if c := n.dotted(key); c != nil {
			err = s.value(c, depth+1)
		} else {
			err = s.skipValue()
		}
		if err != nil {
			return err
		}
		s.skipSpace()
		if s.pos >= len(s.data) {
			return s.errorf("unterminated object")
		}
		switch s.data[s.pos] {
		case ',':
			s.pos++
			s.skipSpace()
		case '}':
			s.pos++
			return nil
		default:
			return s.errorf("expected ',' or '}' in object")
		}
	}
}

func (s *scanner) array(n *pathNode, depth int) error {
	s.pos++ // [
	s.skipSpace()
	if s.pos < len(s.data) && s.data[s.pos] == ']' {
		s.pos++
		return nil
	}
	v := s.vals
	id := v.arrays
	v.arrays++
	for elem := int32(0); ; elem++ {
		// Objects (and arrays) inside arrays are tracked so that a
		// pattern's fields are matched within one element, down to the
		// innermost object of an array of arrays (array consistency).
		if s.pos < len(s.data) && (s.data[s.pos] == '{' || s.data[s.pos] == '[') && n.children != nil {
			v.stack = append(v.stack, arrayPos{array: id, elem: elem})
			err := s.value(n, depth+1)
			v.stack = v.stack[:len(v.stack)-1]
			if err != nil {
				return err
			}
		} else if err := s.value(n, depth+1); err != nil {
			return err
		}
		s.skipSpace()
		if s.pos >= len(s.data) {
			return s.errorf("unterminated array")
		}
		switch s.data[s.pos] {
		case ',':
			s.pos++
			s.skipSpace()
		case ']':
			s.pos++
			return nil
		default:
			return s.errorf("expected ',' or ']' in array")
		}
	}
}

// literal reads a number, true, false or null.
func (s *scanner) literal() (Kind, error) {
	d := s.data[s.pos:]
	switch d[0] {
	case 't':
		if bytes.HasPrefix(d, []byte("true")) {
			s.pos += 4
			return True, nil
		}
	case 'f':
		if bytes.HasPrefix(d, []byte("false")) {
			s.pos += 5
			return False, nil
		}
	case 'n':
		if bytes.HasPrefix(d, []byte("null")) {
			s.pos += 4
			return Null, nil
		}
	default:
		if n := numberLen(d); n > 0 {
			s.pos += n
			return Number, nil
		}
	}
	return 0, s.errorf("unexpected character %q", d[0])
}

// numberLen returns the length of the JSON number at the start of d, or 0.
func numberLen(d []byte) int {
	i := 0
	if i < len(d) && d[i] == '-' {
		i++
	}
	digits := func() int {
		j := i
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
		return i - j
	}
	if digits() == 0 {
		return 0
	}
	if i < len(d) && d[i] == '.' {
		i++
		if digits() == 0 {
			return 0
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if digits() == 0 {
			return 0
		}
	}
	return i
}

// stringEnd returns the index of the closing quote of the string whose
// opening quote is at s.pos, and whether the string holds escapes.
func (s *scanner) stringEnd() (int, bool, error) {
	q, err := s.closingQuote()
	if err != nil {
		return 0, false, err
	}
	return q, bytes.IndexByte(s.data[s.pos+1:q], '\\') >= 0, nil
}

// closingQuote returns the index of the quote that ends the string whose
// opening quote is at s.pos.
func (s *scanner) closingQuote() (int, error) {
	i := s.pos + 1
	for {
		j := bytes.IndexByte(s.data[i:], '"')
		if j < 0 {
			return 0, s.errorf("unterminated string")
		}
		q := i + j
		if s.data[q-1] != '\\' {
			return q, nil
		}
		// Count the backslashes right before the quote.
		b := q - 1
		for b > s.pos && s.data[b] == '\\' {
			b--
		}
		if (q-1-b)%2 == 0 {
			return q, nil
		}
		i = q + 1
	}
}

func (s *scanner) skipString() error {
	q, err := s.closingQuote()
	if err != nil {
		return err
	}
	s.pos = q + 1
	return nil
}

// str reads a string and returns its unescaped content.
func (s *scanner) str() ([]byte, error) {
	q, escaped, err := s.stringEnd()
	if err != nil {
		return nil, err
	}
	raw := s.data[s.pos+1 : q]
	s.pos = q + 1
	if !escaped {
		return raw, nil
	}
	start := len(s.vals.buf)
	out, ok := unescape(s.vals.buf, raw)
	if !ok {
		return nil, s.errorf("invalid escape in string")
	}
	s.vals.buf = out
	return out[start:len(out):len(out)], nil
}

// skipValue skips one value of any kind without decoding it.
func (s *scanner) skipValue() error {
	if s.pos >= len(s.data) {
		return s.errorf("unexpected end of input")
	}
	switch s.data[s.pos] {
	case '"':
		return s.skipString()
	case '{', '[':
		return s.skipContainer()
	default:
		_, err := s.literal()
		return err
	}
}

// skipContainer skips an object or array, checking only that brackets
// balance and strings terminate.
func (s *scanner) skipContainer() error {
	var stack [maxDepth]byte
	depth := 0
	data := s.data
	for i := s.pos; i < len(data); i++ {
		c := data[i]
		if !structural[c] {
			continue
		}
		switch c {
		case '"':
			s.pos = i
			q, err := s.closingQuote()
			if err != nil {
				return err
			}
			i = q
		case '{', '[':
			if depth == maxDepth {
				s.pos = i
				return s.errorf("nesting deeper than %d", maxDepth)
			}
			stack[depth] = c + 2 // '{'+2 == '}', '['+2 == ']'
			depth++
		default: // '}', ']'
			if depth == 0 || stack[depth-1] != c {
				s.pos = i
				return s.errorf("unbalanced %q", c)
			}
			depth--
			if depth == 0 {
				s.pos = i + 1
				return nil
			}
		}
	}
	s.pos = len(data)
	return s.errorf("unterminated object or array")
}

// structural marks the bytes skipContainer stops at.
var structural = [256]bool{'"': true, '{': true, '}': true, '[': true, ']': true}

// unescape appends the unescaped form of a JSON string body to dst.
func unescape(dst, src []byte) ([]byte, bool) {
	for i := 0; i < len(src); {
		c := src[i]
		if c != '\\' {
			j := bytes.IndexByte(src[i:], '\\')
			if j < 0 {
				j = len(src) - i
			}
			dst = append(dst, src[i:i+j]...)
			i += j
			continue
		}
		if i+1 >= len(src) {
			return dst, false
		}
		switch e := src[i+1]; e {
		case '"', '\\', '/':
			dst = append(dst, e)
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			r, n := decodeU(src[i:])
			if n == 0 {
				return dst, false
			}
			dst = utf8.AppendRune(dst, r)
			i += n
			continue
		default:
			return dst, false
		}
		i += 2
	}
	return dst, true
}

// decodeU decodes \uXXXX (and a following low surrogate) at the start of
// b, returning the rune and the bytes consumed, or n == 0 when invalid.
func decodeU(b []byte) (rune, int) {
	r := hex4(b)
	if r < 0 {
		return 0, 0
	}
	if utf16.IsSurrogate(r) {
		if r2 := hex4(b[6:]); r2 >= 0 && len(b) >= 12 && b[6] == '\\' {
			if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
				return d, 12
			}
		}
		return utf8.RuneError, 6
	}
	return r, 6
}

func hex4(b []byte) rune {
	if len(b) < 6 || b[0] != '\\' || b[1] != 'u' {
		return -1
	}
	var r rune
	for _, c := range b[2:6] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return -1
		}
	}
	return r
}
