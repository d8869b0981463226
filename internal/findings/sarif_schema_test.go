package findings

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/orgrail/orgrail/internal/output"
	"github.com/orgrail/orgrail/internal/shareddata"
)

// sarifSchema compiles the OASIS SARIF 2.1.0 JSON schema kept in
// ../shared/data/schemas/sarif, with format assertions on.
func sarifSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	p := filepath.Join(shareddata.Dir(t, "schemas/sarif"), "sarif-schema-2.1.0.json")
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("sarif-schema-2.1.0.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// validateSARIF renders r as SARIF and checks it against the schema and
// against what GitHub code scanning needs of each result: a file location
// with a line, and partialFingerprints.
func validateSARIF(t *testing.T, s *jsonschema.Schema, r *Report) int {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, output.SARIF, r, RenderOptions{}); err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(inst); err != nil {
		t.Errorf("SARIF does not validate against the 2.1.0 schema: %v", err)
	}
	var log SARIFLog
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	for _, res := range log.Runs[0].Results {
		if len(res.Locations) == 0 {
			t.Errorf("%s: no location", res.RuleID)
			continue
		}
		pl := res.Locations[0].PhysicalLocation
		if pl.ArtifactLocation.URI == "" || pl.Region.StartLine < 1 {
			t.Errorf("%s: no file location GitHub code scanning accepts: %+v", res.RuleID, pl)
		}
		if len(res.Fingerprints) == 0 {
			t.Errorf("%s: no partialFingerprints", res.RuleID)
		}
	}
	return len(log.Runs[0].Results)
}

// TestSARIFValidatesAgainstSchema validates the SARIF of the sample report,
// with and without the configuration lines that declare the accounts.
func TestSARIFValidatesAgainstSchema(t *testing.T) {
	s := sarifSchema(t)
	r := sampleReport()
	validateSARIF(t, s, r)
	r.Sources = map[string]SourceLine{"111111111111": {File: "lz/accounts dir/prod.yaml", Line: 12}}
	validateSARIF(t, s, r)
	log := ToSARIF(r)
	loc := log.Runs[0].Results[0].Locations[0].PhysicalLocation
	if loc.ArtifactLocation.URI != "lz/accounts%20dir/prod.yaml" || loc.Region.StartLine != 12 {
		t.Errorf("configured account located at %+v", loc)
	}
	if other := log.Runs[0].Results[1].Locations[0].PhysicalLocation; other.ArtifactLocation.URI != "aws-accounts/222222222222" {
		t.Errorf("unconfigured account located at %+v", other)
	}
}

// TestSARIFValidatorRejects makes sure the schema check is not vacuous.
func TestSARIFValidatorRejects(t *testing.T) {
	s := sarifSchema(t)
	for _, doc := range []string{
		`{"version": "2.0.0", "runs": []}`,
		`{"version": "2.1.0", "runs": [{"tool": {"driver": {}}}]}`,
		`{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"message": {"text": "m"}, "locations": [{"physicalLocation": {"region": {"startLine": 0}}}]}]}]}`,
	} {
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader([]byte(doc)))
		if err != nil {
			t.Fatal(err)
		}
		if s.Validate(inst) == nil {
			t.Errorf("schema accepted %s", doc)
		}
	}
}
