package baseline

import (
	"fmt"
	"slices"
	"strings"
)

// RootFeatures are the IAM features centralized root access turns on,
// in IAM's spelling.
var RootFeatures = []string{"RootCredentialsManagement", "RootSessions"}

// Root-task policies of sts:AssumeRoot the baseline uses: one to read a
// member's root credentials, one to delete them.
const (
	TaskAuditRoot  = "IAMAuditRootUserCredentials"
	TaskDeleteRoot = "IAMDeleteRootUserCredentials"
)

// TaskPolicyARN is the ARN of a root-task managed policy.
func TaskPolicyARN(partition, task string) string {
	return "arn:" + partition + ":iam::aws:policy/root-task/" + task
}

// RootCredentials are a member account's root user credentials as a
// root session lists them (ids only; never secret values).
type RootCredentials struct {
	LoginProfile bool     `json:"loginProfile"`
	AccessKeys   []string `json:"accessKeys,omitempty"`
	SigningCerts []string `json:"signingCertificates,omitempty"`
	MFADevices   []string `json:"mfaDevices,omitempty"`
}

// None reports whether the root user has no credentials at all.
func (r RootCredentials) None() bool {
	return !r.LoginProfile && len(r.AccessKeys)+len(r.SigningCerts)+len(r.MFADevices) == 0
}

// Summary names the credentials in words ("none" when there are none).
func (r RootCredentials) Summary() string {
	var parts []string
	if r.LoginProfile {
		parts = append(parts, "password")
	}
	for _, x := range []struct {
		n    int
		what string
	}{{len(r.AccessKeys), "access key"}, {len(r.SigningCerts), "signing certificate"}, {len(r.MFADevices), "MFA device"}} {
		switch {
		case x.n == 1:
			parts = append(parts, "1 "+x.what)
		case x.n > 1:
			parts = append(parts, fmt.Sprintf("%d %ss", x.n, x.what))
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// Fingerprint is the Observe value of a root-credentials step: "none"
// once the account has no root credentials.
func (r RootCredentials) Fingerprint() string {
	if r.None() {
		return "none"
	}
	return "root-credentials:" + digest(r.Summary()+"|"+strings.Join(r.AccessKeys, ",")+"|"+strings.Join(r.SigningCerts, ",")+"|"+strings.Join(r.MFADevices, ","))
}

// FeaturesFingerprint names a set of enabled root access features.
func FeaturesFingerprint(features []string) string {
	f := slices.Clone(features)
	slices.Sort(f)
	f = slices.Compact(f)
	if len(f) == 0 {
		return "features:none"
	}
	return "features:" + strings.Join(f, ",")
}

// RootReport is what a root-credentials step found and removed in one
// member account.
type RootReport struct {
	Account string          `json:"account"`
	Found   RootCredentials `json:"found"`
	Removed RootCredentials `json:"removed"`
	// Remaining is "none" when the account is left without root
	// credentials, else what is still there.
	Remaining string `json:"remaining"`
	Error     string `json:"error,omitempty"`
}

const keyRootFeatures = "root-access:features"

// rootSteps are the steps of centralized root access: the features,
// then one credentials step per member account.
func rootSteps(s *Settings) []Step {
	if !s.RootAccess {
		return nil
	}
	out := []Step{{Key: keyRootFeatures, Kind: KindRootFeatures, Name: "root-access", Account: s.ManagementID, Regions: []string{s.HomeRegion},
		Address: "IAM centralized root access (" + strings.Join(RootFeatures, ", ") + ")", Result: FeaturesFingerprint(RootFeatures)}}
	for _, m := range s.Members {
		out = append(out, Step{Key: "root-credentials:" + m, Kind: KindRootCredentials, Name: m, Account: m, Regions: []string{s.HomeRegion},
			Address: "root user credentials of " + m + " removed (sts:AssumeRoot)", Result: "none", DependsOn: []string{keyRootFeatures}})
	}
	return out
}
