package collect

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/orgrail/orgrail/internal/snapshot"
)

// job is one service in one account and region.
type job struct {
	run     *run
	ctx     context.Context
	cfg     aws.Config
	account string
	region  string
	svc     snapshot.Service
	file    *snapshot.ServiceFile
	failed  bool
}

// collectors maps a catalog service name to the function that calls its
// operations. Each lives in a services_<name>.go file.
var collectors = map[string]func(*job){}

func (j *job) benign(op string) []string {
	for _, o := range j.svc.Operations {
		if o.Name == op {
			return o.Benign
		}
	}
	return nil
}

// call runs fn under the concurrency limit and classifies its error:
// nil → ok; a benign code → recorded in the file, not ok; anything else
// → a gap, the job failed.
func (j *job) call(op, key string, fn func(context.Context) error) bool {
	if err := j.run.acquire(j.ctx); err != nil {
		j.gap(op, err)
		return false
	}
	err := fn(j.ctx)
	j.run.release()
	j.run.calls.Add(1)
	if err == nil {
		return true
	}
	code := errorCode(err)
	if isThrottle(code) {
		j.run.throttles.Add(1)
	}
	if isBenign(code, j.benign(op)) {
		if key == "" {
			j.file.SetError(op, code)
		} else {
			j.file.SetResourceError(op, key, code)
		}
		return false
	}
	j.gap(op, err)
	return false
}

func (j *job) gap(op string, err error) {
	j.failed = true
	j.run.addGap(snapshot.Gap{Account: j.account, Region: j.region, Service: j.svc.Name, Operation: op,
		Error: shortError(err), Code: errorCode(err)})
}

// set stores an operation's output.
func (j *job) set(op string, out any) {
	if err := j.file.Set(op, out); err != nil {
		j.gap(op, err)
	}
}

// setResource stores a per-resource output.
func (j *job) setResource(op, key string, out any) {
	if err := j.file.SetResource(op, key, out); err != nil {
		j.gap(op, err)
	}
}

// once calls a single-call operation and stores its output.
func once[T any](j *job, op string, fn func(context.Context) (*T, error)) *T {
	var out *T
	ok := j.call(op, "", func(ctx context.Context) error {
		var err error
		out, err = fn(ctx)
		return err
	})
	if !ok {
		return nil
	}
	j.set(op, out)
	return out
}

// each calls a per-resource operation and stores its output.
func each[T any](j *job, op, key string, fn func(context.Context) (*T, error)) *T {
	var out *T
	ok := j.call(op, key, func(ctx context.Context) error {
		var err error
		out, err = fn(ctx)
		return err
	})
	if !ok {
		return nil
	}
	j.setResource(op, key, out)
	return out
}

func isThrottle(code string) bool {
	switch code {
	case "Throttling", "ThrottlingException", "ThrottledException", "RequestLimitExceeded",
		"TooManyRequestsException", "SlowDown", "RequestThrottled", "RequestThrottledException":
		return true
	}
	return false
}
