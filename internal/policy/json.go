package policy

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Pos is a 1-based line and column in a policy document. Columns count
// Unicode code points, as editors show them.
type Pos struct {
	Line   int `json:"line"`
	Column int `json:"column"`
}

// String renders the position as line:column.
func (p Pos) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Column) }

// nodeKind is the JSON type of a node.
type nodeKind uint8

const (
	kindNull nodeKind = iota
	kindBool
	kindNumber
	kindString
	kindArray
	kindObject
)

func (k nodeKind) String() string {
	return [...]string{"null", "boolean", "number", "string", "array", "object"}[k]
}

// node is one JSON value with its position. Object members keep their
// order and key positions so that errors can point at a key.
type node struct {
	kind   nodeKind
	pos    Pos
	text   string // string value, number literal, "true"/"false"
	keys   []string
	keyPos []Pos
	vals   []*node
	elems  []*node
}

// maxDepth bounds nesting so that hostile input cannot exhaust the stack.
const maxDepth = 64

// jsonParser is a small recursive-descent JSON reader that records
// positions. encoding/json reports only byte offsets and loses key order.
type jsonParser struct {
	src  string
	off  int
	line int
	col  int
	// comments are the positions of // and /* */ comments, which AWS
	// rejects but published examples contain; we read past them.
	comments []Pos
}

// SyntaxError is malformed JSON at a position.
type SyntaxError struct {
	Pos Pos
	Msg string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("%s: %s", e.Pos, e.Msg) }

func parseJSON(src string) (*node, []Pos, error) {
	p := &jsonParser{src: src, line: 1, col: 1}
	if strings.HasPrefix(src, "\ufeff") {
		p.off = len("\ufeff")
	}
	p.skipSpace()
	n, err := p.value(0)
	if err != nil {
		return nil, nil, err
	}
	p.skipSpace()
	if p.off < len(p.src) {
		return nil, nil, p.errf("unexpected %s after the document", p.describe())
	}
	return n, p.comments, nil
}

func (p *jsonParser) pos() Pos { return Pos{Line: p.line, Column: p.col} }

func (p *jsonParser) errf(format string, a ...any) error {
	return &SyntaxError{Pos: p.pos(), Msg: fmt.Sprintf(format, a...)}
}

func (p *jsonParser) describe() string {
	if p.off >= len(p.src) {
		return "end of input"
	}
	r, _ := utf8.DecodeRuneInString(p.src[p.off:])
	return strconv.QuoteRune(r)
}

// advance moves over one rune, keeping line and column.
func (p *jsonParser) advance() {
	r, n := utf8.DecodeRuneInString(p.src[p.off:])
	p.off += n
	if r == '\n' {
		p.line++
		p.col = 1
	} else {
		p.col++
	}
}

func (p *jsonParser) skipSpace() {
	for p.off < len(p.src) {
		switch p.src[p.off] {
		case ' ', '\t', '\n', '\r':
			p.advance()
		case '/':
			if !p.comment() {
				return
			}
		default:
			return
		}
	}
}

func (p *jsonParser) value(depth int) (*node, error) {
	if depth > maxDepth {
		return nil, p.errf("nesting deeper than %d levels", maxDepth)
	}
	if p.off >= len(p.src) {
		return nil, p.errf("unexpected end of input, expected a value")
	}
	start := p.pos()
	switch c := p.src[p.off]; {
	case c == '{':
		return p.object(depth)
	case c == '[':
		return p.array(depth)
	case c == '"':
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		return &node{kind: kindString, pos: start, text: s}, nil
	case c == 't' || c == 'f' || c == 'n':
		for _, w := range []string{"true", "false", "null"} {
			if strings.HasPrefix(p.src[p.off:], w) {
				p.off += len(w)
				p.col += len(w)
				if w == "null" {
					return &node{kind: kindNull, pos: start}, nil
				}
				return &node{kind: kindBool, pos: start, text: w}, nil
			}
		}
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	}
	return nil, p.errf("unexpected %s, expected a value", p.describe())
}

func (p *jsonParser) number() (*node, error) {
	start, from := p.pos(), p.off
	for p.off < len(p.src) && strings.IndexByte("+-0123456789.eE", p.src[p.off]) >= 0 {
		p.off++
		p.col++
	}
	lit := p.src[from:p.off]
	if _, err := strconv.ParseFloat(lit, 64); err != nil {
		return nil, &SyntaxError{Pos: start, Msg: fmt.Sprintf("bad number %q", lit)}
	}
	return &node{kind: kindNumber, pos: start, text: lit}, nil
}

