package pattern

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"
)

// ec2Event is the EC2 state-change event AWS's EventBridge documentation
// uses in its pattern examples, extended with the fields the content
// filtering examples test.
const ec2Event = `{
  "version": "0",
  "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
  "detail-type": "EC2 Instance State-change Notification",
  "source": "aws.ec2",
  "account": "111122223333",
  "time": "2017-12-22T18:43:48Z",
  "region": "us-west-1",
  "resources": [
    "arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0",
    "arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f"
  ],
  "detail": {
    "instance-id": "i-1234567890abcdef0",
    "state": "pending",
    "c-count": 5,
    "d-count": 3,
    "x-limit": 301.8,
    "source-ip": "10.0.0.123",
    "source-ip6": "2001:db8:1234:1a00::42",
    "service": "eventbridge",
    "FileName": "image.PNG",
    "FilePath": "/usr/lib/libc.so",
    "eventVersion": "",
    "responseElements": null,
    "enabled": true,
    "escaped": "a\"b\\c\u00e9",
    "tags": [{"key": "env", "value": "prod"}, {"key": "team", "value": "sec"}]
  }
}`

func TestOperators(t *testing.T) {
	cases := []struct {
		name    string
		pattern string
		want    bool
	}{
		// Exact values, arrays as OR, nesting.
		{"exact", `{"source": ["aws.ec2"]}`, true},
		{"exact miss", `{"source": ["aws.s3"]}`, false},
		{"exact is case sensitive", `{"source": ["AWS.EC2"]}`, false},
		{"array is OR", `{"source": ["aws.s3", "aws.ec2"]}`, true},
		{"fields are AND", `{"source": ["aws.ec2"], "detail": {"state": ["running"]}}`, false},
		{"nested", `{"source": ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"], "detail": {"state": ["pending"]}}`, true},
		{"event array matches any element", `{"resources": ["arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f", "arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f"]}`, true},
		{"array of objects", `{"detail": {"tags": {"key": ["team"]}}}`, true},
		{"array consistency same element", `{"detail": {"tags": {"key": ["env"], "value": ["prod"]}}}`, true},
		{"array consistency across elements", `{"detail": {"tags": {"key": ["env"], "value": ["sec"]}}}`, false},
		{"array consistency with $or", `{"detail": {"tags": {"key": ["team"], "$or": [{"value": ["prod"]}, {"value": ["sec"]}]}}}`, true},
		{"array consistency with absence", `{"detail": {"tags": {"key": ["env"], "other": [{"exists": false}]}}}`, true},
		{"number exact", `{"detail": {"c-count": [5]}}`, true},
		{"number exact numeric form", `{"detail": {"x-limit": [3.018e2]}}`, true},
		{"number is not string", `{"detail": {"c-count": ["5"]}}`, false},
		{"boolean", `{"detail": {"enabled": [true]}}`, true},
		{"boolean false", `{"detail": {"enabled": [false]}}`, false},
		{"escaped string", `{"detail": {"escaped": ["a\"b\\cé"]}}`, true},
		{"absent field never matches a value", `{"detail": {"nope": ["x"]}}`, false},
		{"object is not a leaf", `{"detail": ["x"]}`, false},
		// Null and empty string.
		{"null", `{"detail": {"responseElements": [null]}}`, true},
		{"null is not empty string", `{"detail": {"responseElements": [""]}}`, false},
		{"empty string", `{"detail": {"eventVersion": [""]}}`, true},
		{"empty string is not null", `{"detail": {"eventVersion": [null]}}`, false},
		{"null does not match absent", `{"detail": {"nope": [null]}}`, false},
		// prefix / suffix, with and without case.
		{"prefix", `{"time": [{"prefix": "2017-12-22"}]}`, true},
		{"prefix miss", `{"time": [{"prefix": "2017-10-02"}]}`, false},
		{"prefix region", `{"source": ["aws.ec2"], "region": [{"prefix": "us-"}]}`, true},
		{"prefix region miss", `{"source": ["aws.ec2"], "region": [{"prefix": "eu-"}]}`, false},
		{"prefix ignore case", `{"detail": {"service": [{"prefix": {"equals-ignore-case": "EventB"}}]}}`, true},
		{"prefix keeps case", `{"detail": {"service": [{"prefix": "EventB"}]}}`, false},
		{"suffix", `{"detail": {"FileName": [{"suffix": ".PNG"}]}}`, true},
		{"suffix keeps case", `{"detail": {"FileName": [{"suffix": ".png"}]}}`, false},
		{"suffix ignore case", `{"detail": {"FileName": [{"suffix": {"equals-ignore-case": ".png"}}]}}`, true},
		{"equals-ignore-case", `{"detail-type": [{"equals-ignore-case": "ec2 instance state-change notification"}]}`, true},
		{"equals-ignore-case miss", `{"detail-type": [{"equals-ignore-case": "ec2 instance"}]}`, false},
		// wildcard.
		{"wildcard", `{"resources": [{"wildcard": "arn:aws:ec2:*:123456789012:instance/*"}]}`, true},
		{"wildcard miss", `{"resources": [{"wildcard": "arn:aws:s3:::*"}]}`, false},
		{"wildcard suffix", `{"detail": {"FileName": [{"wildcard": "*.PNG"}]}}`, true},
		{"wildcard whole", `{"detail": {"state": [{"wildcard": "pend*g"}]}}`, true},
		{"wildcard no star is exact", `{"detail": {"state": [{"wildcard": "pend"}]}}`, false},
		// anything-but.
		{"anything-but string", `{"detail": {"state": [{"anything-but": "initializing"}]}}`, true},
		{"anything-but string excluded", `{"detail": {"state": [{"anything-but": "pending"}]}}`, false},
		{"anything-but list", `{"detail": {"state": [{"anything-but": ["stopped", "overloaded"]}]}}`, true},
		{"anything-but list excluded", `{"detail": {"state": [{"anything-but": ["stopped", "pending"]}]}}`, false},
		{"anything-but number", `{"detail": {"c-count": [{"anything-but": 123}]}}`, true},
		{"anything-but number excluded", `{"detail": {"c-count": [{"anything-but": [100, 5, 300]}]}}`, false},
		{"anything-but prefix", `{"detail": {"state": [{"anything-but": {"prefix": "init"}}]}}`, true},
		{"anything-but prefix excluded", `{"detail": {"state": [{"anything-but": {"prefix": "pen"}}]}}`, false},
		{"anything-but suffix", `{"detail": {"FileName": [{"anything-but": {"suffix": ".txt"}}]}}`, true},
		{"anything-but suffix excluded", `{"detail": {"FileName": [{"anything-but": {"suffix": ".PNG"}}]}}`, false},
		{"anything-but ignore case", `{"detail": {"state": [{"anything-but": {"equals-ignore-case": ["Stopped", "OverLoaded"]}}]}}`, true},
		{"anything-but ignore case excluded", `{"detail": {"state": [{"anything-but": {"equals-ignore-case": ["PENDING"]}}]}}`, false},
		{"anything-but wildcard", `{"detail": {"FilePath": [{"anything-but": {"wildcard": "*/bin/*"}}]}}`, true},
		{"anything-but wildcard excluded", `{"detail": {"FilePath": [{"anything-but": {"wildcard": "*/lib/*"}}]}}`, false},
		{"anything-but needs the field", `{"detail": {"nope": [{"anything-but": "x"}]}}`, false},
		// numeric.
		{"numeric range", `{"detail": {"c-count": [{"numeric": [">", 0, "<=", 5]}], "d-count": [{"numeric": ["<", 10]}], "x-limit": [{"numeric": ["=", 3.018e2]}]}}`, true},
		{"numeric exclusive bound", `{"detail": {"c-count": [{"numeric": [">", 5]}]}}`, false},
		{"numeric inclusive bound", `{"detail": {"c-count": [{"numeric": [">=", 5, "<", 6]}]}}`, true},
		{"numeric not on strings", `{"detail": {"state": [{"numeric": [">", 0]}]}}`, false},
		// cidr.
		{"cidr v4", `{"detail": {"source-ip": [{"cidr": "10.0.0.0/24"}]}}`, true},
		{"cidr v4 miss", `{"detail": {"source-ip": [{"cidr": "10.0.1.0/24"}]}}`, false},
		{"cidr v6", `{"detail": {"source-ip6": [{"cidr": "2001:db8:1234:1a00::/64"}]}}`, true},
		{"cidr v6 miss", `{"detail": {"source-ip6": [{"cidr": "2001:db8:1234:1b00::/64"}]}}`, false},
		{"cidr v4 world", `{"detail": {"source-ip": [{"cidr": "0.0.0.0/0"}]}}`, true},
		{"cidr not an ip", `{"detail": {"state": [{"cidr": "0.0.0.0/0"}]}}`, false},
		// exists.
		{"exists true", `{"detail": {"state": [{"exists": true}]}}`, true},
		{"exists true absent", `{"detail": {"nope": [{"exists": true}]}}`, false},
		{"exists false absent", `{"detail": {"nope": [{"exists": false}]}}`, true},
		{"exists false present", `{"detail": {"state": [{"exists": false}]}}`, false},
		{"exists true on null", `{"detail": {"responseElements": [{"exists": true}]}}`, true},
		{"exists false or value", `{"detail": {"state": ["pending", {"exists": false}]}}`, true},
		// $or.
		{"$or", `{"detail": {"$or": [{"c-count": [{"numeric": [">", 0, "<=", 5]}]}, {"d-count": [{"numeric": ["<", 10]}]}, {"x-limit": [{"numeric": ["=", 3.018e2]}]}]}}`, true},
		{"$or one branch holds", `{"detail": {"$or": [{"state": ["running"]}, {"c-count": [5]}]}}`, true},
		{"$or no branch holds", `{"detail": {"$or": [{"state": ["running"]}, {"c-count": [6]}]}}`, false},
		{"$or at top with AND", `{"source": ["aws.ec2"], "$or": [{"detail-type": ["nope"]}, {"detail": {"state": ["pending"]}}]}`, true},
		{"$or AND fails", `{"source": ["aws.s3"], "$or": [{"detail-type": ["nope"]}, {"detail": {"state": ["pending"]}}]}`, false},
		{"nested $or", `{"$or": [{"source": ["x"]}, {"$or": [{"region": ["y"]}, {"account": ["111122223333"]}]}]}`, true},
		{"empty pattern matches all", `{}`, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := Compile([]byte(c.pattern))
			if err != nil {
				t.Fatal(err)
			}
			got, err := m.Match([]byte(ec2Event), nil)
			if err != nil {
				t.Fatal(err)
			}
			if (len(got) == 1) != c.want {
				t.Fatalf("match = %v, want %v", got, c.want)
			}
		})
	}
	// All at once: one matcher must give the same answers as one each.
	b := NewBuilder()
	var want []int
	for i, c := range cases {
		if _, err := b.Add([]byte(c.pattern)); err != nil {
			t.Fatal(err)
		}
		if c.want {
			want = append(want, i)
		}
	}
	m := b.Build()
	got, err := m.Match([]byte(ec2Event), nil)
	if err != nil {
		t.Fatal(err)
	}
	sort.Ints(got)
	if !equalInts(got, want) {
		t.Fatalf("combined matcher: got %v\nwant %v", got, want)
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestPatternErrors(t *testing.T) {
	cases := []struct {
		pattern, path, msg string
	}{
		{`[]`, "", "must be a JSON object"},
		{`{"a": `, "", "not valid JSON"},
		{`{"detail": {"state": "x"}}`, "detail.state", "must be an array"},
		{`{"detail": {"state": []}}`, "detail.state", "empty array"},
		{`{"detail": {"state": [["x"]]}}`, "detail.state", "values must be"},
		{`{"detail": {"state": [{"prefix": 1}]}}`, "detail.state", "prefix takes"},
		{`{"detail": {"state": [{"nope": "x"}]}}`, "detail.state", "unknown operator"},
		{`{"detail": {"state": [{"prefix": "a", "suffix": "b"}]}}`, "detail.state", "exactly one operator"},
		{`{"detail": {"n": [{"numeric": [">", "x"]}]}}`, "detail.n", "expects a number"},
		{`{"detail": {"n": [{"numeric": ["<", 1, ">", 0]}]}}`, "detail.n", "lower bound must come first"},
		{`{"detail": {"n": [{"numeric": [">", 5, "<", 1]}]}}`, "detail.n", "range is empty"},
		{`{"detail": {"n": [{"numeric": ["!", 1]}]}}`, "detail.n", "unknown operator"},
		{`{"detail": {"ip": [{"cidr": "10.0.0.0/33"}]}}`, "detail.ip", "not a valid"},
		{`{"detail": {"f": [{"wildcard": "a**b"}]}}`, "detail.f", "consecutive"},
		{`{"detail": {"f": [{"exists": "yes"}]}}`, "detail.f", "true or false"},
		{`{"detail": {"f": [{"anything-but": {"contains": "x"}}]}}`, "detail.f", "unknown operator \"contains\""},
		{`{"detail": {"f": [{"anything-but": [true]}]}}`, "detail.f", "strings or numbers"},
		{`{"detail": {"f": [{"anything-but": ["a", 1]}]}}`, "detail.f", "not both"},
		{`{"detail": {"f": [{"anything-but": {"prefix": ""}}]}}`, "detail.f", "prefix must not be empty"},
		{`{"detail": {"f": [{"anything-but": {"suffix": ["x", ""]}}]}}`, "detail.f", "suffix must not be empty"},
		{`{"detail": {"f": [{"anything-but": {"foo": 3}}]}}`, "detail.f", "unknown operator \"foo\""},
		{`{"detail": {"f": [{"prefix": {"invalid-expression": "x"}}]}}`, "detail.f", "unknown operator \"invalid-expression\""},
		{`{"detail": {"f": [{"numeric": ["=", 1E-325]}]}}`, "detail.f", "out of range"},
		{`{"detail": {"$or": [{"a": ["x"]}]}}`, "detail.$or", "at least two"},
		{`{"detail": {"$or": [{"a": ["x"]}, "b"]}}`, "detail.$or[1]", "non-empty object"},
		{`{"detail": {}}`, "detail", "empty object"},
	}
	for _, c := range cases {
		t.Run(c.pattern, func(t *testing.T) {
			_, err := Compile([]byte(c.pattern))
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("error = %v, want *Error", err)
			}
			if pe.Path != c.path || !strings.Contains(pe.Msg, c.msg) {
				t.Fatalf("error = %q at %q, want %q at %q", pe.Msg, pe.Path, c.msg, c.path)
			}
		})
	}
}

