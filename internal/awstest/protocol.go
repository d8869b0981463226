package awstest

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"reflect"
	"strings"

	"github.com/aws/smithy-go"
)

// decode finds the operation and fills Params for the service's protocol.
func (s *Server) decode(req *Request, svc *serviceDef) error {
	r := req.HTTP
	req.Params = map[string]string{}
	switch svc.Protocol {
	case AWSJSON10, AWSJSON11:
		t := r.Header.Get("X-Amz-Target")
		if t == "" {
			return Errorf("UnknownOperationException", "missing X-Amz-Target header")
		}
		req.Operation = t[strings.LastIndex(t, ".")+1:]
		if len(bytes.TrimSpace(req.Body)) > 0 {
			if err := json.Unmarshal(req.Body, &req.json); err != nil {
				return Errorf("SerializationException", "malformed JSON request body: %v", err)
			}
		}
		for k, raw := range req.json {
			req.Params[k] = scalarText(raw)
		}
	case Query, EC2Query:
		form, err := url.ParseQuery(string(req.Body))
		if err != nil {
			return Errorf("MalformedQueryString", "malformed form body: %v", err)
		}
		for k, v := range r.URL.Query() {
			form[k] = append(form[k], v...)
		}
		req.Form = form
		req.Operation = form.Get("Action")
		if req.Operation == "" {
			return Errorf("MissingAction", "the request has no Action parameter")
		}
		for k := range form {
			req.Params[k] = form.Get(k)
		}
	case RESTJSON, RESTXML:
		path, bucket := r.URL.Path, ""
		if svc.Name == "s3" {
			// The SDK's S3 routes exclude the bucket: it travels in the
			// host (virtual-host style) or the first path segment.
			if bucket = virtualHostBucket(r.Host, s.ln.Addr().String()); bucket == "" {
				trimmed := strings.TrimPrefix(path, "/")
				bucket, path, _ = strings.Cut(trimmed, "/")
				path = "/" + path
			}
		}
		rt, labels := s.findRoute(svc.Name, r, path)
		if rt != nil && svc.Name == "s3" && (bucket == "") != (rt.spec.Op == "ListBuckets") {
			rt = nil // bucket operations need a bucket; ListBuckets has none
		}
		if rt == nil {
			return notImplemented(svc, r.Method+" "+r.URL.Path)
		}
		req.Operation = rt.spec.Op
		for k, v := range labels {
			req.Params[k] = v
		}
		q := r.URL.Query()
		for _, b := range rt.spec.Query {
			if q.Has(b[0]) {
				req.Params[b[1]] = q.Get(b[0])
			}
		}
		for _, b := range rt.spec.Headers {
			if v := r.Header.Get(b[0]); v != "" {
				req.Params[b[1]] = v
			}
		}
		if bucket != "" {
			req.Params["Bucket"] = bucket
		}
		req.Bucket = req.Params["Bucket"]
		if svc.Protocol == RESTJSON && len(bytes.TrimSpace(req.Body)) > 0 && req.Body[0] == '{' {
			_ = json.Unmarshal(req.Body, &req.json)
			for k, raw := range req.json {
				if _, set := req.Params[k]; !set {
					req.Params[k] = scalarText(raw)
				}
			}
		}
	}
	return nil
}

// virtualHostBucket returns the bucket of a virtual-host style S3 host
// such as mybucket.localhost:PORT or mybucket.s3.localhost.
func virtualHostBucket(host, self string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	selfHost, _, _ := net.SplitHostPort(self)
	for _, suffix := range []string{".s3.localhost", ".localhost", "." + selfHost} {
		if strings.HasSuffix(host, suffix) && net.ParseIP(host) == nil {
			return strings.TrimSuffix(host, suffix)
		}
	}
	return ""
}

func scalarText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(bytes.TrimSpace(raw))
}

