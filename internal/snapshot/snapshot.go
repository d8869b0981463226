// Package snapshot is the on-disk form of "what an organization looked
// like at time T": a manifest with coverage and every gap, org.json, and
// one gzip-compressed JSON file per account, region and service holding
// resources in aws-sdk-go-v2's output shapes.
//
// Layout under the snapshot directory:
//
//	manifest.json
//	org.json
//	accounts/<account-id>/<region|global>/<service>.json.gz
//
// The manifest is written last and is the commit point: a directory
// without one is an incomplete snapshot and Open says so. Collectors,
// the demo generator and the local AWS test server share the vocabulary
// of Catalog, so what one writes the others read.
package snapshot

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/orgrail/orgrail/internal/org"
)

// FormatVersion is the snapshot format this code writes and reads.
const FormatVersion = 1

// Global is the region directory name for global services (IAM, S3
// listings, Organizations-wide settings).
const Global = "global"

// AWSAccount is the pseudo-account that holds AWS-managed IAM policy
// documents, collected once per organization (their ARNs name "aws" as
// the account: arn:aws:iam::aws:policy/...).
const AWSAccount = "aws"

// File and directory modes: snapshots hold account data.
const (
	FileMode = 0o600
	DirMode  = 0o700
)

// ErrIncomplete is returned when a snapshot has no manifest.
var ErrIncomplete = errors.New("snapshot incomplete")

// Manifest describes a snapshot: when and how it was made, what it
// covers, and every gap.
type Manifest struct {
	FormatVersion  int        `json:"formatVersion"`
	OrgID          string     `json:"orgId"`
	CollectedAt    time.Time  `json:"collectedAt"`
	OrgrailVersion string     `json:"orgrailVersion"`
	Source         string     `json:"source"` // collect, config-snapshots, demo, generate
	Partition      string     `json:"partition,omitempty"`
	Coverage       []Coverage `json:"coverage"`
	Gaps           []Gap      `json:"gaps"`
	// Unavailable names what this snapshot's source cannot give at all
	// (for example credential reports from Config files).
	Unavailable []string `json:"unavailable,omitempty"`
}

// Coverage says which regions and services were collected for one
// account.
type Coverage struct {
	Account  string   `json:"account"`
	Regions  []string `json:"regions"`
	Services []string `json:"services"`
	// DisabledRegions are regions not enabled for the account (opt-in
	// regions left off); they are not gaps.
	DisabledRegions []string `json:"disabledRegions,omitempty"`
}

// Gap is something that could not be collected. Account, Region,
// Service and Operation narrow it down as far as is known.
type Gap struct {
	Account   string `json:"account"`
	Region    string `json:"region,omitempty"`
	Service   string `json:"service,omitempty"`
	Operation string `json:"operation,omitempty"`
	Error     string `json:"error"`
	Code      string `json:"code,omitempty"` // AWS error code, e.g. AccessDenied
}

func (g Gap) String() string {
	s := "account " + g.Account
	if g.Region != "" {
		s += " region " + g.Region
	}
	if g.Service != "" {
		s += " service " + g.Service
	}
	if g.Operation != "" {
		s += " " + g.Operation
	}
	return s + ": " + g.Error
}

// Partial reports whether the snapshot has gaps.
func (m *Manifest) Partial() bool { return len(m.Gaps) > 0 }

// SortGaps orders gaps deterministically.
func (m *Manifest) SortGaps() {
	sort.Slice(m.Gaps, func(i, j int) bool {
		a, b := m.Gaps[i], m.Gaps[j]
		if a.Account != b.Account {
			return a.Account < b.Account
		}
		if a.Region != b.Region {
			return a.Region < b.Region
		}
		if a.Service != b.Service {
			return a.Service < b.Service
		}
		return a.Operation < b.Operation
	})
	sort.Slice(m.Coverage, func(i, j int) bool { return m.Coverage[i].Account < m.Coverage[j].Account })
}

// ServiceFile is the content of one <service>.json.gz: the outputs of
// the service's operations for one account and region.
type ServiceFile struct {
	Service string `json:"service"`
	Account string `json:"account"`
	Region  string `json:"region"`
	// Operations maps an operation name to its output (all pages merged
	// into one output value), as aws-sdk-go-v2 returns it.
	Operations map[string]json.RawMessage `json:"operations,omitempty"`
	// PerResource maps an operation called once per resource to the
	// resource key (see Catalog) and that call's output.
	PerResource map[string]map[string]json.RawMessage `json:"perResource,omitempty"`
	// Errors records operations that AWS answered with an error that is
	// itself information (NoSuchEntity for a password policy that was
	// never set, NoSuchBucketPolicy, ...): operation → error code.
	Errors map[string]string `json:"errors,omitempty"`
	// ResourceErrors is Errors for per-resource operations:
	// operation → resource key → error code.
	ResourceErrors map[string]map[string]string `json:"resourceErrors,omitempty"`
	// Gaps records operations that failed (access denied, throttled to
	// the end, not implemented): operation → error. The rest of the
	// file is complete, so only what reads those operations is missing
	// data; the manifest lists the same failures as gaps.
	Gaps map[string]string `json:"gaps,omitempty"`
}

