package awstest

import (
	"bytes"
	"encoding/base64"
	"math"
	"math/big"
	"strconv"
	"time"

	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/document"
	smithytime "github.com/aws/smithy-go/time"
	"github.com/aws/smithy-go/traits"
)

// jsonSer implements smithy.ShapeSerializer for the JSON protocols. With
// jsonName set (REST-JSON) member keys honour the jsonName trait; with
// it unset (awsJson 1.0/1.1) they are the member names, as the SDK's
// deserializers read them. Timestamps default to epoch seconds.
//
// At depth one (the output structure's own members) a serializer with
// httpBindings set routes members bound to headers, the status code or
// the payload to the fields below instead of the body.
type jsonSer struct {
	buf          bytes.Buffer
	jsonName     bool
	httpBindings bool
	stack        []jsonCtx

	headers map[string]string
	status  int
	payload *payloadMember
}

type jsonCtx struct {
	first  bool
	inMap  bool
	keyed  bool // a map key has been written, the value comes next
	isList bool
}

// payloadMember is an @httpPayload member met at the top level.
type payloadMember struct {
	schema *smithy.Schema
	raw    []byte
	isRaw  bool
}

var _ smithy.ShapeSerializer = (*jsonSer)(nil)

func (s *jsonSer) Bytes() []byte { return s.buf.Bytes() }

// topLevel reports whether a member is written directly in the output
// structure and, if it is HTTP-bound, records it and returns true.
func (s *jsonSer) bound(schema *smithy.Schema, text string) bool {
	if !s.httpBindings || len(s.stack) != 1 || schema == nil {
		return false
	}
	if h, ok := smithy.SchemaTrait[*traits.HTTPHeader](schema); ok {
		if s.headers == nil {
			s.headers = map[string]string{}
		}
		s.headers[h.Name] = text
		return true
	}
	if _, ok := smithy.SchemaTrait[*traits.HTTPResponseCode](schema); ok {
		s.status, _ = strconv.Atoi(text)
		return true
	}
	if _, ok := smithy.SchemaTrait[*traits.HTTPPayload](schema); ok {
		s.payload = &payloadMember{schema: schema, raw: []byte(text), isRaw: true}
		return true
	}
	return false
}

func (s *jsonSer) key(schema *smithy.Schema) {
	if len(s.stack) == 0 {
		return
	}
	top := &s.stack[len(s.stack)-1]
	if top.inMap {
		top.keyed = false
		return
	}
	if !top.first {
		s.buf.WriteByte(',')
	}
	top.first = false
	if top.isList {
		return
	}
	name := schema.MemberName()
	if s.jsonName {
		if t, ok := smithy.SchemaTrait[*traits.JSONName](schema); ok {
			name = t.Name
		}
	}
	writeJSONString(&s.buf, name)
	s.buf.WriteByte(':')
}

func (s *jsonSer) scalar(schema *smithy.Schema, text string, quoted bool) {
	if s.bound(schema, text) {
		return
	}
	s.key(schema)
	if quoted {
		writeJSONString(&s.buf, text)
	} else {
		s.buf.WriteString(text)
	}
}

func (s *jsonSer) WriteInt8(sc *smithy.Schema, v int8) {
	s.scalar(sc, strconv.FormatInt(int64(v), 10), false)
}
func (s *jsonSer) WriteInt16(sc *smithy.Schema, v int16) {
	s.scalar(sc, strconv.FormatInt(int64(v), 10), false)
}
func (s *jsonSer) WriteInt32(sc *smithy.Schema, v int32) {
	s.scalar(sc, strconv.FormatInt(int64(v), 10), false)
}
func (s *jsonSer) WriteInt64(sc *smithy.Schema, v int64) {
	s.scalar(sc, strconv.FormatInt(v, 10), false)
}
func (s *jsonSer) WriteFloat32(sc *smithy.Schema, v float32) {
	s.WriteFloat64(sc, float64(v))
}
func (s *jsonSer) WriteFloat64(sc *smithy.Schema, v float64) {
	switch {
	case math.IsNaN(v):
		s.scalar(sc, "NaN", true)
	case math.IsInf(v, 1):
		s.scalar(sc, "Infinity", true)
	case math.IsInf(v, -1):
		s.scalar(sc, "-Infinity", true)
	default:
		s.scalar(sc, strconv.FormatFloat(v, 'g', -1, 64), false)
	}
}
func (s *jsonSer) WriteBool(sc *smithy.Schema, v bool)     { s.scalar(sc, strconv.FormatBool(v), false) }
func (s *jsonSer) WriteString(sc *smithy.Schema, v string) { s.scalar(sc, v, true) }
func (s *jsonSer) WriteBigInt(sc *smithy.Schema, v *big.Int) {
	s.scalar(sc, v.String(), false)
}
func (s *jsonSer) WriteBigFloat(sc *smithy.Schema, v *big.Float) {
	s.scalar(sc, v.Text('g', -1), false)
}

