package baseline

import (
	"context"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	aat "github.com/aws/aws-sdk-go-v2/service/accessanalyzer/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	cst "github.com/aws/aws-sdk-go-v2/service/configservice/types"
)

// Apply executes one step. Every step is idempotent: run again after a
// crash, it finds what the earlier run made and finishes it.
func (a *AWS) Apply(ctx context.Context, step *Step) error {
	home := ""
	if len(step.Regions) > 0 {
		home = step.Regions[0]
	}
	switch step.Kind {
	case KindStackSet:
		if step.StackSet != nil && step.StackSet.SelfManaged {
			return a.applySelfManaged(ctx, homeOf(step), step.StackSet)
		}
		return a.applyStackSet(ctx, homeOf(step), step.StackSet)
	case KindMembers:
		return a.applyMembers(ctx, step)
	case KindTrail:
		return a.applyTrail(ctx, home, step.Name, step.Trail)
	case KindAdmin:
		for _, r := range step.Regions {
			cur, err := a.readAdmin(ctx, step.Service, r)
			if err != nil {
				return fmt.Errorf("%s %s: reading the administrator: %w", step.Service, r, err)
			}
			if cur == step.Account {
				continue
			}
			if err := a.enableAdmin(ctx, step.Service, step.Account, r); err != nil {
				return err
			}
		}
		return nil
	case KindAutoEnable:
		for _, r := range step.Regions {
			if err := a.enableAuto(ctx, step.Service, step.Account, r); err != nil {
				return err
			}
		}
		return nil
	case KindAggregator:
		return a.applyAggregator(ctx, step.Account, home, step.Name)
	case KindAnalyzer:
		return a.applyAnalyzer(ctx, step.Account, home, step.Name)
	case KindHubPolicy:
		return a.applyHubPolicy(ctx, step)
	case KindRootFeatures:
		return a.applyRootFeatures(ctx, home)
	case KindRootCredentials:
		_, err := a.RemoveRootCredentials(ctx, home, step.Account)
		return err
	}
	return fmt.Errorf("baseline: unknown step kind %q", step.Kind)
}

// homeOf is the region a StackSet is administered from: the first of
// the baseline's regions, which Resolve makes the home region.
func homeOf(step *Step) string {
	if step.StackSet != nil && len(step.StackSet.Regions) > 0 {
		return step.StackSet.Regions[0]
	}
	return ""
}

// applyTrail creates or updates the organization trail and starts it.
func (a *AWS) applyTrail(ctx context.Context, region, name string, t *TrailState) error {
	c := cloudtrail.NewFromConfig(a.regional(a.Management, region))
	_, err := c.GetTrail(ctx, &cloudtrail.GetTrailInput{Name: &name})
	switch {
	case errorCode(err) == "TrailNotFoundException":
		_, err = c.CreateTrail(ctx, &cloudtrail.CreateTrailInput{Name: &name, S3BucketName: &t.Bucket, KmsKeyId: aws.String(t.KMSKey),
			IsOrganizationTrail: aws.Bool(true), IsMultiRegionTrail: aws.Bool(true), IncludeGlobalServiceEvents: aws.Bool(true),
			EnableLogFileValidation: aws.Bool(true)})
		if err != nil && errorCode(err) != "TrailAlreadyExistsException" {
			return fmt.Errorf("CreateTrail %s: %w", name, err)
		}
	case err != nil:
		return fmt.Errorf("GetTrail %s: %w", name, err)
	default:
		if _, err := c.UpdateTrail(ctx, &cloudtrail.UpdateTrailInput{Name: &name, S3BucketName: &t.Bucket, KmsKeyId: aws.String(t.KMSKey),
			IsOrganizationTrail: aws.Bool(true), IsMultiRegionTrail: aws.Bool(true), IncludeGlobalServiceEvents: aws.Bool(true),
			EnableLogFileValidation: aws.Bool(true)}); err != nil {
			return fmt.Errorf("UpdateTrail %s: %w", name, err)
		}
	}
	if _, err := c.StartLogging(ctx, &cloudtrail.StartLoggingInput{Name: &name}); err != nil {
		return fmt.Errorf("StartLogging %s: %w", name, err)
	}
	return nil
}

// applyAggregator makes the organization aggregator in the Audit
// account, with the role the Audit stack created.
func (a *AWS) applyAggregator(ctx context.Context, audit, region, name string) error {
	c := configservice.NewFromConfig(a.account(audit, region))
	role := "arn:" + Partition(region) + ":iam::" + audit + ":role/" + AggregatorRole
	_, err := c.PutConfigurationAggregator(ctx, &configservice.PutConfigurationAggregatorInput{ConfigurationAggregatorName: &name,
		OrganizationAggregationSource: &cst.OrganizationAggregationSource{RoleArn: &role, AllAwsRegions: true}})
	if err != nil {
		return fmt.Errorf("PutConfigurationAggregator %s: %w", name, err)
	}
	return nil
}