// NewServiceFile returns an empty file for one account, region, service.
func NewServiceFile(account, region, service string) *ServiceFile {
	return &ServiceFile{Service: service, Account: account, Region: region}
}

// Set stores an operation's output, marshalled to JSON.
func (f *ServiceFile) Set(op string, out any) error {
	b, err := marshalOutput(out)
	if err != nil {
		return fmt.Errorf("%s %s: %w", f.Service, op, err)
	}
	if f.Operations == nil {
		f.Operations = map[string]json.RawMessage{}
	}
	f.Operations[op] = b
	return nil
}

// SetResource stores a per-resource operation's output.
func (f *ServiceFile) SetResource(op, key string, out any) error {
	b, err := marshalOutput(out)
	if err != nil {
		return fmt.Errorf("%s %s %s: %w", f.Service, op, key, err)
	}
	if f.PerResource == nil {
		f.PerResource = map[string]map[string]json.RawMessage{}
	}
	if f.PerResource[op] == nil {
		f.PerResource[op] = map[string]json.RawMessage{}
	}
	f.PerResource[op][key] = b
	return nil
}

// SetError records that op answered with an informative AWS error code.
func (f *ServiceFile) SetError(op, code string) {
	if f.Errors == nil {
		f.Errors = map[string]string{}
	}
	f.Errors[op] = code
}

// SetResourceError records an informative error of a per-resource call.
func (f *ServiceFile) SetResourceError(op, key, code string) {
	if f.ResourceErrors == nil {
		f.ResourceErrors = map[string]map[string]string{}
	}
	if f.ResourceErrors[op] == nil {
		f.ResourceErrors[op] = map[string]string{}
	}
	f.ResourceErrors[op][key] = code
}

// SetGap records that op could not be collected, and why.
func (f *ServiceFile) SetGap(op, reason string) {
	if f.Gaps == nil {
		f.Gaps = map[string]string{}
	}
	f.Gaps[op] = reason
}

// Gap returns why op could not be collected ("" when it was, or when it
// was not asked for).
func (f *ServiceFile) Gap(op string) string { return f.Gaps[op] }

// Get decodes an operation's output into out (a pointer to the SDK's
// output type). It reports whether the operation is present.
func (f *ServiceFile) Get(op string, out any) (bool, error) {
	raw, ok := f.Operations[op]
	if !ok {
		return false, nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return true, fmt.Errorf("%s/%s/%s %s: %w", f.Account, f.Region, f.Service, op, err)
	}
	return true, nil
}

// GetResource decodes one per-resource output into out.
func (f *ServiceFile) GetResource(op, key string, out any) (bool, error) {
	raw, ok := f.PerResource[op][key]
	if !ok {
		return false, nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return true, fmt.Errorf("%s/%s/%s %s %s: %w", f.Account, f.Region, f.Service, op, key, err)
	}
	return true, nil
}

// ResourceKeys returns the keys of a per-resource operation, sorted.
func (f *ServiceFile) ResourceKeys(op string) []string {
	keys := make([]string, 0, len(f.PerResource[op]))
	for k := range f.PerResource[op] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Error returns the informative error code recorded for op, if any.
func (f *ServiceFile) Error(op string) string { return f.Errors[op] }

// ResourceError returns the informative error code of a per-resource call.
func (f *ServiceFile) ResourceError(op, key string) string { return f.ResourceErrors[op][key] }

// marshalOutput turns an SDK output into JSON. SDK outputs carry a
// ResultMetadata field that means nothing on disk; it is dropped.
func marshalOutput(out any) (json.RawMessage, error) {
	if raw, ok := out.(json.RawMessage); ok {
		return raw, nil
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, err
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(b, &m) == nil {
		if _, has := m["ResultMetadata"]; has {
			delete(m, "ResultMetadata")
			return json.Marshal(m)
		}
	}
	return b, nil
}

// Path returns the relative path of a service file.
func Path(account, region, service string) string {
	return filepath.Join("accounts", account, region, service+".json.gz")
}

// orgFile and manifestFile are the fixed names at the snapshot root.
const (
	orgFile      = "org.json"
	manifestFile = "manifest.json"
)

// Resolve accepts either a snapshot directory or a directory that holds
// one under "snapshot/" (as `orgrail collect --out DIR` and `orgrail demo
// generate --out DIR` write), and returns the snapshot directory.
func Resolve(dir string) string {
	if _, err := os.Stat(filepath.Join(dir, manifestFile)); err == nil {
		return dir
	}
	sub := filepath.Join(dir, "snapshot")
	if _, err := os.Stat(filepath.Join(sub, manifestFile)); err == nil {
		return sub
	}
	if _, err := os.Stat(filepath.Join(sub, orgFile)); err == nil {
		return sub
	}
	return dir
}

// loadOrg reads and indexes org.json.
func loadOrg(path string) (*org.Organization, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var o org.Organization
	if err := json.Unmarshal(b, &o); err != nil {
		return nil, fmt.Errorf("%s: %w", path, describeJSONError(b, err))
	}
	if err := o.Index(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &o, nil
}
