// Package orgsnap gathers, from a snapshot, every policy that applies to
// a request: the caller's identity policies (inline, customer managed and
// AWS managed, from its groups too), its permissions boundary, the
// resource's policy (bucket policy, role trust policy, KMS key policy),
// and the SCPs and RCPs inherited down the OU path, with the
// management-account exemption.
package orgsnap

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/orgrail/orgrail/internal/authz"
	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/policy"
	"github.com/orgrail/orgrail/internal/snapshot"
)

// Source answers policy questions from one snapshot. It is safe for
// concurrent use; compiled policies are shared through its cache.
type Source struct {
	Snap  *snapshot.Snapshot
	cache *authz.Cache

	mu   sync.Mutex
	auth map[string]*iam.GetAccountAuthorizationDetailsOutput
}

// Open opens the snapshot in dir (or dir/snapshot).
func Open(dir string) (*Source, error) {
	s, err := snapshot.Open(dir)
	if err != nil {
		return nil, err
	}
	if err := s.Org.Index(); err != nil {
		return nil, fmt.Errorf("snapshot %s: org.json: %w", s.Dir, err)
	}
	return &Source{Snap: s, cache: authz.NewCache(), auth: map[string]*iam.GetAccountAuthorizationDetailsOutput{}}, nil
}

// Fill adds to in the policies the snapshot holds for its principal and
// resource, and the organization context keys AWS sets (aws:PrincipalOrgID,
// aws:PrincipalOrgPaths, aws:ResourceOrgID, aws:ResourceOrgPaths) when the
// request does not give them. in.Principal, Action and Resource must be
// set; ResourceAccount defaults to the caller's account.
func (s *Source) Fill(in *authz.Input) error {
	sub := &in.Principal
	if in.ResourceAccount == "" {
		in.ResourceAccount = sub.Account
	}
	o := s.Snap.Org
	if sub.Kind.IsIAM() && o.Account(sub.Account) != nil {
		in.Context.SetDefault("aws:PrincipalOrgID", o.Id)
		in.Context.SetDefault("aws:PrincipalOrgPaths", s.orgPath(sub.Account))
	}
	if o.Account(in.ResourceAccount) != nil {
		in.Context.SetDefault("aws:ResourceOrgID", o.Id)
		in.Context.SetDefault("aws:ResourceOrgPaths", s.orgPath(in.ResourceAccount))
	}
	if sub.Account != "" && o.Account(sub.Account) != nil {
		in.PrincipalIsManagementAccount = o.IsManagementAccount(sub.Account)
		if sub.Kind.IsIAM() {
			lv, err := s.levels(sub.Account, org.SCP)
			if err != nil {
				return err
			}
			in.SCPs = lv
		}
	}
	if in.ResourceAccount != "" && o.Account(in.ResourceAccount) != nil {
		in.ResourceIsManagementAccount = o.IsManagementAccount(in.ResourceAccount)
		lv, err := s.levels(in.ResourceAccount, org.RCP)
		if err != nil {
			return err
		}
		in.RCPs = lv
	}
	if sub.Kind.IsIAM() && sub.Account != "" {
		if err := s.identity(in); err != nil {
			return err
		}
	}
	return s.resourcePolicy(in)
}

// orgPath is an account's organization path as AWS writes it in
// aws:PrincipalOrgPaths: o-id/r-root/ou-.../ (the account excluded).
func (s *Source) orgPath(account string) string {
	var b strings.Builder
	b.WriteString(s.Snap.Org.Id)
	b.WriteByte('/')
	for _, id := range s.Snap.Org.Path(account) {
		if id == account {
			break
		}
		b.WriteString(id)
		b.WriteByte('/')
	}
	return b.String()
}

// levels turns the policies in force on an account into engine levels.
func (s *Source) levels(account, typ string) ([]authz.Level, error) {
	var out []authz.Level
	for _, l := range s.Snap.Org.PoliciesInForce(account, typ) {
		level := authz.Level{ID: l.Target}
		for _, p := range l.Policies {
			n, err := s.compile(p.Id+" ("+p.Name+")", p.Content)
			if err != nil {
				return nil, err
			}
			level.Policies = append(level.Policies, n)
		}
		out = append(out, level)
	}
	if typ == org.RCP && len(out) > 0 {
		// A snapshot taken before RCPs were enabled has no RCP at all:
		// then RCPs do not apply.
		any := false
		for _, l := range out {
			any = any || len(l.Policies) > 0
		}
		if !any {
			return nil, nil
		}
	}
	return out, nil
}

func (s *Source) compile(id, doc string) (authz.Named, error) {
	if strings.HasPrefix(doc, "%7B") || strings.HasPrefix(doc, "%7b") {
		if d, err := url.PathUnescape(doc); err == nil {
			doc = d
		}
	}
	p, err := s.cache.Compile(id, []byte(doc))
	if err != nil {
		return authz.Named{}, fmt.Errorf("policy %s: %w", id, err)
	}
	return authz.Named{ID: id, Policy: p}, nil
}

