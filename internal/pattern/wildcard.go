package pattern

import (
	"bytes"
	"errors"
	"strings"
)

// wildcard is a compiled wildcard operand: literal segments separated by
// '*', each '*' matching any run of characters, including none.
type wildcard struct {
	segs          []string
	leading, tail bool // whether the pattern starts / ends with '*'
}

// compileWildcard parses s, where '*' matches any characters and '\'
// escapes '*' or '\'. Two '*' in a row are rejected, as EventBridge does.
func compileWildcard(s string) (*wildcard, error) {
	w := &wildcard{}
	var cur strings.Builder
	prevStar := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\\':
			if i+1 >= len(s) || (s[i+1] != '*' && s[i+1] != '\\') {
				return nil, errors.New(`wildcard: '\' must be followed by '*' or '\'`)
			}
			i++
			cur.WriteByte(s[i])
			prevStar = false
		case '*':
			if prevStar {
				return nil, errors.New("wildcard: consecutive '*' characters are not allowed")
			}
			if i == 0 {
				w.leading = true
			} else {
				w.segs = append(w.segs, cur.String())
				cur.Reset()
			}
			prevStar = true
		default:
			cur.WriteByte(c)
			prevStar = false
		}
	}
	w.tail = prevStar
	if !prevStar || len(s) == 0 {
		w.segs = append(w.segs, cur.String())
	}
	return w, nil
}

// match reports whether v matches the whole wildcard.
func (w *wildcard) match(v []byte) bool {
	segs := w.segs
	if !w.leading {
		first := segs[0]
		if len(v) < len(first) || string(v[:len(first)]) != first {
			return false
		}
		v = v[len(first):]
		segs = segs[1:]
		if len(segs) == 0 {
			return w.tail || len(v) == 0
		}
	}
	if !w.tail {
		last := segs[len(segs)-1]
		if len(v) < len(last) || string(v[len(v)-len(last):]) != last {
			return false
		}
		v = v[:len(v)-len(last)]
		segs = segs[:len(segs)-1]
	}
	for _, s := range segs {
		i := bytes.Index(v, []byte(s))
		if i < 0 {
			return false
		}
		v = v[i+len(s):]
	}
	return true
}
