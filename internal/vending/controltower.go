package vending

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	sc "github.com/aws/aws-sdk-go-v2/service/servicecatalog"
	sctypes "github.com/aws/aws-sdk-go-v2/service/servicecatalog/types"
	"github.com/aws/smithy-go"
)

// createViaControlTower vends the account through Control Tower's
// Account Factory: ProvisionProduct of the factory product (named after
// the account, as the Control Tower console does), then DescribeRecord
// until it ends. It resumes from the record in the journal, else from a
// provisioned product of the account's name.
func (r *run) createViaControlTower(ctx context.Context) (outcome, error) {
	ct := r.cfg.Organization.ControlTower
	cl := sc.NewFromConfig(r.base, func(o *sc.Options) {
		if hr := r.cfg.Organization.HomeRegion; hr != "" {
			o.Region = hr
		}
	})
	recID, found := "", false
	if e := r.steps["account"]; strings.HasPrefix(e.detail, "record ") {
		recID, found = strings.TrimPrefix(e.detail, "record "), true
	}
	if recID == "" {
		pp, err := cl.DescribeProvisionedProduct(ctx, &sc.DescribeProvisionedProductInput{Name: aws.String(r.req.Name)})
		var ae smithy.APIError
		switch {
		case err == nil:
			recID, found = aws.ToString(pp.ProvisionedProductDetail.LastRecordId), true
		case errors.As(err, &ae) && ae.ErrorCode() == "ResourceNotFoundException":
		default:
			return outcome{}, fmt.Errorf("DescribeProvisionedProduct %s: %w", r.req.Name, err)
		}
	}
	if recID == "" {
		var err error
		if recID, err = r.provisionAccount(ctx, cl, ct.Product()); err != nil {
			return outcome{}, err
		}
	}
	if err := r.j.set(ctx, "account", entry{status: stepStarted, detail: "record " + recID}); err != nil {
		return outcome{}, err
	}
	r.progress("account: waiting for the Account Factory (record %s)", recID)
	id, err := r.waitRecord(ctx, cl, recID)
	if err == nil && id == "" {
		id, err = r.findAccount(ctx)
		if err == nil && id == "" {
			err = fmt.Errorf("the Account Factory record %s succeeded but no account has the email %s", recID, r.req.Email)
		}
	}
	return r.gotAccount(ctx, id, found, err)
}

// provisionAccount finds the factory product and its default version
// and provisions it with the account's parameters.
func (r *run) provisionAccount(ctx context.Context, cl *sc.Client, product string) (string, error) {
	found, err := cl.SearchProducts(ctx, &sc.SearchProductsInput{Filters: map[string][]string{"FullTextSearch": {product}}})
	if err != nil {
		return "", fmt.Errorf("SearchProducts %q: %w", product, err)
	}
	prodID := ""
	for _, p := range found.ProductViewSummaries {
		if aws.ToString(p.Name) == product {
			prodID = aws.ToString(p.ProductId)
		}
	}
	if prodID == "" {
		return "", fmt.Errorf("no Service Catalog product %q in %s: is Control Tower set up there, and may this principal use the Account Factory portfolio?", product, r.cfg.Organization.HomeRegion)
	}
	desc, err := cl.DescribeProduct(ctx, &sc.DescribeProductInput{Id: aws.String(prodID)})
	if err != nil {
		return "", fmt.Errorf("DescribeProduct %s: %w", prodID, err)
	}
	version := ""
	for _, a := range desc.ProvisioningArtifacts {
		if a.Guidance != sctypes.ProvisioningArtifactGuidanceDeprecated {
			version = aws.ToString(a.Id) // the newest version not deprecated
		}
	}
	if version == "" {
		return "", fmt.Errorf("the product %s has no version that is not deprecated", prodID)
	}
	ouID, err := r.ouID(ctx, r.req.OU)
	if err != nil {
		return "", err
	}
	segs := strings.Split(r.req.OU, "/")
	u := r.cfg.Organization.ControlTower.SSOUser
	params := map[string]string{
		"AccountName": r.req.Name, "AccountEmail": r.req.Email,
		"ManagedOrganizationalUnit": fmt.Sprintf("%s (%s)", segs[len(segs)-1], ouID),
		"SSOUserEmail":              orStr(u.Email, r.req.Email),
		"SSOUserFirstName":          orStr(u.FirstName, r.req.Name),
		"SSOUserLastName":           orStr(u.LastName, "Admin"),
	}
	var pp []sctypes.ProvisioningParameter
	for _, k := range []string{"AccountName", "AccountEmail", "ManagedOrganizationalUnit", "SSOUserEmail", "SSOUserFirstName", "SSOUserLastName"} {
		pp = append(pp, sctypes.ProvisioningParameter{Key: aws.String(k), Value: aws.String(params[k])})
	}
	h := sha256.Sum256([]byte(r.req.Key() + "/account-factory"))
	out, err := cl.ProvisionProduct(ctx, &sc.ProvisionProductInput{ProductId: aws.String(prodID), ProvisioningArtifactId: aws.String(version),
		ProvisionedProductName: aws.String(r.req.Name), ProvisionToken: aws.String(hex.EncodeToString(h[:16])), ProvisioningParameters: pp})
	if err != nil {
		return "", fmt.Errorf("ProvisionProduct %s (Account Factory) for %s: %w", prodID, r.req.Name, err)
	}
	return aws.ToString(out.RecordDetail.RecordId), nil
}

// waitRecord polls DescribeRecord until the provisioning ends and
// returns the AccountId output ("" when the record has none).
func (r *run) waitRecord(ctx context.Context, cl *sc.Client, recID string) (string, error) {
	wait := r.opts.PollEvery
	for {
		var out *sc.DescribeRecordOutput
		err := r.retry(ctx, func() error {
			var err error
			out, err = cl.DescribeRecord(ctx, &sc.DescribeRecordInput{Id: aws.String(recID)})
			return err
		})
		if err != nil {
			return "", fmt.Errorf("DescribeRecord %s: %w", recID, err)
		}
		switch out.RecordDetail.Status {
		case sctypes.RecordStatusSucceeded:
			for _, o := range out.RecordOutputs {
				if aws.ToString(o.OutputKey) == "AccountId" {
					return aws.ToString(o.OutputValue), nil
				}
			}
			return "", nil
		case sctypes.RecordStatusFailed, sctypes.RecordStatusInProgressInError:
			var why []string
			for _, e := range out.RecordDetail.RecordErrors {
				why = append(why, aws.ToString(e.Code)+": "+aws.ToString(e.Description))
			}
			return "", fmt.Errorf("the Account Factory record %s ended %s: %s", recID, out.RecordDetail.Status, strings.Join(why, "; "))
		}
		if err := r.opts.Sleep(ctx, wait); err != nil {
			return "", err
		}
		r.rep.Waits++
		wait = min(wait*2, r.opts.PollMax)
	}
}

func orStr(s, d string) string {
	if s == "" {
		return d
	}
	return s
}
