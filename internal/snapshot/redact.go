package snapshot

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/orgrail/orgrail/internal/safetext"
)

// Redacted is the fixed value that replaces a secret-like value in a
// stored output. Keys are kept (a rule may ask whether a Lambda function
// has an environment variable named DB_PASSWORD); values never are.
const Redacted = "<redacted by orgrail>"

// redactTriggers are the quoted JSON keys (compared without case) under
// which a read API returns values that may be secrets. An output that
// holds none of them is stored as it is, without decoding it.
var redactTriggers = [][]byte{
	[]byte(`"environment"`),          // Lambda Environment.Variables; ECS/Batch environment [{name,value}]
	[]byte(`"environmentvariables"`), // CodeBuild, Amplify: [{name,value,type}]
	[]byte(`"userdata"`),             // EC2 instance and launch template user data
	[]byte(`"parameter"`),            // SSM GetParameter
	[]byte(`"parameters"`),           // SSM GetParameters[ByPath]; CloudFormation stack parameters
	[]byte(`"parametervalue"`),       // CloudFormation
	[]byte(`"outputvalue"`),          // CloudFormation stack outputs
	[]byte(`"secretstring"`),         // Secrets Manager values
	[]byte(`"secretbinary"`),
	[]byte(`"password"`),
	[]byte(`"masteruserpassword"`),
	[]byte(`"variables"`),                    // API Gateway REST stage variables
	[]byte(`"stagevariables"`),               // API Gateway v2 stage variables
	[]byte(`"location"`),                     // CodeBuild source URLs (user information is a credential)
	[]byte(`"sourcelocation"`),               // CodeBuild builds
	[]byte(`"presharedkey"`),                 // EC2 DescribeVpnConnections: a tunnel's IKE pre-shared key
	[]byte(`"customergatewayconfiguration"`), // EC2 DescribeVpnConnections: the XML holding the keys
	[]byte(`"optionsettings"`),               // Elastic Beanstalk configuration: [{Namespace, OptionName, Value}]
}

// publicParameters are database parameter names whose values are
// settings, never secrets, and which rules read: a {ParameterName,
// ParameterValue} pair (Redshift and RDS parameter groups) keeps its
// value when the name is one of them.
var publicParameters = map[string]bool{"require_ssl": true, "use_fips_ssl": true, "enable_user_activity_logging": true}

// RedactJSON replaces the secret-like values in one stored output and
// reports whether it changed anything. The rules, applied at any depth
// and with keys compared without case:
//
//   - Environment.Variables (Lambda): every value;
//   - Environment / EnvironmentVariables as a list of {name, value}
//     (ECS and Batch container definitions, CodeBuild): every value;
//   - UserData: the string, or the Value of a {Value} object (EC2);
//   - an SSM parameter object {Name, Type, Value}: the Value;
//   - ParameterValue and OutputValue (CloudFormation stack parameters
//     and outputs, database parameter groups), except a database
//     parameter in publicParameters;
//   - Variables / StageVariables (API Gateway stages) as a map: every
//     value;
//   - SecretString, SecretBinary, Password, MasterUserPassword;
//   - Location / SourceLocation holding a URL with user information
//     (CodeBuild sources, https://user:token@host/...): the user
//     information becomes the marker, the rest of the URL is kept;
//   - PreSharedKey and CustomerGatewayConfiguration (EC2 Site-to-Site
//     VPN tunnels' keys, and the configuration document that repeats them).
//
// Output without any of these keys is returned unchanged (same bytes).
// A changed output is re-encoded with sorted keys.
func RedactJSON(raw []byte) ([]byte, bool, error) {
	if !mayHoldSecrets(raw) {
		return raw, false, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, false, err
	}
	if !redactValue(v) {
		return raw, false, nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, false, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), true, nil
}

// mayHoldSecrets reports whether raw contains a trigger key.
func mayHoldSecrets(raw []byte) bool {
	for _, t := range redactTriggers {
		if containsFold(raw, t) {
			return true
		}
	}
	return false
}

// containsFold is bytes.Contains without case for an ASCII lower-case
// needle, without copying the haystack.
func containsFold(s, lowerNeedle []byte) bool {
	n := len(lowerNeedle)
	for i := 0; i+n <= len(s); {
		j := bytes.IndexByte(s[i:], lowerNeedle[0])
		if j < 0 {
			return false
		}
		i += j
		if i+n <= len(s) && bytes.EqualFold(s[i:i+n], lowerNeedle) {
			return true
		}
		i++
	}
	return false
}

