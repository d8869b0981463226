package authz

import (
	"bytes"
	"encoding/json"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/orgrail/orgrail/internal/authz/randreq"
	"github.com/orgrail/orgrail/internal/policy"
)

// tenStatements builds a policy of ten statements over several services,
// with conditions, shaped like real guardrails.
func tenStatements(id string, effect string, principal bool, seed int) Named {
	var stmts []string
	services := []string{"ec2", "iam", "s3", "kms", "sqs", "lambda", "rds", "dynamodb", "cloudtrail", "organizations"}
	for i := range 10 {
		svc := services[(i+seed)%len(services)]
		p := ""
		if principal {
			p = `"Principal":"*",`
		}
		stmts = append(stmts, fmt.Sprintf(`{"Sid":"S%d","Effect":%q,%s"Action":["%s:Delete*","%s:Put*Policy"],"Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalTag/team":"platform"},"StringEquals":{"aws:RequestedRegion":"eu-west-1"}}}`, i, effect, p, svc, svc))
	}
	src := `{"Version":"2012-10-17","Statement":[` + join(stmts) + `]}`
	return Named{ID: id, Policy: policy.MustCompile(id, src)}
}

func join(s []string) string {
	var b bytes.Buffer
	for i, x := range s {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(x)
	}
	return b.String()
}

// guardrailInput is the benchmark the issue names: 5 SCP levels, 2 RCP
// levels and 3 identity policies of 10 statements each.
func guardrailInput() *Input {
	full := Named{ID: "FullAWSAccess", Policy: policy.MustCompile("FullAWSAccess", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)}
	rcpFull := Named{ID: "RCPFullAWSAccess", Policy: policy.MustCompile("RCPFullAWSAccess", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}`)}
	in := &Input{Action: "s3:GetObject", Resource: "arn:aws:s3:::data/k", ResourceAccount: "111111111111"}
	in.Principal, _ = ParsePrincipal("arn:aws:sts::111111111111:assumed-role/app/s", "")
	in.Context = NewContext(map[string][]string{"aws:PrincipalTag/team": {"app"}, "aws:RequestedRegion": {"eu-west-1"}, "aws:SourceIp": {"10.0.0.1"}})
	for i := range 5 {
		in.SCPs = append(in.SCPs, Level{ID: fmt.Sprint("scp", i), Policies: []Named{full, tenStatements("scp", "Deny", false, i)}})
	}
	for i := range 2 {
		in.RCPs = append(in.RCPs, Level{ID: fmt.Sprint("rcp", i), Policies: []Named{rcpFull, tenStatements("rcp", "Deny", true, i)}})
	}
	for i := range 3 {
		in.Identity = append(in.Identity, tenStatements("id", "Allow", false, i+3))
	}
	in.Identity = append(in.Identity, Named{ID: "s3read", Policy: policy.MustCompile("s3read", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::data/*"}]}`)})
	return in
}

// BenchmarkDecideGuardrails measures decisions per second for one
// request against 5 SCP levels, 2 RCP levels and 3 identity policies of
// 10 statements each.
func BenchmarkDecideGuardrails(b *testing.B) {
	eng, in := New(), guardrailInput()
	if d := eng.Decide(in); d != Allowed {
		b.Fatalf("decision %s", d)
	}
	b.ReportAllocs()
	b.ResetTimer()
	start := cpuTime()
	for b.Loop() {
		eng.Decide(in)
	}
	reportCPU(b, start, float64(b.N))
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "decisions/s")
}

// BenchmarkEvaluateGuardrails is the same with the full explanation.
func BenchmarkEvaluateGuardrails(b *testing.B) {
	eng, in := New(), guardrailInput()
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		eng.Evaluate(in, false)
	}
	reportCPU(b, start, float64(b.N))
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "decisions/s")
}

// mixedRequests renders n random requests as JSON Lines.
func mixedRequests(b *testing.B, n int) []byte {
	g := randreq.NewPooled(42, 200)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for range n {
		if err := enc.Encode(g.Next()); err != nil {
			b.Fatal(err)
		}
	}
	return buf.Bytes()
}

// BenchmarkBatchMixed decides 10^5 mixed requests read from JSON Lines,
// as `orgrail policy simulate --request` does (decoding included).
func BenchmarkBatchMixed(b *testing.B) {
	data := mixedRequests(b, 100000)
	eng := New()
	b.ResetTimer()
	start := cpuTime()
	for b.Loop() {
		st, err := eng.RunBatch(bytes.NewReader(data), NewLoader(), false, func(int, Result) error { return nil })
		if err != nil || st.Requests != 100000 {
			b.Fatal(err, st)
		}
	}
	reportCPU(b, start, float64(b.N)*100000)
	b.ReportMetric(float64(b.N)*100000/b.Elapsed().Seconds(), "decisions/s")
}

// cpuTime returns the process's user and system CPU time. Benchmarks
// report decisions per CPU second as well as per wall second, because a
// shared, loaded machine stretches wall time but not CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func reportCPU(b *testing.B, start time.Duration, decisions float64) {
	if d := cpuTime() - start; d > 0 {
		b.ReportMetric(decisions/d.Seconds(), "decisions/cpu-s")
	}
}

// BenchmarkScanEntries measures the structural scan that cuts request
// entries and the policies inside them (bytes per second).
func BenchmarkScanEntries(b *testing.B) {
	data := mixedRequests(b, 1000)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		for i := skipSpace(data, 0); i < len(data); i = skipSpace(data, i) {
			end, err := skipValue(data, i)
			if err != nil {
				b.Fatal(err)
			}
			i = end
		}
	}
}

// BenchmarkBatchMixedValidated is BenchmarkBatchMixed with the request
// checks of `policy simulate` (Validator, AllowUnknown because the
// generator invents actions): compare decisions/cpu-s with it.
func BenchmarkBatchMixedValidated(b *testing.B) {
	data := mixedRequests(b, 100000)
	eng := New()
	b.ResetTimer()
	start := cpuTime()
	for b.Loop() {
		l := NewLoader()
		l.Check = (&Validator{AllowUnknown: true}).Check
		st, err := eng.RunBatch(bytes.NewReader(data), l, false, func(int, Result) error { return nil })
		if err != nil || st.Requests != 100000 {
			b.Fatal(err, st)
		}
	}
	reportCPU(b, start, float64(b.N)*100000)
	b.ReportMetric(float64(b.N)*100000/b.Elapsed().Seconds(), "decisions/s")
}
