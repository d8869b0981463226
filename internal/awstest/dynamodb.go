package awstest

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// ddbService is an in-memory DynamoDB (JSON 1.0): tables with a hash
// key and an optional range key, GetItem, PutItem, UpdateItem and
// DeleteItem with condition expressions (comparisons, BETWEEN,
// attribute_exists, attribute_not_exists, begins_with, contains, AND,
// OR, NOT), update expressions (SET with + and -, if_not_exists, REMOVE,
// ADD), and Query with a key condition, a filter, order, Limit and
// pagination. Every operation is atomic and strongly consistent.
type ddbService struct {
	mu     sync.Mutex
	tables map[string]*ddbTable // by account/region/name
}

type ddbTable struct {
	name       string
	arn        string
	hash, rng  string
	attrs      []ddbtypes.AttributeDefinition
	created    time.Time
	items      map[string]ddbItem
	keySchema  []ddbtypes.KeySchemaElement
	rangeIsNum bool
}

// ServeDynamoDB makes the server answer DynamoDB: CreateTable,
// DescribeTable, GetItem, PutItem, UpdateItem, DeleteItem and Query.
func (s *Server) ServeDynamoDB() *ddbService {
	return extension(s, "dynamodb", func() *ddbService { return &ddbService{tables: map[string]*ddbTable{}} },
		func(d *ddbService) {
			for op, h := range map[string]HandlerFunc{
				"CreateTable": d.createTable(s), "DescribeTable": d.describeTable(s), "GetItem": d.getItem, "PutItem": d.putItem,
				"UpdateItem": d.updateItem, "DeleteItem": d.deleteItem, "Query": d.query,
			} {
				s.Register("dynamodb", op, h)
			}
		})
}

func tableKey(req *Request, name string) string { return req.Account() + "/" + req.Region + "/" + name }

func (d *ddbService) createTable(s *Server) HandlerFunc {
	return func(_ context.Context, req *Request) (any, error) {
		var in struct {
			TableName            string
			KeySchema            []struct{ AttributeName, KeyType string }
			AttributeDefinitions []struct{ AttributeName, AttributeType string }
		}
		if err := req.DecodeJSON(&in); err != nil {
			return nil, err
		}
		t := &ddbTable{name: in.TableName, created: time.Now(), items: map[string]ddbItem{},
			arn: fmt.Sprintf("arn:%s:dynamodb:%s:%s:table/%s", s.partition(), req.Region, req.Account(), in.TableName)}
		for _, k := range in.KeySchema {
			switch k.KeyType {
			case "HASH":
				t.hash = k.AttributeName
			case "RANGE":
				t.rng = k.AttributeName
			}
			t.keySchema = append(t.keySchema, ddbtypes.KeySchemaElement{AttributeName: aws.String(k.AttributeName), KeyType: ddbtypes.KeyType(k.KeyType)})
		}
		for _, a := range in.AttributeDefinitions {
			t.attrs = append(t.attrs, ddbtypes.AttributeDefinition{AttributeName: aws.String(a.AttributeName), AttributeType: ddbtypes.ScalarAttributeType(a.AttributeType)})
			if a.AttributeName == t.rng && a.AttributeType == "N" {
				t.rangeIsNum = true
			}
		}
		if in.TableName == "" || t.hash == "" {
			return nil, Errorf("ValidationException", "TableName and a HASH key are required")
		}
		d.mu.Lock()
		defer d.mu.Unlock()
		k := tableKey(req, in.TableName)
		if _, dup := d.tables[k]; dup {
			return nil, Errorf("ResourceInUseException", "Table already exists: %s", in.TableName)
		}
		d.tables[k] = t
		return &dynamodb.CreateTableOutput{TableDescription: t.describe()}, nil
	}
}

func (t *ddbTable) describe() *ddbtypes.TableDescription {
	return &ddbtypes.TableDescription{
		TableName: aws.String(t.name), TableArn: aws.String(t.arn), TableStatus: ddbtypes.TableStatusActive,
		KeySchema: t.keySchema, AttributeDefinitions: t.attrs, CreationDateTime: aws.Time(t.created),
		ItemCount: aws.Int64(int64(len(t.items))),
	}
}

