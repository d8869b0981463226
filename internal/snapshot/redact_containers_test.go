package snapshot

import (
	"strings"
	"testing"
)

// TestRedactSourceURLCredentials: a CodeBuild source location with user
// information (the CodeBuild API reference's Bitbucket example form
// https://user:password@bitbucket.org/...) loses the credentials but
// keeps the host and path, so a rule can still see that the URL carried
// some; URLs without user information and S3 locations are unchanged.
func TestRedactSourceURLCredentials(t *testing.T) {
	doc := `{"Projects":[{"Name":"p","Source":{"Type":"BITBUCKET","Location":"https://dev:` + secret + `@bitbucket.org/acme/app.git"},` +
		`"SecondarySources":[{"Type":"GITHUB","Location":"https://` + secret + `@github.com/acme/lib"}]}]}`
	out, changed, err := RedactJSON([]byte(doc))
	if err != nil || !changed {
		t.Fatalf("changed %v, err %v", changed, err)
	}
	s := string(out)
	if strings.Contains(s, secret) || strings.Contains(s, "dev:") {
		t.Fatalf("credentials kept: %s", s)
	}
	for _, want := range []string{`"https://<redacted by orgrail>@bitbucket.org/acme/app.git"`, `"https://<redacted by orgrail>@github.com/acme/lib"`} {
		if !strings.Contains(s, want) {
			t.Errorf("want %s in %s", want, s)
		}
	}
	again, changed, err := RedactJSON(out)
	if err != nil || changed || string(again) != string(out) {
		t.Errorf("not idempotent: changed %v, err %v", changed, err)
	}
	for _, doc := range []string{
		`{"Projects":[{"Source":{"Type":"GITHUB","Location":"https://github.com/acme/app"}}]}`,
		`{"Projects":[{"Artifacts":{"Type":"S3","Location":"artifact-bucket"}}]}`,
		`{"LocationConstraint":"eu-west-1"}`,
		`{"Location":"https://example.com/path@v2"}`,
	} {
		out, changed, err := RedactJSON([]byte(doc))
		if err != nil || changed || string(out) != doc {
			t.Errorf("%s → %s (changed %v, err %v)", doc, out, changed, err)
		}
	}
}
