package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// DynamoAPI is the part of the DynamoDB client DynamoState uses.
type DynamoAPI interface {
	GetItem(ctx context.Context, in *dynamodb.GetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	PutItem(ctx context.Context, in *dynamodb.PutItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
	UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error)
	DeleteItem(ctx context.Context, in *dynamodb.DeleteItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error)
	Query(ctx context.Context, in *dynamodb.QueryInput, opts ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error)
}

// NewDynamoClient returns a DynamoDB client for the configuration.
func NewDynamoClient(cfg aws.Config) *dynamodb.Client { return dynamodb.NewFromConfig(cfg) }

// DynamoState keeps the state in one DynamoDB table with a string
// partition key "pk" and a string sort key "sk", shared by any number of
// concurrent workers (Lambda instances). Every write that decides
// something is conditional, so two workers never both claim a message
// or both record a detection as new:
//
//	dedupe#<key>            a detection recorded
//	msg#<id>                an outbox message (status, next attempt, body)
//	pending / parked, <id>  index partitions of the messages in that state
//	group#<ch>#<group>      the open group of a channel, member#<id>#<key> its members
//	triage#<id>             a triage item; triage#<status>, <created>#<id> its index
//	checkpoint#<prefix>     a watch checkpoint
//	counts, <channel>       the channel's count of sent messages
type DynamoState struct {
	db    DynamoAPI
	table string
}

// NewDynamoState uses table through db.
func NewDynamoState(db DynamoAPI, table string) *DynamoState {
	return &DynamoState{db: db, table: table}
}

type attrs = map[string]types.AttributeValue

// putNames are the attribute names conditional puts refer to ("until"
// and "value" are DynamoDB reserved words).
var putNames = map[string]string{"#u": "until", "#v": "value"}

func s(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
func n(v int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(v, 10)}
}

func key(pk, sk string) attrs { return attrs{"pk": s(pk), "sk": s(sk)} }

func getS(a attrs, name string) string {
	if v, ok := a[name].(*types.AttributeValueMemberS); ok {
		return v.Value
	}
	return ""
}

func getN(a attrs, name string) int64 {
	if v, ok := a[name].(*types.AttributeValueMemberN); ok {
		x, _ := strconv.ParseInt(v.Value, 10, 64)
		return x
	}
	return 0
}

// conditionFailed reports a failed condition expression.
func conditionFailed(err error) bool {
	var cf *types.ConditionalCheckFailedException
	return errors.As(err, &cf)
}

func (d *DynamoState) put(ctx context.Context, item attrs, cond string, vals attrs) (bool, error) {
	in := &dynamodb.PutItemInput{TableName: &d.table, Item: item}
	if cond != "" {
		in.ConditionExpression = aws.String(cond)
		if len(vals) > 0 {
			in.ExpressionAttributeValues = vals
		}
		for k, v := range putNames {
			if strings.Contains(cond, k) {
				if in.ExpressionAttributeNames == nil {
					in.ExpressionAttributeNames = map[string]string{}
				}
				in.ExpressionAttributeNames[k] = v
			}
		}
	}
	_, err := d.db.PutItem(ctx, in)
	if conditionFailed(err) {
		return false, nil
	}
	return err == nil, err
}

func (d *DynamoState) update(ctx context.Context, k attrs, expr, cond string, names map[string]string, vals attrs) (bool, error) {
	in := &dynamodb.UpdateItemInput{TableName: &d.table, Key: k, UpdateExpression: aws.String(expr), ExpressionAttributeValues: vals}
	if cond != "" {
		in.ConditionExpression = aws.String(cond)
	}
	if len(names) > 0 {
		in.ExpressionAttributeNames = names
	}
	_, err := d.db.UpdateItem(ctx, in)
	if conditionFailed(err) {
		return false, nil
	}
	return err == nil, err
}

func (d *DynamoState) get(ctx context.Context, k attrs) (attrs, error) {
	out, err := d.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &d.table, Key: k, ConsistentRead: aws.Bool(true)})
	if err != nil {
		return nil, err
	}
	return out.Item, nil
}

func (d *DynamoState) del(ctx context.Context, k attrs) error {
	_, err := d.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: &d.table, Key: k})
	return err
}