// applyAnalyzer makes an organization analyzer in the Audit account:
// external access, or unused access (AnalyzerUnused).
func (a *AWS) applyAnalyzer(ctx context.Context, audit, region, name string) error {
	c := accessanalyzer.NewFromConfig(a.account(audit, region))
	in := &accessanalyzer.CreateAnalyzerInput{AnalyzerName: &name, Type: aat.TypeOrganization}
	if name == AnalyzerUnused {
		in.Type = aat.TypeOrganizationUnusedAccess
		in.Configuration = &aat.AnalyzerConfigurationMemberUnusedAccess{Value: aat.UnusedAccessConfiguration{UnusedAccessAge: aws.Int32(90)}}
	}
	if _, err := c.CreateAnalyzer(ctx, in); err != nil && errorCode(err) != "ConflictException" {
		return fmt.Errorf("CreateAnalyzer %s: %w", name, err)
	}
	return nil
}

// Read returns the current state of the baseline's organization-level
// objects for the settings s.
func (a *AWS) Read(ctx context.Context, s *Settings) (*State, error) {
	if s.Standalone {
		return a.readStandalone(ctx, s)
	}
	st := &State{StackSets: map[string]StackSetState{}, Trails: map[string]TrailState{}, Admins: map[string]string{}, AutoEnable: map[string]bool{}}
	cf := cloudformation.NewFromConfig(a.regional(a.Management, s.HomeRegion))
	for _, name := range []string{StackSetLogArchive, StackSetAudit, StackSetAccount} {
		ss, ok, err := readStackSet(ctx, cf, name, name != StackSetAccount)
		if err != nil {
			return nil, err
		}
		if ok {
			st.StackSets[name] = ss
		}
	}
	if s.Has("cloudtrail") {
		if err := a.readTrail(ctx, s, st); err != nil {
			return nil, err
		}
	}
	for _, svc := range AdminServices {
		if !s.Has(svc) {
			continue
		}
		for _, r := range s.Regions {
			id, err := a.readAdmin(ctx, svc, r)
			if err != nil {
				return nil, fmt.Errorf("%s %s: reading the administrator: %w", svc, r, err)
			}
			st.Admins[RegionKey(svc, r)] = id
			if id == s.AuditID && id != "" {
				on, err := a.readAuto(ctx, svc, id, r)
				if err != nil {
					return nil, fmt.Errorf("%s %s: reading auto-enable: %w", svc, r, err)
				}
				st.AutoEnable[RegionKey(svc, r)] = on
			}
		}
	}
	if err := a.readRoot(ctx, s, st); err != nil {
		return nil, err
	}
	return st, a.readAudit(ctx, s, st)
}

func (a *AWS) readTrail(ctx context.Context, s *Settings, st *State) error {
	c := cloudtrail.NewFromConfig(a.regional(a.Management, s.HomeRegion))
	out, err := c.DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{TrailNameList: []string{s.TrailName}})
	if err != nil {
		return fmt.Errorf("DescribeTrails: %w", err)
	}
	for _, t := range out.TrailList {
		if aws.ToString(t.Name) != s.TrailName {
			continue
		}
		status, err := c.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: t.TrailARN})
		if err != nil {
			return fmt.Errorf("GetTrailStatus %s: %w", s.TrailName, err)
		}
		st.Trails[s.TrailName] = TrailState{Bucket: aws.ToString(t.S3BucketName), KMSKey: aws.ToString(t.KmsKeyId),
			Organization: aws.ToBool(t.IsOrganizationTrail), MultiRegion: aws.ToBool(t.IsMultiRegionTrail),
			GlobalEvents: aws.ToBool(t.IncludeGlobalServiceEvents), FileValidation: aws.ToBool(t.LogFileValidationEnabled),
			Logging: aws.ToBool(status.IsLogging)}
	}
	return nil
}

// readAudit reads the aggregator and analyzers in the Audit account.
func (a *AWS) readAudit(ctx context.Context, s *Settings, st *State) error {
	if s.AuditID == "" {
		return nil
	}
	c := a.account(s.AuditID, s.HomeRegion)
	if s.Has("config") {
		out, err := configservice.NewFromConfig(c).DescribeConfigurationAggregators(ctx, &configservice.DescribeConfigurationAggregatorsInput{})
		if err != nil {
			return fmt.Errorf("DescribeConfigurationAggregators: %w", err)
		}
		for _, x := range out.ConfigurationAggregators {
			st.Aggregators = append(st.Aggregators, aws.ToString(x.ConfigurationAggregatorName))
		}
	}
	if s.Has("securityhub") && s.adminIsAudit(st, "securityhub") {
		if err := a.readHubPolicy(ctx, s, st); err != nil {
			return err
		}
	}
	if s.Has("accessanalyzer") {
		out, err := accessanalyzer.NewFromConfig(c).ListAnalyzers(ctx, &accessanalyzer.ListAnalyzersInput{})
		if err != nil {
			return fmt.Errorf("ListAnalyzers: %w", err)
		}
		for _, x := range out.Analyzers {
			if n := aws.ToString(x.Name); !slices.Contains(st.Analyzers, n) {
				st.Analyzers = append(st.Analyzers, n)
			}
		}
	}
	return nil
}

// adminIsAudit reports whether st shows the Audit account administering
// service in the home region (before that, it cannot be asked).
func (s *Settings) adminIsAudit(st *State, service string) bool {
	return st.Admins[RegionKey(service, s.HomeRegion)] == s.AuditID
}
