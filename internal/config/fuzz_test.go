package config

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse checks that no input makes decoding or validation panic and
// that every diagnostic names the file.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("../../examples/landing-zone/*.yaml")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	for _, tc := range loadCases {
		for _, text := range tc.files {
			f.Add([]byte(text))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, diags := Parse("f.yaml", data)
		r := &reporter{list: diags}
		validate(c, r)
		for _, d := range r.list {
			if d.File != "f.yaml" || d.Code == "" || d.Message == "" {
				t.Fatalf("bad diagnostic %+v", d)
			}
		}
	})
}
