package awstest

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	"github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/codebuild"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	dms "github.com/aws/aws-sdk-go-v2/service/databasemigrationservice"
	"github.com/aws/aws-sdk-go-v2/service/dax"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/efs"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/elasticache"
	"github.com/aws/aws-sdk-go-v2/service/elasticbeanstalk"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancing"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/emr"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/macie2"
	"github.com/aws/aws-sdk-go-v2/service/networkfirewall"
	"github.com/aws/aws-sdk-go-v2/service/opensearch"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/redshift"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/sagemaker"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
	"github.com/aws/aws-sdk-go-v2/service/waf"
	"github.com/aws/aws-sdk-go-v2/service/wafregional"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"

	"github.com/orgrail/orgrail/internal/demo"
	"github.com/orgrail/orgrail/internal/snapshot"
)

// sdkClients builds each catalog service's SDK client.
var sdkClients = map[string]func(aws.Config) any{
	"iam": func(c aws.Config) any { return iam.NewFromConfig(c) }, "account": func(c aws.Config) any { return account.NewFromConfig(c) },
	"ec2regions": func(c aws.Config) any { return ec2.NewFromConfig(c) }, "ec2": func(c aws.Config) any { return ec2.NewFromConfig(c) },
	"s3":        func(c aws.Config) any { return s3.NewFromConfig(c, func(o *s3.Options) { o.UsePathStyle = true }) },
	"s3control": func(c aws.Config) any { return s3control.NewFromConfig(c) }, "s3accesspoints": func(c aws.Config) any { return s3control.NewFromConfig(c) }, "cloudtrail": func(c aws.Config) any { return cloudtrail.NewFromConfig(c) },
	"config": func(c aws.Config) any { return configservice.NewFromConfig(c) }, "guardduty": func(c aws.Config) any { return guardduty.NewFromConfig(c) },
	"securityhub": func(c aws.Config) any { return securityhub.NewFromConfig(c) }, "accessanalyzer": func(c aws.Config) any { return accessanalyzer.NewFromConfig(c) },
	"kms": func(c aws.Config) any { return kms.NewFromConfig(c) }, "rds": func(c aws.Config) any { return rds.NewFromConfig(c) },
	"lambda": func(c aws.Config) any { return lambda.NewFromConfig(c) }, "sqs": func(c aws.Config) any { return sqs.NewFromConfig(c) },
	"sns": func(c aws.Config) any { return sns.NewFromConfig(c) }, "secretsmanager": func(c aws.Config) any { return secretsmanager.NewFromConfig(c) },
	"ssoadmin":               func(c aws.Config) any { return ssoadmin.NewFromConfig(c) },
	"identitystore":          func(c aws.Config) any { return identitystore.NewFromConfig(c) },
	"ecr":                    func(c aws.Config) any { return ecr.NewFromConfig(c) },
	"elbv2":                  func(c aws.Config) any { return elbv2.NewFromConfig(c) },
	"acm":                    func(c aws.Config) any { return acm.NewFromConfig(c) },
	"elb":                    func(c aws.Config) any { return elb.NewFromConfig(c) },
	"logs":                   func(c aws.Config) any { return cloudwatchlogs.NewFromConfig(c) },
	"cloudwatch":             func(c aws.Config) any { return cloudwatch.NewFromConfig(c) },
	"cloudfront":             func(c aws.Config) any { return cloudfront.NewFromConfig(c) },
	"wafv2":                  func(c aws.Config) any { return wafv2.NewFromConfig(c) },
	"wafv2cloudfront":        func(c aws.Config) any { return wafv2.NewFromConfig(c) },
	"waf":                    func(c aws.Config) any { return waf.NewFromConfig(c) },
	"wafregional":            func(c aws.Config) any { return wafregional.NewFromConfig(c) },
	"redshift":               func(c aws.Config) any { return redshift.NewFromConfig(c) },
	"opensearch":             func(c aws.Config) any { return opensearch.NewFromConfig(c) },
	"apigateway":             func(c aws.Config) any { return apigateway.NewFromConfig(c) },
	"apigatewayv2":           func(c aws.Config) any { return apigatewayv2.NewFromConfig(c) },
	"dynamodb":               func(c aws.Config) any { return dynamodb.NewFromConfig(c) },
	"applicationautoscaling": func(c aws.Config) any { return applicationautoscaling.NewFromConfig(c) },
	"dax":                    func(c aws.Config) any { return dax.NewFromConfig(c) },
	"elasticache":            func(c aws.Config) any { return elasticache.NewFromConfig(c) },
	"ssm":                    func(c aws.Config) any { return ssm.NewFromConfig(c) },
	"cloudformation":         func(c aws.Config) any { return cloudformation.NewFromConfig(c) },
	"dms":                    func(c aws.Config) any { return dms.NewFromConfig(c) },
	"kinesis":                func(c aws.Config) any { return kinesis.NewFromConfig(c) },
	"emr":                    func(c aws.Config) any { return emr.NewFromConfig(c) },
	"sagemaker":              func(c aws.Config) any { return sagemaker.NewFromConfig(c) },
	"elasticbeanstalk":       func(c aws.Config) any { return elasticbeanstalk.NewFromConfig(c) },
	"ecs":                    func(c aws.Config) any { return ecs.NewFromConfig(c) },
	"efs":                    func(c aws.Config) any { return efs.NewFromConfig(c) },
	"eks":                    func(c aws.Config) any { return eks.NewFromConfig(c) },
	"codebuild":              func(c aws.Config) any { return codebuild.NewFromConfig(c) },

	"networkfirewall": func(c aws.Config) any { return networkfirewall.NewFromConfig(c) },
	"backup":          func(c aws.Config) any { return backup.NewFromConfig(c) },
	"macie2":          func(c aws.Config) any { return macie2.NewFromConfig(c) },
	"autoscaling":     func(c aws.Config) any { return autoscaling.NewFromConfig(c) },
}

