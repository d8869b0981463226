package awstest

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/document"
	smithytime "github.com/aws/smithy-go/time"
	"github.com/aws/smithy-go/traits"
)

// xmlSer implements smithy.ShapeSerializer for the XML protocols (Query,
// EC2 Query, REST-XML). Element names follow the SDK's rules: a member's
// own xmlName trait, else its member name; list items take the list
// member's name ("member" unless renamed, "item" for EC2) unless the
// list is flattened; maps write <entry><key/><value/></entry>.
//
// The root structure is written as rootName; with rootName empty only
// its members are written (the caller supplies the wrapper).
type xmlSer struct {
	buf      bytes.Buffer
	rootName string
	stack    []xmlCtx

	// httpBindings routes REST-XML top-level header members to headers.
	httpBindings bool
	headers      map[string]string
}

type xmlCtx struct {
	kind     byte // 's' struct, 'l' list, 'm' map
	pending  bool // the start tag is still open for attributes
	name     string
	itemName string
	flat     bool
	inEntry  bool
	schema   *smithy.Schema
}

var _ smithy.ShapeSerializer = (*xmlSer)(nil)

func (s *xmlSer) Bytes() []byte { return s.buf.Bytes() }

func xmlEname(schema *smithy.Schema) string {
	if t, ok := smithy.SchemaDirectTrait[*traits.XMLName](schema); ok {
		return t.Name
	}
	if n := schema.MemberName(); n != "" {
		return n
	}
	return schema.ID().Name
}

func (s *xmlSer) ctxName(schema *smithy.Schema) string {
	if n := len(s.stack); n > 0 {
		top := &s.stack[n-1]
		switch top.kind {
		case 'l':
			return top.itemName
		case 'm':
			if top.inEntry {
				return xmlEname(top.schema.MapValue())
			}
		}
	}
	return xmlEname(schema)
}

// flush closes a start tag left open for attributes.
func (s *xmlSer) flush() {
	if n := len(s.stack); n > 0 && s.stack[n-1].pending {
		s.buf.WriteByte('>')
		s.stack[n-1].pending = false
	}
}

func (s *xmlSer) open(name string) {
	s.flush()
	if name == "" {
		return
	}
	s.buf.WriteByte('<')
	s.buf.WriteString(name)
	s.buf.WriteByte('>')
}

func (s *xmlSer) close(name string) {
	s.flush()
	if name == "" {
		return
	}
	s.buf.WriteString("</")
	s.buf.WriteString(name)
	s.buf.WriteByte('>')
}

func (s *xmlSer) scalar(schema *smithy.Schema, text string) {
	if s.httpBindings && len(s.stack) == 1 {
		if h, ok := smithy.SchemaTrait[*traits.HTTPHeader](schema); ok {
			if s.headers == nil {
				s.headers = map[string]string{}
			}
			s.headers[h.Name] = text
			return
		}
	}
	if _, ok := smithy.SchemaTrait[*traits.XMLAttribute](schema); ok {
		if n := len(s.stack); n > 0 && s.stack[n-1].pending {
			name := xmlEname(schema)
			if strings.HasPrefix(name, "xsi:") {
				s.buf.WriteString(` xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"`)
			}
			s.buf.WriteString(" " + name + `="`)
			xml.EscapeText(&s.buf, []byte(text))
			s.buf.WriteByte('"')
		}
		return
	}
	name := s.ctxName(schema)
	s.open(name)
	xml.EscapeText(&s.buf, []byte(text))
	s.close(name)
}

func (s *xmlSer) WriteInt8(sc *smithy.Schema, v int8) { s.scalar(sc, strconv.FormatInt(int64(v), 10)) }
func (s *xmlSer) WriteInt16(sc *smithy.Schema, v int16) {
	s.scalar(sc, strconv.FormatInt(int64(v), 10))
}
func (s *xmlSer) WriteInt32(sc *smithy.Schema, v int32) {
	s.scalar(sc, strconv.FormatInt(int64(v), 10))
}
func (s *xmlSer) WriteInt64(sc *smithy.Schema, v int64) { s.scalar(sc, strconv.FormatInt(v, 10)) }
func (s *xmlSer) WriteFloat32(sc *smithy.Schema, v float32) {
	s.scalar(sc, strconv.FormatFloat(float64(v), 'g', -1, 32))
}
func (s *xmlSer) WriteFloat64(sc *smithy.Schema, v float64) {
	s.scalar(sc, strconv.FormatFloat(v, 'g', -1, 64))
}
func (s *xmlSer) WriteBool(sc *smithy.Schema, v bool)       { s.scalar(sc, strconv.FormatBool(v)) }
func (s *xmlSer) WriteString(sc *smithy.Schema, v string)   { s.scalar(sc, v) }
func (s *xmlSer) WriteBigInt(sc *smithy.Schema, v *big.Int) { s.scalar(sc, v.String()) }
func (s *xmlSer) WriteBigFloat(sc *smithy.Schema, v *big.Float) {
	s.scalar(sc, v.Text('g', -1))
}
func (s *xmlSer) WriteBlob(sc *smithy.Schema, v []byte) {
	s.scalar(sc, base64.StdEncoding.EncodeToString(v))
}

