package collect

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/acm"
	acmtypes "github.com/aws/aws-sdk-go-v2/service/acm/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	ostypes "github.com/aws/aws-sdk-go-v2/service/opensearch/types"
)

// The oracle of these tests is the AWS Config resource schema
// (github.com/awslabs/aws-config-resource-schema): the property names
// Config records for a resource type. testdata/config-schema-properties.txt
// holds the few that orgrail relies on, with a SOURCE line per type.

const schemaFile = "testdata/config-schema-properties.txt"

// schemaProp is one recorded property: "configuration.a.b" and its type.
type schemaProp struct{ Path, Type string }

func loadSchemaProps(t *testing.T) map[string][]schemaProp {
	t.Helper()
	f, err := os.Open(schemaFile)
	if os.IsNotExist(err) {
		t.Skipf("%s absent", schemaFile)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	props := map[string][]schemaProp{}
	sources := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		switch {
		case len(fields) == 0 || strings.HasPrefix(fields[0], "#"):
		case fields[0] == "SOURCE":
			if len(fields) != 4 || len(fields[3]) != 40 {
				t.Fatalf("SOURCE line must name repository, path and commit: %q", sc.Text())
			}
			sources[strings.TrimSuffix(fields[2][strings.LastIndex(fields[2], "/")+1:], ".properties.json")] = true
		case len(fields) == 3:
			if !sources[fields[0]] {
				t.Fatalf("%s: no SOURCE line before its properties", fields[0])
			}
			props[fields[0]] = append(props[fields[0]], schemaProp{fields[1], fields[2]})
		default:
			t.Fatalf("bad line %q", sc.Text())
		}
	}
	return props
}

// schemaTypes are the resource types converted since the schema oracle
// was introduced: each must have properties in the testdata file. conf
// is the SDK type the configuration decodes into; suppl the SDK type of
// each supplementary configuration used.
var schemaTypes = map[string]struct {
	conf  func() any
	suppl map[string]func() any
}{
	rtTable:         {func() any { return &ddbtypes.TableDescription{} }, map[string]func() any{"ContinuousBackupsDescription": func() any { return &ddbtypes.ContinuousBackupsDescription{} }}},
	rtCertificate:   {func() any { return &acmtypes.CertificateDetail{} }, nil},
	rtESDomain:      {func() any { return &ostypes.DomainStatus{} }, nil},
	rtOpenSearchDom: {func() any { return &ostypes.DomainStatus{} }, nil},
}

// schemaListKinds are the list kinds checked against the schema.
var schemaListKinds = []string{"AWS::EC2::Volume", "AWS::EC2::Subnet", "AWS::EC2::RouteTable", "AWS::RDS::DBCluster",
	"AWS::ElasticLoadBalancingV2::LoadBalancer", "AWS::ElasticLoadBalancing::LoadBalancer",
	"AWS::AutoScaling::AutoScalingGroup", "AWS::AutoScaling::LaunchConfiguration", "AWS::Redshift::Cluster",
	"AWS::EC2::EIP", "AWS::EC2::NetworkInterface", "AWS::EC2::VPNConnection", "AWS::RDS::EventSubscription", "AWS::CloudWatch::Alarm"}

func init() {
	for _, k := range listKinds {
		if !contains(schemaListKinds, k.ResourceType) {
			continue
		}
		e := struct {
			conf  func() any
			suppl map[string]func() any
		}{conf: k.New}
		for _, s := range listSuppls {
			if s.ResourceType == k.ResourceType && s.New != nil {
				e.suppl = map[string]func() any{s.Name: s.New}
			}
		}
		schemaTypes[k.ResourceType] = e
	}
	for _, k := range describedKinds {
		schemaTypes[k.ResourceType] = struct {
			conf  func() any
			suppl map[string]func() any
		}{conf: k.New}
	}
}