// resourceInput sets the input members that name a per-resource key.
func resourceInput(file, op, key, account string) map[string]string {
	switch file + "." + op {
	case "iam.ListMFADevices", "iam.ListAccessKeys":
		return map[string]string{"UserName": key}
	case "iam.GetAccessKeyLastUsed":
		return map[string]string{"AccessKeyId": key}
	case "iam.GetPolicy":
		return map[string]string{"PolicyArn": key}
	case "iam.GetPolicyVersion":
		return map[string]string{"PolicyArn": key, "VersionId": "v1"}
	case "account.GetAlternateContact":
		return map[string]string{"AlternateContactType": key}
	case "cloudtrail.GetTrailStatus":
		return map[string]string{"Name": key}
	case "cloudtrail.GetEventSelectors":
		return map[string]string{"TrailName": key}
	case "guardduty.GetDetector", "guardduty.GetAdministratorAccount":
		return map[string]string{"DetectorId": key}
	case "kms.DescribeKey", "kms.GetKeyRotationStatus":
		return map[string]string{"KeyId": key}
	case "kms.GetKeyPolicy":
		return map[string]string{"KeyId": key, "PolicyName": "default"}
	case "rds.DescribeDBSnapshotAttributes":
		return map[string]string{"DBSnapshotIdentifier": key}
	case "lambda.GetPolicy":
		return map[string]string{"FunctionName": key}
	case "sqs.GetQueueAttributes":
		return map[string]string{"QueueUrl": key}
	case "sns.GetTopicAttributes":
		return map[string]string{"TopicArn": key}
	case "secretsmanager.GetResourcePolicy":
		return map[string]string{"SecretId": key}
	case "ecr.GetRepositoryPolicy", "ecr.GetLifecyclePolicy":
		return map[string]string{"RepositoryName": key}
	case "ec2.DescribeSnapshotAttribute":
		return map[string]string{"SnapshotId": key, "Attribute": "createVolumePermission"}
	case "dynamodb.DescribeTable", "dynamodb.DescribeContinuousBackups":
		return map[string]string{"TableName": key}
	case "applicationautoscaling.DescribeScalableTargets":
		return map[string]string{"ServiceNamespace": "dynamodb"}
	case "kinesis.DescribeStreamSummary":
		return map[string]string{"StreamName": key}
	case "emr.DescribeCluster", "emr.ListInstances":
		return map[string]string{"ClusterId": key}
	case "sagemaker.DescribeNotebookInstance":
		return map[string]string{"NotebookInstanceName": key}
	case "elasticbeanstalk.DescribeConfigurationSettings":
		app, env, _ := strings.Cut(key, "|")
		return map[string]string{"ApplicationName": app, "EnvironmentName": env}
	case "elbv2.DescribeLoadBalancerAttributes", "elbv2.DescribeListeners":
		return map[string]string{"LoadBalancerArn": key}
	case "elb.DescribeLoadBalancerAttributes", "elb.DescribeLoadBalancerPolicies":
		return map[string]string{"LoadBalancerName": key}
	case "networkfirewall.DescribeFirewall", "networkfirewall.DescribeLoggingConfiguration":
		return map[string]string{"FirewallArn": key}
	case "networkfirewall.DescribeFirewallPolicy":
		return map[string]string{"FirewallPolicyArn": key}
	case "networkfirewall.DescribeRuleGroup":
		return map[string]string{"RuleGroupArn": key, "Type": "STATELESS"}
	case "backup.GetBackupPlan", "backup.ListBackupSelections":
		return map[string]string{"BackupPlanId": key}
	case "backup.GetBackupSelection":
		plan, sel, _ := strings.Cut(key, "|")
		return map[string]string{"BackupPlanId": plan, "SelectionId": sel}
	case "acm.DescribeCertificate":
		return map[string]string{"CertificateArn": key}
	case "redshift.DescribeClusterParameters":
		return map[string]string{"ParameterGroupName": key}
	case "redshift.DescribeLoggingStatus":
		return map[string]string{"ClusterIdentifier": key}
	case "apigateway.GetStages":
		return map[string]string{"RestApiId": key}
	case "apigatewayv2.GetStages", "apigatewayv2.GetRoutes":
		return map[string]string{"ApiId": key}
	case "ecs.ListServices", "ecs.DescribeServices":
		return map[string]string{"Cluster": key}
	case "ecs.DescribeTaskDefinition":
		return map[string]string{"TaskDefinition": key}
	case "efs.DescribeMountTargets", "efs.DescribeBackupPolicy":
		return map[string]string{"FileSystemId": key}
	case "eks.DescribeCluster":
		return map[string]string{"Name": key}
	case "cloudfront.GetDistributionConfig":
		return map[string]string{"Id": key}
	case "wafv2.ListWebACLs":
		return map[string]string{"Scope": "REGIONAL"}
	case "wafv2cloudfront.ListWebACLs":
		return map[string]string{"Scope": "CLOUDFRONT"}
	case "wafv2.GetWebACL":
		return map[string]string{"Id": key, "Name": "x", "Scope": "REGIONAL"}
	case "wafv2cloudfront.GetWebACL":
		return map[string]string{"Id": key, "Name": "x", "Scope": "CLOUDFRONT"}
	case "wafv2.GetLoggingConfiguration", "wafv2cloudfront.GetLoggingConfiguration":
		return map[string]string{"ResourceArn": key}
	case "waf.GetWebACL", "wafregional.GetWebACL":
		return map[string]string{"WebACLId": key}
	case "waf.GetLoggingConfiguration":
		return map[string]string{"ResourceArn": "arn:aws:waf::" + account + ":webacl/" + key}
	case "waf.GetRule", "wafregional.GetRule":
		return map[string]string{"RuleId": key}
	case "waf.ListActivatedRulesInRuleGroup", "wafregional.ListActivatedRulesInRuleGroup":
		return map[string]string{"RuleGroupId": key}
	case "ssm.DescribeDocumentPermission":
		return map[string]string{"Name": key, "PermissionType": "Share"}
	case "ssoadmin.ListPermissionSets":
		return map[string]string{"InstanceArn": key}
	case "identitystore.ListUsers", "identitystore.ListGroups":
		return map[string]string{"IdentityStoreId": key}
	case "identitystore.ListGroupMemberships":
		store, group, _ := strings.Cut(key, "|")
		return map[string]string{"IdentityStoreId": store, "GroupId": group}
	case "ssoadmin.ListTagsForResource":
		return map[string]string{"ResourceArn": key, "InstanceArn": instanceOf(key)}
	case "ssoadmin.ListAccountAssignments":
		ps, acct, _ := strings.Cut(key, "|")
		return map[string]string{"PermissionSetArn": ps, "AccountId": acct, "InstanceArn": instanceOf(ps)}
	}
	if file == "s3" {
		return map[string]string{"Bucket": key}
	}
	if file == "ssoadmin" {
		return map[string]string{"PermissionSetArn": key, "InstanceArn": instanceOf(key)}
	}
	if file == "s3control" || file == "s3accesspoints" {
		if key != "" {
			return map[string]string{"AccountId": account, "Name": key}
		}
		return map[string]string{"AccountId": account}
	}
	return nil
}