// redactValue walks a decoded JSON value and redacts in place.
func redactValue(v any) bool {
	changed := false
	switch t := v.(type) {
	case map[string]any:
		if isSSMParameter(t) {
			changed = redactKey(t, "value") || changed
		}
		for k, val := range t {
			switch strings.ToLower(k) {
			case "environment":
				changed = redactEnvironment(val) || changed
			case "environmentvariables":
				changed = redactNameValues(val) || changed
			case "optionsettings":
				changed = redactOptionSettings(val) || changed
			case "userdata":
				if m, ok := val.(map[string]any); ok {
					changed = redactKey(m, "value") || changed
				} else if secretScalar(val) {
					t[k], changed = Redacted, true
				}
			case "variables", "stagevariables":
				if vm, ok := val.(map[string]any); ok {
					for name, v := range vm {
						if v != nil && v != Redacted {
							vm[name], changed = Redacted, true
						}
					}
				}
			case "location", "sourcelocation":
				if u, ok := val.(string); ok {
					if r, did := redactURLUserinfo(u); did {
						t[k], changed = r, true
					}
				}
			case "parametervalue", "outputvalue", "secretstring", "secretbinary", "password", "masteruserpassword",
				"presharedkey", "customergatewayconfiguration":
				if strings.EqualFold(k, "parametervalue") && isPublicParameter(t) {
					break
				}
				if secretScalar(val) {
					t[k], changed = Redacted, true
				}
			}
			changed = redactValue(t[k]) || changed
		}
	case []any:
		for _, e := range t {
			changed = redactValue(e) || changed
		}
	}
	return changed
}

// redactURLUserinfo replaces the user information of a URL
// (scheme://user:password@host/...) with the marker. Anything that is
// not such a URL, or already redacted, is left as it is.
func redactURLUserinfo(s string) (string, bool) {
	i := strings.Index(s, "://")
	if i <= 0 {
		return s, false
	}
	rest := s[i+3:]
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	at := strings.LastIndexByte(rest[:end], '@')
	if at < 0 || rest[:at] == Redacted {
		return s, false
	}
	return s[:i+3] + Redacted + rest[at:], true
}

// redactEnvironment handles Lambda's {Variables: {...}} and the
// container definitions' [{name, value}].
func redactEnvironment(v any) bool {
	m, ok := v.(map[string]any)
	if !ok {
		return redactNameValues(v)
	}
	changed := false
	for k, vars := range m {
		if !strings.EqualFold(k, "variables") {
			continue
		}
		vm, ok := vars.(map[string]any)
		if !ok {
			if secretScalar(vars) {
				m[k], changed = Redacted, true
			}
			continue
		}
		for name, val := range vm {
			if val != nil && val != Redacted {
				vm[name], changed = Redacted, true
			}
		}
	}
	return changed
}

// redactNameValues redacts the value of every {name, value} in a list.
func redactNameValues(v any) bool {
	list, ok := v.([]any)
	if !ok {
		return false
	}
	changed := false
	for _, e := range list {
		if m, ok := e.(map[string]any); ok {
			changed = redactKey(m, "value") || changed
		}
	}
	return changed
}

// redactKey replaces the value of key (compared without case) in m.
func redactKey(m map[string]any, key string) bool {
	changed := false
	for k, val := range m {
		if strings.EqualFold(k, key) && val != nil && val != Redacted {
			m[k], changed = Redacted, true
		}
	}
	return changed
}

// isSSMParameter recognizes an SSM parameter: Name, Type and Value,
// with a Type SSM defines.
func isSSMParameter(m map[string]any) bool {
	var name, value bool
	var typ string
	for k, v := range m {
		switch strings.ToLower(k) {
		case "name":
			name = true
		case "value":
			value = true
		case "type":
			typ, _ = v.(string)
		}
	}
	return name && value && (typ == "String" || typ == "StringList" || typ == "SecureString")
}

// secretScalar reports whether v is a value worth replacing: anything
// but null, the empty string and the marker itself.
func secretScalar(v any) bool {
	switch t := v.(type) {
	case nil:
		return false
	case string:
		return t != "" && t != Redacted
	case map[string]any, []any:
		return false
	}
	return true
}

// redactFile returns f with every stored output redacted. f itself is
// not modified (it may be shared); a copy is made only when an output
// changes.
func redactFile(f *ServiceFile) (*ServiceFile, error) {
	var c *ServiceFile
	copiedOps := map[string]bool{}
	clone := func() {
		if c != nil {
			return
		}
		cc := *f
		cc.Operations = make(map[string]json.RawMessage, len(f.Operations))
		for k, v := range f.Operations {
			cc.Operations[k] = v
		}
		cc.PerResource = make(map[string]map[string]json.RawMessage, len(f.PerResource))
		for op, m := range f.PerResource {
			cc.PerResource[op] = m
		}
		c = &cc
	}
	for op, raw := range f.Operations {
		b, changed, err := RedactJSON(raw)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", f.Service, op, err)
		}
		if changed {
			clone()
			c.Operations[op] = b
		}
	}
	for op, m := range f.PerResource {
		for key, raw := range m {
			b, changed, err := RedactJSON(raw)
			if err != nil {
				return nil, fmt.Errorf("%s %s %s: %w", f.Service, op, safetext.Quote(key), err)
			}
			if !changed {
				continue
			}
			clone()
			if !copiedOps[op] {
				nm := make(map[string]json.RawMessage, len(m))
				for k, v := range m {
					nm[k] = v
				}
				c.PerResource[op], copiedOps[op] = nm, true
			}
			c.PerResource[op][key] = b
		}
	}
	if c == nil {
		return f, nil
	}
	return c, nil
}

// isPublicParameter reports whether m is a database parameter
// {ParameterName, ParameterValue} whose name is in publicParameters.
func isPublicParameter(m map[string]any) bool {
	for k, v := range m {
		if strings.EqualFold(k, "parametername") {
			name, _ := v.(string)
			return publicParameters[name]
		}
	}
	return false
}
