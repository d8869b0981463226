package randreq

import (
	"encoding/json"
	"testing"
)

func TestSameSeedSameRequests(t *testing.T) {
	for _, pooled := range []bool{false, true} {
		a, b := New(7), New(7)
		if pooled {
			a, b = NewPooled(7, 20), NewPooled(7, 20)
		}
		for i := range 200 {
			x, _ := json.Marshal(a.Next())
			y, _ := json.Marshal(b.Next())
			if string(x) != string(y) {
				t.Fatalf("request %d differs (pooled %v)", i, pooled)
			}
		}
	}
}
