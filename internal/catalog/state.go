package catalog

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// States Observe reports besides fingerprints.
const (
	StateAbsent  = "absent"
	StatePresent = "present"
	StateOn      = "on"
	StateOff     = "off"
)

// State is what exists of the catalog: the hub's portfolios and
// products by name, and each member account's accepted shares and
// principals. The zero State (nothing exists) is ready to use.
type State struct {
	OrgAccess  bool                       `json:"orgAccess"`
	Portfolios map[string]*PortfolioState `json:"portfolios,omitempty"`
	Products   map[string]*ProductState   `json:"products,omitempty"`
	Members    map[string]*MemberState    `json:"members,omitempty"`
}

// PortfolioState is a portfolio of the hub account.
type PortfolioState struct {
	ID          string `json:"id"`
	Description string `json:"description,omitempty"`
	Provider    string `json:"provider,omitempty"`
	// Products are the ids of the associated products.
	Products map[string]bool `json:"products,omitempty"`
	// Launch maps a product id to its LAUNCH constraint.
	Launch map[string]Constraint `json:"launch,omitempty"`
	// Shares holds the organization nodes shared to, as "TYPE/value".
	Shares map[string]bool `json:"shares,omitempty"`
}

// Constraint is a LAUNCH constraint: its id and its role name (the
// LocalRoleName, or the RoleArn when the constraint names an ARN).
type Constraint struct {
	ID   string `json:"id"`
	Role string `json:"role"`
}

// ProductState is a product of the hub account.
type ProductState struct {
	ID          string `json:"id"`
	Owner       string `json:"owner,omitempty"`
	Description string `json:"description,omitempty"`
	// Versions are the names of its provisioning artifacts.
	Versions map[string]string `json:"versions,omitempty"`
}

// MemberState is what a recipient account has of the catalog.
type MemberState struct {
	// Accepted are the ids of the portfolios it imported.
	Accepted map[string]bool `json:"accepted,omitempty"`
	// Principals maps a portfolio id to the principal ARNs associated.
	Principals map[string]map[string]bool `json:"principals,omitempty"`
}

// Portfolio returns the portfolio of that name, or nil.
func (s *State) Portfolio(name string) *PortfolioState {
	if s == nil {
		return nil
	}
	return s.Portfolios[name]
}

// Product returns the product of that name, or nil.
func (s *State) Product(name string) *ProductState {
	if s == nil {
		return nil
	}
	return s.Products[name]
}

// Member returns the state of a member account, made on first use.
func (s *State) Member(account string) *MemberState {
	if s.Members == nil {
		s.Members = map[string]*MemberState{}
	}
	m := s.Members[account]
	if m == nil {
		m = &MemberState{Accepted: map[string]bool{}, Principals: map[string]map[string]bool{}}
		s.Members[account] = m
	}
	return m
}

// SetPortfolio records a portfolio, keeping what is known of it.
func (s *State) SetPortfolio(name string, p *PortfolioState) *PortfolioState {
	if s.Portfolios == nil {
		s.Portfolios = map[string]*PortfolioState{}
	}
	if p.Products == nil {
		p.Products = map[string]bool{}
	}
	if p.Launch == nil {
		p.Launch = map[string]Constraint{}
	}
	if p.Shares == nil {
		p.Shares = map[string]bool{}
	}
	s.Portfolios[name] = p
	return p
}

// SetProduct records a product.
func (s *State) SetProduct(name string, p *ProductState) *ProductState {
	if s.Products == nil {
		s.Products = map[string]*ProductState{}
	}
	if p.Versions == nil {
		p.Versions = map[string]string{}
	}
	s.Products[name] = p
	return p
}

// NodeKey is how a share is keyed in PortfolioState.Shares.
func NodeKey(typ, value string) string { return typ + "/" + value }

// fingerprint digests attribute values for Observe.
func fingerprint(parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(h[:6])
}

// Observe returns the state of the object a step acts on: absent, or
// present, on/off, or a fingerprint of the attributes the step sets.
// A step is done when Observe equals its Result.
func Observe(st *Step, s *State) string {
	if s == nil {
		s = &State{}
	}
	switch st.Kind {
	case KindOrgAccess:
		if s.OrgAccess {
			return StateOn
		}
		return StateOff
	case KindPortfolio:
		if p := s.Portfolio(st.Portfolio); p != nil {
			return fingerprint(p.Description, p.Provider)
		}
	case KindProduct:
		if p := s.Product(st.Product); p != nil {
			return fingerprint(p.Owner, p.Description)
		}
	case KindArtifact:
		if p := s.Product(st.Product); p != nil && st.Artifact != nil && p.Versions[st.Artifact.Name] != "" {
			return StatePresent
		}
	case KindAssociation:
		if pf, pr := s.Portfolio(st.Portfolio), s.Product(st.Product); pf != nil && pr != nil && pf.Products[pr.ID] {
			return StatePresent
		}
	case KindLaunch:
		if pf, pr := s.Portfolio(st.Portfolio), s.Product(st.Product); pf != nil && pr != nil {
			if c, ok := pf.Launch[pr.ID]; ok {
				return fingerprint(c.Role)
			}
		}
	case KindShare:
		if pf := s.Portfolio(st.Portfolio); pf != nil && st.Node != nil && pf.Shares[NodeKey(st.Node.Type, st.Node.Value)] {
			return StatePresent
		}
	case KindAccept:
		if pf := s.Portfolio(st.Portfolio); pf != nil && s.Members[st.Account] != nil && s.Members[st.Account].Accepted[pf.ID] {
			return StatePresent
		}
	case KindPrincipal:
		if pf := s.Portfolio(st.Portfolio); pf != nil && s.Members[st.Account] != nil && s.Members[st.Account].Principals[pf.ID][st.Principal] {
			return StatePresent
		}
	}
	return StateAbsent
}
