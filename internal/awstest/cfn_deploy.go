package awstest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	cft "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
)

// stackInstanceRecord is the stack of one StackSet instance: the
// version of the template and parameters it was deployed with, its
// status, and the resources it made.
type stackInstanceRecord struct {
	Hash      string
	Detailed  cft.StackInstanceDetailedStatus
	Reason    string
	StackID   string
	Resources map[string]string
	Attrs     map[string]map[string]string
	// Props are the resolved properties of custom resources: an
	// unchanged custom resource is not called again on update.
	Props map[string]json.RawMessage
}

// status returns the instance's Status and detailed status: CURRENT
// once deployed, OUTDATED while pending or after a failure.
func (r stackInstanceRecord) status() (cft.StackInstanceStatus, cft.StackInstanceDetailedStatus) {
	switch r.Detailed {
	case cft.StackInstanceDetailedStatusSucceeded:
		return cft.StackInstanceStatusCurrent, r.Detailed
	case "":
		return cft.StackInstanceStatusOutdated, cft.StackInstanceDetailedStatusPending
	}
	return cft.StackInstanceStatusOutdated, r.Detailed
}

func instanceKey(name, account, region string) string { return name + "|" + account + "|" + region }

func (s *Server) instanceRecord(admin, adminRegion, name, account, region string) stackInstanceRecord {
	raw, _, _, _ := s.lookup(admin, adminRegion, cfnStore, "StackInstance", instanceKey(name, account, region))
	var r stackInstanceRecord
	if len(raw) > 0 {
		_ = json.Unmarshal(raw, &r)
	}
	return r
}

// templateHash identifies a template body with its parameter values.
func templateHash(body string, params []cft.Parameter) string {
	var kv []string
	for _, p := range params {
		kv = append(kv, aws.ToString(p.ParameterKey)+"="+aws.ToString(p.ParameterValue))
	}
	sort.Strings(kv)
	h := sha256.Sum256([]byte(body + "\x00" + strings.Join(kv, "\x00")))
	return hex.EncodeToString(h[:12])
}

// deployInstances deploys a StackSet's template to each account and
// region of targets (an instance already at this version is left as it
// is) and returns "" or the reason the operation failed.
func (s *Server) deployInstances(admin, adminRegion string, r stackSetRecord, targets [][2]string) string {
	var failed []string
	for _, t := range targets {
		if reason := s.deployInstance(admin, adminRegion, r.StackSet, t[0], t[1]); reason != "" {
			failed = append(failed, fmt.Sprintf("%s/%s: %s", t[0], t[1], reason))
		}
	}
	if len(failed) == 0 {
		return ""
	}
	return fmt.Sprintf("%d of %d stack instances failed; %s", len(failed), len(targets), failed[0])
}

// deployInstance creates or updates the stack of one instance and
// records its status; it returns the failure reason or "".
func (s *Server) deployInstance(admin, adminRegion string, ss cft.StackSet, account, region string) string {
	s.cfnMu.Lock()
	defer s.cfnMu.Unlock()
	name := aws.ToString(ss.StackSetName)
	body := aws.ToString(ss.TemplateBody)
	hash := templateHash(body, ss.Parameters)
	prev := s.instanceRecord(admin, adminRegion, name, account, region)
	if prev.Hash == hash && prev.Detailed == cft.StackInstanceDetailedStatusSucceeded {
		return ""
	}
	id := aws.ToString(ss.StackSetId)
	short := id[strings.LastIndex(id, ":")+1:]
	stack := "StackSet-" + name + "-" + short
	rec := stackInstanceRecord{Hash: hash, StackID: fmt.Sprintf("arn:%s:cloudformation:%s:%s:stack/%s/%s", s.partition(), region, account, stack, short),
		Resources: map[string]string{}, Attrs: map[string]map[string]string{}, Props: map[string]json.RawMessage{}}
	params := map[string]string{}
	for _, p := range ss.Parameters {
		params[aws.ToString(p.ParameterKey)] = aws.ToString(p.ParameterValue)
	}
	d := &cfnDeploy{s: s, account: account, region: region, partition: s.partition(), stack: stack, stackID: rec.StackID}
	err := d.create(body, params, prev, &rec)
	rec.Detailed = cft.StackInstanceDetailedStatusSucceeded
	if err != nil {
		rec.Detailed, rec.Reason = cft.StackInstanceDetailedStatusFailed, err.Error()
		// What an earlier version made stays known for the next update.
		for k, v := range prev.Resources {
			if _, ok := rec.Resources[k]; !ok {
				rec.Resources[k] = v
			}
		}
	}
	_ = s.SetOutput(admin, adminRegion, cfnStore, "StackInstance", instanceKey(name, account, region), &rec)
	return rec.Reason
}

