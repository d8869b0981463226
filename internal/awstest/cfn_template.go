package awstest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// cfnTemplate is a parsed CloudFormation template, as the local AWS's
// StackSets deploy it: parameters, conditions and resources. Outputs and
// mappings other than FindInMap are not read.
type cfnTemplate struct {
	Parameters map[string]map[string]any
	Conditions map[string]any
	Mappings   map[string]any
	Resources  map[string]map[string]any
}

// parseTemplate reads a template body, JSON or YAML (with the short
// forms !Ref, !Sub, !GetAtt, ...).
func parseTemplate(body string) (*cfnTemplate, error) {
	var doc map[string]any
	trimmed := bytes.TrimSpace([]byte(body))
	if len(trimmed) > 0 && trimmed[0] == '{' {
		if err := json.Unmarshal(trimmed, &doc); err != nil {
			return nil, fmt.Errorf("template is not valid JSON: %v", err)
		}
	} else {
		var n yaml.Node
		if err := yaml.Unmarshal([]byte(body), &n); err != nil {
			return nil, fmt.Errorf("template is not valid YAML: %v", err)
		}
		v, err := yamlValue(&n)
		if err != nil {
			return nil, err
		}
		m, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("template is not a mapping")
		}
		doc = m
	}
	t := &cfnTemplate{Parameters: map[string]map[string]any{}, Conditions: map[string]any{}, Resources: map[string]map[string]any{}}
	if m, ok := doc["Parameters"].(map[string]any); ok {
		for k, v := range m {
			p, ok := v.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("Parameters.%s is not a mapping", k)
			}
			t.Parameters[k] = p
		}
	}
	if m, ok := doc["Conditions"].(map[string]any); ok {
		t.Conditions = m
	}
	t.Mappings, _ = doc["Mappings"].(map[string]any)
	res, ok := doc["Resources"].(map[string]any)
	if !ok || len(res) == 0 {
		return nil, fmt.Errorf("template has no Resources")
	}
	for k, v := range res {
		r, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("Resources.%s is not a mapping", k)
		}
		if _, ok := r["Type"].(string); !ok {
			return nil, fmt.Errorf("Resources.%s has no Type", k)
		}
		t.Resources[k] = r
	}
	return t, nil
}

// yamlValue converts a YAML node to plain values, turning the short
// intrinsic function tags into their long form.
func yamlValue(n *yaml.Node) (any, error) {
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return yamlValue(n.Content[0])
	case yaml.AliasNode:
		return yamlValue(n.Alias)
	}
	var v any
	switch n.Kind {
	case yaml.MappingNode:
		m := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			val, err := yamlValue(n.Content[i+1])
			if err != nil {
				return nil, err
			}
			m[n.Content[i].Value] = val
		}
		v = m
	case yaml.SequenceNode:
		l := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			val, err := yamlValue(c)
			if err != nil {
				return nil, err
			}
			l = append(l, val)
		}
		v = l
	default:
		if n.Tag == "!!int" || n.Tag == "!!float" || n.Tag == "!!bool" || n.Tag == "!!null" {
			if err := n.Decode(&v); err != nil {
				return nil, err
			}
		} else {
			v = n.Value
		}
	}
	tag := n.Tag
	if !strings.HasPrefix(tag, "!") || strings.HasPrefix(tag, "!!") {
		return v, nil
	}
	fn := strings.TrimPrefix(tag, "!")
	switch fn {
	case "Ref", "Condition":
		return map[string]any{fn: v}, nil
	case "GetAtt":
		if s, ok := v.(string); ok {
			res, att, _ := strings.Cut(s, ".")
			return map[string]any{"Fn::GetAtt": []any{res, att}}, nil
		}
	}
	return map[string]any{"Fn::" + fn: v}, nil
}

// cfnStack is one stack instance being evaluated: the template, the
// parameter values and the pseudo parameters of its account and region.
type cfnStack struct {
	t         *cfnTemplate
	params    map[string]string
	account   string
	region    string
	partition string
	name, id  string
	conds     map[string]bool
	// physical ids and attributes of the resources made so far.
	refs  map[string]string
	attrs map[string]map[string]string
}

// noValue marks AWS::NoValue: the property is removed.
type noValueT struct{}

var noValue = noValueT{}

