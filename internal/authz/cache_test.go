package authz

import (
	"fmt"
	"sync"
	"testing"
)

func TestCacheSharesByContent(t *testing.T) {
	c := NewCache()
	doc := []byte(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				if _, err := c.Compile("", doc); err != nil {
					t.Error(err)
				}
				if _, err := c.Compile("", []byte(fmt.Sprintf(`{"Statement":{"Effect":"Deny","Action":"s3:%d","Resource":"*"}}`, i))); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	misses, size := c.Stats()
	if size != 9 || misses > 9+8 {
		t.Errorf("misses %d size %d", misses, size)
	}
	p1, _ := c.Compile("", doc)
	p2, _ := c.Compile("", doc)
	if p1 != p2 {
		t.Error("same content compiled twice")
	}
	if _, err := c.Compile("", []byte(`{`)); err == nil {
		t.Error("bad policy accepted")
	}
}
