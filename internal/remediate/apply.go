package remediate

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
)

// ConfigFor returns the aws.Config that acts in an account and region
// (the collect engine's assume-role machinery, or a test server's keys).
type ConfigFor func(ctx context.Context, account, region string) (aws.Config, error)

// Result records what one step did.
type Result struct {
	Step      int       `json:"step"`
	Action    string    `json:"action"`
	Account   string    `json:"account"`
	Region    string    `json:"region"`
	Operation string    `json:"operation"`
	Resource  string    `json:"resource"`
	OK        bool      `json:"ok"`
	Error     string    `json:"error,omitempty"`
	At        time.Time `json:"at"`
}

// Apply runs the plan's steps in order and records each result. A
// failed step does not stop the others; every step is reported.
func Apply(ctx context.Context, p *Plan, cfgFor ConfigFor) []Result {
	out, _ := ApplyEach(ctx, p, cfgFor, nil)
	return out
}

// ApplyEach is Apply with a hook: each result is handed to record as
// soon as its call returns (before the next call is made). When record
// fails the remaining steps are not made, and its error is returned with
// the results so far.
func ApplyEach(ctx context.Context, p *Plan, cfgFor ConfigFor, record func(Result) error) ([]Result, error) {
	out := make([]Result, 0, len(p.Steps))
	for i, s := range p.Steps {
		r := Result{Step: i + 1, Action: s.Action, Account: s.Account, Region: s.Region, Operation: s.Operation, Resource: s.Resource}
		err := ctx.Err()
		if err == nil {
			var cfg aws.Config
			if cfg, err = cfgFor(ctx, s.Account, s.Region); err == nil {
				cfg.Region = s.Region
				err = call(ctx, cfg, s)
			}
		}
		r.OK, r.At = err == nil, time.Now().UTC()
		if err != nil {
			r.Error = err.Error()
		}
		out = append(out, r)
		if record != nil {
			if err := record(r); err != nil {
				return out, fmt.Errorf("recording step %d: %w (the remaining steps were not made)", r.Step, err)
			}
		}
	}
	return out, nil
}

// decode fills an SDK input from the step's parameters; their names are
// the API's, so JSON carries them across.
func decode(params map[string]any, in any) error {
	b, err := json.Marshal(params)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, in)
}

// call makes one step's API call.
func call(ctx context.Context, cfg aws.Config, s Step) error {
	run := func(in any, fn func() error) error {
		if err := decode(s.Params, in); err != nil {
			return fmt.Errorf("%s parameters: %w", s.Operation, err)
		}
		if err := fn(); err != nil {
			return fmt.Errorf("%s %s: %w", s.Service, s.Operation, err)
		}
		return nil
	}
	switch s.Service + ":" + s.Operation {
	case "s3control:PutPublicAccessBlock":
		in := &s3control.PutPublicAccessBlockInput{}
		return run(in, func() error { _, err := s3control.NewFromConfig(cfg).PutPublicAccessBlock(ctx, in); return err })
	case "ec2:EnableEbsEncryptionByDefault":
		in := &ec2.EnableEbsEncryptionByDefaultInput{}
		return run(in, func() error { _, err := ec2.NewFromConfig(cfg).EnableEbsEncryptionByDefault(ctx, in); return err })
	case "ec2:RevokeSecurityGroupIngress":
		in := &ec2.RevokeSecurityGroupIngressInput{}
		return run(in, func() error { _, err := ec2.NewFromConfig(cfg).RevokeSecurityGroupIngress(ctx, in); return err })
	case "ec2:RevokeSecurityGroupEgress":
		in := &ec2.RevokeSecurityGroupEgressInput{}
		return run(in, func() error { _, err := ec2.NewFromConfig(cfg).RevokeSecurityGroupEgress(ctx, in); return err })
	case "iam:UpdateAccountPasswordPolicy":
		in := &iam.UpdateAccountPasswordPolicyInput{}
		return run(in, func() error { _, err := iam.NewFromConfig(cfg).UpdateAccountPasswordPolicy(ctx, in); return err })
	case "cloudtrail:StartLogging":
		in := &cloudtrail.StartLoggingInput{}
		return run(in, func() error { _, err := cloudtrail.NewFromConfig(cfg).StartLogging(ctx, in); return err })
	case "guardduty:CreateDetector":
		in := &guardduty.CreateDetectorInput{}
		return run(in, func() error { _, err := guardduty.NewFromConfig(cfg).CreateDetector(ctx, in); return err })
	case "guardduty:UpdateDetector":
		in := &guardduty.UpdateDetectorInput{}
		return run(in, func() error { _, err := guardduty.NewFromConfig(cfg).UpdateDetector(ctx, in); return err })
	case "securityhub:EnableSecurityHub":
		in := &securityhub.EnableSecurityHubInput{}
		return run(in, func() error { _, err := securityhub.NewFromConfig(cfg).EnableSecurityHub(ctx, in); return err })
	case "securityhub:CreateMembers":
		in := &securityhub.CreateMembersInput{}
		return run(in, func() error { _, err := securityhub.NewFromConfig(cfg).CreateMembers(ctx, in); return err })
	case "configservice:StartConfigurationRecorder":
		in := &configservice.StartConfigurationRecorderInput{}
		return run(in, func() error {
			_, err := configservice.NewFromConfig(cfg).StartConfigurationRecorder(ctx, in)
			return err
		})
	}
	return fmt.Errorf("no executor for %s %s", s.Service, s.Operation)
}