func (p *jsonParser) object(depth int) (*node, error) {
	n := &node{kind: kindObject, pos: p.pos()}
	p.advance() // {
	p.skipSpace()
	if p.off < len(p.src) && p.src[p.off] == '}' {
		p.advance()
		return n, nil
	}
	for {
		p.skipSpace()
		if p.off >= len(p.src) || p.src[p.off] != '"' {
			return nil, p.errf("unexpected %s, expected a quoted member name", p.describe())
		}
		kp := p.pos()
		k, err := p.str()
		if err != nil {
			return nil, err
		}
		p.skipSpace()
		if p.off >= len(p.src) || p.src[p.off] != ':' {
			return nil, p.errf("unexpected %s, expected ':' after member name", p.describe())
		}
		p.advance()
		p.skipSpace()
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		n.keys = append(n.keys, k)
		n.keyPos = append(n.keyPos, kp)
		n.vals = append(n.vals, v)
		p.skipSpace()
		if p.off >= len(p.src) {
			return nil, p.errf("unexpected end of input, expected ',' or '}'")
		}
		switch p.src[p.off] {
		case ',':
			p.advance()
		case '}':
			p.advance()
			return n, nil
		default:
			return nil, p.errf("unexpected %s, expected ',' or '}'", p.describe())
		}
	}
}

func (p *jsonParser) array(depth int) (*node, error) {
	n := &node{kind: kindArray, pos: p.pos()}
	p.advance() // [
	p.skipSpace()
	if p.off < len(p.src) && p.src[p.off] == ']' {
		p.advance()
		return n, nil
	}
	for {
		p.skipSpace()
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		n.elems = append(n.elems, v)
		p.skipSpace()
		if p.off >= len(p.src) {
			return nil, p.errf("unexpected end of input, expected ',' or ']'")
		}
		switch p.src[p.off] {
		case ',':
			p.advance()
		case ']':
			p.advance()
			return n, nil
		default:
			return nil, p.errf("unexpected %s, expected ',' or ']'", p.describe())
		}
	}
}

// str reads a quoted string at the current offset.
func (p *jsonParser) str() (string, error) {
	p.advance() // opening quote
	var b strings.Builder
	from := p.off
	plain := true
	for {
		if p.off >= len(p.src) {
			return "", p.errf("unterminated string")
		}
		c := p.src[p.off]
		switch {
		case c == '"':
			s := p.src[from:p.off]
			if !plain {
				s = b.String()
			}
			p.advance()
			return s, nil
		case c < 0x20:
			return "", p.errf("control character %q in string", c)
		case c == '\\':
			if plain {
				b.WriteString(p.src[from:p.off])
				plain = false
			}
			if err := p.escape(&b); err != nil {
				return "", err
			}
		default:
			r, n := utf8.DecodeRuneInString(p.src[p.off:])
			if r == utf8.RuneError && n == 1 {
				return "", p.errf("invalid UTF-8 in string")
			}
			if !plain {
				b.WriteString(p.src[p.off : p.off+n])
			}
			p.advance()
		}
	}
}

func (p *jsonParser) escape(b *strings.Builder) error {
	p.advance() // backslash
	if p.off >= len(p.src) {
		return p.errf("unterminated escape")
	}
	c := p.src[p.off]
	simple := map[byte]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}
	if r, ok := simple[c]; ok {
		b.WriteByte(r)
		p.advance()
		return nil
	}
	if c != 'u' {
		return p.errf("bad escape \\%c", c)
	}
	r, err := p.hex4()
	if err != nil {
		return err
	}
	if utf16.IsSurrogate(r) && strings.HasPrefix(p.src[p.off:], "\\u") {
		save := *p
		p.advance()
		r2, err := p.hex4()
		if err == nil {
			if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
				b.WriteRune(d)
				return nil
			}
		}
		*p = save
	}
	b.WriteRune(r)
	return nil
}

func (p *jsonParser) hex4() (rune, error) {
	p.advance() // u
	if p.off+4 > len(p.src) {
		return 0, p.errf("short \\u escape")
	}
	v, err := strconv.ParseUint(p.src[p.off:p.off+4], 16, 32)
	if err != nil {
		return 0, p.errf("bad \\u escape %q", p.src[p.off:p.off+4])
	}
	for range 4 {
		p.advance()
	}
	return rune(v), nil
}

// comment skips a // or /* */ comment and reports whether it found one.
func (p *jsonParser) comment() bool {
	rest := p.src[p.off:]
	var end int
	switch {
	case strings.HasPrefix(rest, "//"):
		end = strings.IndexByte(rest, '\n')
		if end < 0 {
			end = len(rest)
		}
	case strings.HasPrefix(rest, "/*"):
		end = strings.Index(rest[2:], "*/")
		if end < 0 {
			return false
		}
		end += 4
	default:
		return false
	}
	p.comments = append(p.comments, p.pos())
	stop := p.off + end
	for p.off < stop {
		p.advance()
	}
	return true
}