// describeTable answers from the in-memory tables first; a table only
// the snapshot holds (an audited account's table) is answered from the
// snapshot, so the stateful DynamoDB and the snapshot reads coexist.
func (d *ddbService) describeTable(s *Server) HandlerFunc {
	return func(ctx context.Context, req *Request) (any, error) {
		d.mu.Lock()
		t, err := d.table(req)
		d.mu.Unlock()
		if err != nil {
			if out, serr := s.snapshotRead(ctx, req); serr == nil {
				return out, nil
			}
			return nil, err
		}
		return &dynamodb.DescribeTableOutput{Table: t.describe()}, nil
	}
}

// table finds the request's table; d.mu must be held.
func (d *ddbService) table(req *Request) (*ddbTable, error) {
	t, ok := d.tables[tableKey(req, req.Param("TableName"))]
	if !ok {
		return nil, Errorf("ResourceNotFoundException", "Requested resource not found: Table: %s not found", req.Param("TableName"))
	}
	return t, nil
}

// itemKey is the primary key of an item as a map key.
func (t *ddbTable) itemKey(it ddbItem) (string, error) {
	h, ok := it[t.hash]
	if !ok {
		return "", Errorf("ValidationException", "One of the required keys was not given a value: %s", t.hash)
	}
	k := h.kind() + ":" + h.str()
	if t.rng != "" {
		r, ok := it[t.rng]
		if !ok {
			return "", Errorf("ValidationException", "One of the required keys was not given a value: %s", t.rng)
		}
		k += "\x00" + r.kind() + ":" + r.str()
	}
	return k, nil
}

// ddbRequest is the shape common to item operations.
type ddbRequest struct {
	TableName                 string
	Key                       ddbItem
	Item                      ddbItem
	ConditionExpression       string
	UpdateExpression          string
	ExpressionAttributeNames  map[string]string
	ExpressionAttributeValues map[string]ddbValue
	ReturnValues              string
}

func (d *ddbService) decode(req *Request) (*ddbRequest, *ddbTable, error) {
	var in ddbRequest
	if err := req.DecodeJSON(&in); err != nil {
		return nil, nil, err
	}
	t, err := d.table(req)
	return &in, t, err
}

// check evaluates the request's condition against the current item.
func check(in *ddbRequest, cur ddbItem) error {
	ok, err := evalCondition(in.ConditionExpression, in.ExpressionAttributeNames, in.ExpressionAttributeValues, cur)
	if err != nil {
		return err
	}
	if !ok {
		return Errorf("ConditionalCheckFailedException", "The conditional request failed")
	}
	return nil
}

func (d *ddbService) getItem(_ context.Context, req *Request) (any, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	in, t, err := d.decode(req)
	if err != nil {
		return nil, err
	}
	k, err := t.itemKey(in.Key)
	if err != nil {
		return nil, err
	}
	return &dynamodb.GetItemOutput{Item: sdkItem(t.items[k])}, nil
}

func (d *ddbService) putItem(_ context.Context, req *Request) (any, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	in, t, err := d.decode(req)
	if err != nil {
		return nil, err
	}
	k, err := t.itemKey(in.Item)
	if err != nil {
		return nil, err
	}
	old := t.items[k]
	if err := check(in, old); err != nil {
		return nil, err
	}
	t.items[k] = in.Item
	out := &dynamodb.PutItemOutput{}
	if in.ReturnValues == "ALL_OLD" {
		out.Attributes = sdkItem(old)
	}
	return out, nil
}

func (d *ddbService) updateItem(_ context.Context, req *Request) (any, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	in, t, err := d.decode(req)
	if err != nil {
		return nil, err
	}
	k, err := t.itemKey(in.Key)
	if err != nil {
		return nil, err
	}
	old := t.items[k]
	if err := check(in, old); err != nil {
		return nil, err
	}
	next := ddbItem{}
	for n, v := range old {
		next[n] = v
	}
	for n, v := range in.Key {
		next[n] = v
	}
	if err := applyUpdate(in.UpdateExpression, in.ExpressionAttributeNames, in.ExpressionAttributeValues, next); err != nil {
		return nil, err
	}
	t.items[k] = next
	out := &dynamodb.UpdateItemOutput{}
	switch in.ReturnValues {
	case "ALL_NEW", "UPDATED_NEW":
		out.Attributes = sdkItem(next)
	case "ALL_OLD", "UPDATED_OLD":
		out.Attributes = sdkItem(old)
	}
	return out, nil
}

