package awstest

import (
	_ "embed"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/traits"
)

// legacy_shapes.txt holds, for SDK clients that still use generated
// deserializers (EC2, S3, S3 Control, CloudTrail, Security Hub, Access
// Analyzer, Account), the wire name of every member, list item names,
// flattening and timestamp formats, as read from those deserializers by
// ./gen. From it the server builds smithy schemas at start-up and
// serializes the SDK's output structs with the same serializers the
// schema-serde services use.
//
//go:embed legacy_shapes.txt
var legacyShapesText string

// legacyOp says where a legacy operation's output goes on the wire.
type legacyOp struct {
	body         string // shape of the body document
	payloadField string // member sent as the whole body (REST-XML)
	payloadShape string
	raw          string      // string member sent as the raw body
	headers      [][2]string // header, member
}

// lshape is one deserializer function's view of a shape.
type lshape struct {
	name   string
	kind   byte // 'S', 'L', 'M'
	item   string
	elem   string
	fields []lfield
	schema *smithy.Schema
}

type lfield struct {
	wire, goName, callee, ts string
	schema                   *smithy.Schema
}

type legacyTable struct {
	ops    map[string]*legacyOp // pkg.Op
	shapes map[string]*lshape   // pkg.Shape
}

var legacyTables = mustParseLegacy(legacyShapesText)

func mustParseLegacy(text string) *legacyTable {
	t, err := parseLegacy(text)
	if err != nil {
		panic("awstest: legacy_shapes.txt: " + err.Error())
	}
	return t
}

func parseLegacy(text string) (*legacyTable, error) {
	t := &legacyTable{ops: map[string]*legacyOp{}, shapes: map[string]*lshape{}}
	pkg := ""
	for n, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || strings.HasPrefix(line, "#") {
			continue
		}
		switch f[0] {
		case "P":
			pkg = f[1]
		case "O":
			op := &legacyOp{}
			for _, kv := range f[2:] {
				k, v, _ := strings.Cut(kv, "=")
				switch k {
				case "body":
					op.body = v
				case "raw":
					op.raw = v
				case "payload":
					op.payloadField, op.payloadShape, _ = strings.Cut(v, ">")
				case "hdr":
					h, m, _ := strings.Cut(v, ":")
					op.headers = append(op.headers, [2]string{h, m})
				}
			}
			t.ops[pkg+"."+f[1]] = op
		case "S":
			sh := &lshape{name: f[1], kind: 'S'}
			for _, m := range f[2:] {
				var lf lfield
				lf.wire, m, _ = strings.Cut(m, "=")
				m, lf.ts, _ = strings.Cut(m, "@")
				lf.goName, lf.callee, _ = strings.Cut(m, ">")
				sh.fields = append(sh.fields, lf)
			}
			t.shapes[pkg+"."+f[1]] = sh
		case "L", "M":
			if len(f) != 4 {
				return nil, fmt.Errorf("line %d: want 4 fields", n+1)
			}
			t.shapes[pkg+"."+f[1]] = &lshape{name: f[1], kind: f[0][0], item: dash(f[2]), elem: dash(f[3])}
		default:
			return nil, fmt.Errorf("line %d: unknown record %q", n+1, f[0])
		}
	}
	for key := range t.shapes {
		pkg, _, _ := strings.Cut(key, ".")
		t.build(pkg, t.shapes[key])
	}
	return t, nil
}

func dash(s string) string {
	if s == "-" {
		return ""
	}
	return s
}

var scalarSchema = smithy.NewSchema(smithy.ShapeID{Namespace: "awstest", Name: "Scalar"}, smithy.ShapeTypeString, 0)

