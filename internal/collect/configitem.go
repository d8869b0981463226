package collect

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// AWS Config records resources as configuration items whose
// "configuration" is the service API's shape with lowerCamel member names
// (the form of AWS's Java SDK). orgrail reads them into aws-sdk-go-v2
// types with encoding/json, whose field matching ignores case, and writes
// them (for tests and for teams that replay a snapshot into a Config-shaped
// archive) by walking the Go value with reflection: struct fields become
// lowerCamel keys, map keys (tags, queue attributes) are kept as they are.

// ConfigurationItem is one resource in a Config snapshot or history file.
type ConfigurationItem struct {
	ConfigurationItemVersion     string                     `json:"configurationItemVersion"`
	ConfigurationItemCaptureTime time.Time                  `json:"configurationItemCaptureTime"`
	ConfigurationItemStatus      string                     `json:"configurationItemStatus"`
	ResourceType                 string                     `json:"resourceType"`
	ResourceID                   string                     `json:"resourceId"`
	ResourceName                 string                     `json:"resourceName,omitempty"`
	ARN                          string                     `json:"ARN,omitempty"`
	AWSRegion                    string                     `json:"awsRegion"`
	AWSAccountID                 string                     `json:"awsAccountId"`
	Configuration                json.RawMessage            `json:"configuration"`
	SupplementaryConfiguration   map[string]json.RawMessage `json:"supplementaryConfiguration,omitempty"`
	Tags                         map[string]string          `json:"tags,omitempty"`
}

// ConfigSnapshotFile is the document AWS Config delivers as a
// configuration snapshot (ConfigSnapshot/*.json.gz).
type ConfigSnapshotFile struct {
	FileVersion        string              `json:"fileVersion"`
	ConfigSnapshotID   string              `json:"configSnapshotId"`
	ConfigurationItems []ConfigurationItem `json:"configurationItems"`
}

// configJSON renders an SDK value the way AWS Config does.
func configJSON(v any) (json.RawMessage, error) {
	return json.Marshal(toConfigValue(reflect.ValueOf(v)))
}

func toConfigValue(v reflect.Value) any { return toConfigValueKeys(v, lowerFirst) }

// toConfigValueKeys renders v with struct member names passed through key.
func toConfigValueKeys(v reflect.Value, key func(string) string) any {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.Struct:
		if t, ok := v.Interface().(time.Time); ok {
			return t.UTC().Format(time.RFC3339Nano)
		}
		out := map[string]any{}
		for i := 0; i < v.NumField(); i++ {
			f := v.Type().Field(i)
			if !f.IsExported() || f.Name == "ResultMetadata" {
				continue
			}
			fv := v.Field(i)
			if (fv.Kind() == reflect.Pointer || fv.Kind() == reflect.Slice || fv.Kind() == reflect.Map) && fv.IsNil() {
				continue
			}
			out[key(f.Name)] = toConfigValueKeys(fv, key)
		}
		return out
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return v.Bytes() // base64, as encoding/json does
		}
		out := make([]any, v.Len())
		for i := range out {
			out[i] = toConfigValueKeys(v.Index(i), key)
		}
		return out
	case reflect.Map:
		out := map[string]any{}
		for _, k := range v.MapKeys() {
			out[k.String()] = toConfigValueKeys(v.MapIndex(k), key)
		}
		return out
	default:
		return v.Interface()
	}
}

func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	// Keep acronyms readable the way Config does: "ARN" stays "arn"-ish
	// only for the first letter; encoding/json ignores case on the way back.
	return string(unicode.ToLower(r)) + s[n:]
}

// fromConfig decodes a Config configuration into an SDK value.
//
// The Config resource schema names some string members with a ".value"
// suffix (configuration.state.value for a subnet's state,
// configuration.securityGroups.value for a list of ids). When a
// configuration does not decode because such a member arrives as an
// object {"value": "…"}, it is decoded again with each of those objects
// replaced by its string.
func fromConfig(raw json.RawMessage, out any) error {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	err := json.Unmarshal(raw, out)
	var te *json.UnmarshalTypeError
	if !errors.As(err, &te) {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return err
	}
	fixed, merr := json.Marshal(unwrapValues(v))
	if merr != nil {
		return err
	}
	rv := reflect.ValueOf(out).Elem()
	rv.Set(reflect.Zero(rv.Type()))
	if json.Unmarshal(fixed, out) != nil {
		return err
	}
	return nil
}

// unwrapValues replaces every object whose only member is a string
// "value" by that string.
func unwrapValues(v any) any {
	switch t := v.(type) {
	case map[string]any:
		if len(t) == 1 {
			for k, x := range t {
				if s, ok := x.(string); ok && strings.EqualFold(k, "value") {
					return s
				}
			}
		}
		for k, x := range t {
			t[k] = unwrapValues(x)
		}
	case []any:
		for i, x := range t {
			t[i] = unwrapValues(x)
		}
	}
	return v
}

// suppl returns a supplementary configuration by name, ignoring case.
func (ci *ConfigurationItem) suppl(name string) json.RawMessage {
	for k, v := range ci.SupplementaryConfiguration {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return nil
}
