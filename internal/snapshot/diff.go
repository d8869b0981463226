package snapshot

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/orgrail/orgrail/internal/org"
)

// Change is one difference between two snapshots.
type Change struct {
	// Kind is added, removed or changed.
	Kind string `json:"kind"`
	// Object says what changed: account, ou, policy, attachment,
	// delegated-administrator, service-access, file, operation, resource.
	Object string `json:"object"`
	// ID names it: an account id, a policy id, a file path, ...
	ID string `json:"id"`
	// Detail is a short human description.
	Detail string `json:"detail,omitempty"`
}

// Diff compares snapshot a (before) with b (after). It reports
// organization changes (accounts, OUs, policies and attachments) and
// resource changes down to the operation and resource key. The result
// is sorted and deterministic.
func Diff(a, b *Snapshot) ([]Change, error) {
	changes := diffOrg(a.Org, b.Org)
	fa, err := a.Files()
	if err != nil {
		return nil, err
	}
	fb, err := b.Files()
	if err != nil {
		return nil, err
	}
	inA := map[string]bool{}
	for _, f := range fa {
		inA[f] = true
	}
	inB := map[string]bool{}
	for _, f := range fb {
		inB[f] = true
		if !inA[f] {
			changes = append(changes, Change{Kind: "added", Object: "file", ID: f})
		}
	}
	for _, f := range fa {
		if !inB[f] {
			changes = append(changes, Change{Kind: "removed", Object: "file", ID: f})
			continue
		}
		ca, err := ReadServiceFile(a.Dir + "/" + f)
		if err != nil {
			return nil, err
		}
		cb, err := ReadServiceFile(b.Dir + "/" + f)
		if err != nil {
			return nil, err
		}
		changes = append(changes, diffService(f, ca, cb)...)
	}
	sort.SliceStable(changes, func(i, j int) bool {
		x, y := changes[i], changes[j]
		if x.Object != y.Object {
			return x.Object < y.Object
		}
		if x.ID != y.ID {
			return x.ID < y.ID
		}
		return x.Kind < y.Kind
	})
	return changes, nil
}

func diffService(path string, a, b *ServiceFile) []Change {
	var out []Change
	out = append(out, diffRaw(path, "operation", a.Operations, b.Operations)...)
	ops := map[string]bool{}
	for op := range a.PerResource {
		ops[op] = true
	}
	for op := range b.PerResource {
		ops[op] = true
	}
	for op := range ops {
		out = append(out, diffRaw(path+" "+op, "resource", a.PerResource[op], b.PerResource[op])...)
	}
	return out
}

func diffRaw(prefix, object string, a, b map[string]json.RawMessage) []Change {
	var out []Change
	for k, va := range a {
		vb, ok := b[k]
		switch {
		case !ok:
			out = append(out, Change{Kind: "removed", Object: object, ID: prefix + " " + k})
		case !bytes.Equal(compact(va), compact(vb)):
			out = append(out, Change{Kind: "changed", Object: object, ID: prefix + " " + k})
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out = append(out, Change{Kind: "added", Object: object, ID: prefix + " " + k})
		}
	}
	return out
}

func compact(b []byte) []byte {
	var buf bytes.Buffer
	if json.Compact(&buf, b) != nil {
		return b
	}
	return buf.Bytes()
}

func diffOrg(a, b *org.Organization) []Change {
	var out []Change
	accA := map[string]org.Account{}
	for _, x := range a.Accounts {
		accA[x.Id] = x
	}
	for _, y := range b.Accounts {
		x, ok := accA[y.Id]
		switch {
		case !ok:
			out = append(out, Change{"added", "account", y.Id, y.Name + " under " + b.PathNames(y.ParentId)})
		case x.ParentId != y.ParentId:
			out = append(out, Change{"changed", "account", y.Id, fmt.Sprintf("moved from %s to %s", a.PathNames(x.ParentId), b.PathNames(y.ParentId))})
		case x.Status != y.Status:
			out = append(out, Change{"changed", "account", y.Id, fmt.Sprintf("status %s → %s", x.Status, y.Status)})
		case x.Name != y.Name || x.Email != y.Email:
			out = append(out, Change{"changed", "account", y.Id, "name or email changed"})
		}
		delete(accA, y.Id)
	}
	for id, x := range accA {
		out = append(out, Change{"removed", "account", id, x.Name})
	}
	ouA := map[string]org.OU{}
	for _, x := range a.OrganizationalUnits {
		ouA[x.Id] = x
	}
	for _, y := range b.OrganizationalUnits {
		x, ok := ouA[y.Id]
		switch {
		case !ok:
			out = append(out, Change{"added", "ou", y.Id, b.PathNames(y.Id)})
		case x.ParentId != y.ParentId || x.Name != y.Name:
			out = append(out, Change{"changed", "ou", y.Id, fmt.Sprintf("%s → %s", a.PathNames(x.Id), b.PathNames(y.Id))})
		}
		delete(ouA, y.Id)
	}
	for id, x := range ouA {
		out = append(out, Change{"removed", "ou", id, x.Name})
	}
	return append(out, diffPolicies(a, b)...)
}

func diffPolicies(a, b *org.Organization) []Change {
	var out []Change
	pA := map[string]org.Policy{}
	for _, x := range a.Policies {
		pA[x.Id] = x
	}
	for _, y := range b.Policies {
		x, ok := pA[y.Id]
		if !ok {
			out = append(out, Change{"added", "policy", y.Id, y.Type + " " + y.Name})
			for _, t := range y.Targets {
				out = append(out, Change{"added", "attachment", y.Id + " → " + t, b.Name(t)})
			}
			continue
		}
		if !bytes.Equal(compact([]byte(x.Content)), compact([]byte(y.Content))) {
			out = append(out, Change{"changed", "policy", y.Id, y.Name + ": content changed"})
		}
		ta := map[string]bool{}
		for _, t := range x.Targets {
			ta[t] = true
		}
		for _, t := range y.Targets {
			if !ta[t] {
				out = append(out, Change{"added", "attachment", y.Id + " → " + t, y.Name + " attached to " + b.Name(t)})
			}
			delete(ta, t)
		}
		for t := range ta {
			out = append(out, Change{"removed", "attachment", y.Id + " → " + t, y.Name + " detached from " + a.Name(t)})
		}
		delete(pA, y.Id)
	}
	for id, x := range pA {
		out = append(out, Change{"removed", "policy", id, x.Type + " " + x.Name})
	}
	return out
}
