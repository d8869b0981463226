package awstest

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	shtypes "github.com/aws/aws-sdk-go-v2/service/securityhub/types"
)

// batchImportFindings keeps the findings of a BatchImportFindings call
// that the caller may import, and fails the others one by one, as AWS
// does. With a default product (product/ACCOUNT/default), AWS requires the
// calling account to be the finding's AwsAccountId and the product's
// account: "the identifier of the account that you are calling
// BatchImportFindings from needs to be the same as the AwsAccountId
// attribute for the finding" (Security Hub API reference,
// BatchImportFindings). A finding that breaks the rule is listed in
// FailedFindings with AccessDeniedException, the code AWS answers it with.
func (s *Server) batchImportFindings(_ context.Context, req *Request) (any, error) {
	var in struct{ Findings []json.RawMessage }
	if err := req.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if len(in.Findings) == 0 || len(in.Findings) > 100 {
		return nil, Errorf("InvalidInputException", "Findings must hold 1 to 100 findings, got %d", len(in.Findings))
	}
	out := &securityhub.BatchImportFindingsOutput{}
	var ok []json.RawMessage
	for _, raw := range in.Findings {
		var f struct{ Id, AwsAccountId, ProductArn string }
		if err := json.Unmarshal(raw, &f); err != nil {
			return nil, Errorf("InvalidInputException", "finding is not a JSON object: %v", err)
		}
		if msg := importDenied(req.Caller, f.AwsAccountId, f.ProductArn); msg != "" {
			out.FailedFindings = append(out.FailedFindings, shtypes.ImportFindingsError{
				Id: aws.String(f.Id), ErrorCode: aws.String("AccessDeniedException"), ErrorMessage: aws.String(msg)})
			continue
		}
		ok = append(ok, raw)
	}
	s.findingsMu.Lock()
	s.findings = append(s.findings, ok...)
	s.findingsMu.Unlock()
	out.SuccessCount = aws.Int32(int32(len(ok)))
	out.FailedCount = aws.Int32(int32(len(out.FailedFindings)))
	return out, nil
}

// importDenied returns why caller may not import a finding of account for
// product, or "" when it may.
func importDenied(caller *Identity, account, product string) string {
	prodAcct := ""
	if p := strings.Split(product, ":"); len(p) == 6 && strings.HasSuffix(p[5], "/default") {
		prodAcct = p[4]
	}
	if caller.Account == account && (prodAcct == "" || prodAcct == caller.Account) {
		return ""
	}
	return "User: " + caller.ARN + " is not authorized to perform: securityhub:BatchImportFindings on resource: " + product +
		" (with the default product the calling account must be the finding's AwsAccountId " + account + ")"
}
