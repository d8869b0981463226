package policy

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse checks that no input makes the parser or the compiler panic
// or hang, and that whatever compiles can be evaluated.
func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}/*"}}`))
	f.Add([]byte(`{"Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":["111111111111"]},"NotAction":"iam:*","NotResource":"*","Condition":{"ForAnyValue:StringLikeIfExists":{"aws:TagKeys":["a*",1,true]}}}]}`))
	f.Add([]byte("{\"Statement\":[]} // c"))
	f.Add([]byte(`[`))
	if paths, _ := filepath.Glob(filepath.Join(repoRoot(), "..", "shared", "data", "policy-examples", "*", "*", "*.json")); len(paths) > 0 {
		for _, p := range paths[:min(len(paths), 20)] {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
	}
	ctx := MapContext{"aws:username": {"alice"}, "aws:tagkeys": {"a", "b"}, "aws:sourceip": {"10.0.0.1"}}
	f.Fuzz(func(t *testing.T, src []byte) {
		p, err := Compile("fuzz", src)
		if err != nil {
			return
		}
		r := NewRequest(Subject{Kind: KindUser, ARN: "arn:aws:iam::111111111111:user/alice", Account: "111111111111", UserName: "alice"},
			"s3:GetObject", "arn:aws:s3:::b/alice/k", ctx)
		for _, e := range []Effect{Allow, Deny} {
			var out []Match
			p.Scan(r, e, ScanOptions{All: true}, &out)
		}
	})
}

// FuzzCondition checks the condition evaluator on any operator, policy
// value and request value.
func FuzzCondition(f *testing.F) {
	f.Add("StringLike", "a*b?${aws:username}", "axxbyalice")
	f.Add("ForAllValues:NumericLessThanIfExists", "10", "9.5")
	f.Add("DateGreaterThan", "2020-01-01T00:00:00Z", "1700000000")
	f.Add("NotIpAddress", "2001:db8::/32", "2001:db8::1")
	f.Add("ArnLike", "arn:aws:s3:::*/x", "arn:aws:s3:::b/x")
	f.Add("BinaryEquals", "QQ==", "QQ==")
	f.Add("Null", "true", "")
	f.Fuzz(func(t *testing.T, op, pval, rval string) {
		o, ok := ParseOperator(op)
		if !ok {
			return
		}
		c := Condition{Op: o, OpText: op, Key: "k", Values: []Value{{S: pval}}}
		var warns Errors
		cc := compileCondition(&c, true, &warns)
		cc.eval(MapContext{"k": {rval, rval + "x"}, "aws:username": {"alice"}})
		cc.eval(MapContext{})
	})
}

// FuzzGlob checks the glob matcher for panics and runaway time.
func FuzzGlob(f *testing.F) {
	f.Add("a*b?c", "aXbYc")
	f.Add("*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
	f.Fuzz(func(t *testing.T, pat, s string) {
		if len(pat) > 256 || len(s) > 4096 {
			return
		}
		globMatch(pat, s)
	})
}

// repoRoot walks up from the test's directory to the one holding go.mod.
func repoRoot() string {
	dir, _ := os.Getwd()
	for dir != filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		dir = filepath.Dir(dir)
	}
	return dir
}