// writeOutput serializes an operation's output in the wire protocol.
func (s *Server) writeOutput(w http.ResponseWriter, req *Request, svc *serviceDef, out any) error {
	if rr, ok := out.(rawResponse); ok {
		return rr.writeResponse(w, req)
	}
	sp := s.spec(svc.Name, req.Operation)
	if sp == nil {
		return fmt.Errorf("no output type known for %s %s", svc.Name, req.Operation)
	}
	if raw, ok := out.(json.RawMessage); ok {
		v, err := decodeRaw(sp, raw)
		if err != nil {
			return err
		}
		out = v
	}
	if out == nil || (reflect.ValueOf(out).Kind() == reflect.Pointer && reflect.ValueOf(out).IsNil()) {
		out = sp.New()
	}
	h := w.Header()
	h.Set("X-Amzn-Requestid", req.ID)
	switch svc.Protocol {
	case AWSJSON10, AWSJSON11, RESTJSON:
		js := &jsonSer{jsonName: svc.Protocol == RESTJSON, httpBindings: svc.Protocol == RESTJSON}
		if !s.serializeInto(js, sp, out) {
			js.buf.WriteString("{}")
		}
		ct := "application/json"
		if svc.Protocol == AWSJSON10 {
			ct = "application/x-amz-json-1.0"
		} else if svc.Protocol == AWSJSON11 {
			ct = "application/x-amz-json-1.1"
		}
		h.Set("Content-Type", ct)
		for k, v := range js.headers {
			h.Set(k, v)
		}
		status := http.StatusOK
		if js.status != 0 {
			status = js.status
		}
		body := js.Bytes()
		if js.payload != nil {
			body = js.payload.raw
		}
		w.WriteHeader(status)
		_, err := w.Write(body)
		return err
	case Query, EC2Query:
		xs := &xmlSer{rootName: req.Operation + "Result"}
		if svc.Protocol == EC2Query {
			xs.rootName = ""
		}
		s.serializeInto(xs, sp, out)
		var b bytes.Buffer
		fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+`<%sResponse xmlns="%s">`, req.Operation, svc.XMLNS)
		if svc.Protocol == EC2Query {
			fmt.Fprintf(&b, "<requestId>%s</requestId>", req.ID)
			b.Write(xs.Bytes())
		} else {
			b.Write(xs.Bytes())
			fmt.Fprintf(&b, "<ResponseMetadata><RequestId>%s</RequestId></ResponseMetadata>", req.ID)
		}
		fmt.Fprintf(&b, "</%sResponse>", req.Operation)
		h.Set("Content-Type", "text/xml")
		_, err := w.Write(b.Bytes())
		return err
	case RESTXML:
		return s.writeRESTXML(w, req, svc, sp, out)
	}
	return fmt.Errorf("unknown protocol %v", svc.Protocol)
}

// serializeInto writes out with the SDK's schema (schema-serde clients)
// or the legacy tables. It reports whether anything was written.
func (s *Server) serializeInto(ser smithy.ShapeSerializer, sp *opSpec, out any) bool {
	if !sp.Legacy {
		if v, ok := out.(smithy.Serializable); ok {
			v.Serialize(ser)
			return true
		}
		return false
	}
	op := legacyTables.ops[sp.Pkg+"."+sp.Op]
	if op == nil || op.body == "" {
		return false
	}
	return legacyTables.serializeBody(ser, sp.Pkg, op.body, out)
}

// s3RootNames are the root elements of S3 documents, as S3 sends them.
var s3RootNames = map[string]string{
	"ListBuckets": "ListAllMyBucketsResult", "GetBucketAcl": "AccessControlPolicy",
	"GetBucketTagging": "Tagging", "GetBucketVersioning": "VersioningConfiguration",
	"GetBucketLogging": "BucketLoggingStatus",
}

