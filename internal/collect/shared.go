package collect

// sharedCall is one read whose answer several files store: the status
// and event selectors of a trail, which every account and region that
// sees the trail (shadow trails, organization trails) lists.
type sharedCall struct {
	done chan struct{}
	out  any
	err  error
}

// shared makes the call named key once per collection and hands its
// answer to every caller; concurrent callers wait for the first. A
// throttled or interrupted answer is not kept, so the next caller tries
// again.
func (r *run) shared(key string, fn func() (any, error)) (any, error) {
	r.sharedMu.Lock()
	if r.sharedCalls == nil {
		r.sharedCalls = map[string]*sharedCall{}
	}
	c, ok := r.sharedCalls[key]
	if !ok {
		c = &sharedCall{done: make(chan struct{})}
		r.sharedCalls[key] = c
	}
	r.sharedMu.Unlock()
	if ok {
		<-c.done
		return c.out, c.err
	}
	c.out, c.err = fn()
	if c.err != nil && (isThrottle(errorCode(c.err)) || errorCode(c.err) == "") {
		r.sharedMu.Lock()
		delete(r.sharedCalls, key)
		r.sharedMu.Unlock()
	}
	close(c.done)
	return c.out, c.err
}

// sharedOf is shared with the output's type.
func sharedOf[T any](r *run, key string, fn func() (*T, error)) (*T, error) {
	v, err := r.shared(key, func() (any, error) { return fn() })
	if err != nil {
		return nil, err
	}
	out, _ := v.(*T)
	return out, nil
}
