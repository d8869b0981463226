package collect

import (
	"errors"
	"testing"

	"github.com/aws/smithy-go"
)

// TestMacieNotEnabledIsTheOnlyBenignDenial: GetMacieSession's
// AccessDeniedException is benign with Macie's "not enabled" message,
// and a gap when the role lacks the permission.
func TestMacieNotEnabledIsTheOnlyBenignDenial(t *testing.T) {
	off := &smithy.GenericAPIError{Code: "AccessDeniedException", Message: "Macie is not enabled."}
	denied := &smithy.GenericAPIError{Code: "AccessDeniedException",
		Message: "User: arn:aws:sts::111111111111:assumed-role/Audit/x is not authorized to perform: macie2:GetMacieSession"}
	if !benignMessage("macie2", "GetMacieSession", "AccessDeniedException", off) {
		t.Error("Macie is not enabled: want benign")
	}
	if benignMessage("macie2", "GetMacieSession", "AccessDeniedException", denied) {
		t.Error("a missing permission: want a gap")
	}
	if !benignMessage("account", "GetAlternateContact", "ResourceNotFoundException", errors.New("any")) {
		t.Error("an operation without a message filter: want its benign codes as they are")
	}
}
