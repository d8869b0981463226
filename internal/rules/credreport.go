package rules

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// credUser is one row of the IAM credential report.
type credUser struct {
	User, Arn           string
	Created             time.Time
	PasswordEnabled     bool
	PasswordLastUsed    time.Time // zero: never or N/A
	PasswordLastChanged time.Time
	MFAActive           bool
	Keys                [2]credKey
	CertActive          [2]bool
}

// credKey is one access key column group of the credential report.
type credKey struct {
	Active      bool
	LastRotated time.Time
	LastUsed    time.Time
}

// root reports whether the row is the root user's.
func (u *credUser) root() bool { return u.User == "<root_account>" }

// credentialReport decodes and parses an account's credential report.
func credentialReport(v *view) ([]credUser, error) {
	out, err := get[iam.GetCredentialReportOutput](v, "global", "iam", "GetCredentialReport")
	if err != nil {
		return nil, err
	}
	return parseCredentialReport(out.Content)
}

func parseCredentialReport(b []byte) ([]credUser, error) {
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("credential report: %w", err)
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("credential report: empty")
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[strings.TrimSpace(h)] = i
	}
	for _, need := range []string{"user", "arn", "password_enabled", "mfa_active", "access_key_1_active"} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("credential report: no %s column", need)
		}
	}
	field := func(rec []string, name string) string {
		i, ok := col[name]
		if !ok || i >= len(rec) {
			return ""
		}
		return rec[i]
	}
	users := make([]credUser, 0, len(recs)-1)
	for _, rec := range recs[1:] {
		u := credUser{
			User: field(rec, "user"), Arn: field(rec, "arn"),
			Created:             crTime(field(rec, "user_creation_time")),
			PasswordEnabled:     field(rec, "password_enabled") == "true",
			PasswordLastUsed:    crTime(field(rec, "password_last_used")),
			PasswordLastChanged: crTime(field(rec, "password_last_changed")),
			MFAActive:           field(rec, "mfa_active") == "true",
		}
		for k := 0; k < 2; k++ {
			p := fmt.Sprintf("access_key_%d_", k+1)
			u.Keys[k] = credKey{
				Active:      field(rec, p+"active") == "true",
				LastRotated: crTime(field(rec, p+"last_rotated")),
				LastUsed:    crTime(field(rec, p+"last_used_date")),
			}
			u.CertActive[k] = field(rec, fmt.Sprintf("cert_%d_active", k+1)) == "true"
		}
		users = append(users, u)
	}
	return users, nil
}

// crTime parses a credential report time; N/A, no_information and
// not_supported give the zero time.
func crTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// days returns whole days between t and now.
func days(now, t time.Time) int { return int(now.Sub(t).Hours() / 24) }