// authDetails reads an account's GetAccountAuthorizationDetails.
func (s *Source) authDetails(account string) (*iam.GetAccountAuthorizationDetailsOutput, error) {
	s.mu.Lock()
	out, ok := s.auth[account]
	s.mu.Unlock()
	if ok {
		return out, nil
	}
	out = &iam.GetAccountAuthorizationDetailsOutput{}
	f, err := s.Snap.Service(account, snapshot.Global, "iam")
	if err == nil {
		_, err = f.Get("GetAccountAuthorizationDetails", out)
	}
	if err != nil && !errors.Is(err, snapshot.ErrNotCollected) {
		return nil, fmt.Errorf("account %s iam: %w", account, err)
	}
	s.mu.Lock()
	s.auth[account] = out
	s.mu.Unlock()
	return out, nil
}

// managed returns a managed policy's default version document: customer
// managed ones from the account, AWS managed ones from the pseudo-account
// "aws" of the snapshot.
func (s *Source) managed(account, arn string) (authz.Named, bool, error) {
	if strings.Contains(arn, ":iam::aws:policy/") {
		f, err := s.Snap.Service(snapshot.AWSAccount, snapshot.Global, "iam")
		if err != nil {
			return authz.Named{}, false, nil
		}
		var v iam.GetPolicyVersionOutput
		if ok, err := f.GetResource("GetPolicyVersion", arn, &v); err != nil || !ok || v.PolicyVersion == nil || v.PolicyVersion.Document == nil {
			return authz.Named{}, false, err
		}
		n, err := s.compile(arn, *v.PolicyVersion.Document)
		return n, err == nil, err
	}
	details, err := s.authDetails(account)
	if err != nil {
		return authz.Named{}, false, err
	}
	for _, p := range details.Policies {
		if p.Arn == nil || *p.Arn != arn {
			continue
		}
		for _, v := range p.PolicyVersionList {
			if v.IsDefaultVersion && v.Document != nil {
				n, err := s.compile(arn, *v.Document)
				return n, err == nil, err
			}
		}
	}
	return authz.Named{}, false, nil
}

func (s *Source) attached(account string, list []iamtypes.AttachedPolicy, in *authz.Input) error {
	for _, a := range list {
		if a.PolicyArn == nil {
			continue
		}
		n, ok, err := s.managed(account, *a.PolicyArn)
		if err != nil {
			return err
		}
		if ok {
			in.Identity = append(in.Identity, n)
		}
	}
	return nil
}

func (s *Source) inline(prefix string, list []iamtypes.PolicyDetail, in *authz.Input) error {
	for _, p := range list {
		if p.PolicyDocument == nil {
			continue
		}
		n, err := s.compile(prefix+"/"+deref(p.PolicyName), *p.PolicyDocument)
		if err != nil {
			return err
		}
		in.Identity = append(in.Identity, n)
	}
	return nil
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// decodeJSON is json.Unmarshal, kept for symmetry with snapshot outputs.
var _ = json.Unmarshal

// identity adds the caller's identity policies and boundary.
func (s *Source) identity(in *authz.Input) error {
	sub := &in.Principal
	details, err := s.authDetails(sub.Account)
	if err != nil {
		return err
	}
	switch sub.Kind {
	case policy.KindUser:
		for _, u := range details.UserDetailList {
			if deref(u.UserName) != sub.UserName {
				continue
			}
			if err := s.inline("user/"+sub.UserName, u.UserPolicyList, in); err != nil {
				return err
			}
			if err := s.attached(sub.Account, u.AttachedManagedPolicies, in); err != nil {
				return err
			}
			for _, g := range u.GroupList {
				if err := s.group(details, sub.Account, g, in); err != nil {
					return err
				}
			}
			return s.boundary(sub.Account, u.PermissionsBoundary, in)
		}
	case policy.KindRole, policy.KindRoleSession, policy.KindServiceLinkedRole:
		for _, r := range details.RoleDetailList {
			if deref(r.RoleName) != sub.RoleName {
				continue
			}
			if err := s.inline("role/"+sub.RoleName, r.RolePolicyList, in); err != nil {
				return err
			}
			if err := s.attached(sub.Account, r.AttachedManagedPolicies, in); err != nil {
				return err
			}
			if r.Path != nil && strings.HasPrefix(*r.Path, "/aws-service-role/") {
				in.PrincipalIsServiceLinkedRole = true
			}
			return s.boundary(sub.Account, r.PermissionsBoundary, in)
		}
	}
	return nil
}

func (s *Source) group(details *iam.GetAccountAuthorizationDetailsOutput, account, name string, in *authz.Input) error {
	for _, g := range details.GroupDetailList {
		if deref(g.GroupName) != name {
			continue
		}
		if err := s.inline("group/"+name, g.GroupPolicyList, in); err != nil {
			return err
		}
		return s.attached(account, g.AttachedManagedPolicies, in)
	}
	return nil
}

func (s *Source) boundary(account string, b *iamtypes.AttachedPermissionsBoundary, in *authz.Input) error {
	if b == nil || b.PermissionsBoundaryArn == nil {
		return nil
	}
	n, ok, err := s.managed(account, *b.PermissionsBoundaryArn)
	if err != nil {
		return err
	}
	if ok {
		in.Boundaries = append(in.Boundaries, n)
	}
	return nil
}