// query returns every item of a partition, in sort-key order (reversed
// when newestFirst), at most limit when positive.
func (d *DynamoState) query(ctx context.Context, pk string, newestFirst bool, limit int) ([]attrs, error) {
	var out []attrs
	var start attrs
	for {
		in := &dynamodb.QueryInput{
			TableName: &d.table, KeyConditionExpression: aws.String("pk = :pk"),
			ExpressionAttributeValues: attrs{":pk": s(pk)}, ConsistentRead: aws.Bool(true),
			ScanIndexForward: aws.Bool(!newestFirst), ExclusiveStartKey: start,
		}
		if limit > 0 {
			in.Limit = aws.Int32(int32(limit - len(out)))
		}
		res, err := d.db.Query(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("query %s: %w", pk, err)
		}
		out = append(out, res.Items...)
		if len(res.LastEvaluatedKey) == 0 || (limit > 0 && len(out) >= limit) {
			return out, nil
		}
		start = res.LastEvaluatedKey
	}
}

// Record implements State. Outbox messages and the triage item are
// written first, each idempotently under an id derived from the
// detection, and the dedupe mark last: a worker that dies half-way
// leaves a detection that the redelivered message records again,
// never one marked as recorded without its messages.
func (d *DynamoState) Record(ctx context.Context, e *Entry) (bool, error) {
	dk := key("dedupe#"+e.Key, "-")
	if item, err := d.get(ctx, dk); err != nil {
		return false, fmt.Errorf("dedupe: %w", err)
	} else if item != nil {
		return false, nil
	}
	for _, it := range e.Items {
		if err := d.recordItem(ctx, it, e); err != nil {
			return false, err
		}
	}
	if e.Triage && e.Suppressed == "" {
		if err := d.recordTriage(ctx, e); err != nil {
			return false, err
		}
	}
	fresh, err := d.put(ctx, attrs{"pk": dk["pk"], "sk": dk["sk"], "at": n(ms(e.Now))}, "attribute_not_exists(pk)", nil)
	if err != nil {
		return false, fmt.Errorf("dedupe: %w", err)
	}
	return fresh, nil
}

// RecordAll implements State, one entry after the other: each is
// safe on its own against concurrent workers.
func (d *DynamoState) RecordAll(ctx context.Context, entries []*Entry) ([]bool, error) {
	fresh := make([]bool, len(entries))
	for i, e := range entries {
		var err error
		if fresh[i], err = d.Record(ctx, e); err != nil {
			return nil, err
		}
	}
	return fresh, nil
}

func (d *DynamoState) recordItem(ctx context.Context, it *Item, e *Entry) error {
	if it.GroupKey != "" {
		joined, err := d.joinGroup(ctx, it, e)
		if err != nil || joined {
			return err
		}
		it.ID = hashID("group", it.Channel, it.GroupKey, it.Key)
	}
	body, err := json.Marshal(it)
	if err != nil {
		return err
	}
	created, err := d.put(ctx, attrs{
		"pk": s("msg#" + it.ID), "sk": s("-"), "status": s(StatusPending), "channel": s(it.Channel),
		"next": n(ms(it.NotBefore)), "attempts": n(0), "count": n(1), "body": s(string(body)),
		"created": n(ms(e.Now)), "groupUntil": n(ms(it.GroupUntil)),
	}, "attribute_not_exists(pk)", nil)
	if err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	if err := d.indexNew(ctx, it, e.Now, created); err != nil {
		return err
	}
	if it.GroupKey != "" && created {
		_, err := d.put(ctx, attrs{"pk": s("group#" + it.Channel + "#" + it.GroupKey), "sk": s("-"), "id": s(it.ID), "until": n(ms(it.GroupUntil))},
			"attribute_not_exists(pk) OR #u <= :now", attrs{":now": n(ms(e.Now))})
		if err != nil {
			return fmt.Errorf("outbox group: %w", err)
		}
	}
	return nil
}

// indexNew writes the pending index entry of a message just recorded.
// A worker recording the same detection again (a redelivered
// notification) writes it only while the message is still pending: it
// may be the one that completes a recording cut short, but it must not
// bring back the index entry of a message that was sent meanwhile.
func (d *DynamoState) indexNew(ctx context.Context, it *Item, now time.Time, created bool) error {
	if !created {
		a, err := d.get(ctx, key("msg#"+it.ID, "-"))
		if err != nil {
			return fmt.Errorf("outbox: %w", err)
		}
		if getS(a, "status") != StatusPending {
			return nil
		}
	}
	if _, err := d.put(ctx, d.indexItem(StatusPending, it.ID, it.Channel, it.NotBefore, 0, now), "", nil); err != nil {
		return fmt.Errorf("outbox index: %w", err)
	}
	return nil
}

