package demo

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
)

// encodeOutput marshals an SDK output to the bytes snapshot.ServiceFile.Set
// stores for it, faster: Set drops the ResultMetadata member by decoding
// into a map and encoding again (members then sorted by key), while this
// cuts the member out of the encoded object and sorts the others in place.
// It falls back to Set's own way for anything unusual.
func encodeOutput(out any) (json.RawMessage, error) {
	if raw, ok := out.(json.RawMessage); ok {
		return raw, nil
	}
	b, err := json.Marshal(out)
	if err != nil || !bytes.Contains(b, []byte(`"ResultMetadata":`)) {
		return b, err
	}
	members, ok := splitObject(b)
	if !ok {
		return slowDropMetadata(b)
	}
	kept := members[:0]
	found := false
	for _, m := range members {
		if m.key == "ResultMetadata" {
			found = true
			continue
		}
		kept = append(kept, m)
	}
	if !found {
		return b, nil
	}
	slices.SortFunc(kept, func(x, y member) int { return strings.Compare(x.key, y.key) })
	var buf bytes.Buffer
	buf.Grow(len(b))
	buf.WriteByte('{')
	for i, m := range kept {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.Write(m.raw)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// member is one `"key":value` of a compact JSON object.
type member struct {
	key string
	raw []byte
}

// splitObject splits the compact JSON object b (as json.Marshal writes
// it) into its members. It reports false for anything else, and for keys
// with escapes, whose sort order would need decoding.
func splitObject(b []byte) ([]member, bool) {
	if len(b) < 2 || b[0] != '{' || b[len(b)-1] != '}' {
		return nil, false
	}
	var out []member
	i := 1
	for i < len(b)-1 {
		if b[i] != '"' {
			return nil, false
		}
		end := bytes.IndexByte(b[i+1:], '"')
		if end < 0 {
			return nil, false
		}
		key := b[i+1 : i+1+end]
		if bytes.IndexByte(key, '\\') >= 0 || i+2+end >= len(b) || b[i+2+end] != ':' {
			return nil, false
		}
		v := valueEnd(b, i+3+end)
		if v < 0 {
			return nil, false
		}
		out = append(out, member{key: string(key), raw: b[i:v]})
		i = v
		if b[i] == ',' {
			i++
		}
	}
	return out, true
}

// valueEnd returns the index just past the JSON value starting at i: the
// first ',' or '}' outside strings at nesting depth 0, or -1.
func valueEnd(b []byte, i int) int {
	depth, inString := 0, false
	for ; i < len(b); i++ {
		c := b[i]
		if inString {
			switch c {
			case '\\':
				i++
			case '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '{', '[':
			depth++
		case ']':
			depth--
		case '}':
			if depth == 0 {
				return i
			}
			depth--
		case ',':
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// slowDropMetadata is Set's own way: decode into a map, delete, encode.
func slowDropMetadata(b []byte) (json.RawMessage, error) {
	var m map[string]json.RawMessage
	if json.Unmarshal(b, &m) != nil {
		return b, nil
	}
	if _, has := m["ResultMetadata"]; !has {
		return b, nil
	}
	delete(m, "ResultMetadata")
	return json.Marshal(m)
}
