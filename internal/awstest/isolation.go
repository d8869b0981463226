package awstest

import (
	"fmt"
	"net/http"
	"strings"
	"sync"

	sqsschemas "github.com/aws/aws-sdk-go-v2/service/sqs/schemas"
	"github.com/aws/smithy-go"
	smithytraits "github.com/aws/smithy-go/traits"
)

// Per-account isolation. AWS answers a call on another account's
// resource from that resource's policy; the local AWS evaluates no
// resource policies, so a caller reaches only its own account's queues,
// topics, buckets and alternate contacts, and is refused elsewhere with
// the error AWS gives when no resource-based policy allows the action:
//
//   - SQS: AccessDenied (a queue that does not exist, or one of another
//     region, is AWS.SimpleQueueService.NonExistentQueue);
//   - SNS: AuthorizationError (a topic that does not exist is NotFound);
//   - S3: AccessDenied, 403 (HEAD: a bodiless 403);
//   - Account Management: AccessDeniedException unless the caller is the
//     management account (or the Account Management delegated
//     administrator) of an organization that enabled trusted access for
//     account.amazonaws.com, and the target is a member account.

// crossAccountDenied is the service's refusal of an action on another
// account's resource.
func crossAccountDenied(req *Request, action, resource string) *APIError {
	msg := fmt.Sprintf("User: %s is not authorized to perform: %s on resource: %s because no resource-based policy allows the %s action",
		req.Caller.ARN, action, resource, action)
	switch req.Service {
	case "sns":
		return Errorf("AuthorizationError", "%s", msg)
	case "account":
		return Errorf("AccessDeniedException", "%s", msg)
	case "s3":
		return &APIError{Code: "AccessDenied", Message: "Access Denied", Status: http.StatusForbidden}
	}
	return Errorf("AccessDenied", "%s", msg)
}

// sqsQueryCodes maps SQS error shape names to the awsQuery error codes
// SQS also sends (header X-Amzn-Query-Error), read from the SDK's own
// schemas: QueueDoesNotExist is AWS.SimpleQueueService.NonExistentQueue.
var sqsQueryCodes = func() map[string]string {
	m := map[string]string{}
	for _, sc := range []*smithy.Schema{sqsschemas.QueueDoesNotExist, sqsschemas.ReceiptHandleIsInvalid,
		sqsschemas.InvalidAttributeValue, sqsschemas.QueueDeletedRecently, sqsschemas.PurgeQueueInProgress,
		sqsschemas.InvalidAttributeName, sqsschemas.UnsupportedOperation} {
		if t, ok := smithy.SchemaTrait[*smithytraits.AWSQueryError](sc); ok {
			m[sc.ID().Name] = t.ErrorCode
		}
	}
	return m
}()

// sqsErrorType returns the JSON error type and the X-Amzn-Query-Error
// header SQS answers a code with.
func sqsErrorType(code string) (typ, query string) {
	if code == "AccessDenied" {
		return "com.amazon.coral.service#AccessDeniedException", "AccessDenied;Sender"
	}
	if q, ok := sqsQueryCodes[code]; ok {
		return "com.amazonaws.sqs#" + code, q + ";Sender"
	}
	return code, ""
}

// queueURLAccount returns the account of a queue URL (its path is
// /ACCOUNT/NAME).
func queueURLAccount(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
	}
	parts := strings.Split(u, "/")
	if len(parts) >= 3 {
		return parts[len(parts)-2]
	}
	return ""
}

// arnAccount returns the account field of an ARN.
func arnAccount(arn string) string {
	if p := strings.SplitN(arn, ":", 6); len(p) == 6 {
		return p[4]
	}
	return ""
}

// bucketIndex maps the snapshot's buckets (with the overlay) to their
// owners. Accounts are read as needed, the caller's first, so a call on
// one's own bucket reads one ListBuckets; the index starts over when a
// write changes the overlay.
type bucketIndex struct {
	mu      sync.Mutex
	gen     uint64
	owners  map[string]string
	scanned map[string]bool
	all     bool
}

var bucketIndexes sync.Map // *Server → *bucketIndex

// bucketOwner returns the account owning a bucket: the object store's
// buckets first, then the caller's ListBuckets, then every account's.
// "" when no account has it.
func (s *Server) bucketOwner(caller, bucket string) string {
	if v, ok := extensions.Load(extKey{s, "s3objects"}); ok {
		o := v.(*s3Objects)
		o.mu.RLock()
		b := o.buckets[bucket]
		o.mu.RUnlock()
		if b != nil {
			return b.owner
		}
	}
	v, _ := bucketIndexes.LoadOrStore(s, &bucketIndex{})
	ix := v.(*bucketIndex)
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if gen := s.state.gen.Load(); ix.owners == nil || ix.gen != gen {
		ix.owners, ix.scanned, ix.all, ix.gen = map[string]string{}, map[string]bool{}, false, gen
	}
	scan := func(account string) {
		if !ix.scanned[account] {
			for _, b := range s.bucketNames(account) {
				ix.owners[b] = account
			}
			ix.scanned[account] = true
		}
	}
	scan(caller)
	if owner, ok := ix.owners[bucket]; ok || ix.all {
		return owner
	}
	for _, a := range s.Organization().Accounts {
		scan(a.Id)
	}
	ix.all = true
	return ix.owners[bucket]
}

// checkBucketAccess refuses a call on a bucket another account owns.
func (s *Server) checkBucketAccess(req *Request, bucket string) *APIError {
	if owner := s.bucketOwner(req.Account(), bucket); owner != "" && owner != req.Account() {
		return crossAccountDenied(req, "s3:"+req.Operation, "arn:"+s.partition()+":s3:::"+bucket)
	}
	return nil
}

// checkResourceAccount refuses a snapshot read that names another
// account's queue, topic or bucket (per-resource reads, answered from
// the caller's account).
func (s *Server) checkResourceAccount(req *Request, file, key string) *APIError {
	switch {
	case file == "sqs" && key != "":
		if a := queueURLAccount(key); a != "" && a != req.Account() {
			return crossAccountDenied(req, "sqs:"+req.Operation, key)
		}
	case file == "sns" && key != "":
		if a := arnAccount(key); a != "" && a != req.Account() {
			return crossAccountDenied(req, "SNS:"+req.Operation, key)
		}
	case file == "s3" && key != "":
		return s.checkBucketAccess(req, key)
	}
	return nil
}

// alternateContactAccount decides whose alternate contacts a call names
// (its AccountId, else the caller's) and whether the caller may use
// them, as the Account Management API reference documents for the
// AccountId parameter.
func (s *Server) alternateContactAccount(req *Request) (string, *APIError) {
	target := req.Param("AccountId")
	if target == "" {
		return req.Account(), nil
	}
	o := s.Organization()
	caller := req.Account()
	deny := func(why string) (string, *APIError) {
		return "", Errorf("AccessDeniedException", "User: %s is not authorized to perform: account:%s on account %s (%s)", req.Caller.ARN, req.Operation, target, why)
	}
	if caller != o.MasterAccountId && o.DelegatedAdminFor("account.amazonaws.com") != caller {
		return deny("only the management account or the Account Management delegated administrator may name an AccountId")
	}
	if target == o.MasterAccountId {
		return deny("the management account is managed without AccountId, from itself")
	}
	if o.Account(target) == nil {
		return deny("the account is not a member of the organization")
	}
	trusted := false
	for _, p := range o.EnabledServicePrincipals {
		trusted = trusted || p.ServicePrincipal == "account.amazonaws.com"
	}
	if !trusted {
		return deny("trusted access for account.amazonaws.com is not enabled")
	}
	return target, nil
}
