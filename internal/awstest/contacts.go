package awstest

import (
	"context"
	"errors"
	"regexp"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	accttypes "github.com/aws/aws-sdk-go-v2/service/account/types"

	"github.com/orgrail/orgrail/internal/snapshot"
)

// registerContacts serves the Account Management alternate contacts:
// GetAlternateContact from the snapshot, PutAlternateContact and
// DeleteAlternateContact into the overlay, each in the account the call
// may name (alternateContactAccount).
func (s *Server) registerContacts() {
	s.Register("account", "GetAlternateContact", HandlerFunc(func(ctx context.Context, req *Request) (any, error) {
		if _, err := s.alternateContactAccount(req); err != nil {
			return nil, err
		}
		return s.snapshotRead(ctx, req)
	}))
	s.Register("macie2", "GetMacieSession", HandlerFunc(s.getMacieSession))
	s.Register("account", "PutAlternateContact", HandlerFunc(s.putAlternateContact))
	s.Register("account", "DeleteAlternateContact", HandlerFunc(s.deleteAlternateContact))
}

func (s *Server) putAlternateContact(_ context.Context, req *Request) (any, error) {
	target, apiErr := s.alternateContactAccount(req)
	if apiErr != nil {
		return nil, apiErr
	}
	var in struct{ AlternateContactType, EmailAddress, Name, PhoneNumber, Title string }
	if err := req.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if !validContactType(in.AlternateContactType) {
		return nil, Errorf("ValidationException", "AlternateContactType must be one of BILLING, OPERATIONS, SECURITY")
	}
	if in.EmailAddress == "" || in.Name == "" || in.PhoneNumber == "" || in.Title == "" {
		return nil, Errorf("ValidationException", "EmailAddress, Name, PhoneNumber and Title are required")
	}
	if err := checkContact(in.Name, in.Title, in.EmailAddress, in.PhoneNumber); err != nil {
		return nil, err
	}
	out := &account.GetAlternateContactOutput{AlternateContact: &accttypes.AlternateContact{
		AlternateContactType: accttypes.AlternateContactType(in.AlternateContactType), EmailAddress: aws.String(in.EmailAddress),
		Name: aws.String(in.Name), PhoneNumber: aws.String(in.PhoneNumber), Title: aws.String(in.Title)}}
	return &account.PutAlternateContactOutput{}, s.SetOutput(target, snapshot.Global, "account", "GetAlternateContact", in.AlternateContactType, out)
}

func (s *Server) deleteAlternateContact(_ context.Context, req *Request) (any, error) {
	target, apiErr := s.alternateContactAccount(req)
	if apiErr != nil {
		return nil, apiErr
	}
	typ := req.Param("AlternateContactType")
	if !validContactType(typ) {
		return nil, Errorf("ValidationException", "AlternateContactType must be one of BILLING, OPERATIONS, SECURITY")
	}
	s.SetError(target, snapshot.Global, "account", "GetAlternateContact", typ, "ResourceNotFoundException")
	return &account.DeleteAlternateContactOutput{}, nil
}

func validContactType(t string) bool {
	switch accttypes.AlternateContactType(t) {
	case accttypes.AlternateContactTypeBilling, accttypes.AlternateContactTypeOperations, accttypes.AlternateContactTypeSecurity:
		return true
	}
	return false
}

// Limits of PutAlternateContact's members, as the Account Management API
// Reference states them: Name 1-64, Title 1-50, EmailAddress 1-254
// matching ^[\s]*[\w+=.#|!&-]+@[\w.-]+\.[\w]+[\s]*$, PhoneNumber 1-25
// matching ^[\s0-9()+-]+$.
var (
	contactEmailRe = regexp.MustCompile(`^[\s]*[\w+=.#|!&-]+@[\w.-]+\.[\w]+[\s]*$`)
	contactPhoneRe = regexp.MustCompile(`^[\s0-9()+-]+$`)
)

// checkContact validates an alternate contact as the Account Management
// API does, answering its ValidationException with the field at fault.
func checkContact(name, title, email, phone string) *APIError {
	bad := func(field, why string) *APIError {
		return Errorf("ValidationException", "Invalid request provided: %s %s", field, why)
	}
	switch {
	case len(name) > 64:
		return bad("Name", "must be at most 64 characters")
	case len(title) > 50:
		return bad("Title", "must be at most 50 characters")
	case len(email) > 254 || !contactEmailRe.MatchString(email):
		return bad("EmailAddress", "must be a valid email address of at most 254 characters")
	case len(phone) > 25 || !contactPhoneRe.MatchString(phone):
		return bad("PhoneNumber", "must be at most 25 characters of digits, spaces, +, -, ( and )")
	}
	return nil
}

// getMacieSession answers from the snapshot; where the snapshot records
// Macie as off it answers as AWS does, AccessDeniedException with the
// message "Macie is not enabled." (which the collector keys on).
func (s *Server) getMacieSession(ctx context.Context, req *Request) (any, error) {
	out, err := s.snapshotRead(ctx, req)
	var ae *APIError
	if errors.As(err, &ae) && ae.Code == "AccessDeniedException" {
		return nil, Errorf("AccessDeniedException", "Macie is not enabled.")
	}
	return out, err
}