func TestMalformedEvents(t *testing.T) {
	m, err := Compile([]byte(`{"detail": {"state": ["x"]}}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range []string{
		``, `{`, `{"detail": {"state": "x"`, `{"detail": [1, 2}`, `{"other": {"a": [}`,
		`{"detail": "unterminated}`, `{"a": tru}`, `{"a": 1} trailing`, `{"a" 1}`,
		strings.Repeat("[", 1000) + strings.Repeat("]", 1000),
	} {
		if _, err := m.Match([]byte(ev), nil); err == nil {
			t.Errorf("Match(%q) = nil error, want a syntax error", ev)
		}
	}
}

func TestWildcardEscapes(t *testing.T) {
	cases := []struct {
		w, v string
		want bool
	}{
		{`a\*b`, "a*b", true},
		{`a\*b`, "axb", false},
		{`a\\b`, `a\b`, true},
		{`*`, "", true},
		{``, "", true},
		{``, "x", false},
		{`ab*ba`, "aba", false},
		{`ab*ba`, "abba", true},
		{`*a*b*`, "xxaxxbxx", true},
		{`*a*b*`, "xxbxxaxx", false},
	}
	for _, c := range cases {
		w, err := compileWildcard(c.w)
		if err != nil {
			t.Fatalf("%q: %v", c.w, err)
		}
		if got := w.match([]byte(c.v)); got != c.want {
			t.Errorf("wildcard %q on %q = %v, want %v", c.w, c.v, got, c.want)
		}
	}
}

func TestParseAddr(t *testing.T) {
	for _, c := range []struct {
		in   string
		want string
	}{
		{"10.0.0.1", "10.0.0.1"}, {"255.255.255.255", "255.255.255.255"}, {"2001:db8::1", "2001:db8::1"},
		{"::ffff:10.0.0.1", "10.0.0.1"}, {"256.0.0.1", ""}, {"1.2.3", ""}, {"1.2.3.4.5", ""}, {"1..2.3", ""},
		{"AWS Internal", ""}, {"", ""}, {"0001.2.3.4", ""},
	} {
		a, ok := parseAddr([]byte(c.in))
		got := ""
		if ok {
			got = a.String()
		}
		if got != c.want {
			t.Errorf("parseAddr(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestKeysWithDots follows event-ruler, which names every field by its
// dotted path: a dotted key in a pattern reaches the nested field, and a
// nested pattern reaches a dotted key in the event (JsonRuleCompilerTest
// testCompile compiles {"detail": {"state": …}} to the field "detail.state").
func TestKeysWithDots(t *testing.T) {
	m, err := Compile([]byte(`{"detail": {"a.b": ["dotted"]}}`), []byte(`{"detail": {"a": {"b": ["nested"]}}}`))
	if err != nil {
		t.Fatal(err)
	}
	for ev, want := range map[string]string{
		`{"detail": {"a.b": "dotted"}}`:      "[0]",
		`{"detail": {"a": {"b": "nested"}}}`: "[1]",
		`{"detail": {"a": {"b": "dotted"}}}`: "[0]",
		`{"detail": {"a.b": "nested"}}`:      "[1]",
		`{"detail.a.b": "nested"}`:           "[1]",
		`{"detail.a": {"b": "dotted"}}`:      "[0]",
		`{"detail": {"a.c": "dotted"}}`:      "[]",
	} {
		got, err := m.Match([]byte(ev), nil)
		if err != nil || fmt.Sprint(got) != want {
			t.Errorf("%s: %v %v, want %s", ev, got, err, want)
		}
		differential(t, []string{`{"detail": {"a.b": ["dotted"]}}`, `{"detail": {"a": {"b": ["nested"]}}}`}, []byte(ev))
	}
}

// TestExistsFalsePerElement: inside an array of objects, exists:false is
// judged in the element the other fields match (RulerTest
// WHEN_JSONContainsArrays_THEN_RulerNoCompileMatchesWork).
func TestExistsFalsePerElement(t *testing.T) {
	p := `{"e": {"name": ["Anna"], "ids": [{"exists": false}]}}`
	for ev, want := range map[string]bool{
		`{"e": [{"name": "John", "ids": [1]}, {"name": "Anna"}]}`:        true,
		`{"e": [{"name": "John"}, {"name": "Anna", "ids": [1]}]}`:        false,
		`{"e": [{"name": "Anna", "ids": 1}, {"name": "Anna"}]}`:          true,
		`{"e": [{"name": "Anna"}], "x": {"ids": 1}}`:                     true,
		`{"e": [[{"name": "Anna", "ids": 1}], [{"name": "Anna"}]]}`:      true,
		`{"e": [[{"name": "Anna", "ids": 1}], [{"name": "Bob"}]]}`:       false,
		`{"e": {"name": "Anna", "ids": null}}`:                           false,
		`{"e": [{"name": "Anna", "ids": [{"x": 1}]}, {"name": "Anna"}]}`: true,
	} {
		m, _ := Compile([]byte(p))
		got, err := m.Match([]byte(ev), nil)
		if err != nil || (len(got) > 0) != want {
			t.Errorf("%s: %v %v, want %v", ev, got, err, want)
		}
		differential(t, []string{p, `{"e": {"ids": [{"exists": false}]}}`, `{"e": {"name": ["Anna", {"exists": false}], "ids": [{"exists": false}]}}`}, []byte(ev))
	}
}

// TestArrayOfArrays: fields matched across an array of arrays come from
// the same innermost object (RulerTest
// WHEN_JSONContainsArrays_THEN_RulerNoCompileMatchesWork: Anna and Jones
// sit in different inner arrays).
func TestArrayOfArrays(t *testing.T) {
	p := `{"e": {"first": ["Anna"], "last": ["Jones"]}}`
	for ev, want := range map[string]bool{
		`{"e": [[{"first": "John"}, {"first": "Anna", "last": "Smith"}], [{"first": "Peter", "last": "Jones"}]]}`: false,
		`{"e": [[{"first": "John"}, {"first": "Anna", "last": "Jones"}], [{"first": "Peter"}]]}`:                  true,
		`{"e": [[{"first": "Anna"}, {"last": "Jones"}]]}`:                                                         false,
		`{"e": [[[{"first": "Anna", "last": "Jones"}]]]}`:                                                         true,
	} {
		m, _ := Compile([]byte(p))
		got, err := m.Match([]byte(ev), nil)
		if err != nil || (len(got) > 0) != want {
			t.Errorf("%s: %v %v, want %v", ev, got, err, want)
		}
		differential(t, []string{p}, []byte(ev))
	}
}