// goField finds the member of struct type st that Config's name names:
// through configRenames at the top level, else ignoring case as
// encoding/json does.
func goField(st reflect.Type, name string, ren map[string]string) (reflect.StructField, bool) {
	if to, ok := ren[name]; ok {
		name = to
	}
	for i := 0; i < st.NumField(); i++ {
		if f := st.Field(i); f.IsExported() && strings.EqualFold(f.Name, name) {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

func deref(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

var timeType = reflect.TypeOf(time.Time{})

// kindFits reports whether a Go leaf type holds a schema type.
func kindFits(t reflect.Type, schemaType string) bool {
	t = deref(t)
	if t.Kind() == reflect.Slice && t.Elem().Kind() != reflect.Uint8 {
		t = deref(t.Elem()) // lists of scalars are named as the scalar
	}
	switch schemaType {
	case "string", "cidr_block", "ip":
		return t.Kind() == reflect.String
	case "boolean":
		return t.Kind() == reflect.Bool
	case "integer":
		return t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64
	case "float":
		return t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64
	case "date":
		return t == timeType
	}
	return false
}

// sample is a non-zero JSON value of a schema type.
func sample(schemaType string) any {
	switch schemaType {
	case "boolean":
		return true
	case "integer":
		return 7
	case "float":
		return 1.5
	case "date":
		return "2026-01-02T03:04:05.000Z"
	}
	return "x1"
}

// place puts a sample value at a Config property path in doc, using the
// SDK type t to tell lists from objects (the schema flattens both). It
// returns the leaf's Go type, or an error naming the segment with no
// Go member.
func place(doc map[string]any, t reflect.Type, segs []string, p schemaProp, ren map[string]string) (reflect.Type, error) {
	t = deref(t)
	seg := segs[0]
	f, ok := goField(t, seg, ren)
	if !ok {
		return nil, fmt.Errorf("no member %q in %s", seg, t)
	}
	ft := deref(f.Type)
	rest := segs[1:]
	if len(rest) == 1 && rest[0] == "value" && (ft.Kind() == reflect.String || ft.Kind() == reflect.Slice && deref(ft.Elem()).Kind() == reflect.String) {
		rest = nil // the schema's marker of a string member
	}
	if len(rest) == 0 {
		v := sample(p.Type)
		if ft.Kind() == reflect.Slice && ft.Elem().Kind() != reflect.Uint8 {
			v = []any{v}
		}
		doc[seg] = v
		return f.Type, nil
	}
	switch ft.Kind() {
	case reflect.Slice:
		list, _ := doc[seg].([]any)
		if len(list) == 0 {
			list = []any{map[string]any{}}
		}
		doc[seg] = list
		return place(list[0].(map[string]any), ft.Elem(), rest, p, nil)
	case reflect.Map:
		m, _ := doc[seg].(map[string]any)
		if m == nil {
			m = map[string]any{}
		}
		doc[seg] = m
		inner, _ := m[rest[0]].(map[string]any)
		if inner == nil {
			inner = map[string]any{}
		}
		m[rest[0]] = inner
		if len(rest) < 2 {
			return nil, fmt.Errorf("map %q without a member", seg)
		}
		return place(inner, ft.Elem(), rest[1:], p, nil)
	case reflect.Struct:
		m, _ := doc[seg].(map[string]any)
		if m == nil {
			m = map[string]any{}
		}
		doc[seg] = m
		return place(m, ft, rest, p, nil)
	}
	return nil, fmt.Errorf("%q is a %s, not an object", seg, ft)
}

// lookup follows a Config property path in a converted SDK value and
// reports whether it ends on a non-zero value.
func lookup(v reflect.Value, segs []string, ren map[string]string) bool {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return false
		}
		v = v.Elem()
	}
	if len(segs) == 0 || (len(segs) == 1 && segs[0] == "value" && v.Kind() != reflect.Struct) {
		return !v.IsZero()
	}
	switch v.Kind() {
	case reflect.Slice:
		return v.Len() > 0 && lookup(v.Index(0), segs, ren)
	case reflect.Map:
		mv := v.MapIndex(reflect.ValueOf(segs[0]))
		return mv.IsValid() && lookup(mv, segs[1:], nil)
	case reflect.Struct:
		f, ok := goField(v.Type(), segs[0], ren)
		return ok && lookup(v.FieldByIndex(f.Index), segs[1:], nil)
	}
	return false
}

// TestConfigSchemaMembers checks, for every converted type, that each
// property AWS Config records and orgrail relies on names a member of
// the SDK type orgrail decodes it into, of a fitting kind.
func TestConfigSchemaMembers(t *testing.T) {
	props := loadSchemaProps(t)
	for rt, st := range schemaTypes {
		if len(props[rt]) == 0 {
			t.Errorf("%s is converted but has no schema properties in %s", rt, schemaFile)
		}
		for _, p := range props[rt] {
			root, segs, ren := schemaRoot(st.conf, st.suppl, p.Path, rt)
			if root == nil {
				t.Errorf("%s %s: no SDK type for it", rt, p.Path)
				continue
			}
			leaf, err := place(map[string]any{}, reflect.TypeOf(root), segs, p, ren)
			if err != nil {
				t.Errorf("%s %s: %v", rt, p.Path, err)
				continue
			}
			if !kindFits(leaf, p.Type) {
				t.Errorf("%s %s: schema type %s does not fit Go %s", rt, p.Path, p.Type, leaf)
			}
		}
	}
}

// schemaRoot splits a property path into the SDK value it belongs to
// (configuration or a supplementary configuration) and the rest.
func schemaRoot(conf func() any, suppl map[string]func() any, path, rt string) (any, []string, map[string]string) {
	segs := strings.Split(path, ".")
	if segs[0] == "configuration" {
		return conf(), segs[1:], configRenames[rt]
	}
	if segs[0] == "supplementaryConfiguration" && len(segs) > 2 && suppl[segs[1]] != nil {
		return suppl[segs[1]](), segs[2:], nil
	}
	return nil, nil, nil
}

// TestConfigSchemaItemsConvert builds, for every converted type, a
// configuration item holding each relied-on property under Config's own
// member name, converts it as FromConfigSnapshots does and checks that
// every property arrives in the snapshot's output.
func TestConfigSchemaItemsConvert(t *testing.T) {
	props := loadSchemaProps(t)
	for rt, st := range schemaTypes {
		conf := map[string]any{}
		suppl := map[string]map[string]any{}
		for _, p := range props[rt] {
			root, segs, ren := schemaRoot(st.conf, st.suppl, p.Path, rt)
			doc := conf
			if !strings.HasPrefix(p.Path, "configuration.") {
				name := strings.Split(p.Path, ".")[1]
				if suppl[name] == nil {
					suppl[name] = map[string]any{}
				}
				doc = suppl[name]
			}
			if _, err := place(doc, reflect.TypeOf(root), segs, p, ren); err != nil {
				t.Fatalf("%s %s: %v", rt, p.Path, err)
			}
		}
		if rt == "AWS::NetworkFirewall::RuleGroup" {
			// orgrail keeps stateless rule groups only.
			conf["ruleGroupResponse"].(map[string]any)["type"] = "STATELESS"
		}
		ci := &ConfigurationItem{ResourceType: rt, ResourceID: "x1", AWSAccountID: acct, AWSRegion: "us-east-1",
			SupplementaryConfiguration: map[string]json.RawMessage{}}
		ci.Configuration, _ = json.Marshal(conf)
		for name, doc := range suppl {
			ci.SupplementaryConfiguration[name], _ = json.Marshal(doc)
		}
		b := newBuilder()
		if err := b.addItem(ci); err != nil {
			t.Fatalf("%s: %v", rt, err)
		}
		gotConf, gotSuppl := convertedBack(t, b, rt)
		for _, p := range props[rt] {
			_, segs, ren := schemaRoot(st.conf, st.suppl, p.Path, rt)
			v := gotConf
			if !strings.HasPrefix(p.Path, "configuration.") {
				v = gotSuppl[strings.Split(p.Path, ".")[1]]
			}
			if !lookup(reflect.ValueOf(v), segs, ren) {
				t.Errorf("%s %s: lost in conversion", rt, p.Path)
			}
		}
	}
}

// convertedBack returns what the builder stored for the one item of rt:
// the configuration's SDK value and the supplementary ones by name.
func convertedBack(t *testing.T, b *builder, rt string) (any, map[string]any) {
	t.Helper()
	for _, k := range listKinds {
		if k.ResourceType != rt {
			continue
		}
		items := b.lists[acct+"/us-east-1/"+k.Service][k.Op][k.List]
		if len(items) != 1 {
			t.Fatalf("%s: %d items in %s %s", rt, len(items), k.Op, k.List)
		}
		sup := map[string]any{}
		for _, s := range listSuppls {
			if s.ResourceType == rt && s.New != nil {
				v := s.New()
				b.file(acct, "us-east-1", k.Service).GetResource(s.Op, k.ID(items[0]), v)
				sup[s.Name] = v
			}
		}
		return items[0], sup
	}
	for _, k := range describedKinds {
		if k.ResourceType == rt {
			if n := len(b.lists[acct+"/us-east-1/"+k.Service][k.ListOp][k.List]); n != 1 {
				t.Fatalf("%s: %d items in %s", rt, n, k.ListOp)
			}
			v := k.New()
			b.file(acct, "us-east-1", k.Service).GetResource(k.Op, "x1", v)
			return v, nil
		}
	}
	switch rt {
	case rtTable:
		f := b.file(acct, "us-east-1", "dynamodb")
		var d dynamodb.DescribeTableOutput
		var cb dynamodb.DescribeContinuousBackupsOutput
		f.GetResource("DescribeTable", "x1", &d)
		f.GetResource("DescribeContinuousBackups", "x1", &cb)
		return d.Table, map[string]any{"ContinuousBackupsDescription": cb.ContinuousBackupsDescription}
	case rtCertificate:
		var d acm.DescribeCertificateOutput
		b.file(acct, "us-east-1", "acm").GetResource("DescribeCertificate", "x1", &d)
		return d.Certificate, nil
	case rtESDomain, rtOpenSearchDom:
		l := b.lists[acct+"/us-east-1/opensearch"]["DescribeDomains"]["DomainStatusList"]
		if len(l) != 1 {
			t.Fatalf("%s: %d domains", rt, len(l))
		}
		return l[0], nil
	}
	t.Fatalf("%s: not converted", rt)
	return nil, nil
}

// TestConfigValueMembers: a member the schema names "x.value" decodes
// whether Config writes it as a string or as {"value": "…"}.
func TestConfigValueMembers(t *testing.T) {
	for _, raw := range []string{
		`{"subnetId":"subnet-1","state":"available","mapPublicIpOnLaunch":true}`,
		`{"subnetId":"subnet-1","state":{"value":"available"},"mapPublicIpOnLaunch":true}`,
	} {
		var s ec2types.Subnet
		if err := fromConfig(json.RawMessage(raw), &s); err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		if s.State != ec2types.SubnetStateAvailable || s.SubnetId == nil || s.MapPublicIpOnLaunch == nil || !*s.MapPublicIpOnLaunch {
			t.Errorf("%s: decoded %+v", raw, s)
		}
	}
	var s ec2types.Subnet
	if err := fromConfig(json.RawMessage(`{"state":{"code":3}}`), &s); err == nil {
		t.Error("a member of another shape must still fail")
	}
}
