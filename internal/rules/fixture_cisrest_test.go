package rules

import (
	"time"

	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	acctypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/macie2"
	m2types "github.com/aws/aws-sdk-go-v2/service/macie2/types"
)

// cisrestBaseline gives the account a complete primary contact and an
// enabled Macie session in the region (CIS 1.1 and 2.1.3); no account
// has a SAML provider (people sign in through IAM Identity Center).
func (f *fx) cisrestBaseline(a, r string) {
	f.set(a, "global", "account", "GetContactInformation", &account.GetContactInformationOutput{ContactInformation: &acctypes.ContactInformation{
		FullName: awsv2.String("Cloud Platform Team"), CompanyName: awsv2.String("Example Corp"), AddressLine1: awsv2.String("1-2-3 Otemachi"),
		City: awsv2.String("Chiyoda-ku"), StateOrRegion: awsv2.String("Tokyo"), PostalCode: awsv2.String("100-0004"), CountryCode: awsv2.String("JP"),
		PhoneNumber: awsv2.String("+81312345678")}})
	f.set(a, "global", "iam", "ListSAMLProviders", &iam.ListSAMLProvidersOutput{})
	f.set(a, r, "macie2", "GetMacieSession", &macie2.GetMacieSessionOutput{Status: m2types.MacieStatusEnabled,
		FindingPublishingFrequency: m2types.FindingPublishingFrequencyFifteenMinutes,
		ServiceRole:                awsv2.String("arn:aws:iam::" + a + ":role/aws-service-role/macie.amazonaws.com/AWSServiceRoleForAmazonMacie"),
		CreatedAt:                  awsv2.Time(fxNow.Add(-400 * 24 * time.Hour))})
}

func contactInfo(f *fx) *acctypes.ContactInformation {
	return op[account.GetContactInformationOutput](f, acctW, "global", "account", "GetContactInformation").ContactInformation
}
