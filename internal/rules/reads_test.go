package rules

import (
	"fmt"
	"os"
	"sort"
	"sync"
	"testing"

	"github.com/orgrail/orgrail/internal/snapshot"
)

// undeclared collects, over every audit the package's tests run, the
// operations a built-in rule read without declaring them in Reads.
var undeclared struct {
	sync.Mutex
	m map[string]bool
}

// TestMain checks every built-in rule's reads against its declaration
// across all the audits of the tests (clean fixture, failing cases,
// documented outcomes, the demo), then fails the run on any undeclared
// read: TestRulesReadWhatTheyDeclare in effect.
func TestMain(m *testing.M) {
	onRead = func(r *Rule, op string) {
		if r.Source != "builtin" || contains(r.Reads, op) {
			return
		}
		undeclared.Lock()
		if undeclared.m == nil {
			undeclared.m = map[string]bool{}
		}
		undeclared.m[r.ID+" reads "+op+" without declaring it in builtinReads"] = true
		undeclared.Unlock()
	}
	code := m.Run()
	var bad []string
	for s := range undeclared.m {
		bad = append(bad, s)
	}
	sort.Strings(bad)
	for _, s := range bad {
		fmt.Fprintln(os.Stderr, "FAIL: TestRulesReadWhatTheyDeclare:", s)
	}
	if len(bad) > 0 && code == 0 {
		code = 1
	}
	os.Exit(code)
}

// TestRulesReadWhatTheyDeclare: every built-in rule declares its reads,
// each naming an operation of the snapshot catalog.
func TestRulesReadWhatTheyDeclare(t *testing.T) {
	for _, r := range Builtin() {
		if r.Reads == nil {
			t.Errorf("%s declares no reads (add it to builtinReads)", r.ID)
		}
		for _, op := range r.Reads {
			if !catalogHas(op) {
				t.Errorf("%s declares %s, which the snapshot catalog does not list", r.ID, op)
			}
		}
	}
}

// notInCatalog are operations a rule reads that the collector does not
// record yet (the rule is ERROR until it does, as docs/rules.md says).
var notInCatalog = map[string]bool{}

func catalogHas(serviceOp string) bool {
	if notInCatalog[serviceOp] {
		return true
	}
	for i := 0; i < len(serviceOp); i++ {
		if serviceOp[i] != ':' {
			continue
		}
		svc, ok := snapshot.LookupService(serviceOp[:i])
		if !ok {
			return false
		}
		for _, o := range svc.Operations {
			if o.Name == serviceOp[i+1:] {
				return true
			}
		}
	}
	return false
}
