package demo

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/orgrail/orgrail/internal/snapshot"
)

// file wraps a ServiceFile and keeps the first marshalling error, so that
// renderers read as a list of outputs.
type file struct {
	*snapshot.ServiceFile
	err error
}

func newFile(a *acct, region, service string) *file {
	return &file{ServiceFile: snapshot.NewServiceFile(a.Id, region, service)}
}

func (f *file) put(op string, out any) {
	b, err := encodeOutput(out)
	if err == nil {
		err = f.Set(op, b)
	}
	if err != nil && f.err == nil {
		f.err = fmt.Errorf("%s %s: %w", f.Service, op, err)
	}
}

func (f *file) res(op, key string, out any) {
	b, err := encodeOutput(out)
	if err == nil {
		err = f.SetResource(op, key, b)
	}
	if err != nil && f.err == nil {
		f.err = fmt.Errorf("%s %s %s: %w", f.Service, op, key, err)
	}
}

// renderAccount returns every service file of one account, in catalog
// order, global services first.
func renderAccount(w *world, a *acct) ([]*snapshot.ServiceFile, error) {
	var files []*file
	files = append(files, renderIAM(w, a), renderAccountContacts(w, a), renderRegions(w, a),
		renderS3(w, a), renderS3Control(w, a), renderCloudFront(w, a), renderWAFv2CloudFront(w, a), renderWAFClassic(w, a))
	for _, r := range w.regions {
		rr := w.region(a, r)
		files = append(files, renderEC2(w, a, rr), renderCloudTrail(w, a, rr), renderConfig(w, a, rr),
			renderGuardDuty(w, a, rr), renderSecurityHub(w, a, rr), renderAccessAnalyzer(w, a, rr),
			renderKMS(w, a, rr), renderRDS(w, a, rr), renderLambda(w, a, rr), renderSQS(w, a, rr),
			renderSNS(w, a, rr), renderSecrets(w, a, rr), renderECR(w, a, rr), renderS3AccessPoints(w, a, rr), renderELBv2(w, a, rr), renderClassicELB(w, a, rr), renderACM(w, a, rr), renderDMS(w, a, rr), renderLogs(w, a, rr), renderCloudWatch(w, a, rr), renderSSO(w, a, rr), renderIdentityStore(w, a, rr),
			renderAutoScaling(a, rr), renderWAFv2(w, a, rr), renderWAFRegional(w, a, rr),
			renderECS(w, a, rr), renderEFS(w, a, rr), renderEKS(w, a, rr), renderCodeBuild(w, a, rr),
			renderSSM(w, a, rr), renderCloudFormation(w, a, rr))
		files = append(files, renderRedshift(w, a, rr), renderOpenSearch(w, a, rr), renderAPIGateway(w, a, rr), renderAPIGatewayV2(w, a, rr))
		files = append(files, renderDatastores(w, a, rr)...)
		files = append(files, renderNetworkFirewall(w, a, rr)) // render_networkfirewall.go
		files = append(files, renderBackup(w, a, rr))          // render_backup.go
		files = append(files, renderMacie(a, rr))              // render_security.go
		files = append(files, renderBigData(w, a, rr)...)
	}
	out := make([]*snapshot.ServiceFile, 0, len(files))
	for _, f := range files {
		if f.err != nil {
			return nil, f.err
		}
		out = append(out, f.ServiceFile)
	}
	return out, nil
}

// iamEncode percent-encodes a policy document as the IAM API returns it.
func iamEncode(doc string) string {
	return strings.ReplaceAll(url.QueryEscape(doc), "+", "%20")
}

func ptime(t time.Time) *time.Time { return aws.Time(t) }

func isoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }
