package awstest

import (
	"encoding/json"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	idstypes "github.com/aws/aws-sdk-go-v2/service/identitystore/types"
)

// unionDecoders decode stored outputs whose SDK type holds a union (an
// interface that encoding/json cannot fill). A snapshot stores a union
// member as its JSON form ({"Value": ...}); the decoder picks the
// variant back.
var unionDecoders = map[string]func(json.RawMessage) (any, error){
	"identitystore.ListGroupMemberships": decodeGroupMemberships,
}

func decodeGroupMemberships(raw json.RawMessage) (any, error) {
	var stored struct {
		GroupMemberships []struct {
			GroupId, IdentityStoreId, MembershipId *string
			MemberId                               struct{ Value *string }
		}
		NextToken *string
	}
	if err := json.Unmarshal(raw, &stored); err != nil {
		return nil, fmt.Errorf("stored ListGroupMemberships output: %w", err)
	}
	out := &identitystore.ListGroupMembershipsOutput{NextToken: stored.NextToken, GroupMemberships: []idstypes.GroupMembership{}}
	for _, m := range stored.GroupMemberships {
		gm := idstypes.GroupMembership{GroupId: m.GroupId, IdentityStoreId: m.IdentityStoreId, MembershipId: m.MembershipId}
		if m.MemberId.Value != nil {
			gm.MemberId = &idstypes.MemberIdMemberUserId{Value: *m.MemberId.Value}
		}
		out.GroupMemberships = append(out.GroupMemberships, gm)
	}
	return out, nil
}
