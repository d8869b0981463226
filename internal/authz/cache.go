package authz

import (
	"crypto/sha256"
	"sync"
	"sync/atomic"

	"github.com/orgrail/orgrail/internal/policy"
)

// Cache shares compiled policies between requests: a policy document
// with the same id and the same bytes is compiled once. It is safe for
// concurrent use.
type Cache struct {
	mu     sync.RWMutex
	m      map[[32]byte]cacheEntry
	hits   atomic.Int64
	misses atomic.Int64
}

// maxCacheEntries bounds the cache: a batch whose policies are all
// different would otherwise keep every one of them. When full, the cache
// starts again empty.
const maxCacheEntries = 1 << 17

// store adds an entry, emptying the cache first when it is full.
func (c *Cache) store(k [32]byte, e cacheEntry) {
	c.mu.Lock()
	if len(c.m) >= maxCacheEntries {
		c.m = make(map[[32]byte]cacheEntry, len(c.m)/4)
	}
	c.m[k] = e
	c.mu.Unlock()
	c.misses.Add(1)
}

type cacheEntry struct {
	p   *policy.Policy
	n   *Named
	err error
}

func cacheKey(parts ...[]byte) [32]byte {
	h := sha256.New()
	for _, p := range parts {
		h.Write(p)
		h.Write([]byte{0})
	}
	var k [32]byte
	h.Sum(k[:0])
	return k
}

// named returns the cached result of a request-file policy entry (its
// raw bytes at a place in the file), computing it with build on a miss.
// Hits cost one hash: no JSON is parsed again.
func (c *Cache) named(where string, raw []byte, build func() (*Named, error)) (*Named, error) {
	k := cacheKey([]byte("entry"), []byte(where), raw)
	c.mu.RLock()
	e, ok := c.m[k]
	c.mu.RUnlock()
	if ok {
		c.hits.Add(1)
		return e.n, e.err
	}
	n, err := build()
	c.store(k, cacheEntry{n: n, err: err})
	return n, err
}

// NewCache returns an empty cache.
func NewCache() *Cache { return &Cache{m: map[[32]byte]cacheEntry{}} }

// Compile returns the compiled form of src, compiling it on first use.
// Errors are cached too, so a bad policy repeated a million times is
// parsed once.
func (c *Cache) Compile(id string, src []byte) (*policy.Policy, error) {
	k := cacheKey([]byte("policy"), []byte(id), src)
	c.mu.RLock()
	e, ok := c.m[k]
	c.mu.RUnlock()
	if ok {
		c.hits.Add(1)
		return e.p, e.err
	}
	p, err := policy.Compile(id, src)
	c.store(k, cacheEntry{p: p, err: err})
	return p, err
}

// Stats returns how many lookups hit and missed, and how many policies
// the cache holds.
func (c *Cache) Stats() (hits, misses int64, size int) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.hits.Load(), c.misses.Load(), len(c.m)
}
