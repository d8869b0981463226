package pattern

import "strconv"

// Kind is the JSON type of an extracted value.
type Kind uint8

// The kinds of extracted values. Object marks the raw text of an object
// at a path requested with raw text (see Paths.AddRaw).
const (
	String Kind = iota + 1
	Number
	True
	False
	Null
	Object
)

// Value is one value found at a field path. For a String, Text is the
// unescaped content; for the other kinds it is the JSON text as written
// (Object: the whole object, braces included).
type Value struct {
	Kind Kind
	Text []byte
}

// Float returns the value of a Number.
func (v Value) Float() (float64, bool) {
	if v.Kind != Number {
		return 0, false
	}
	f, err := strconv.ParseFloat(string(v.Text), 64)
	return f, err == nil
}

type entry struct {
	path  int32
	next  int32 // index of the next entry of the same path, -1 at the end
	trail int32 // start in Values.trails of the objects-in-arrays crossed
	ntr   int32 // how many
	Value
}

// arrayPos is one object inside an array on the way to a value: which
// array (numbered in document order) and which element.
type arrayPos struct{ array, elem int32 }

// Values holds the fields extracted from one event: for each path of the
// Paths it was made for, the values found there in document order (several
// when arrays are crossed). A Values is reused from event to event and is
// not safe for concurrent use.
type Values struct {
	entries []entry
	head    []int32 // per path: first entry, -1 when none
	tail    []int32
	buf     []byte     // unescaped strings
	trails  []arrayPos // array positions of entries, see entry.trail
	stack   []arrayPos // the scanner's current array positions
	arrays  int32      // arrays seen so far
}

func newValues(n int) *Values {
	v := &Values{head: make([]int32, n), tail: make([]int32, n)}
	v.reset()
	return v
}

func (v *Values) reset() {
	v.entries = v.entries[:0]
	v.buf = v.buf[:0]
	v.trails = v.trails[:0]
	v.stack = v.stack[:0]
	v.arrays = 0
	for i := range v.head {
		v.head[i] = -1
	}
}

func (v *Values) add(path int, k Kind, text []byte) {
	i := int32(len(v.entries))
	e := entry{path: int32(path), next: -1, Value: Value{Kind: k, Text: text}}
	if len(v.stack) > 0 {
		e.trail, e.ntr = int32(len(v.trails)), int32(len(v.stack))
		v.trails = append(v.trails, v.stack...)
	}
	v.entries = append(v.entries, e)
	if v.head[path] < 0 {
		v.head[path] = i
	} else {
		v.entries[v.tail[path]].next = i
	}
	v.tail[path] = i
}

// Has reports whether any value was found at path index p.
func (v *Values) Has(p int) bool { return p >= 0 && p < len(v.head) && v.head[p] >= 0 }

// Each calls f for every value at path index p, in document order, until f
// returns false. It reports whether f ever returned false.
func (v *Values) Each(p int, f func(Value) bool) bool {
	if p < 0 || p >= len(v.head) {
		return false
	}
	for i := v.head[p]; i >= 0; i = v.entries[i].next {
		if !f(v.entries[i].Value) {
			return true
		}
	}
	return false
}

// First returns the first value at path index p.
func (v *Values) First(p int) (Value, bool) {
	if !v.Has(p) {
		return Value{}, false
	}
	return v.entries[v.head[p]].Value, true
}

// Len returns how many values were extracted in all.
func (v *Values) Len() int { return len(v.entries) }

// consistent reports whether entries i and j can come from one event
// object: wherever both crossed the same array of objects, they crossed
// it at the same element.
func (v *Values) consistent(i, j int32) bool {
	a, b := &v.entries[i], &v.entries[j]
	n := min(a.ntr, b.ntr)
	for k := int32(0); k < n; k++ {
		x, y := v.trails[a.trail+k], v.trails[b.trail+k]
		if x.array != y.array {
			return true
		}
		if x.elem != y.elem {
			return false
		}
	}
	return true
}
