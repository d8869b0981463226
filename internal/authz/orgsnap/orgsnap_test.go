package orgsnap

import (
	"testing"

	"github.com/orgrail/orgrail/internal/authz"
	"github.com/orgrail/orgrail/internal/demo"
)

// demoSource writes the embedded demo organization and opens its snapshot.
func demoSource(t *testing.T) *Source {
	t.Helper()
	dir := t.TempDir()
	if _, err := demo.WriteEmbedded(dir); err != nil {
		t.Skipf("demo organization unavailable: %v", err)
	}
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSimulateAgainstDemo(t *testing.T) {
	src := demoSource(t)
	eng := authz.New()
	const admin = "arn:aws:sts::105613670171:assumed-role/OrganizationAccountAccessRole/s"
	tests := []struct {
		name, principal, action, resource, region string
		context                                   map[string][]string
		want                                      authz.Decision
		by                                        authz.Layer
	}{
		{"RCP denies plain HTTP to S3", admin, "s3:GetObject", "arn:aws:s3:::b/k", "us-east-1", map[string][]string{"aws:SecureTransport": {"false"}}, authz.ExplicitlyDenied, authz.LayerRCP},
		{"allowed region", admin, "ec2:RunInstances", "*", "us-east-1", nil, authz.Allowed, authz.LayerIdentity},
		{"region outside the allow list", admin, "ec2:RunInstances", "*", "eu-west-1", nil, authz.ExplicitlyDenied, authz.LayerSCP},
		{"global service outside the region list", admin, "iam:ListUsers", "*", "eu-west-1", nil, authz.Allowed, authz.LayerIdentity},
		{"leave the organization", admin, "organizations:LeaveOrganization", "*", "us-east-1", nil, authz.ExplicitlyDenied, authz.LayerSCP},
		{"member root user", "arn:aws:iam::105613670171:root", "s3:ListAllMyBuckets", "*", "us-east-1", nil, authz.ExplicitlyDenied, authz.LayerSCP},
		{"management account root is outside SCPs", "arn:aws:iam::370511224343:root", "organizations:LeaveOrganization", "*", "us-east-1", nil, authz.Allowed, authz.LayerIdentity},
		{"sandbox large instance", "arn:aws:sts::576151305566:assumed-role/OrganizationAccountAccessRole/s", "ec2:RunInstances",
			"arn:aws:ec2:us-east-1:576151305566:instance/i-1", "us-east-1", map[string][]string{"ec2:InstanceType": {"m5.large"}}, authz.ExplicitlyDenied, authz.LayerSCP},
		{"sandbox small instance", "arn:aws:sts::576151305566:assumed-role/OrganizationAccountAccessRole/s", "ec2:RunInstances",
			"arn:aws:ec2:us-east-1:576151305566:instance/i-1", "us-east-1", map[string][]string{"ec2:InstanceType": {"t3.micro"}}, authz.Allowed, authz.LayerIdentity},
		{"role without policy for the action", "arn:aws:sts::105613670171:assumed-role/KumoSecurityAudit/s", "s3:PutObject",
			"arn:aws:s3:::nope/k", "us-east-1", nil, authz.ImplicitlyDenied, authz.LayerIdentity},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sub, ok := authz.ParsePrincipal(tt.principal, "")
			if !ok {
				t.Fatal("principal")
			}
			in := &authz.Input{Principal: sub, Action: tt.action, Resource: tt.resource, ResourceAccount: sub.Account}
			in.Context = authz.NewContext(tt.context)
			in.Context.SetDefault("aws:RequestedRegion", tt.region)
			in.Context.SetDefault("aws:SecureTransport", "true") // the demo's RCP denies plain HTTP
			if err := src.Fill(in); err != nil {
				t.Fatal(err)
			}
			res := eng.Evaluate(in, true)
			if res.Decision != tt.want || res.DecidedBy != tt.by {
				t.Errorf("got %s by %s, want %s by %s\n%v", res.Decision, res.DecidedBy, tt.want, tt.by, res.Explanation)
			}
		})
	}
}

func TestLintDemo(t *testing.T) {
	src := demoSource(t)
	ds, err := src.Lint()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, d := range ds {
		if d.Code == "lint.allow-all" {
			found = true
		}
		if d.Line == 0 && d.Code != "org.attachment-quota" && d.Code != "org.ou-depth" && d.Code != "lint.missing-version" && d.Code != "scp.size" && d.Code != "rcp.size" {
			t.Errorf("no position: %v", d)
		}
	}
	if !found {
		t.Error("the demo's allow-all policy was not reported")
	}
}