// instanceOf derives the Identity Center instance ARN of a permission set.
func instanceOf(ps string) string {
	i := strings.Index(ps, ":permissionSet/")
	if i < 0 {
		return ps
	}
	id, _, _ := strings.Cut(ps[i+len(":permissionSet/"):], "/")
	return ps[:i] + ":instance/" + id
}

// callAll calls op on client with the given string members, following
// the operation's pagination and merging list members across pages.
func callAll(ctx context.Context, client any, sp *opSpec, fields map[string]string) (map[string]any, error) {
	m := reflect.ValueOf(client).MethodByName(sp.Op)
	if !m.IsValid() {
		return nil, fmt.Errorf("no method %s", sp.Op)
	}
	inType := m.Type().In(1).Elem()
	merged := map[string]any{}
	token := ""
	for page := 0; page < 1000; page++ {
		in := reflect.New(inType)
		for k, v := range fields {
			f := in.Elem().FieldByName(k)
			switch {
			case f.Kind() == reflect.Pointer && f.Type().Elem().Kind() == reflect.String:
				f.Set(reflect.ValueOf(aws.String(v)))
			case f.Kind() == reflect.String:
				f.SetString(v)
			case f.Kind() == reflect.Slice && f.Type().Elem().Kind() == reflect.String:
				f.Set(reflect.ValueOf(strings.Split(v, "\n")))
			}
		}
		if token != "" {
			in.Elem().FieldByName(sp.InToken).Set(reflect.ValueOf(aws.String(token)))
		}
		res := m.Call([]reflect.Value{reflect.ValueOf(ctx), in})
		if err, _ := res[1].Interface().(error); err != nil {
			return nil, err
		}
		b, _ := json.Marshal(res[0].Interface())
		var out map[string]any
		_ = json.Unmarshal(b, &out)
		for k, v := range out {
			if l, ok := v.([]any); ok {
				prev, _ := merged[k].([]any)
				merged[k] = append(prev, l...)
			} else if _, set := merged[k]; !set {
				merged[k] = v
			}
		}
		token = ""
		if sp.OutToken != "" {
			token, _ = out[sp.OutToken].(string)
		}
		if token == "" {
			break
		}
	}
	delete(merged, "ResultMetadata")
	if sp.OutToken != "" {
		delete(merged, sp.OutToken)
		delete(merged, "IsTruncated")
	}
	return merged, nil
}

