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

	"github.com/orgrail/orgrail/internal/safetext"
)

// fileRequest holds the request member of an entry (see docs/authz.md).
// Some names have aliases so that files written for other simulators
// load.
type fileRequest struct {
	Principal     filePrincipal
	PrincipalKind string
	Action        string
	Resource      fileResource
}

type filePrincipal struct {
	ARN  string
	Type string
	Kind string
}

type fileResource struct {
	ARN       string
	Resource  string
	Account   string
	AccountID string
}

// Loader turns request-file entries into Inputs, sharing compiled
// policies through its Cache.
type Loader struct {
	Cache *Cache
	// Check, when set, validates each decoded request (see Validator);
	// its error stops a batch like a malformed request.
	Check func(*Input) error
	local *localCache
}

// worker returns a Loader for one goroutine: it shares the cache and
// keeps a lock-free copy of the entries it uses.
func (l *Loader) worker() *Loader {
	return &Loader{Cache: l.Cache, Check: l.Check, local: &localCache{m: map[uint64][]*cacheEntry{}, strs: map[string]string{}, keys: map[string]string{}}}
}

// NewLoader returns a Loader with a fresh cache.
func NewLoader() *Loader { return &Loader{Cache: NewCache()} }

// Decode reads one request-file entry. Each byte of the entry is
// scanned once: policy lists are cut into policies as they are read,
// and a policy already in the cache costs a hash and a comparison.
func (l *Loader) Decode(raw []byte) (*Input, error) {
	in := &Input{}
	if err := l.decodeInto(raw, in); err != nil {
		return nil, err
	}
	return in, nil
}

// decodeInto is Decode into an Input that a worker reuses from one
// request to the next: its slices and its context map keep their
// memory, so a request allocates little beyond its strings.
func (l *Loader) decodeInto(raw []byte, in *Input) error {
	var fr fileRequest
	ctx := in.Context.m
	clear(ctx)
	*in = Input{
		Identity:   in.Identity[:0],
		Boundaries: in.Boundaries[:0],
		Session:    in.Session[:0],
		Endpoints:  in.Endpoints[:0],
		SCPs:       in.SCPs[:0],
		RCPs:       in.RCPs[:0],
		Context:    Context{m: ctx},
	}
	end, err := scanMembers(raw, func(key []byte, rest []byte) (n int, err error) {
		switch string(key) {
		case "request":
			n, err = skipValue(rest, 0)
			if err == nil {
				err = l.decodeRequest(rest[:n], &fr, &in.Context)
			}
		case "identityPolicies":
			in.Identity, n, err = l.list(in.Identity, "identityPolicies", "", rest)
		case "permissionBoundaries":
			in.Boundaries, n, err = l.list(in.Boundaries, "permissionBoundaries", "", rest)
		case "endpointPolicies":
			in.Endpoints, n, err = l.list(in.Endpoints, "endpointPolicies", "", rest)
		case "sessionPolicy":
			var p *Named
			if n, err = skipValue(rest, 0); err == nil {
				if p, err = l.one("sessionPolicy", "", -1, rest[:n]); p != nil {
					in.Session = append(in.Session, *p)
				}
			}
		case "resourcePolicy":
			if n, err = skipValue(rest, 0); err == nil {
				in.ResourcePolicy, err = l.one("resourcePolicy", "", -1, rest[:n])
			}
		case "serviceControlPolicies":
			in.SCPs, n, err = l.levels(in.SCPs, "serviceControlPolicies", rest)
		case "resourceControlPolicies":
			in.RCPs, n, err = l.levels(in.RCPs, "resourceControlPolicies", rest)
		case "principalIsManagementAccount":
			in.PrincipalIsManagementAccount, n, err = jsonBool(rest)
		case "principalIsServiceLinkedRole":
			in.PrincipalIsServiceLinkedRole, n, err = jsonBool(rest)
		case "resourceIsManagementAccount":
			in.ResourceIsManagementAccount, n, err = jsonBool(rest)
		default:
			n, err = skipValue(rest, 0)
		}
		if err != nil {
			return n, fmt.Errorf("%s: %w", key, err)
		}
		return n, nil
	})
	if err != nil {
		return err
	}
	if skipSpace(raw, end) != len(raw) {
		return errors.New("unexpected data after the request object")
	}
	return l.request(&fr, in)
}

