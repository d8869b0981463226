package collect

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	"github.com/aws/aws-sdk-go-v2/service/dax"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/elasticache"
)

// TestDatastoreRateKeysAreServiceIDs is TestRateKeysAreServiceIDs for
// the data store services.
func TestDatastoreRateKeysAreServiceIDs(t *testing.T) {
	for _, id := range []string{dynamodb.ServiceID, applicationautoscaling.ServiceID, dax.ServiceID, elasticache.ServiceID} {
		if _, ok := DefaultRates[serviceKey(id)]; !ok {
			t.Errorf("no rate for %q (key %q): it would get the default rate", id, serviceKey(id))
		}
	}
}