func (s *xmlSer) WriteTime(sc *smithy.Schema, v time.Time) {
	format := "date-time"
	if t, ok := smithy.SchemaTrait[*traits.TimestampFormat](sc); ok {
		format = t.Format
	}
	switch format {
	case "http-date":
		s.scalar(sc, smithytime.FormatHTTPDate(v))
	case "epoch-seconds":
		s.scalar(sc, strconv.FormatFloat(smithytime.FormatEpochSeconds(v), 'f', -1, 64))
	default:
		s.scalar(sc, smithytime.FormatDateTime(v))
	}
}

func (s *xmlSer) WriteUnion(schema, variant *smithy.Schema) {
	name := s.ctxName(schema)
	s.open(name)
	s.stack = append(s.stack, xmlCtx{kind: 's', name: name, schema: schema})
}

func (s *xmlSer) CloseUnion() { s.CloseStruct() }

func (s *xmlSer) WriteDocument(*smithy.Schema, document.Value) {}

func (s *xmlSer) WriteNil(*smithy.Schema) {}

func (s *xmlSer) WriteStruct(sc *smithy.Schema) {
	var name string
	if len(s.stack) == 0 {
		name = s.rootName
	} else {
		name = s.ctxName(sc)
	}
	s.flush()
	pending := false
	if name != "" {
		s.buf.WriteByte('<')
		s.buf.WriteString(name)
		pending = true
	}
	s.stack = append(s.stack, xmlCtx{kind: 's', name: name, schema: sc, pending: pending})
}

func (s *xmlSer) CloseStruct() {
	s.flush()
	top := s.stack[len(s.stack)-1]
	s.stack = s.stack[:len(s.stack)-1]
	s.close(top.name)
}

func (s *xmlSer) WriteList(sc *smithy.Schema) {
	s.flush()
	_, flat := smithy.SchemaTrait[*traits.XMLFlattened](sc)
	name := s.ctxName(sc)
	ctx := xmlCtx{kind: 'l', flat: flat, schema: sc}
	if flat {
		ctx.itemName = name
	} else {
		ctx.name = name
		ctx.itemName = xmlEname(sc.ListMember())
		s.open(name)
	}
	s.stack = append(s.stack, ctx)
}

func (s *xmlSer) CloseList() {
	top := s.stack[len(s.stack)-1]
	s.stack = s.stack[:len(s.stack)-1]
	if !top.flat {
		s.close(top.name)
	}
}

func (s *xmlSer) WriteMap(sc *smithy.Schema) {
	s.flush()
	_, flat := smithy.SchemaTrait[*traits.XMLFlattened](sc)
	name := s.ctxName(sc)
	ctx := xmlCtx{kind: 'm', flat: flat, schema: sc, itemName: "entry"}
	if flat {
		ctx.itemName = name
	} else {
		ctx.name = name
		s.open(name)
	}
	s.stack = append(s.stack, ctx)
}

func (s *xmlSer) WriteKey(sc *smithy.Schema, k string) {
	top := &s.stack[len(s.stack)-1]
	if top.inEntry {
		s.close(top.itemName)
	}
	s.open(top.itemName)
	kn := xmlEname(top.schema.MapKey())
	s.open(kn)
	xml.EscapeText(&s.buf, []byte(k))
	s.close(kn)
	top.inEntry = true
}

func (s *xmlSer) CloseMap() {
	top := s.stack[len(s.stack)-1]
	s.stack = s.stack[:len(s.stack)-1]
	if top.inEntry {
		s.close(top.itemName)
	}
	if !top.flat {
		s.close(top.name)
	}
}