func (l *Loader) request(fr *fileRequest, in *Input) error {
	if strings.TrimSpace(fr.Action) == "" {
		return errors.New("request.action is missing")
	}
	in.Action = fr.Action
	p := &fr.Principal
	kind := firstNonEmpty(fr.PrincipalKind, p.Kind, p.Type)
	sub, ok := ParsePrincipal(p.ARN, kind)
	if !ok {
		return fmt.Errorf("request.principal %s (kind %s) is not a principal ARN, account, service or anonymous", safetext.Quote(p.ARN), safetext.Quote(kind))
	}
	in.Principal = sub
	res := &fr.Resource
	in.Resource = firstNonEmpty(res.ARN, res.Resource, "*")
	in.ResourceAccount = firstNonEmpty(res.Account, res.AccountID)
	if in.ResourceAccount == "" {
		in.ResourceAccount = arnAccount(in.Resource)
	}
	if l.Check != nil {
		return l.Check(in)
	}
	return nil
}

// contextValue reads the value of one context key: a string, number or
// boolean, or a list of them.
func (l *Loader) contextValue(k []byte, v []byte) ([]string, error) {
	if vals, ok := l.fastValues(v); ok {
		return vals, nil
	}
	var list []any
	if len(v) > 0 && v[0] == '[' {
		if err := json.Unmarshal(v, &list); err != nil {
			return nil, fmt.Errorf("request.context[%s]: %w", safetext.QuoteBytes(k), err)
		}
	} else {
		var one any
		if err := json.Unmarshal(v, &one); err != nil {
			return nil, fmt.Errorf("request.context[%s]: %w", safetext.QuoteBytes(k), err)
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
			return nil, fmt.Errorf("request.context[%s]: values must be strings, numbers or booleans", safetext.QuoteBytes(k))
		}
	}
	return vals, nil
}