// joinGroup adds the detection to the channel's open group, once: a
// member mark is written conditionally before the count is raised.
func (d *DynamoState) joinGroup(ctx context.Context, it *Item, e *Entry) (bool, error) {
	g, err := d.get(ctx, key("group#"+it.Channel+"#"+it.GroupKey, "-"))
	if err != nil || g == nil || getN(g, "until") <= ms(e.Now) {
		return false, err
	}
	id := getS(g, "id")
	if id == hashID("group", it.Channel, it.GroupKey, it.Key) {
		return true, nil // this detection opened the group
	}
	first, err := d.put(ctx, attrs{"pk": s("member#" + id + "#" + it.Key), "sk": s("-")}, "attribute_not_exists(pk)", nil)
	if err != nil || !first {
		return true, err
	}
	ok, err := d.update(ctx, key("msg#"+id, "-"), "ADD #c :one", "#s = :pending", map[string]string{"#c": "count", "#s": "status"},
		attrs{":one": n(1), ":pending": s(StatusPending)})
	if err != nil {
		return false, fmt.Errorf("outbox group: %w", err)
	}
	return ok, nil
}

func (d *DynamoState) indexItem(status, id, channel string, next time.Time, attempts int, created time.Time) attrs {
	return attrs{"pk": s(status), "sk": s(id), "channel": s(channel), "next": n(ms(next)), "attempts": n(int64(attempts)), "created": n(ms(created))}
}

func (d *DynamoState) recordTriage(ctx context.Context, e *Entry) error {
	id := hashID("triage", e.Key)[:12]
	body, err := json.Marshal(TriageItem{ID: id, Key: e.Key, Event: e.Event, Status: TriageOpen, CreatedAt: e.Now})
	if err != nil {
		return err
	}
	created, err := d.put(ctx, attrs{"pk": s("triage#" + id), "sk": s("-"), "status": s(TriageOpen), "body": s(string(body)), "created": n(ms(e.Now))},
		"attribute_not_exists(pk)", nil)
	if err != nil || !created {
		return err
	}
	_, err = d.put(ctx, attrs{"pk": s("triage#" + TriageOpen), "sk": s(triageSort(e.Now, id)), "body": s(string(body))}, "", nil)
	return err
}

func triageSort(t time.Time, id string) string { return fmt.Sprintf("%015d#%s", ms(t), id) }

// Claim implements State: pending messages due now are leased one by
// one with a conditional update, so concurrent workers split them.
func (d *DynamoState) Claim(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]*Item, error) {
	idx, err := d.query(ctx, StatusPending, false, 0)
	if err != nil {
		return nil, err
	}
	sort.SliceStable(idx, func(i, j int) bool { return getN(idx[i], "next") < getN(idx[j], "next") })
	var out []*Item
	for _, x := range idx {
		if len(out) >= limit || getN(x, "next") > ms(now) {
			break
		}
		id := getS(x, "sk")
		until := ms(now.Add(lease))
		ok, err := d.update(ctx, key("msg#"+id, "-"), "SET #n = :until", "#s = :pending AND #n <= :now",
			map[string]string{"#n": "next", "#s": "status"}, attrs{":until": n(until), ":pending": s(StatusPending), ":now": n(ms(now))})
		if err != nil {
			return out, fmt.Errorf("claiming %s: %w", id, err)
		}
		if !ok {
			continue
		}
		it, err := d.item(ctx, id)
		if err != nil {
			return out, err
		}
		it.NotBefore = fromMs(until)
		out = append(out, it)
	}
	return out, nil
}

// Renew implements State with a conditional update: the lease moves
// only while the message is pending under this worker's lease end.
func (d *DynamoState) Renew(ctx context.Context, it *Item, now time.Time, lease time.Duration) (bool, error) {
	until := now.Add(lease)
	ok, err := d.update(ctx, key("msg#"+it.ID, "-"), "SET #n = :until", "#s = :pending AND #n = :mine",
		map[string]string{"#n": "next", "#s": "status"}, attrs{":until": n(ms(until)), ":pending": s(StatusPending), ":mine": n(ms(it.NotBefore))})
	if err != nil {
		return false, fmt.Errorf("renewing %s: %w", it.ID, err)
	}
	if ok {
		it.NotBefore = until
	}
	return ok, nil
}

func (d *DynamoState) item(ctx context.Context, id string) (*Item, error) {
	a, err := d.get(ctx, key("msg#"+id, "-"))
	if err != nil {
		return nil, err
	}
	if a == nil {
		return nil, fmt.Errorf("outbox message %s: %w", id, ErrNotFound)
	}
	var it Item
	if err := json.Unmarshal([]byte(getS(a, "body")), &it); err != nil {
		return nil, fmt.Errorf("outbox message %s: %w", id, err)
	}
	it.ID, it.Status, it.Attempts, it.Count = id, getS(a, "status"), int(getN(a, "attempts")), int(getN(a, "count"))
	it.NotBefore, it.SentAt, it.LastError = fromMs(getN(a, "next")), fromMs(getN(a, "sent")), getS(a, "lastError")
	return &it, nil
}

