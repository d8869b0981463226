package authz

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
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
	lit := string(b[i:j])
	if lit == "true" || lit == "false" || lit == "null" || json.Valid(b[i:j]) {
		return j, nil
	}
	return j, fmt.Errorf("invalid JSON value %q", lit)
}

func skipString(b []byte, i int) (int, error) {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1, nil
		}
	}
	return len(b), errTruncated
}

func skipContainer(b []byte, i int) (int, error) {
	depth := 0
	for j := i; j < len(b); j++ {
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
func members(b []byte, fn func(key string, val []byte) error) error {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return errors.New("expected a JSON object")
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return nil
	}
	for {
		i = skipSpace(b, i)
		if i >= len(b) || b[i] != '"' {
			return errors.New("expected a quoted member name")
		}
		end, err := skipString(b, i)
		if err != nil {
			return err
		}
		key, err := jsonString(b[i:end])
		if err != nil {
			return err
		}
		i = skipSpace(b, end)
		if i >= len(b) || b[i] != ':' {
			return fmt.Errorf("expected ':' after %q", key)
		}
		vs := skipSpace(b, i+1)
		ve, err := skipValue(b, vs)
		if err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		if err := fn(key, b[vs:ve]); err != nil {
			return err
		}
		i = skipSpace(b, ve)
		if i >= len(b) {
			return errTruncated
		}
		switch b[i] {
		case ',':
			i++
		case '}':
			return nil
		default:
			return fmt.Errorf("unexpected %q after member %q", b[i], key)
		}
	}
}

// elements calls fn with the raw bytes of each element of the array b.
// null stands for an empty array.
func elements(b []byte, fn func(i int, val []byte) error) error {
	i := skipSpace(b, 0)
	if string(b[i:]) == "null" {
		return nil
	}
	if i >= len(b) || b[i] != '[' {
		return errors.New("expected a JSON array")
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == ']' {
		return nil
	}
	for n := 0; ; n++ {
		vs := skipSpace(b, i)
		ve, err := skipValue(b, vs)
		if err != nil {
			return err
		}
		if err := fn(n, b[vs:ve]); err != nil {
			return err
		}
		i = skipSpace(b, ve)
		if i >= len(b) {
			return errTruncated
		}
		switch b[i] {
		case ',':
			i++
		case ']':
			return nil
		default:
			return fmt.Errorf("unexpected %q in array", b[i])
		}
	}
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
