package baseline

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
)

// obj is a JSON object of a CloudFormation template.
type obj = map[string]any

// Template is a generated CloudFormation template: its body (JSON) and
// the parameter values the standards give it.
type Template struct {
	// Name is the StackSet (or stack) name it is deployed as.
	Name string
	// Body is the template document, JSON.
	Body []byte
	// Parameters are the values passed at deployment.
	Parameters map[string]string
}

// Hash is a short digest of the body and parameters: a StackSet whose
// template and parameters have this hash is up to date.
func (t Template) Hash() string {
	p := t.Parameters
	if len(p) == 0 {
		p = nil // no parameters, however AWS spells it
	}
	b, _ := json.Marshal(struct {
		B string
		P map[string]string
	}{string(t.Body), p})
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:8])
}

// render marshals a template document with a fixed key order.
func render(doc obj) ([]byte, error) { return json.MarshalIndent(doc, "", "  ") }

func ref(name string) obj        { return obj{"Ref": name} }
func sub(s string) obj           { return obj{"Fn::Sub": s} }
func getAtt(res, att string) obj { return obj{"Fn::GetAtt": []string{res, att}} }
func ifCond(c string, a, b any) obj {
	return obj{"Fn::If": []any{c, a, b}}
}
func equals(a, b any) obj  { return obj{"Fn::Equals": []any{a, b}} }
func not(c any) obj        { return obj{"Fn::Not": []any{c}} }
func and(c ...any) obj     { return obj{"Fn::And": c} }
func cond(name string) obj { return obj{"Condition": name} }

var noValue = ref("AWS::NoValue")

// stringParam declares a String parameter with a default.
func stringParam(desc, def string) obj {
	return obj{"Type": "String", "Description": desc, "Default": def}
}

// numberParam declares a Number parameter with a default and range.
func numberParam(desc string, def, min, max int) obj {
	return obj{"Type": "Number", "Description": desc, "Default": def, "MinValue": min, "MaxValue": max}
}

// policyDoc is an IAM policy document of statements.
func policyDoc(st ...obj) obj {
	out := make([]any, len(st))
	for i, s := range st {
		out[i] = s
	}
	return obj{"Version": "2012-10-17", "Statement": out}
}

func statement(sid, effect string, principal any, action any, resource any) obj {
	s := obj{"Sid": sid, "Effect": effect, "Action": action}
	if resource != nil {
		s["Resource"] = resource
	}
	if principal != nil {
		s["Principal"] = principal
	}
	return s
}

func withCondition(s obj, c obj) obj {
	s["Condition"] = c
	return s
}

func service(p string) obj { return obj{"Service": p} }
