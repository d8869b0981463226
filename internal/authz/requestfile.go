package authz

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// fileRequest holds the request member of an entry (see docs/authz.md).
// Some names have aliases so that files written for other simulators
// load.
type fileRequest struct {
	Request struct {
		Principal     json.RawMessage            `json:"principal"`
		PrincipalKind string                     `json:"principalKind"`
		Action        string                     `json:"action"`
		Resource      json.RawMessage            `json:"resource"`
		Context       map[string]json.RawMessage `json:"context"`
	} `json:"request"`
}

type filePrincipal struct {
	ARN  string `json:"arn"`
	Type string `json:"type"`
	Kind string `json:"kind"`
}

type fileResource struct {
	ARN       string `json:"arn"`
	Resource  string `json:"resource"`
	Account   string `json:"account"`
	AccountID string `json:"accountId"`
}

// namedPolicy is the wrapped form {"id": ..., "policy": {...}}.
type namedPolicy struct {
	ID       string          `json:"id"`
	Name     string          `json:"name"`
	Policy   json.RawMessage `json:"policy"`
	Document json.RawMessage `json:"document"`
}

// Loader turns request-file entries into Inputs, sharing compiled
// policies through its Cache.
type Loader struct {
	Cache *Cache
}

// NewLoader returns a Loader with a fresh cache.
func NewLoader() *Loader { return &Loader{Cache: NewCache()} }