// Sent implements State.
func (d *DynamoState) Sent(ctx context.Context, id string, now time.Time) error {
	a, err := d.get(ctx, key("msg#"+id, "-"))
	if err != nil {
		return err
	}
	if _, err := d.update(ctx, key("msg#"+id, "-"), "SET #s = :sent, #t = :now ADD #a :one", "", map[string]string{"#s": "status", "#t": "sent", "#a": "attempts"},
		attrs{":sent": s(StatusSent), ":now": n(ms(now)), ":one": n(1)}); err != nil {
		return fmt.Errorf("outbox message %s: %w", id, err)
	}
	if _, err := d.update(ctx, key("counts", getS(a, "channel")), "ADD #c :one", "", map[string]string{"#c": "sent"}, attrs{":one": n(1)}); err != nil {
		return err
	}
	return d.del(ctx, key(StatusPending, id))
}

// Retry implements State.
func (d *DynamoState) Retry(ctx context.Context, id string, next time.Time, errText string, park bool) error {
	status := StatusPending
	if park {
		status = StatusParked
	}
	ok, err := d.update(ctx, key("msg#"+id, "-"), "SET #s = :st, #n = :next, #e = :err ADD #a :one", "#s <> :sent",
		map[string]string{"#s": "status", "#n": "next", "#e": "lastError", "#a": "attempts"},
		attrs{":st": s(status), ":next": n(ms(next)), ":err": s(errText), ":one": n(1), ":sent": s(StatusSent)})
	if err != nil {
		return fmt.Errorf("outbox message %s: %w", id, err)
	}
	if !ok {
		return nil // sent meanwhile by a worker that claimed it after a lost lease
	}
	return d.reindex(ctx, id, status)
}

// reindex puts the message's index entry in the partition of its status.
func (d *DynamoState) reindex(ctx context.Context, id, status string) error {
	it, err := d.item(ctx, id)
	if err != nil {
		return err
	}
	if _, err := d.put(ctx, d.indexItem(status, id, it.Channel, it.NotBefore, it.Attempts, it.CreatedAt), "", nil); err != nil {
		return err
	}
	for _, other := range []string{StatusPending, StatusParked} {
		if other != status {
			if err := d.del(ctx, key(other, id)); err != nil {
				return err
			}
		}
	}
	return nil
}

// Defer implements State.
func (d *DynamoState) Defer(ctx context.Context, id string, next time.Time) error {
	ok, err := d.update(ctx, key("msg#"+id, "-"), "SET #n = :next", "#s = :pending", map[string]string{"#n": "next", "#s": "status"},
		attrs{":next": n(ms(next)), ":pending": s(StatusPending)})
	if err != nil {
		return fmt.Errorf("outbox message %s: %w", id, err)
	}
	if !ok {
		return nil // sent or parked meanwhile
	}
	return d.reindex(ctx, id, StatusPending)
}

// Unpark implements State.
func (d *DynamoState) Unpark(ctx context.Context, id, channel string, now time.Time) (int, error) {
	idx, err := d.query(ctx, StatusParked, false, 0)
	if err != nil {
		return 0, err
	}
	k := 0
	for _, x := range idx {
		mid := getS(x, "sk")
		if (id != "" && !strings.HasPrefix(mid, id)) || (channel != "" && getS(x, "channel") != channel) {
			continue
		}
		ok, err := d.update(ctx, key("msg#"+mid, "-"), "SET #s = :pending, #n = :now, #a = :zero", "#s = :parked",
			map[string]string{"#s": "status", "#n": "next", "#a": "attempts"},
			attrs{":pending": s(StatusPending), ":parked": s(StatusParked), ":now": n(ms(now)), ":zero": n(0)})
		if err != nil {
			return k, err
		}
		if err := d.reindex(ctx, mid, StatusPending); err != nil {
			return k, err
		}
		if ok {
			k++
		}
	}
	return k, nil
}

// Items implements State. DynamoDB lists pending and parked messages;
// sent ones are only counted.
func (d *DynamoState) Items(ctx context.Context, f Filter) ([]*Item, error) {
	var out []*Item
	for _, st := range []string{StatusPending, StatusParked} {
		if f.Status != "" && f.Status != st && !(f.Status == "failed" && st == StatusPending) {
			continue
		}
		idx, err := d.query(ctx, st, false, 0)
		if err != nil {
			return nil, err
		}
		for _, x := range idx {
			id := getS(x, "sk")
			if (f.ID != "" && !strings.HasPrefix(id, f.ID)) || (f.Channel != "" && getS(x, "channel") != f.Channel) {
				continue
			}
			it, err := d.item(ctx, id)
			if err != nil {
				return nil, err
			}
			if f.Status == "failed" && !it.Failing() {
				continue
			}
			out = append(out, it)
			if f.Limit > 0 && len(out) >= f.Limit {
				return out, nil
			}
		}
	}
	return out, nil
}