func (s *Server) writeRESTXML(w http.ResponseWriter, req *Request, svc *serviceDef, sp *opSpec, out any) error {
	h := w.Header()
	h.Set("X-Amz-Request-Id", req.ID)
	h.Set("Content-Type", "application/xml")
	op := legacyTables.ops[sp.Pkg+"."+sp.Op]
	v := reflect.Indirect(reflect.ValueOf(out))
	var body []byte
	switch {
	case op == nil:
	case sp.Op == "GetBucketLocation":
		loc := v.FieldByName("LocationConstraint").String()
		var b bytes.Buffer
		b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">`)
		xml.EscapeText(&b, []byte(loc))
		b.WriteString("</LocationConstraint>")
		body = b.Bytes()
	case op.raw != "":
		f := reflect.Indirect(v.FieldByName(op.raw))
		if f.IsValid() {
			body = []byte(f.String())
		}
		h.Set("Content-Type", "application/json")
	case op.payloadField != "":
		f := v.FieldByName(op.payloadField)
		if f.IsValid() && !isNilish(f) {
			xs := &xmlSer{rootName: op.payloadShape}
			sh := legacyTables.shapes[sp.Pkg+"."+op.payloadShape]
			if sh != nil {
				legacyTables.walk(xs, sp.Pkg, sh.schema, op.payloadShape, f)
			}
			body = xmlDoc(xs.Bytes())
		}
	case op.body != "":
		root := s3RootNames[sp.Op]
		if root == "" {
			root = sp.Op + "Result"
		}
		xs := &xmlSer{rootName: root}
		legacyTables.serializeBody(xs, sp.Pkg, op.body, out)
		body = xmlDoc(xs.Bytes())
	}
	if op != nil {
		for _, hb := range op.headers {
			f := reflect.Indirect(v.FieldByName(hb[1]))
			if f.IsValid() && !f.IsZero() {
				h.Set(hb[0], fmt.Sprint(f.Interface()))
			}
		}
	}
	_, err := w.Write(body)
	return err
}

func xmlDoc(inner []byte) []byte {
	if len(inner) == 0 {
		return nil
	}
	return append([]byte(`<?xml version="1.0" encoding="UTF-8"?>`+"\n"), inner...)
}

// writeError answers with the protocol's error shape.
func (s *Server) writeError(w http.ResponseWriter, req *Request, svc *serviceDef, e *APIError) {
	h := w.Header()
	h.Set("X-Amzn-Requestid", req.ID)
	status := e.Status
	if status == 0 {
		status = statusFor(e.Code)
	}
	var b bytes.Buffer
	switch svc.Protocol {
	case AWSJSON10, AWSJSON11, RESTJSON:
		typ := e.Code
		if svc.Name == "sqs" {
			var query string
			if typ, query = sqsErrorType(e.Code); query != "" {
				h.Set("X-Amzn-Query-Error", query)
			}
		}
		h.Set("X-Amzn-Errortype", typ)
		if svc.Protocol == RESTJSON {
			h.Set("Content-Type", "application/json")
		} else {
			h.Set("Content-Type", "application/x-amz-json-1.1")
		}
		b.WriteString(`{"__type":`)
		writeJSONString(&b, typ)
		b.WriteString(`,"message":`)
		writeJSONString(&b, e.Message)
		b.WriteString(`,"Message":`)
		writeJSONString(&b, e.Message)
		b.WriteString("}")
	case Query:
		typ := "Sender"
		if status >= 500 {
			typ = "Receiver"
		}
		h.Set("Content-Type", "text/xml")
		fmt.Fprintf(&b, `<ErrorResponse xmlns="%s"><Error><Type>%s</Type><Code>%s</Code><Message>`, svc.XMLNS, typ, e.Code)
		xml.EscapeText(&b, []byte(e.Message))
		fmt.Fprintf(&b, "</Message></Error><RequestId>%s</RequestId></ErrorResponse>", req.ID)
	case EC2Query:
		h.Set("Content-Type", "text/xml")
		fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+`<Response><Errors><Error><Code>%s</Code><Message>`, e.Code)
		xml.EscapeText(&b, []byte(e.Message))
		fmt.Fprintf(&b, "</Message></Error></Errors><RequestID>%s</RequestID></Response>", req.ID)
	default:
		h.Set("Content-Type", "application/xml")
		h.Set("X-Amz-Request-Id", req.ID)
		if svc.Name == "s3control" {
			// S3 Control wraps its errors (the SDK reads them with
			// IsWrappedWithErrorTag).
			fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+`<ErrorResponse><Error><Code>%s</Code><Message>`, e.Code)
			xml.EscapeText(&b, []byte(e.Message))
			fmt.Fprintf(&b, "</Message></Error><RequestId>%s</RequestId></ErrorResponse>", req.ID)
			break
		}
		fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+`<Error><Code>%s</Code><Message>`, e.Code)
		xml.EscapeText(&b, []byte(e.Message))
		fmt.Fprintf(&b, "</Message><RequestId>%s</RequestId></Error>", req.ID)
	}
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes())
}
