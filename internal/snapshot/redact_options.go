package snapshot

import "strings"

// secretOptionNamespaces are the Elastic Beanstalk option namespaces
// whose values are the application's environment properties.
var secretOptionNamespaces = map[string]bool{
	"aws:elasticbeanstalk:application:environment":        true,
	"aws:elasticbeanstalk:application:environmentsecrets": true,
}

// redactOptionSettings handles Elastic Beanstalk's OptionSettings, a
// list of {Namespace, OptionName, Value}: the Value of an environment
// property, or of an option whose name says it holds a password, secret
// or token (aws:rds:dbinstance DBPassword), is replaced.
func redactOptionSettings(v any) bool {
	list, ok := v.([]any)
	if !ok {
		return false
	}
	changed := false
	for _, e := range list {
		m, ok := e.(map[string]any)
		if !ok {
			continue
		}
		var ns, name string
		for k, val := range m {
			s, _ := val.(string)
			switch strings.ToLower(k) {
			case "namespace":
				ns = strings.ToLower(s)
			case "optionname":
				name = strings.ToLower(s)
			}
		}
		if secretOptionNamespaces[ns] || strings.Contains(name, "password") || strings.Contains(name, "secret") || strings.Contains(name, "token") {
			for k, val := range m {
				if strings.EqualFold(k, "value") && secretScalar(val) {
					m[k], changed = Redacted, true
				}
			}
		}
	}
	return changed
}