// normalize drops what the wire cannot tell apart (null, empty lists
// and maps) and the operation's pagination members, and rounds times.
func normalize(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			if n := normalize(e); n != nil {
				out[k] = n
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	case []any:
		if len(x) == 0 {
			return nil
		}
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalize(e)
		}
		return out
	case string:
		if t, err := time.Parse(time.RFC3339Nano, x); err == nil && strings.Contains(x, "T") {
			return t.UTC().Truncate(time.Millisecond).Format(time.RFC3339Nano)
		}
	}
	return v
}

func TestDemoSnapshotRoundTrip(t *testing.T) {
	dir := t.TempDir()
	if _, err := demo.WriteEmbedded(dir); err != nil {
		t.Fatal(err)
	}
	snap, err := snapshot.Open(filepath.Join(dir, "snapshot"))
	if err != nil {
		t.Fatal(err)
	}
	srv := startFixture(t, Options{Snapshot: snap, PageSize: 7})
	files, err := snap.Files()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var mu sync.Mutex
	checked := map[string]int{}
	var failures []string
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for _, rel := range files {
		parts := strings.Split(filepath.ToSlash(rel), "/")
		acct, region, file := parts[1], parts[2], strings.TrimSuffix(parts[3], ".json.gz")
		if acct == snapshot.AWSAccount {
			continue // AWS-managed policies are read through every account
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			n, fails := roundTripFile(ctx, t, srv, snap, acct, region, file)
			mu.Lock()
			checked[file] += n
			failures = append(failures, fails...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	sort.Strings(failures)
	for i, f := range failures {
		if i == 200 {
			t.Errorf("... and %d more", len(failures)-200)
			break
		}
		t.Error(f)
	}
	for _, s := range snapshot.Catalog {
		if checked[s.Name] == 0 {
			t.Errorf("service %s: nothing compared", s.Name)
		}
	}
	t.Logf("compared outputs per service: %v", checked)
}

// roundTripFile reads every stored output of one service file back
// through the SDK and compares.
func roundTripFile(ctx context.Context, t *testing.T, srv *Server, snap *snapshot.Snapshot, acct, region, file string) (int, []string) {
	f, err := snap.Service(acct, region, file)
	if err != nil {
		return 0, []string{err.Error()}
	}
	cat, _ := snapshot.LookupService(file)
	r := region
	if cat.Global {
		r = "us-east-1"
	}
	cfg := srv.Config(ctx, srv.AccountCredentials(acct))
	cfg.Region = r
	client := sdkClients[file](cfg)
	svc := file
	if file == "ec2regions" {
		svc = "ec2"
	} else if file == "config" {
		svc = "configservice"
	} else if file == "logs" {
		svc = "cloudwatchlogs"
	} else if file == "s3accesspoints" {
		svc = "s3control"
	} else if file == "elbv2" {
		svc = "elasticloadbalancingv2"
	} else if file == "elb" {
		svc = "elasticloadbalancing"
	} else if file == "wafv2cloudfront" {
		svc = "wafv2"
	} else if file == "dms" {
		svc = "databasemigrationservice"
	}
	n := 0
	var fails []string
	check := func(op, key string, raw json.RawMessage) {
		sp := srv.spec(svc, op)
		got, err := callAll(ctx, client, sp, withBatchInput(resourceInput(file, op, key, acct), file, op, raw))
		where := fmt.Sprintf("%s/%s/%s %s %s", acct, region, file, op, key)
		if err != nil {
			fails = append(fails, where+": "+err.Error())
			return
		}
		var want map[string]any
		_ = json.Unmarshal(raw, &want)
		if sp.OutToken != "" {
			delete(want, sp.OutToken)
			delete(want, "IsTruncated")
		}
		g, w := normalize(got), normalize(want)
		if !reflect.DeepEqual(g, w) {
			gb, _ := json.Marshal(g)
			wb, _ := json.Marshal(w)
			fails = append(fails, fmt.Sprintf("%s:\n got  %.600s\n want %.600s", where, gb, wb))
		}
		n++
	}
	for op, raw := range f.Operations {
		check(op, "", raw)
	}
	for op, byKey := range f.PerResource {
		for key, raw := range byKey {
			check(op, key, raw)
		}
	}
	return n, fails
}