func newStack(t *cfnTemplate, given map[string]string, account, region, partition, name, id string) (*cfnStack, error) {
	st := &cfnStack{t: t, params: map[string]string{}, account: account, region: region, partition: partition, name: name, id: id,
		conds: map[string]bool{}, refs: map[string]string{}, attrs: map[string]map[string]string{}}
	var missing []string
	for k, p := range t.Parameters {
		if v, ok := given[k]; ok {
			st.params[k] = v
		} else if d, ok := p["Default"]; ok {
			st.params[k] = scalarString(d)
		} else {
			missing = append(missing, k)
		}
		if allowed, ok := p["AllowedValues"].([]any); ok {
			found := false
			for _, a := range allowed {
				found = found || scalarString(a) == st.params[k]
			}
			if !found && st.params[k] != "" {
				return nil, fmt.Errorf("Parameter '%s' must be one of AllowedValues", k)
			}
		}
	}
	for k := range given {
		if _, ok := t.Parameters[k]; !ok {
			return nil, fmt.Errorf("Parameters: [%s] do not exist in the template", k)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return nil, fmt.Errorf("Parameters: [%s] must have values", strings.Join(missing, ", "))
	}
	for name := range t.Conditions {
		if _, err := st.condition(name, nil); err != nil {
			return nil, err
		}
	}
	return st, nil
}

func scalarString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case int:
		return strconv.Itoa(x)
	case bool:
		return strconv.FormatBool(x)
	case nil:
		return ""
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// condition evaluates a named condition once.
func (st *cfnStack) condition(name string, seen []string) (bool, error) {
	if v, ok := st.conds[name]; ok {
		return v, nil
	}
	for _, s := range seen {
		if s == name {
			return false, fmt.Errorf("Conditions: circular reference through %s", name)
		}
	}
	def, ok := st.t.Conditions[name]
	if !ok {
		return false, fmt.Errorf("Condition %s is not defined", name)
	}
	v, err := st.evalCond(def, append(seen, name))
	if err != nil {
		return false, fmt.Errorf("Conditions.%s: %w", name, err)
	}
	st.conds[name] = v
	return v, nil
}

func (st *cfnStack) evalCond(v any, seen []string) (bool, error) {
	m, ok := v.(map[string]any)
	if !ok || len(m) != 1 {
		return false, fmt.Errorf("a condition must be one function, got %v", v)
	}
	for fn, arg := range m {
		switch fn {
		case "Condition":
			return st.condition(scalarString(arg), seen)
		case "Fn::Equals":
			l, ok := arg.([]any)
			if !ok || len(l) != 2 {
				return false, fmt.Errorf("Fn::Equals takes two values")
			}
			a, err := st.resolve(l[0])
			if err != nil {
				return false, err
			}
			b, err := st.resolve(l[1])
			if err != nil {
				return false, err
			}
			return scalarString(a) == scalarString(b), nil
		case "Fn::Not", "Fn::And", "Fn::Or":
			l, ok := arg.([]any)
			if !ok || len(l) == 0 {
				return false, fmt.Errorf("%s takes a list of conditions", fn)
			}
			out := fn == "Fn::And"
			for _, c := range l {
				b, err := st.evalCond(c, seen)
				if err != nil {
					return false, err
				}
				switch fn {
				case "Fn::Not":
					return !b, nil
				case "Fn::And":
					out = out && b
				case "Fn::Or":
					out = out || b
				}
			}
			return out, nil
		}
		return false, fmt.Errorf("%s is not a condition function", fn)
	}
	return false, nil
}

// pseudo returns a pseudo parameter's value.
func (st *cfnStack) pseudo(name string) (string, bool) {
	switch name {
	case "AWS::AccountId":
		return st.account, true
	case "AWS::Region":
		return st.region, true
	case "AWS::Partition":
		return st.partition, true
	case "AWS::StackName":
		return st.name, true
	case "AWS::StackId":
		return st.id, true
	case "AWS::URLSuffix":
		if st.partition == "aws-cn" {
			return "amazonaws.com.cn", true
		}
		return "amazonaws.com", true
	}
	return "", false
}

// ref resolves Ref: a parameter, a pseudo parameter or a resource made
// earlier.
func (st *cfnStack) ref(name string) (any, error) {
	if name == "AWS::NoValue" {
		return noValue, nil
	}
	if v, ok := st.pseudo(name); ok {
		return v, nil
	}
	if v, ok := st.params[name]; ok {
		return v, nil
	}
	if v, ok := st.refs[name]; ok {
		return v, nil
	}
	if _, ok := st.t.Resources[name]; ok {
		return nil, fmt.Errorf("Ref %s: the resource is not created (its Condition is false)", name)
	}
	return nil, fmt.Errorf("Unresolved resource dependencies [%s] in the Resources block of the template", name)
}

func (st *cfnStack) getAtt(res, att string) (string, error) {
	a, ok := st.attrs[res]
	if !ok {
		if _, exists := st.t.Resources[res]; exists {
			return "", fmt.Errorf("Fn::GetAtt %s.%s: the resource is not created", res, att)
		}
		return "", fmt.Errorf("Template error: instance of Fn::GetAtt references undefined resource %s", res)
	}
	v, ok := a[att]
	if !ok {
		return "", fmt.Errorf("Template error: resource %s does not support attribute type %s in Fn::GetAtt", res, att)
	}
	return v, nil
}

var subVar = regexp.MustCompile(`\$\{([^}!][^}]*)\}`)

// resolve evaluates the intrinsic functions in a value.
func (st *cfnStack) resolve(v any) (any, error) {
	switch x := v.(type) {
	case []any:
		out := make([]any, 0, len(x))
		for _, e := range x {
			r, err := st.resolve(e)
			if err != nil {
				return nil, err
			}
			if r != noValue {
				out = append(out, r)
			}
		}
		return out, nil
	case map[string]any:
		if len(x) == 1 {
			for fn, arg := range x {
				if fn == "Ref" || strings.HasPrefix(fn, "Fn::") {
					return st.function(fn, arg)
				}
			}
		}
		out := map[string]any{}
		for k, e := range x {
			r, err := st.resolve(e)
			if err != nil {
				return nil, err
			}
			if r != noValue {
				out[k] = r
			}
		}
		return out, nil
	}
	return v, nil
}

func (st *cfnStack) function(fn string, arg any) (any, error) {
	switch fn {
	case "Ref":
		return st.ref(scalarString(arg))
	case "Fn::GetAtt":
		var res, att string
		switch a := arg.(type) {
		case []any:
			if len(a) == 2 {
				res, att = scalarString(a[0]), scalarString(a[1])
			}
		case string:
			res, att, _ = strings.Cut(a, ".")
		}
		if res == "" || att == "" {
			return nil, fmt.Errorf("Fn::GetAtt takes [resource, attribute]")
		}
		return st.getAtt(res, att)
	case "Fn::Sub":
		return st.sub(arg)
	case "Fn::If":
		l, ok := arg.([]any)
		if !ok || len(l) != 3 {
			return nil, fmt.Errorf("Fn::If takes [condition, value if true, value if false]")
		}
		c, err := st.condition(scalarString(l[0]), nil)
		if err != nil {
			return nil, err
		}
		if c {
			return st.resolve(l[1])
		}
		return st.resolve(l[2])
	case "Fn::Join":
		l, ok := arg.([]any)
		if !ok || len(l) != 2 {
			return nil, fmt.Errorf("Fn::Join takes [delimiter, list]")
		}
		items, err := st.resolve(l[1])
		if err != nil {
			return nil, err
		}
		il, ok := items.([]any)
		if !ok {
			return nil, fmt.Errorf("Fn::Join: the second argument is not a list")
		}
		parts := make([]string, len(il))
		for i, e := range il {
			parts[i] = scalarString(e)
		}
		return strings.Join(parts, scalarString(l[0])), nil
	case "Fn::Select":
		l, ok := arg.([]any)
		if !ok || len(l) != 2 {
			return nil, fmt.Errorf("Fn::Select takes [index, list]")
		}
		idx, err := st.resolve(l[0])
		if err != nil {
			return nil, err
		}
		items, err := st.resolve(l[1])
		if err != nil {
			return nil, err
		}
		i, err := strconv.Atoi(scalarString(idx))
		il, ok := items.([]any)
		if err != nil || !ok || i < 0 || i >= len(il) {
			return nil, fmt.Errorf("Fn::Select: index %v out of range", idx)
		}
		return il[i], nil
	case "Fn::Split":
		l, ok := arg.([]any)
		if !ok || len(l) != 2 {
			return nil, fmt.Errorf("Fn::Split takes [delimiter, string]")
		}
		s, err := st.resolve(l[1])
		if err != nil {
			return nil, err
		}
		var out []any
		for _, p := range strings.Split(scalarString(s), scalarString(l[0])) {
			out = append(out, p)
		}
		return out, nil
	case "Fn::FindInMap":
		l, ok := arg.([]any)
		if !ok || len(l) != 3 {
			return nil, fmt.Errorf("Fn::FindInMap takes [map, top key, second key]")
		}
		keys := make([]string, 3)
		for i, e := range l {
			r, err := st.resolve(e)
			if err != nil {
				return nil, err
			}
			keys[i] = scalarString(r)
		}
		m1, _ := st.t.Mappings[keys[0]].(map[string]any)
		m2, _ := m1[keys[1]].(map[string]any)
		if v, ok := m2[keys[2]]; ok {
			return v, nil
		}
		return nil, fmt.Errorf("Fn::FindInMap: %s.%s.%s not found", keys[0], keys[1], keys[2])
	case "Fn::Base64":
		return st.resolve(arg)
	}
	return nil, fmt.Errorf("Template format error: %s is not supported by the local AWS", fn)
}

// sub expands Fn::Sub: ${Param}, ${AWS::Region}, ${Resource},
// ${Resource.Attr}, ${!Literal}, and the variables of the two-argument
// form.
func (st *cfnStack) sub(arg any) (any, error) {
	var s string
	vars := map[string]any{}
	switch a := arg.(type) {
	case string:
		s = a
	case []any:
		if len(a) != 2 {
			return nil, fmt.Errorf("Fn::Sub takes a string or [string, variables]")
		}
		s = scalarString(a[0])
		m, _ := a[1].(map[string]any)
		for k, v := range m {
			r, err := st.resolve(v)
			if err != nil {
				return nil, err
			}
			vars[k] = r
		}
	default:
		return nil, fmt.Errorf("Fn::Sub takes a string or [string, variables]")
	}
	var firstErr error
	out := subVar.ReplaceAllStringFunc(s, func(m string) string {
		name := m[2 : len(m)-1]
		if v, ok := vars[name]; ok {
			return scalarString(v)
		}
		var (
			v   any
			err error
		)
		if res, att, ok := strings.Cut(name, "."); ok && !strings.HasPrefix(name, "AWS::") {
			v, err = st.getAtt(res, att)
		} else {
			v, err = st.ref(name)
		}
		if err != nil && firstErr == nil {
			firstErr = err
		}
		return scalarString(v)
	})
	if firstErr != nil {
		return nil, firstErr
	}
	return strings.ReplaceAll(out, "${!", "${"), nil
}

// order returns the resources to create (their Condition true) so that
// each comes after those it references.
func (st *cfnStack) order() ([]string, error) {
	var names []string
	for name, r := range st.t.Resources {
		if c, ok := r["Condition"].(string); ok {
			on, err := st.condition(c, nil)
			if err != nil {
				return nil, fmt.Errorf("Resources.%s: %w", name, err)
			}
			if !on {
				continue
			}
		}
		names = append(names, name)
	}
	sort.Strings(names)
	deps := map[string][]string{}
	for _, n := range names {
		set := map[string]bool{}
		collectDeps(st.t.Resources[n]["Properties"], set)
		switch d := st.t.Resources[n]["DependsOn"].(type) {
		case string:
			set[d] = true
		case []any:
			for _, x := range d {
				set[scalarString(x)] = true
			}
		}
		for d := range set {
			if _, ok := st.t.Resources[d]; ok {
				deps[n] = append(deps[n], d)
			}
		}
		sort.Strings(deps[n])
	}
	var out []string
	state := map[string]int{} // 1 visiting, 2 done
	var visit func(n string, path []string) error
	visit = func(n string, path []string) error {
		switch state[n] {
		case 1:
			return fmt.Errorf("Circular dependency between resources: [%s]", strings.Join(append(path, n), ", "))
		case 2:
			return nil
		}
		state[n] = 1
		for _, d := range deps[n] {
			if err := visit(d, append(path, n)); err != nil {
				return err
			}
		}
		state[n] = 2
		out = append(out, n)
		return nil
	}
	for _, n := range names {
		if err := visit(n, nil); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// collectDeps gathers the logical names a value references through
// Ref, Fn::GetAtt and Fn::Sub.
func collectDeps(v any, set map[string]bool) {
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			collectDeps(e, set)
		}
	case map[string]any:
		for k, e := range x {
			switch k {
			case "Ref":
				set[scalarString(e)] = true
				continue
			case "Fn::GetAtt":
				switch a := e.(type) {
				case []any:
					if len(a) > 0 {
						set[scalarString(a[0])] = true
					}
				case string:
					r, _, _ := strings.Cut(a, ".")
					set[r] = true
				}
				continue
			case "Fn::Sub":
				s := e
				if l, ok := e.([]any); ok && len(l) > 0 {
					s = l[0]
					collectDeps(l[1:], set)
				}
				for _, m := range subVar.FindAllStringSubmatch(scalarString(s), -1) {
					r, _, _ := strings.Cut(m[1], ".")
					set[r] = true
				}
				continue
			}
			collectDeps(e, set)
		}
	}
}
