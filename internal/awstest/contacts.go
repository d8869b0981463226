package awstest

import (
	"context"

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
