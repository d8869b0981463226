package org

import "testing"

func TestOUIDByPath(t *testing.T) {
	o := &Organization{Roots: []Root{{Id: "r-1"}}, OrganizationalUnits: []OU{
		{Id: "ou-w", Name: "Workloads", ParentId: "r-1"}, {Id: "ou-p", Name: "Prod", ParentId: "ou-w"}, {Id: "ou-x", Name: "Prod", ParentId: "r-1"}}}
	for path, want := range map[string]string{"Workloads": "ou-w", "Workloads/Prod": "ou-p", "Prod": "ou-x", "Workloads/Dev": "", "": ""} {
		if got := o.OUIDByPath(path); got != want {
			t.Errorf("OUIDByPath(%q) = %q, want %q", path, got, want)
		}
	}
	var none *Organization
	if got := none.OUIDByPath("Workloads"); got != "" {
		t.Errorf("nil organization: %q", got)
	}
}
