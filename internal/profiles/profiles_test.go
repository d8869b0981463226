package profiles

import (
	"strings"
	"testing"
)

func TestMergeKeepsOutsideByteForByte(t *testing.T) {
	secs := []Section{{Header: "profile a", Settings: [][2]string{{"region", "us-east-1"}}}}
	for _, before := range []string{"", "[default]\nregion = x", "[default]\nregion = x\n", "; c\r\n[p]\r\nk = v\r\n"} {
		out, stale, err := Merge(before, secs, false)
		if err != nil || len(stale) != 0 {
			t.Fatalf("%q: %v %v", before, err, stale)
		}
		if !strings.HasPrefix(out, before) {
			t.Errorf("%q: not kept: %q", before, out)
		}
		again, _, _ := Merge(out, secs, false)
		if again != out {
			t.Errorf("%q: second merge changed the text:\n%q\n%q", before, out, again)
		}
		// Text after the block is kept too.
		tail := "\n[profile mine]\nregion = eu-west-1\n"
		out2, _, _ := Merge(out+tail, []Section{{Header: "profile b"}}, true)
		if !strings.HasSuffix(out2, tail) || !strings.HasPrefix(out2, before) || strings.Contains(out2, "[profile a]") {
			t.Errorf("%q: block replaced badly: %q", before, out2)
		}
	}
}

func TestMergeStaleAndDamaged(t *testing.T) {
	old, _, _ := Merge("", []Section{{Header: "profile a"}, {Header: "profile b"}}, false)
	out, stale, err := Merge(old, []Section{{Header: "profile a"}}, false)
	if err != nil || len(stale) != 1 || stale[0] != "b" || !strings.Contains(out, "[profile b]") {
		t.Errorf("stale kept: %v %v\n%s", stale, err, out)
	}
	out, stale, _ = Merge(old, []Section{{Header: "profile a"}}, true)
	if len(stale) != 1 || strings.Contains(out, "[profile b]") {
		t.Errorf("prune: %v\n%s", stale, out)
	}
	if _, _, err := Merge(BeginMarker+"\n[profile x]\n", nil, false); err == nil {
		t.Error("a begin marker without an end was accepted")
	}
	if _, _, err := Merge(old+old, nil, false); err == nil {
		t.Error("two blocks were accepted")
	}
}

func TestRequiresMFA(t *testing.T) {
	for doc, want := range map[string]bool{
		`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"x"},"Action":"sts:AssumeRole","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`: true,
		`{"Statement":{"Effect":"Allow","Action":"sts:AssumeRole","Condition":{"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}}}}`:                    true,
		`{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":["true"]}}}]}`:               true,
		`{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}`:                                                                                    false,
		`{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}]}`:                        false,
		`{"Statement":[{"Effect":"Allow","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}},{"Effect":"Allow","Principal":{"Service":"ec2"}}]}`:  false,
		`not json`: false,
	} {
		if got := RequiresMFA(doc); got != want {
			t.Errorf("RequiresMFA(%s) = %v, want %v", doc, got, want)
		}
	}
}

func TestProfileName(t *testing.T) {
	if got := ProfileName("", map[string]string{"account_name": "Payments Prod", "permission_set": "Admin/X"}); got != "Payments-Prod-Admin-X" {
		t.Errorf("got %q", got)
	}
}