func (d *ddbService) deleteItem(_ context.Context, req *Request) (any, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	in, t, err := d.decode(req)
	if err != nil {
		return nil, err
	}
	k, err := t.itemKey(in.Key)
	if err != nil {
		return nil, err
	}
	old := t.items[k]
	if err := check(in, old); err != nil {
		return nil, err
	}
	delete(t.items, k)
	out := &dynamodb.DeleteItemOutput{}
	if in.ReturnValues == "ALL_OLD" {
		out.Attributes = sdkItem(old)
	}
	return out, nil
}

func (d *ddbService) query(_ context.Context, req *Request) (any, error) {
	var in struct {
		KeyConditionExpression    string
		FilterExpression          string
		ExpressionAttributeNames  map[string]string
		ExpressionAttributeValues map[string]ddbValue
		ScanIndexForward          *bool
		Limit                     int
		ExclusiveStartKey         ddbItem
	}
	if err := req.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if in.KeyConditionExpression == "" {
		return nil, Errorf("ValidationException", "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.")
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	t, err := d.table(req)
	if err != nil {
		return nil, err
	}
	var matched []ddbItem
	for _, it := range t.items {
		ok, err := evalCondition(in.KeyConditionExpression, in.ExpressionAttributeNames, in.ExpressionAttributeValues, it)
		if err != nil {
			return nil, err
		}
		if ok {
			matched = append(matched, it)
		}
	}
	t.sortByRange(matched, in.ScanIndexForward == nil || *in.ScanIndexForward)
	if in.ExclusiveStartKey != nil {
		start, err := t.itemKey(in.ExclusiveStartKey)
		if err != nil {
			return nil, err
		}
		for i, it := range matched {
			if k, _ := t.itemKey(it); k == start {
				matched = matched[i+1:]
				break
			}
		}
	}
	out := &dynamodb.QueryOutput{}
	if in.Limit > 0 && len(matched) > in.Limit {
		matched = matched[:in.Limit]
		last := matched[len(matched)-1]
		lk := ddbItem{t.hash: last[t.hash]}
		if t.rng != "" {
			lk[t.rng] = last[t.rng]
		}
		out.LastEvaluatedKey = sdkItem(lk)
	}
	out.ScannedCount = int32(len(matched))
	for _, it := range matched {
		ok, err := evalCondition(in.FilterExpression, in.ExpressionAttributeNames, in.ExpressionAttributeValues, it)
		if err != nil {
			return nil, err
		}
		if ok {
			out.Items = append(out.Items, sdkItem(it))
		}
	}
	out.Count = int32(len(out.Items))
	return out, nil
}

func (t *ddbTable) sortByRange(items []ddbItem, ascending bool) {
	sort.SliceStable(items, func(i, j int) bool {
		c, _ := compare(items[i][t.rng], items[j][t.rng])
		if !ascending {
			return c > 0
		}
		return c < 0
	})
}

// sdkItem converts a wire item to the SDK's attribute values.
func sdkItem(it ddbItem) map[string]ddbtypes.AttributeValue {
	if it == nil {
		return nil
	}
	out := make(map[string]ddbtypes.AttributeValue, len(it))
	for n, v := range it {
		out[n] = sdkValue(v)
	}
	return out
}

func sdkValue(v ddbValue) ddbtypes.AttributeValue {
	k := v.kind()
	raw := v[k]
	var strs []string
	switch k {
	case "S":
		return &ddbtypes.AttributeValueMemberS{Value: v.str()}
	case "N":
		return &ddbtypes.AttributeValueMemberN{Value: v.str()}
	case "B":
		b, _ := base64.StdEncoding.DecodeString(v.str())
		return &ddbtypes.AttributeValueMemberB{Value: b}
	case "BOOL":
		var b bool
		_ = json.Unmarshal(raw, &b)
		return &ddbtypes.AttributeValueMemberBOOL{Value: b}
	case "NULL":
		return &ddbtypes.AttributeValueMemberNULL{Value: true}
	case "SS", "NS":
		_ = json.Unmarshal(raw, &strs)
		if k == "SS" {
			return &ddbtypes.AttributeValueMemberSS{Value: strs}
		}
		return &ddbtypes.AttributeValueMemberNS{Value: strs}
	case "L":
		var list []ddbValue
		_ = json.Unmarshal(raw, &list)
		out := &ddbtypes.AttributeValueMemberL{}
		for _, e := range list {
			out.Value = append(out.Value, sdkValue(e))
		}
		return out
	case "M":
		var m ddbItem
		_ = json.Unmarshal(raw, &m)
		return &ddbtypes.AttributeValueMemberM{Value: sdkItem(m)}
	}
	return &ddbtypes.AttributeValueMemberNULL{Value: true}
}