func (s *jsonSer) WriteBlob(sc *smithy.Schema, v []byte) {
	if s.httpBindings && len(s.stack) == 1 {
		if _, ok := smithy.SchemaTrait[*traits.HTTPPayload](sc); ok {
			s.payload = &payloadMember{schema: sc, raw: v, isRaw: true}
			return
		}
	}
	s.scalar(sc, base64.StdEncoding.EncodeToString(v), true)
}

func (s *jsonSer) WriteTime(sc *smithy.Schema, v time.Time) {
	format := "epoch-seconds"
	if t, ok := smithy.SchemaTrait[*traits.TimestampFormat](sc); ok {
		format = t.Format
	}
	if s.httpBindings && len(s.stack) == 1 {
		if _, ok := smithy.SchemaTrait[*traits.HTTPHeader](sc); ok && format == "epoch-seconds" {
			format = "http-date"
		}
	}
	switch format {
	case "date-time":
		s.scalar(sc, smithytime.FormatDateTime(v), true)
	case "http-date":
		s.scalar(sc, smithytime.FormatHTTPDate(v), true)
	default:
		s.scalar(sc, strconv.FormatFloat(smithytime.FormatEpochSeconds(v), 'f', -1, 64), false)
	}
}

func (s *jsonSer) WriteUnion(schema, variant *smithy.Schema) {
	s.key(schema)
	s.buf.WriteByte('{')
	s.stack = append(s.stack, jsonCtx{first: true})
}

func (s *jsonSer) CloseUnion() { s.closeObj('}') }

func (s *jsonSer) WriteDocument(sc *smithy.Schema, v document.Value) {
	s.key(sc)
	s.buf.WriteString("null")
}

func (s *jsonSer) WriteNil(sc *smithy.Schema) {
	s.key(sc)
	s.buf.WriteString("null")
}

func (s *jsonSer) WriteStruct(sc *smithy.Schema) {
	if len(s.stack) > 0 {
		s.key(sc)
	}
	s.buf.WriteByte('{')
	s.stack = append(s.stack, jsonCtx{first: true})
}

func (s *jsonSer) CloseStruct() { s.closeObj('}') }

func (s *jsonSer) closeObj(c byte) {
	s.buf.WriteByte(c)
	s.stack = s.stack[:len(s.stack)-1]
}

func (s *jsonSer) WriteList(sc *smithy.Schema) {
	s.key(sc)
	s.buf.WriteByte('[')
	s.stack = append(s.stack, jsonCtx{first: true, isList: true})
}

func (s *jsonSer) CloseList() { s.closeObj(']') }

func (s *jsonSer) WriteMap(sc *smithy.Schema) {
	s.key(sc)
	s.buf.WriteByte('{')
	s.stack = append(s.stack, jsonCtx{first: true, inMap: true})
}

func (s *jsonSer) WriteKey(sc *smithy.Schema, k string) {
	top := &s.stack[len(s.stack)-1]
	if !top.first {
		s.buf.WriteByte(',')
	}
	top.first = false
	writeJSONString(&s.buf, k)
	s.buf.WriteByte(':')
	top.keyed = true
}

func (s *jsonSer) CloseMap() { s.closeObj('}') }

// writeJSONString writes v as a JSON string literal.
func writeJSONString(b *bytes.Buffer, v string) {
	b.WriteByte('"')
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c == '\t':
			b.WriteString(`\t`)
		case c < 0x20:
			b.WriteString(`\u00`)
			b.WriteByte("0123456789abcdef"[c>>4])
			b.WriteByte("0123456789abcdef"[c&0xf])
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
}