// arnAccount returns the 12-digit account of an ARN, or "".
func arnAccount(arn string) string {
	rest := arn
	for range 4 { // arn:partition:service:region:
		i := strings.IndexByte(rest, ':')
		if i < 0 {
			return ""
		}
		rest = rest[i+1:]
	}
	i := strings.IndexByte(rest, ':')
	if i != 12 || !isDigits(rest[:12]) {
		return ""
	}
	return rest[:12]
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

// one compiles a policy given as a document or as {id, policy}. Its
// place in the file, where+sub+[idx] (no index when idx < 0), names it
// when it has no id; the name is built only on a cache miss.
func (l *Loader) one(where, sub string, idx int, raw []byte) (*Named, error) {
	if isNull(raw) {
		return nil, nil
	}
	return l.Cache.named(l.local, where, sub, idx, raw, func() (*Named, error) {
		return l.build(placeName(where, sub, idx), raw)
	})
}

func placeName(where, sub string, idx int) string {
	if idx < 0 {
		return where + sub
	}
	return where + sub + "[" + strconv.Itoa(idx) + "]"
}

// build reads and compiles one policy entry (on a cache miss): a policy
// document, or {id|name, policy|document} around one, where the policy
// may also be a JSON string as AWS APIs return it. Member names match
// without regard to case.
func (l *Loader) build(where string, raw json.RawMessage) (*Named, error) {
	var id, name, docID string
	var pol, doc []byte
	_, err := scanMembers(raw, func(key []byte, rest []byte) (int, error) {
		n, err := skipValue(rest, 0)
		if err != nil {
			return n, err
		}
		v := rest[:n]
		switch {
		case bytes.EqualFold(key, []byte("policy")):
			pol = v
		case bytes.EqualFold(key, []byte("document")):
			doc = v
		case string(key) == "Id":
			docID, _ = jsonStringOrNull(v)
			if id == "" {
				id = docID
			}
		case bytes.EqualFold(key, []byte("id")):
			id, _ = jsonStringOrNull(v)
		case bytes.EqualFold(key, []byte("name")):
			name, _ = jsonStringOrNull(v)
		}
		return n, nil
	})
	src := []byte(raw)
	label := where
	if err == nil && (!isNull(pol) || !isNull(doc)) {
		src = pol
		if isNull(src) {
			src = doc
		}
		label = firstNonEmpty(id, name, where)
		if bytes.HasPrefix(bytes.TrimSpace(src), []byte(`"`)) {
			// A policy given as a JSON string, as AWS APIs return it.
			var s string
			if err := json.Unmarshal(src, &s); err != nil {
				return nil, fmt.Errorf("%s: %w", where, err)
			}
			src = []byte(s)
		}
	} else if docID != "" {
		label = docID
	}
	// Compiled forms are shared by content: the same document at another
	// place in the file, or under another id, is compiled once.
	p, err := l.Cache.Compile("", src)
	if err != nil {
		return nil, fmt.Errorf("%s (%s): %w", where, label, err)
	}
	return &Named{ID: label, Policy: p}, nil
}

// list reads the array of policies at the start of rest and returns its
// length in bytes.
func (l *Loader) list(dst []Named, where, sub string, rest []byte) ([]Named, int, error) {
	out := dst[:0]
	n, err := scanElements(rest, func(i int, elem []byte) (int, error) {
		end, err := skipValue(elem, 0)
		if err != nil {
			return end, err
		}
		p, err := l.one(where, sub, i, elem[:end])
		if p != nil {
			out = append(out, *p)
		}
		return end, err
	})
	return out, n, err
}

func (l *Loader) levels(dst []Level, where string, rest []byte) ([]Level, int, error) {
	out := dst[:0]
	n, err := scanElements(rest, func(i int, elem []byte) (int, error) {
		var id, orgID string
		var ps []Named
		if i < cap(out) {
			ps = out[:i+1][i].Policies[:0] // reuse the level's memory
		}
		var policies []byte
		end, err := scanMembers(elem, func(key []byte, v []byte) (n int, err error) {
			switch string(key) {
			case "id":
				id, n, err = jsonStringAt(v)
			case "orgIdentifier":
				orgID, n, err = jsonStringAt(v)
			case "policies":
				policies = v
				n, err = skipValue(v, 0)
			default:
				n, err = skipValue(v, 0)
			}
			return n, err
		})
		if err != nil {
			return end, fmt.Errorf("[%d]: %w", i, err)
		}
		if id == "" && orgID == "" {
			id = where + "[" + strconv.Itoa(i) + "]"
		}
		id = firstNonEmpty(id, orgID)
		if policies != nil {
			if ps, _, err = l.list(ps, id, ".policies", policies); err != nil {
				return end, fmt.Errorf("[%d]: %w", i, err)
			}
		}
		out = append(out, Level{ID: id, Policies: ps})
		return end, nil
	})
	return out, n, err
}

// ReadEntries calls fn with each entry of a request file: a JSON array
// of objects, or JSON Lines (any sequence of JSON objects). n counts
// entries from 1. raw is valid only during the call: fn copies what it
// keeps, so that reading a large file allocates nothing per entry.
func ReadEntries(r io.Reader, fn func(n int, raw []byte) error) error {
	return readEntries(bufio.NewReaderSize(r, 1<<16), fn)
}

func readEntries(br *bufio.Reader, fn func(n int, raw []byte) error) error {
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
			// Fail as soon as what is piling up cannot be a request:
			// 200 MB without a newline must not be read whole first.
			if i := skipSpace(pend, 0); i == len(pend) {
				pend = pend[:0]
			} else if pend[i] != '{' {
				return fmt.Errorf("request %d: not a JSON object: %s", n, safetext.QuoteBytes(pend[i:min(len(pend), i+safetext.QuoteLimit)]))
			} else if len(pend) > maxRequestBytes {
				return fmt.Errorf("request %d: longer than %d MiB", n, maxRequestBytes>>20)
			}
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
				return fmt.Errorf("request %d: not a JSON object: %s", n, safetext.QuoteBytes(pend[i:min(end, i+safetext.QuoteLimit)]))
			}
			if err := fn(n, pend[i:end]); err != nil {
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

// maxRequestBytes bounds one entry of a request file: IAM caps a
// managed policy at 6,144 characters and an SCP at 5,120, so an entry
// of many megabytes is not a request, and reading it whole would only
// cost memory.
const maxRequestBytes = 64 << 20

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
func (l *Loader) decodeRequest(b []byte, fr *fileRequest, ctx *Context) error {
	return members(b, func(key []byte, v []byte) (err error) {
		switch string(key) {
		case "principal":
			if len(v) > 0 && v[0] == '{' {
				p := &fr.Principal
				err = l.stringMembers(v, []string{"arn", "type", "kind"}, &p.ARN, &p.Type, &p.Kind)
			} else if fr.Principal.ARN, err = l.stringOrNull(v); err != nil {
				err = fmt.Errorf("must be a string or an object: %w", err)
			}
		case "resource":
			if len(v) > 0 && v[0] == '{' {
				r := &fr.Resource
				err = l.stringMembers(v, []string{"arn", "resource", "account", "accountId"}, &r.ARN, &r.Resource, &r.Account, &r.AccountID)
			} else if fr.Resource.ARN, err = l.stringOrNull(v); err != nil {
				err = fmt.Errorf("must be a string or an object: %w", err)
			}
		case "principalKind":
			fr.PrincipalKind, err = l.stringOrNull(v)
		case "action":
			fr.Action, err = l.stringOrNull(v)
		case "context", "contextVariables":
			if string(v) == "null" {
				return nil
			}
			return members(v, func(k []byte, cv []byte) error {
				vals, err := l.contextValue(k, cv)
				if err == nil {
					ctx.setLowered(l.lowerKey(k), vals)
				}
				return err
			})
		}
		if err != nil {
			return fmt.Errorf("request.%s: %w", key, err)
		}
		return nil
	})
}

// fastValues reads a context value that is a plain string or a list of
// plain strings without encoding/json; ok is false for anything else.
func (l *Loader) fastValues(v []byte) ([]string, bool) {
	if len(v) > 0 && v[0] == '"' {
		if len(v) < 2 || v[len(v)-1] != '"' || bytes.IndexByte(v, '\\') >= 0 {
			return nil, false
		}
		return []string{l.str(v[1 : len(v)-1])}, true
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
		out = append(out, l.str(e[1:len(e)-1]))
		return nil
	})
	return out, ok && err == nil
}

// maxInterned bounds a worker's table of interned strings.
const maxInterned = 1 << 16

// str returns b as a string, shared with earlier requests read by the
// same worker: keys, actions, principals and context values repeat from
// one request to the next, and a string each was a third of what
// decoding allocated.
func (l *Loader) str(b []byte) string {
	if l.local == nil {
		return string(b)
	}
	if s, ok := l.local.strs[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(l.local.strs) >= maxInterned {
		clear(l.local.strs)
	}
	l.local.strs[s] = s
	return s
}

// lowerKey returns a context key as the engine looks it up: lower case.
func (l *Loader) lowerKey(k []byte) string {
	if l.local == nil {
		return strings.ToLower(string(k))
	}
	if s, ok := l.local.keys[string(k)]; ok {
		return s
	}
	s := strings.ToLower(string(k))
	if len(l.local.keys) >= maxInterned {
		clear(l.local.keys)
	}
	l.local.keys[string(k)] = s
	return s
}

// stringOrNull is jsonStringOrNull through the worker's strings.
func (l *Loader) stringOrNull(v []byte) (string, error) {
	if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' && bytes.IndexByte(v, '\\') < 0 {
		return l.str(v[1 : len(v)-1]), nil
	}
	return jsonStringOrNull(v)
}

// stringMembers reads the members of a small object named in names into
// the strings at the same place in dst; other members are ignored.
func (l *Loader) stringMembers(v []byte, names []string, dst ...*string) error {
	return members(v, func(k []byte, val []byte) (err error) {
		for i, name := range names {
			if string(k) == name {
				*dst[i], err = l.stringOrNull(val)
				return err
			}
		}
		return nil
	})
}