// build creates the smithy schema of a shape (and of the shapes it
// reaches). Struct schemas are registered before their members, so
// recursive shapes terminate.
func (t *legacyTable) build(pkg string, sh *lshape) *smithy.Schema {
	if sh == nil {
		return scalarSchema
	}
	if sh.schema != nil {
		return sh.schema
	}
	id := smithy.ShapeID{Namespace: "awstest." + pkg, Name: sh.name}
	switch sh.kind {
	case 'S':
		sh.schema = smithy.NewSchema(id, smithy.ShapeTypeStructure, len(sh.fields))
		for i := range sh.fields {
			f := &sh.fields[i]
			target := scalarSchema
			var ts []smithy.Trait
			if f.callee != "" {
				target = t.build(pkg, t.shapes[pkg+"."+f.callee])
				if strings.HasSuffix(f.callee, "Unwrapped") {
					ts = append(ts, &traits.XMLFlattened{})
				}
			}
			if f.ts != "" {
				ts = append(ts, &traits.TimestampFormat{Format: f.ts})
			}
			name := f.wire
			if strings.HasPrefix(name, "!") {
				name = name[1:]
				ts = append(ts, &traits.XMLAttribute{})
			}
			f.schema = sh.schema.AddMember(name, target, ts...)
		}
	case 'L':
		sh.schema = smithy.NewSchema(id, smithy.ShapeTypeList, 1)
		var ts []smithy.Trait
		if sh.item != "" {
			ts = append(ts, &traits.XMLName{Name: sh.item})
		}
		sh.schema.AddMember("member", t.build(pkg, t.shapes[pkg+"."+sh.elem]), ts...)
	case 'M':
		sh.schema = smithy.NewSchema(id, smithy.ShapeTypeMap, 2)
		sh.schema.AddMember("key", scalarSchema)
		sh.schema.AddMember("value", t.build(pkg, t.shapes[pkg+"."+sh.elem]))
	}
	return sh.schema
}

var timeType = reflect.TypeOf(time.Time{})

// walk serializes v (an SDK Go value) as the shape named shapeName,
// written under member schema ms.
func (t *legacyTable) walk(s smithy.ShapeSerializer, pkg string, ms *smithy.Schema, shapeName string, v reflect.Value) {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return
		}
		v = v.Elem()
	}
	sh := t.shapes[pkg+"."+shapeName]
	switch {
	case v.Type() == timeType:
		s.WriteTime(ms, v.Interface().(time.Time))
	case v.Kind() == reflect.Struct:
		if sh == nil || sh.kind != 'S' {
			return
		}
		s.WriteStruct(ms)
		for _, f := range sh.fields {
			fv := v.FieldByName(f.goName)
			if !fv.IsValid() || isNilish(fv) {
				continue
			}
			t.walk(s, pkg, f.schema, f.callee, fv)
		}
		s.CloseStruct()
	case v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8:
		s.WriteBlob(ms, v.Bytes())
	case v.Kind() == reflect.Slice:
		s.WriteList(ms)
		elem := ""
		if sh != nil {
			elem = sh.elem
		}
		for i := 0; i < v.Len(); i++ {
			t.walk(s, pkg, ms.ListMember(), elem, v.Index(i))
		}
		s.CloseList()
	case v.Kind() == reflect.Map:
		s.WriteMap(ms)
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
		elem := ""
		if sh != nil {
			elem = sh.elem
		}
		for _, k := range keys {
			s.WriteKey(ms.MapKey(), k.String())
			t.walk(s, pkg, ms.MapValue(), elem, v.MapIndex(k))
		}
		s.CloseMap()
	default:
		writeScalar(s, ms, v)
	}
}

func isNilish(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface, reflect.Slice, reflect.Map:
		return v.IsNil()
	case reflect.String:
		return v.Len() == 0
	}
	return false
}

func writeScalar(s smithy.ShapeSerializer, ms *smithy.Schema, v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		s.WriteString(ms, v.String())
	case reflect.Bool:
		s.WriteBool(ms, v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		s.WriteInt64(ms, v.Int())
	case reflect.Float32, reflect.Float64:
		s.WriteFloat64(ms, v.Float())
	}
}

// serializeLegacy writes a legacy output struct's body document.
func (t *legacyTable) serializeBody(s smithy.ShapeSerializer, pkg, shape string, out any) bool {
	sh := t.shapes[pkg+"."+shape]
	if sh == nil {
		return false
	}
	t.walk(s, pkg, sh.schema, shape, reflect.ValueOf(out))
	return true
}
