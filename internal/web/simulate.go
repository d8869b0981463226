package web

import (
	"net/http"
	"strings"

	"github.com/orgrail/orgrail/internal/authz"
)

// SimForm is the simulator's request and, once decided, its result.
type SimForm struct {
	Principal, Action, Resource, Context string
	Result                               *authz.Result
}

// maxContextLines bounds the simulator's context keys.
const maxContextLines = 50

func (s *Server) simulateView(r *http.Request, _ *Data, _ *Page) (any, error) {
	q := r.URL.Query()
	f := &SimForm{Principal: strings.TrimSpace(q.Get("principal")), Action: strings.TrimSpace(q.Get("action")),
		Resource: strings.TrimSpace(q.Get("resource")), Context: q.Get("context")}
	if f.Resource == "" {
		f.Resource = "*"
	}
	if f.Principal == "" && f.Action == "" {
		return f, nil
	}
	res, err := s.simulate(f)
	if err != nil {
		return f, badRequest{err.Error()}
	}
	f.Result = res
	return f, nil
}

// simulate decides the form's request with the snapshot's policies, as
// `orgrail policy simulate --snapshot DIR --explain` does.
func (s *Server) simulate(f *SimForm) (*authz.Result, error) {
	if f.Principal == "" || f.Action == "" {
		return nil, badRequest{"give a principal and an action"}
	}
	sub, ok := authz.ParsePrincipal(f.Principal, "")
	if !ok {
		return nil, badRequest{"principal " + f.Principal + ": not a principal ARN, account ID, service principal or anonymous"}
	}
	in := &authz.Input{Principal: sub, Action: f.Action, Resource: f.Resource}
	if acct := arnAccount(f.Resource); acct != "" {
		in.ResourceAccount = acct
	}
	lines := strings.Split(strings.ReplaceAll(f.Context, "\r\n", "\n"), "\n")
	if len(lines) > maxContextLines {
		return nil, badRequest{"too many context lines"}
	}
	for _, line := range lines {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return nil, badRequest{"context " + line + ": want key=value"}
		}
		in.Context.Set(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	src, err := s.simulator()
	if err != nil {
		return nil, err
	}
	if err := src.Fill(in); err != nil {
		return nil, badRequest{err.Error()}
	}
	if err := (&authz.Validator{}).Check(in); err != nil {
		return nil, badRequest{err.Error()}
	}
	res := authz.New().Evaluate(in, true)
	return &res, nil
}

// arnAccount returns the account field of an ARN, or "".
func arnAccount(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" {
		return ""
	}
	return parts[4]
}
