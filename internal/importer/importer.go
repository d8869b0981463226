// Package importer is the inverse of plan: it writes the landing-zone
// configuration (YAML files and policy documents) that describes an
// organization as it is, so that planning that configuration against the
// same organization finds nothing to do.
package importer

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/orgrail/orgrail/internal/config"
	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/plan"
)

// Files is a configuration directory: relative path → content.
type Files map[string][]byte

// Write writes the files under dir, creating directories as needed. It
// refuses to overwrite a YAML file already there.
func (f Files) Write(dir string) error {
	for _, name := range f.Names() {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return fmt.Errorf("import: %w", err)
		}
		if _, err := os.Stat(path); err == nil && strings.HasSuffix(name, ".yaml") {
			return fmt.Errorf("import: %s already exists; import into an empty directory", path)
		}
		if err := os.WriteFile(path, f[name], 0o644); err != nil {
			return fmt.Errorf("import: %w", err)
		}
	}
	return nil
}

// Names returns the file names, sorted.
func (f Files) Names() []string {
	out := make([]string, 0, len(f))
	for k := range f {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

type orgDoc struct {
	Organization orgSection `yaml:"organization"`
}

type orgSection struct {
	Mode                    string          `yaml:"mode"`
	ID                      string          `yaml:"id,omitempty"`
	ManagementAccount       string          `yaml:"managementAccount,omitempty"`
	TrustedAccess           []string        `yaml:"trustedAccess,omitempty"`
	DelegatedAdministrators []delegatedYAML `yaml:"delegatedAdministrators,omitempty"`
}

type delegatedYAML struct {
	Service string `yaml:"service"`
	Account string `yaml:"account"`
}

type ouYAML struct {
	Path string            `yaml:"path"`
	Tags map[string]string `yaml:"tags,omitempty"`
}

type accountYAML struct {
	Name     string                 `yaml:"name"`
	ID       string                 `yaml:"id"`
	Email    string                 `yaml:"email"`
	OU       string                 `yaml:"ou"`
	Tags     map[string]string      `yaml:"tags,omitempty"`
	Contacts map[string]contactYAML `yaml:"alternateContacts,omitempty"`
}

type contactYAML struct {
	Name  string `yaml:"name"`
	Title string `yaml:"title"`
	Email string `yaml:"email"`
	Phone string `yaml:"phone"`
}

// contacts returns an account's alternate contacts as configuration,
// keyed billing, operations, security.
func contacts(a *org.Account) map[string]contactYAML {
	if len(a.AlternateContacts) == 0 {
		return nil
	}
	out := map[string]contactYAML{}
	for _, c := range a.AlternateContacts {
		out[strings.ToLower(c.AlternateContactType)] = contactYAML{Name: c.Name, Title: c.Title, Email: c.EmailAddress, Phone: c.PhoneNumber}
	}
	return out
}

type policyYAML struct {
	Name        string   `yaml:"name"`
	Type        string   `yaml:"type"`
	Description string   `yaml:"description,omitempty"`
	File        string   `yaml:"file,omitempty"`
	AWSManaged  bool     `yaml:"awsManaged,omitempty"`
	Targets     []string `yaml:"targets,flow"`
}

// importer holds the names chosen while importing.
type importer struct {
	o      *org.Organization
	v      *plan.View
	names  map[string]string // account id -> configured name
	ouPath map[string]string // OU id -> path
	files  Files
}

// Import returns the configuration of o. o is indexed if it is not.
func Import(o *org.Organization) (Files, error) {
	if err := o.Index(); err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	im := &importer{o: o, v: plan.NewView(o, nil), names: map[string]string{}, ouPath: map[string]string{}, files: Files{}}
	for _, u := range o.OrganizationalUnits {
		im.ouPath[u.Id] = im.v.TargetRef(u.Id)
	}
	im.nameAccounts()
	steps := []func() error{im.organization, im.ous, im.accounts, im.policies}
	for _, s := range steps {
		if err := s(); err != nil {
			return nil, err
		}
	}
	return im.files, nil
}

// nameAccounts gives every account a unique configured name: its AWS
// name, with the id appended when the name is taken, empty, or also an
// OU path.
func (im *importer) nameAccounts() {
	paths := map[string]bool{config.RootPath: true}
	for _, p := range im.ouPath {
		paths[p] = true
	}
	count := map[string]int{}
	for _, a := range im.o.Accounts {
		count[a.Name]++
	}
	for _, a := range im.o.Accounts {
		n := strings.TrimSpace(a.Name)
		if n == "" || count[a.Name] > 1 || paths[n] || len(n) > 50-13 || !printable.MatchString(n) {
			base := "account"
			if n != "" {
				base = safeName(n, 36)
			}
			n = base + "-" + a.Id
		}
		im.names[a.Id] = n
	}
}

var printable = regexp.MustCompile(`^[\x20-\x7E]+$`)

func (im *importer) yaml(name, header string, v any) error {
	b, err := yaml.Marshal(v)
	if err != nil {
		return fmt.Errorf("import: %s: %w", name, err)
	}
	im.files[name] = append([]byte(header), b...)
	return nil
}

func (im *importer) organization() error {
	s := orgSection{Mode: config.ModeOrganizations, ID: im.o.Id, ManagementAccount: im.names[im.o.MasterAccountId]}
	for _, p := range im.o.EnabledServicePrincipals {
		s.TrustedAccess = append(s.TrustedAccess, p.ServicePrincipal)
	}
	sort.Strings(s.TrustedAccess)
	for _, d := range im.o.DelegatedAdministrators {
		for _, sp := range d.ServicePrincipals {
			s.DelegatedAdministrators = append(s.DelegatedAdministrators, delegatedYAML{Service: sp, Account: im.names[d.AccountId]})
		}
	}
	sort.Slice(s.DelegatedAdministrators, func(i, j int) bool {
		return s.DelegatedAdministrators[i].Service < s.DelegatedAdministrators[j].Service
	})
	return im.yaml("organization.yaml", "# Imported by orgrail import from organization "+im.o.Id+".\n", orgDoc{s})
}

func (im *importer) ous() error {
	var list []ouYAML
	for _, u := range im.o.OrganizationalUnits {
		list = append(list, ouYAML{Path: im.ouPath[u.Id], Tags: nonEmpty(u.Tags)})
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Path < list[j].Path })
	return im.yaml("ous.yaml", "# Organizational units, by path from the root.\n", map[string]any{"ous": list})
}

func (im *importer) accounts() error {
	var list []accountYAML
	for i := range im.o.Accounts {
		a := &im.o.Accounts[i]
		ou := im.v.ParentPath(a.Id)
		list = append(list, accountYAML{Name: im.names[a.Id], ID: a.Id, Email: a.Email, OU: ou, Tags: nonEmpty(a.Tags), Contacts: contacts(a)})
	}
	sort.Slice(list, func(i, j int) bool { return list[i].ID < list[j].ID })
	return im.yaml("accounts.yaml", "# Member accounts.\n", map[string]any{"accounts": list})
}

func (im *importer) policies() error {
	var list []policyYAML
	used := map[string]bool{}
	ps := append([]org.Policy(nil), im.o.Policies...)
	sort.Slice(ps, func(i, j int) bool {
		if ps[i].Type != ps[j].Type {
			return ps[i].Type < ps[j].Type
		}
		return ps[i].Name < ps[j].Name
	})
	for _, p := range ps {
		y := policyYAML{Name: p.Name, Type: p.Type, AWSManaged: p.AwsManaged, Targets: []string{}}
		if !p.AwsManaged {
			y.Description = p.Description
			file := filepath.ToSlash(filepath.Join("policies", strings.ToLower(p.Type), safeName(p.Name, 100)+".json"))
			for n := 2; used[file]; n++ {
				file = filepath.ToSlash(filepath.Join("policies", strings.ToLower(p.Type), fmt.Sprintf("%s-%d.json", safeName(p.Name, 100), n)))
			}
			used[file] = true
			y.File = file
			im.files[file] = []byte(plan.Pretty(p.Content) + "\n")
		}
		for _, t := range p.Targets {
			y.Targets = append(y.Targets, im.targetRef(t))
		}
		sort.Strings(y.Targets)
		list = append(list, y)
	}
	return im.yaml("policies.yaml", "# Organization policies and where they attach.\n", map[string]any{"policies": list})
}

// targetRef names a target as the configuration does.
func (im *importer) targetRef(id string) string {
	switch org.TargetKind(id) {
	case org.KindRoot:
		return config.RootPath
	case org.KindOU:
		return im.ouPath[id]
	}
	if n, ok := im.names[id]; ok {
		return n
	}
	return id
}

var unsafe = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// safeName turns a name into a file-name-safe string of at most n bytes.
func safeName(s string, n int) string {
	s = strings.Trim(unsafe.ReplaceAllString(s, "-"), "-.")
	if len(s) > n {
		s = s[:n]
	}
	if s == "" {
		s = "policy"
	}
	return s
}

func nonEmpty(t map[string]string) map[string]string {
	if len(t) == 0 {
		return nil
	}
	return t
}
