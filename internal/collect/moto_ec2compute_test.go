package collect

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	astypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/org"
	"github.com/orgrail/orgrail/internal/rules"
	"github.com/orgrail/orgrail/internal/snapshot"
)

// motoComputeAccount is moto's default account.
const motoComputeAccount = "123456789012"

// startMotoServer runs moto_server, an AWS emulator independent of
// orgrail's local AWS, on a free loopback port; the test is skipped
// without it.
func startMotoServer(t *testing.T) aws.Config {
	t.Helper()
	bin, err := exec.LookPath("moto_server")
	if err != nil {
		t.Skip("moto_server not installed")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	// Without moto's default AMIs (and the snapshots behind them) the
	// account holds only the snapshots the test makes.
	cmd.Env = append(os.Environ(), "MOTO_EC2_LOAD_DEFAULT_AMIS=false")
	if err := cmd.Start(); err != nil {
		t.Skipf("moto_server: %v", err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	endpoint := fmt.Sprintf("http://127.0.0.1:%d", port)
	for i := 0; ; i++ {
		resp, err := http.Get(endpoint + "/moto-api/")
		if err == nil {
			resp.Body.Close()
			break
		}
		if i == 300 {
			t.Fatalf("moto_server did not answer on %s", endpoint)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(endpoint),
		Credentials: credentials.NewStaticCredentialsProvider("testing", "testing", "")}
}

// TestCollectComputeFromMoto builds snapshots, launch templates, a
// launch configuration and Auto Scaling groups in moto, collects the ec2
// and autoscaling services from it, and audits what was stored: the
// collector's calls (OwnerIds=self, DescribeSnapshotAttribute per
// snapshot, the $Default versions of every template) answer what the
// rules need, and a launch configuration's user data is never stored.
func TestCollectComputeFromMoto(t *testing.T) {
	ctx := context.Background()
	cfg := startMotoServer(t)
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	ec := ec2.NewFromConfig(cfg)
	vol, err := ec.CreateVolume(ctx, &ec2.CreateVolumeInput{AvailabilityZone: aws.String("us-east-1a"), Size: aws.Int32(8)})
	must(vol, err)
	pub, err := ec.CreateSnapshot(ctx, &ec2.CreateSnapshotInput{VolumeId: vol.VolumeId, Description: aws.String("public")})
	must(pub, err)
	shared, err := ec.CreateSnapshot(ctx, &ec2.CreateSnapshotInput{VolumeId: vol.VolumeId, Description: aws.String("shared")})
	must(shared, err)
	must(ec.ModifySnapshotAttribute(ctx, &ec2.ModifySnapshotAttributeInput{SnapshotId: pub.SnapshotId,
		Attribute: ec2types.SnapshotAttributeNameCreateVolumePermission, OperationType: ec2types.OperationTypeAdd, GroupNames: []string{"all"}}))
	must(ec.ModifySnapshotAttribute(ctx, &ec2.ModifySnapshotAttributeInput{SnapshotId: shared.SnapshotId,
		Attribute: ec2types.SnapshotAttributeNameCreateVolumePermission, OperationType: ec2types.OperationTypeAdd, UserIds: []string{"210987654321"}}))
	nic := func(public bool) []ec2types.LaunchTemplateInstanceNetworkInterfaceSpecificationRequest {
		return []ec2types.LaunchTemplateInstanceNetworkInterfaceSpecificationRequest{{DeviceIndex: aws.Int32(0), AssociatePublicIpAddress: aws.Bool(public)}}
	}
	ltPub, err := ec.CreateLaunchTemplate(ctx, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String("pub"),
		LaunchTemplateData: &ec2types.RequestLaunchTemplateData{ImageId: aws.String("ami-12c6146b"), NetworkInterfaces: nic(true)}})
	must(ltPub, err)
	ltPriv, err := ec.CreateLaunchTemplate(ctx, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String("priv"),
		LaunchTemplateData: &ec2types.RequestLaunchTemplateData{ImageId: aws.String("ami-12c6146b"), InstanceType: ec2types.InstanceTypeT3Micro, NetworkInterfaces: nic(false)}})
	must(ltPriv, err)
	// A later, non-default version with a public IP: only the default counts.
	must(ec.CreateLaunchTemplateVersion(ctx, &ec2.CreateLaunchTemplateVersionInput{LaunchTemplateName: aws.String("priv"),
		LaunchTemplateData: &ec2types.RequestLaunchTemplateData{ImageId: aws.String("ami-12c6146b"), NetworkInterfaces: nic(true)}}))

	as := autoscaling.NewFromConfig(cfg)
	const secret = "export DB_PASSWORD=hunter2-moto"
	must(as.CreateLaunchConfiguration(ctx, &autoscaling.CreateLaunchConfigurationInput{LaunchConfigurationName: aws.String("legacy"),
		ImageId: aws.String("ami-12c6146b"), InstanceType: aws.String("t3.micro"), AssociatePublicIpAddress: aws.Bool(true),
		UserData:        aws.String(base64.StdEncoding.EncodeToString([]byte(secret))),
		MetadataOptions: &astypes.InstanceMetadataOptions{HttpTokens: astypes.InstanceMetadataHttpTokensStateOptional, HttpPutResponseHopLimit: aws.Int32(3)}}))
	must(as.CreateAutoScalingGroup(ctx, &autoscaling.CreateAutoScalingGroupInput{AutoScalingGroupName: aws.String("legacy"),
		LaunchConfigurationName: aws.String("legacy"), MinSize: aws.Int32(0), MaxSize: aws.Int32(1), AvailabilityZones: []string{"us-east-1a"}}))
	must(as.CreateAutoScalingGroup(ctx, &autoscaling.CreateAutoScalingGroupInput{AutoScalingGroupName: aws.String("web"),
		LaunchTemplate: &astypes.LaunchTemplateSpecification{LaunchTemplateName: aws.String("priv"), Version: aws.String("$Default")},
		MinSize:        aws.Int32(0), MaxSize: aws.Int32(1), AvailabilityZones: []string{"us-east-1a", "us-east-1b"}}))

	out := t.TempDir()
	res, err := Run(ctx, cfg, Options{Out: out, Regions: []string{"us-east-1"}, Services: []string{"ec2", "autoscaling"},
		Standalone: []org.Account{{Id: motoComputeAccount, Name: "moto", Status: org.StatusActive}}, Concurrency: 8})
	if err != nil {
		t.Fatal(err)
	}
	snap, err := snapshot.Open(res.Dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range snap.Manifest.Gaps {
		if g.Service == "autoscaling" || (g.Service == "ec2" && strings.Contains("DescribeSnapshots DescribeSnapshotAttribute DescribeLaunchTemplates DescribeLaunchTemplateVersions", g.Operation)) {
			t.Errorf("gap %s %s: %s", g.Service, g.Operation, g.Error)
		}
	}
	ef, err := snap.Service(motoComputeAccount, "us-east-1", "ec2")
	if err != nil {
		t.Fatal(err)
	}
	var vers ec2.DescribeLaunchTemplateVersionsOutput
	if ok, err := ef.Get("DescribeLaunchTemplateVersions", &vers); !ok || err != nil {
		t.Fatalf("DescribeLaunchTemplateVersions not stored: %v", err)
	}
	if len(vers.LaunchTemplateVersions) != 2 {
		t.Errorf("stored %d template versions, want the 2 default ones", len(vers.LaunchTemplateVersions))
	}

	audit, err := rules.Audit(snap, rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		rule, resource string
		status         findings.Status
	}{
		{"ec2.snapshot-not-public", "snapshot/" + aws.ToString(pub.SnapshotId), findings.Failed},
		{"ec2.snapshot-not-public", "snapshot/" + aws.ToString(shared.SnapshotId), findings.Passed},
		{"ec2.launch-template-no-public-ip", "launch-template/" + aws.ToString(ltPub.LaunchTemplate.LaunchTemplateId), findings.Failed},
		{"ec2.launch-template-no-public-ip", "launch-template/" + aws.ToString(ltPriv.LaunchTemplate.LaunchTemplateId), findings.Passed},
		{"autoscaling.launch-config-imdsv2", "launchConfigurationName/legacy", findings.Failed},
		{"autoscaling.launch-config-hop-limit", "launchConfigurationName/legacy", findings.Failed},
		{"autoscaling.launch-config-no-public-ip", "launchConfigurationName/legacy", findings.Failed},
		{"autoscaling.launch-template", "autoScalingGroupName/legacy", findings.Failed},
		{"autoscaling.launch-template", "autoScalingGroupName/web", findings.Passed},
		{"autoscaling.multi-az", "autoScalingGroupName/legacy", findings.Failed},
		{"autoscaling.multi-az", "autoScalingGroupName/web", findings.Passed},
		{"autoscaling.multiple-instance-types", "autoScalingGroupName/web", findings.Failed},
		{"autoscaling.elb-health-check", "autoScalingGroupName/web", findings.NotApplicable},
	}
	for _, w := range want {
		var got []string
		for _, f := range audit.Report.Findings {
			if f.RuleID == w.rule && strings.HasSuffix(f.ResourceArn, w.resource) {
				got = append(got, string(f.Status)+": "+f.Message)
			}
		}
		if len(got) != 1 || !strings.HasPrefix(got[0], string(w.status)+":") {
			t.Errorf("%s on %s: got %v, want %s", w.rule, w.resource, got, w.status)
		}
	}

	// The user data is redacted in the stored file, whatever the encoding.
	raw, err := os.ReadFile(filepath.Join(res.Dir, snapshot.Path(motoComputeAccount, "us-east-1", "autoscaling")))
	if err != nil {
		t.Fatal(err)
	}
	if zr, err := gzip.NewReader(bytes.NewReader(raw)); err == nil {
		if raw, err = io.ReadAll(zr); err != nil {
			t.Fatal(err)
		}
	}
	enc := base64.StdEncoding.EncodeToString([]byte(secret))
	if bytes.Contains(raw, []byte(enc)) || bytes.Contains(raw, []byte("hunter2")) {
		t.Error("a launch configuration's user data was stored")
	}
	if !bytes.Contains(raw, []byte("redacted by orgrail")) && !bytes.Contains(raw, []byte(`\u003credacted by orgrail\u003e`)) {
		t.Error("the launch configuration's UserData was not replaced by the redaction marker")
	}
}