// Counts implements State.
func (d *DynamoState) Counts(ctx context.Context) ([]Counts, error) {
	by := map[string]*Counts{}
	get := func(ch string) *Counts {
		if by[ch] == nil {
			by[ch] = &Counts{Channel: ch}
		}
		return by[ch]
	}
	for _, st := range []string{StatusPending, StatusParked} {
		idx, err := d.query(ctx, st, false, 0)
		if err != nil {
			return nil, err
		}
		for _, x := range idx {
			c := get(getS(x, "channel"))
			if st == StatusParked {
				c.Parked++
				continue
			}
			c.Pending++
			if getN(x, "attempts") > 0 {
				c.Failing++
			}
		}
	}
	sent, err := d.query(ctx, "counts", false, 0)
	if err != nil {
		return nil, err
	}
	for _, x := range sent {
		get(getS(x, "sk")).Sent = int(getN(x, "sent"))
	}
	out := make([]Counts, 0, len(by))
	for _, c := range by {
		out = append(out, *c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Channel < out[j].Channel })
	return out, nil
}

// TriageItems implements State.
func (d *DynamoState) TriageItems(ctx context.Context, status string, limit int) ([]*TriageItem, error) {
	statuses := []string{status}
	if status == "" {
		statuses = []string{TriageOpen, TriageAcknowledged, TriageDismissed}
	}
	var out []*TriageItem
	for _, st := range statuses {
		idx, err := d.query(ctx, "triage#"+st, false, limit)
		if err != nil {
			return nil, err
		}
		for _, x := range idx {
			var t TriageItem
			if err := json.Unmarshal([]byte(getS(x, "body")), &t); err != nil {
				return nil, fmt.Errorf("triage item %s: %w", getS(x, "sk"), err)
			}
			out = append(out, &t)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].CreatedAt.Before(out[j].CreatedAt) })
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// Resolve implements State.
func (d *DynamoState) Resolve(ctx context.Context, id, status, reason, by string, now time.Time) error {
	a, err := d.get(ctx, key("triage#"+id, "-"))
	if err != nil {
		return err
	}
	if a == nil {
		return fmt.Errorf("triage item %s: %w", id, ErrNotFound)
	}
	var t TriageItem
	if err := json.Unmarshal([]byte(getS(a, "body")), &t); err != nil {
		return fmt.Errorf("triage item %s: %w", id, err)
	}
	t.Status, t.Reason, t.By, t.UpdatedAt = status, reason, by, now
	body, _ := json.Marshal(t)
	ok, err := d.update(ctx, key("triage#"+id, "-"), "SET #s = :st, #b = :body", "#s = :open", map[string]string{"#s": "status", "#b": "body"},
		attrs{":st": s(status), ":body": s(string(body)), ":open": s(TriageOpen)})
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("triage item %s is already %s", id, getS(a, "status"))
	}
	sk := triageSort(t.CreatedAt, id)
	if _, err := d.put(ctx, attrs{"pk": s("triage#" + status), "sk": s(sk), "body": s(string(body))}, "", nil); err != nil {
		return err
	}
	return d.del(ctx, key("triage#"+TriageOpen, sk))
}

// Checkpoint implements State.
func (d *DynamoState) Checkpoint(ctx context.Context, prefix string) (string, error) {
	a, err := d.get(ctx, key("checkpoint#"+prefix, "-"))
	if err != nil {
		return "", fmt.Errorf("reading checkpoint %s: %w", prefix, err)
	}
	return getS(a, "value"), nil
}

// SetCheckpoint implements State. Checkpoints only move forward, so
// workers finishing out of order never move one back.
func (d *DynamoState) SetCheckpoint(ctx context.Context, prefix, k string, now time.Time) error {
	_, err := d.put(ctx, attrs{"pk": s("checkpoint#" + prefix), "sk": s("-"), "value": s(k), "at": n(ms(now))},
		"attribute_not_exists(pk) OR #v < :v", attrs{":v": s(k)})
	if err != nil {
		return fmt.Errorf("saving checkpoint %s: %w", prefix, err)
	}
	return nil
}

// Close implements State.
func (d *DynamoState) Close() error { return nil }