func isCustomType(typ string) bool {
	return strings.HasPrefix(typ, "Custom::") || typ == "AWS::CloudFormation::CustomResource"
}

// create makes a template's resources in dependency order.
func (d *cfnDeploy) create(body string, params map[string]string, prev stackInstanceRecord, rec *stackInstanceRecord) error {
	t, err := parseTemplate(body)
	if err != nil {
		return fmt.Errorf("Template format error: %v", err)
	}
	var unknown []string
	for _, r := range t.Resources {
		typ := r["Type"].(string)
		if cfnProviders[typ] == nil && !isCustomType(typ) {
			unknown = append(unknown, typ)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return fmt.Errorf("Template format error: Unrecognized resource types: [%s] (the local AWS's CloudFormation does not make them)", strings.Join(unknown, ", "))
	}
	st, err := newStack(t, params, d.account, d.region, d.partition, d.stack, d.stackID)
	if err != nil {
		return err
	}
	order, err := st.order()
	if err != nil {
		return err
	}
	for _, logical := range order {
		r := t.Resources[logical]
		typ := r["Type"].(string)
		var props map[string]any
		if r["Properties"] != nil {
			v, err := st.resolve(r["Properties"])
			if err != nil {
				return fmt.Errorf("%s (%s): %v", logical, typ, err)
			}
			if props, _ = v.(map[string]any); props == nil {
				return fmt.Errorf("%s (%s): Properties is not a mapping", logical, typ)
			}
		} else {
			props = map[string]any{}
		}
		prevID := prev.Resources[logical]
		var (
			phys  string
			attrs map[string]string
		)
		if isCustomType(typ) {
			raw, _ := json.Marshal(props)
			var old map[string]any
			_ = json.Unmarshal(prev.Props[logical], &old)
			if prevID != "" && old != nil && reflect.DeepEqual(stringified(old), stringified(props)) {
				phys, attrs = prevID, prev.Attrs[logical]
			} else {
				phys, attrs, err = d.customResource(logical, typ, props, prevID, old)
			}
			if err == nil {
				rec.Props[logical] = raw
			}
		} else {
			phys, attrs, err = cfnProviders[typ](d, logical, props, prevID)
		}
		if err != nil {
			return fmt.Errorf("%s (%s) CREATE_FAILED: %v", logical, typ, err)
		}
		st.refs[logical], st.attrs[logical] = phys, attrs
		rec.Resources[logical], rec.Attrs[logical] = phys, attrs
	}
	return nil
}

// autoDeploy gives an account that arrived in an OU the instances of
// every service-managed StackSet with automatic deployment that targets
// the OU, as AWS's automatic deployment does when an account is created
// in or moved to a target OU. Failures are recorded on the instances.
func (s *Server) autoDeploy(account string) {
	type setRef struct{ admin, region, name string }
	var sets []setRef
	s.state.mu.RLock()
	for k := range s.state.outputs {
		if k.service == cfnStore && k.op == "StackSet" {
			sets = append(sets, setRef{k.account, k.region, k.resource})
		}
	}
	s.state.mu.RUnlock()
	sort.Slice(sets, func(i, j int) bool { return sets[i].name < sets[j].name })
	for _, ref := range sets {
		raw, _, _, _ := s.lookup(ref.admin, ref.region, cfnStore, "StackSet", ref.name)
		var r stackSetRecord
		if json.Unmarshal(raw, &r) != nil || r.StackSet.PermissionModel != cft.PermissionModelsServiceManaged ||
			r.StackSet.AutoDeployment == nil || !aws.ToBool(r.StackSet.AutoDeployment.Enabled) {
			continue
		}
		var targets [][2]string
		for _, in := range s.instances(r) {
			if in.account == account {
				targets = append(targets, [2]string{in.account, in.region})
			}
		}
		s.deployInstances(ref.admin, ref.region, r, targets)
	}
}
