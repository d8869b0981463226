package awsdata

import (
	"strings"
	"testing"
)

func TestTable(t *testing.T) {
	if err := Err(); err != nil {
		t.Fatal(err)
	}
	pkg, version, license, _ := Source()
	if pkg == "" || version == "" || license != "MIT" {
		t.Errorf("source %q %q %q", pkg, version, license)
	}
	s3, ok := Lookup("S3")
	if !ok || len(Prefixes()) < 300 {
		t.Fatalf("s3 %v, %d services", ok, len(Prefixes()))
	}
	if a, ok := s3.Action("getobject"); !ok || a != "GetObject" {
		t.Errorf("GetObject: %q %v", a, ok)
	}
	for _, k := range []string{"s3:prefix", "S3:x-amz-acl", "s3:ExistingObjectTag/team", "aws:ResourceTag/env"} {
		if !s3.HasConditionKey(k) {
			t.Errorf("condition key %s unknown", k)
		}
	}
	if s3.HasConditionKey("s3:nosuchkey") {
		t.Error("s3:nosuchkey known")
	}
	if s3.Resources["bucket"] == "" {
		t.Error("no bucket ARN format")
	}
	found := false
	for _, p := range RCPServices() {
		found = found || p == "s3"
	}
	if !found {
		t.Error("s3 not among RCP services")
	}
}

func TestRCPServicesFromHeadMatchesFullTable(t *testing.T) {
	head := RCPServices()
	once.Do(load)
	if len(head) == 0 || strings.Join(head, ",") != strings.Join(rcp, ",") {
		t.Errorf("head %d services, full table %d", len(head), len(rcp))
	}
}
