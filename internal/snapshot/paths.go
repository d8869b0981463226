package snapshot

import (
	"fmt"
	"path/filepath"
	"regexp"

	"github.com/orgrail/orgrail/internal/safetext"
)

// Account ids, regions and service names come from data (org.json, an
// AWS Config file's awsAccountId and awsRegion, a CloudTrail record) and
// become directory names. They are checked here, in one place, before
// any of them is joined into a path.
var (
	accountSyntax = regexp.MustCompile(`^[0-9]{12}$`)
	// regionSyntax is an AWS region name: a partition-and-area prefix
	// (us, eu, ap, cn, us-gov, us-iso, eusc-de, …), a direction and a
	// number, e.g. us-east-1, ap-southeast-5, us-gov-west-1.
	regionSyntax  = regexp.MustCompile(`^[a-z]{2,4}(-[a-z]{1,10}){1,3}-[0-9]{1,2}$`)
	serviceSyntax = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)
)

// CheckAccount accepts a 12-digit AWS account id or the pseudo-account
// AWSAccount.
func CheckAccount(s string) error {
	if s == AWSAccount || accountSyntax.MatchString(s) {
		return nil
	}
	return fmt.Errorf("account id %s is not 12 digits", safetext.Quote(s))
}

// CheckRegion accepts an AWS region name (syntax only, so that regions
// launched after this release pass) or Global.
func CheckRegion(s string) error {
	if s == Global || regionSyntax.MatchString(s) {
		return nil
	}
	return fmt.Errorf("region %s is not an AWS region name", safetext.Quote(s))
}

// CheckService accepts a service name: lower-case letters, digits and
// hyphens.
func CheckService(s string) error {
	if serviceSyntax.MatchString(s) {
		return nil
	}
	return fmt.Errorf("service name %s is not lower-case letters, digits and hyphens", safetext.Quote(s))
}

// CheckScope checks an account, region and service together.
func CheckScope(account, region, service string) error {
	if err := CheckAccount(account); err != nil {
		return err
	}
	if err := CheckRegion(region); err != nil {
		return err
	}
	return CheckService(service)
}

// SafePath is Path for values that come from data: it refuses an
// account, region or service that is not one.
func SafePath(account, region, service string) (string, error) {
	if err := CheckScope(account, region, service); err != nil {
		return "", err
	}
	return Path(account, region, service), nil
}

// Within joins rel under root and refuses a rel that would leave root
// (absolute, "..", or a volume name): the last guard wherever a path is
// built from data.
func Within(root, rel string) (string, error) {
	if !filepath.IsLocal(rel) {
		return "", fmt.Errorf("path %s leaves %s", safetext.Quote(rel), root)
	}
	return filepath.Join(root, rel), nil
}