// Decode reads one request-file entry.
func (l *Loader) Decode(raw []byte) (*Input, error) {
	var fr fileRequest
	in := &Input{}
	err := members(raw, func(key string, val []byte) error {
		var err error
		switch key {
		case "request":
			err = decodeRequest(val, &fr)
		case "identityPolicies":
			in.Identity, err = l.list(key, val)
		case "permissionBoundaries":
			in.Boundaries, err = l.list(key, val)
		case "endpointPolicies":
			in.Endpoints, err = l.list(key, val)
		case "sessionPolicy":
			var n *Named
			if n, err = l.one(key, val); n != nil {
				in.Session = []Named{*n}
			}
		case "resourcePolicy":
			in.ResourcePolicy, err = l.one(key, val)
		case "serviceControlPolicies":
			in.SCPs, err = l.levels(key, val)
		case "resourceControlPolicies":
			in.RCPs, err = l.levels(key, val)
		case "principalIsManagementAccount":
			err = json.Unmarshal(val, &in.PrincipalIsManagementAccount)
		case "principalIsServiceLinkedRole":
			err = json.Unmarshal(val, &in.PrincipalIsServiceLinkedRole)
		case "resourceIsManagementAccount":
			err = json.Unmarshal(val, &in.ResourceIsManagementAccount)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := l.request(&fr, in); err != nil {
		return nil, err
	}
	return in, nil
}

func (l *Loader) request(fr *fileRequest, in *Input) error {
	r := &fr.Request
	if strings.TrimSpace(r.Action) == "" {
		return errors.New("request.action is missing")
	}
	in.Action = r.Action
	var p filePrincipal
	if len(r.Principal) > 0 && r.Principal[0] == '{' {
		if err := json.Unmarshal(r.Principal, &p); err != nil {
			return fmt.Errorf("request.principal: %w", err)
		}
	} else if len(r.Principal) > 0 && string(r.Principal) != "null" {
		if err := json.Unmarshal(r.Principal, &p.ARN); err != nil {
			return fmt.Errorf("request.principal must be a string or an object: %w", err)
		}
	}
	kind := firstNonEmpty(r.PrincipalKind, p.Kind, p.Type)
	sub, ok := ParsePrincipal(p.ARN, kind)
	if !ok {
		return fmt.Errorf("request.principal %q (kind %q) is not a principal ARN, account, service or anonymous", p.ARN, kind)
	}
	in.Principal = sub
	var res fileResource
	if len(r.Resource) > 0 && r.Resource[0] == '{' {
		if err := json.Unmarshal(r.Resource, &res); err != nil {
			return fmt.Errorf("request.resource: %w", err)
		}
	} else if len(r.Resource) > 0 && string(r.Resource) != "null" {
		if err := json.Unmarshal(r.Resource, &res.ARN); err != nil {
			return fmt.Errorf("request.resource must be a string or an object: %w", err)
		}
	}
	in.Resource = firstNonEmpty(res.ARN, res.Resource, "*")
	in.ResourceAccount = firstNonEmpty(res.Account, res.AccountID, arnAccount(in.Resource))
	ctx, err := contextValues(r.Context)
	if err != nil {
		return err
	}
	in.Context = ctx
	return nil
}

func contextValues(raw map[string]json.RawMessage) (Context, error) {
	c := Context{}
	for k, v := range raw {
		if vals, ok := fastValues(v); ok {
			c.Set(k, vals...)
			continue
		}
		var list []any
		if len(v) > 0 && v[0] == '[' {
			if err := json.Unmarshal(v, &list); err != nil {
				return c, fmt.Errorf("request.context[%q]: %w", k, err)
			}
		} else {
			var one any
			if err := json.Unmarshal(v, &one); err != nil {
				return c, fmt.Errorf("request.context[%q]: %w", k, err)
			}
			list = []any{one}
		}
		vals := make([]string, 0, len(list))
		for _, x := range list {
			switch t := x.(type) {
			case string:
				vals = append(vals, t)
			case bool:
				vals = append(vals, strconv.FormatBool(t))
			case float64:
				vals = append(vals, strconv.FormatFloat(t, 'f', -1, 64))
			default:
				return c, fmt.Errorf("request.context[%q]: values must be strings, numbers or booleans", k)
			}
		}
		c.Set(k, vals...)
	}
	return c, nil
}

// arnAccount returns the 12-digit account of an ARN, or "".
func arnAccount(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) == 6 && isDigits(parts[4]) && len(parts[4]) == 12 {
		return parts[4]
	}
	return ""
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

func isNull(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) == 0 || string(t) == "null"
}

// one compiles a policy given as a document or as {id, policy}.
func (l *Loader) one(where string, raw json.RawMessage) (*Named, error) {
	if isNull(raw) {
		return nil, nil
	}
	return l.Cache.named(where, raw, func() (*Named, error) { return l.build(where, raw) })
}

// build reads and compiles one policy entry (on a cache miss).
func (l *Loader) build(where string, raw json.RawMessage) (*Named, error) {
	id, doc := where, []byte(raw)
	var np namedPolicy
	if json.Unmarshal(raw, &np) == nil && (!isNull(np.Policy) || !isNull(np.Document)) {
		doc = np.Policy
		if isNull(doc) {
			doc = np.Document
		}
		id = firstNonEmpty(np.ID, np.Name, where)
		if bytes.HasPrefix(bytes.TrimSpace(doc), []byte(`"`)) {
			// A policy given as a JSON string, as AWS APIs return it.
			var s string
			if err := json.Unmarshal(doc, &s); err != nil {
				return nil, fmt.Errorf("%s: %w", where, err)
			}
			doc = []byte(s)
		}
	} else {
		var withID struct{ Id string }
		if json.Unmarshal(raw, &withID) == nil && withID.Id != "" {
			id = withID.Id
		}
	}
	// Compiled forms are shared by content: the same document at another
	// place in the file, or under another id, is compiled once.
	p, err := l.Cache.Compile("", doc)
	if err != nil {
		return nil, fmt.Errorf("%s (%s): %w", where, id, err)
	}
	return &Named{ID: id, Policy: p}, nil
}

func (l *Loader) list(where string, raw []byte) ([]Named, error) {
	var out []Named
	err := elements(raw, func(i int, val []byte) error {
		n, err := l.one(where+"["+strconv.Itoa(i)+"]", val)
		if n != nil {
			out = append(out, *n)
		}
		return err
	})
	return out, err
}

func (l *Loader) levels(where string, raw []byte) ([]Level, error) {
	var out []Level
	err := elements(raw, func(i int, val []byte) error {
		var id, orgID string
		var policies []byte
		err := members(val, func(key string, v []byte) (err error) {
			switch key {
			case "id":
				id, err = jsonString(v)
				return err
			case "orgIdentifier":
				orgID, err = jsonString(v)
				return err
			case "policies":
				policies = v
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("[%d]: %w", i, err)
		}
		id = firstNonEmpty(id, orgID, where+"["+strconv.Itoa(i)+"]")
		ps, err := l.list(id+".policies", policies)
		if err != nil {
			return fmt.Errorf("[%d]: %w", i, err)
		}
		out = append(out, Level{ID: id, Policies: ps})
		return nil
	})
	return out, err
}

// ReadEntries calls fn with each entry of a request file: a JSON array
// of objects, or JSON Lines (any sequence of JSON objects). n counts
// entries from 1.
func ReadEntries(r io.Reader, fn func(n int, raw []byte) error) error {
	br := bufio.NewReaderSize(r, 1<<16)
	first, err := peekNonSpace(br)
	if err == io.EOF {
		return errors.New("the request file is empty")
	}
	if err != nil {
		return err
	}
	if first == '[' {
		dec := json.NewDecoder(br)
		if _, err := dec.Token(); err != nil {
			return fmt.Errorf("reading the request array: %w", err)
		}
		for n := 1; dec.More(); n++ {
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return fmt.Errorf("request %d: %w", n, err)
			}
			if err := fn(n, raw); err != nil {
				return err
			}
		}
		if _, err := dec.Token(); err != nil {
			return fmt.Errorf("reading the end of the request array: %w", err)
		}
		return nil
	}
	return readSequence(br, fn)
}

// readSequence reads JSON Lines (or any sequence of JSON values split
// over lines) without decoding them: values are cut out by structure and
// decoded later, in parallel.
func readSequence(br *bufio.Reader, fn func(n int, raw []byte) error) error {
	var pend []byte
	n := 1
	for {
		line, rerr := br.ReadSlice('\n')
		if rerr == bufio.ErrBufferFull {
			pend = append(pend, line...)
			continue
		}
		pend = append(pend, line...)
		for {
			i := skipSpace(pend, 0)
			if i == len(pend) {
				pend = pend[:0]
				break
			}
			end, err := skipValue(pend, i)
			if errors.Is(err, errTruncated) && rerr == nil {
				break // the value goes on over the next line
			}
			if err != nil {
				return fmt.Errorf("request %d: %w", n, err)
			}
			if pend[i] != '{' {
				return fmt.Errorf("request %d: not a JSON object", n)
			}
			raw := append([]byte(nil), pend[i:end]...)
			if err := fn(n, raw); err != nil {
				return err
			}
			n++
			pend = append(pend[:0], pend[end:]...)
		}
		if rerr == io.EOF {
			if len(skipSpaceBytes(pend)) > 0 {
				return fmt.Errorf("request %d: %w", n, errTruncated)
			}
			return nil
		}
		if rerr != nil {
			return rerr
		}
	}
}

func skipSpaceBytes(b []byte) []byte { return b[skipSpace(b, 0):] }

func peekNonSpace(br *bufio.Reader) (byte, error) {
	for {
		b, err := br.ReadByte()
		if err != nil {
			return 0, err
		}
		switch b {
		case ' ', '\t', '\r', '\n':
			continue
		case 0xEF: // UTF-8 byte order mark
			_, _ = br.Discard(2)
			continue
		}
		return b, br.UnreadByte()
	}
}

// decodeRequest reads the request member by structure: it is the one
// part of every entry that is never the same twice, so it avoids
// encoding/json's reflection.
func decodeRequest(b []byte, fr *fileRequest) error {
	r := &fr.Request
	return members(b, func(key string, v []byte) (err error) {
		switch key {
		case "principal", "resource":
			raw := append(json.RawMessage(nil), v...)
			if key == "principal" {
				r.Principal = raw
			} else {
				r.Resource = raw
			}
		case "principalKind":
			r.PrincipalKind, err = jsonString(v)
		case "action":
			r.Action, err = jsonString(v)
		case "context", "contextVariables":
			if string(v) == "null" {
				return nil
			}
			r.Context = map[string]json.RawMessage{}
			err = members(v, func(k string, cv []byte) error {
				r.Context[k] = cv
				return nil
			})
		}
		return err
	})
}

// fastValues reads a context value that is a plain string or a list of
// plain strings without encoding/json; ok is false for anything else.
func fastValues(v []byte) ([]string, bool) {
	if len(v) > 0 && v[0] == '"' {
		s, err := jsonString(v)
		return []string{s}, err == nil && !bytes.ContainsRune(v, '\\')
	}
	if len(v) == 0 || v[0] != '[' {
		return nil, false
	}
	var out []string
	ok := true
	err := elements(v, func(_ int, e []byte) error {
		if len(e) == 0 || e[0] != '"' || bytes.IndexByte(e, '\\') >= 0 {
			ok = false
			return nil
		}
		out = append(out, string(e[1:len(e)-1]))
		return nil
	})
	return out, ok && err == nil
}
