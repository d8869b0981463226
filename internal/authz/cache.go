package authz

import (
	"bytes"
	"hash/maphash"
	"sync"
	"sync/atomic"

	"github.com/orgrail/orgrail/internal/policy"
)

// Cache shares compiled policies between requests: a policy document
// with the same id and the same bytes is compiled once. It is safe for
// concurrent use.
//
// Keys are a 64-bit maphash of the bytes, and a hit is confirmed by
// comparing the bytes themselves: a batch of a million requests looks
// up several policies per request, so the lookup must cost less than
// a cryptographic hash, and a hash collision must never hand one
// request another policy's decision.
//
// The workers of a batch put a Loader of their own in front of it (see
// Loader.worker), so that the lock word is not written for every policy
// of every request.
type Cache struct {
	mu     sync.RWMutex
	m      map[uint64][]*cacheEntry
	size   int
	misses atomic.Int64
}

// maxCacheEntries bounds the cache: a batch whose policies are all
// different would otherwise keep every one of them. When full, the cache
// starts again empty.
const maxCacheEntries = 1 << 17

// cacheSeed is shared by every cache of the process; keys never leave it.
var cacheSeed = maphash.MakeSeed()

type cacheEntry struct {
	kind byte // 'e' for a request-file entry, 'p' for a policy document
	name string
	sub  string
	idx  int
	src  []byte
	p    *policy.Policy
	n    *Named
	err  error
}

// cacheHash hashes an entry's key. The bytes are hashed by maphash.Bytes
// and the short parts mixed in after, which costs one pass over the
// policy and no allocation.
func cacheHash(k *cacheEntry) uint64 {
	h := maphash.Bytes(cacheSeed, k.src)
	h ^= maphash.String(cacheSeed, k.name) * 31
	h ^= maphash.String(cacheSeed, k.sub) * 131
	return h ^ uint64(k.idx+2)*0x9e3779b97f4a7c15 ^ uint64(k.kind)<<56
}

func (e *cacheEntry) same(k *cacheEntry) bool {
	return e.kind == k.kind && e.idx == k.idx && e.name == k.name && e.sub == k.sub && bytes.Equal(e.src, k.src)
}

func (c *Cache) lookup(h uint64, k *cacheEntry) *cacheEntry {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return bucketFind(c.m[h], k)
}

func bucketFind(bucket []*cacheEntry, k *cacheEntry) *cacheEntry {
	for _, e := range bucket {
		if e.same(k) {
			return e
		}
	}
	return nil
}

// store adds an entry, emptying the cache first when it is full, and
// returns the entry the cache holds: another goroutine may have stored
// the same key meanwhile, and every caller must then get the same
// compiled policy. The source bytes are copied: callers' buffers are
// reused.
func (c *Cache) store(h uint64, k cacheEntry) *cacheEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.misses.Add(1)
	if e := bucketFind(c.m[h], &k); e != nil {
		return e
	}
	e := &k
	if k.kind == 'e' {
		e.src = bytes.Clone(e.src)
	}
	if c.size >= maxCacheEntries {
		c.m = make(map[uint64][]*cacheEntry, c.size/4)
		c.size = 0
	}
	c.m[h] = append(c.m[h], e)
	c.size++
	return e
}

// named returns the cached result of a request-file policy entry (its
// raw bytes at a place in the file), computing it with build on a miss.
// Hits cost one hash and one comparison: no JSON is parsed again.
func (c *Cache) named(local *localCache, where, sub string, idx int, raw []byte, build func() (*Named, error)) (*Named, error) {
	k := cacheEntry{kind: 'e', name: where, sub: sub, idx: idx, src: raw}
	h := cacheHash(&k)
	if local != nil {
		if e := bucketFind(local.m[h], &k); e != nil {
			return e.n, e.err
		}
	}
	e := c.lookup(h, &k)
	if e == nil {
		k.n, k.err = build()
		e = c.store(h, k)
	}
	local.add(h, e)
	return e.n, e.err
}

// localCache is one goroutine's copy of the entries it has used: no
// lock, nothing written that another core reads.
type localCache struct {
	m    map[uint64][]*cacheEntry
	size int
	strs map[string]string // see Loader.str
	keys map[string]string // see Loader.lowerKey
}

func (l *localCache) add(h uint64, e *cacheEntry) {
	if l == nil {
		return
	}
	if l.size >= maxCacheEntries {
		clear(l.m)
		l.size = 0
	}
	l.m[h] = append(l.m[h], e)
	l.size++
}

// NewCache returns an empty cache.
func NewCache() *Cache { return &Cache{m: map[uint64][]*cacheEntry{}} }

// Compile returns the compiled form of src, compiling it on first use.
// Errors are cached too, so a bad policy repeated a million times is
// parsed once.
func (c *Cache) Compile(id string, src []byte) (*policy.Policy, error) {
	k := cacheEntry{kind: 'p', name: id, idx: -1, src: src}
	h := cacheHash(&k)
	if e := c.lookup(h, &k); e != nil {
		return e.p, e.err
	}
	// Compile from a copy: the compiled form may keep slices of its
	// source, and src is often a window on a large read buffer that must
	// not stay alive for as long as the cache.
	k.src = bytes.Clone(src)
	k.p, k.err = policy.Compile(id, k.src)
	e := c.store(h, k)
	return e.p, e.err
}

// Stats returns how many lookups missed (each miss compiles or reads a
// policy) and how many entries the cache holds.
func (c *Cache) Stats() (misses int64, size int) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.misses.Load(), c.size
}
