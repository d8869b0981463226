package collect

import (
	"context"
	"reflect"
)

// allPages reads every page of a paginated call (more and next are an
// SDK paginator's HasMorePages and NextPage) and merges them into out,
// which it returns: the output one call returning everything would give.
func allPages[O, F any](ctx context.Context, out *O, more func() bool, next func(context.Context, ...F) (*O, error)) (*O, error) {
	for more() {
		pg, err := next(ctx)
		if err != nil {
			return nil, err
		}
		mergePage(out, pg)
	}
	return out, nil
}

// mergePage folds one page of a paginated output into acc, so that the
// stored output is what one call returning everything would give: list
// members are concatenated (an empty list stays an empty list, never
// null), every other member — tokens, IsTruncated, Owner — is the last
// page's. acc and pg are pointers to the same SDK output struct.
func mergePage(acc, pg any) {
	a, p := reflect.ValueOf(acc).Elem(), reflect.ValueOf(pg).Elem()
	for i := 0; i < a.NumField(); i++ {
		af, pf := a.Field(i), p.Field(i)
		if !af.CanSet() {
			continue
		}
		if af.Kind() != reflect.Slice {
			af.Set(pf)
			continue
		}
		switch {
		case pf.IsNil():
		case af.IsNil():
			af.Set(reflect.AppendSlice(reflect.MakeSlice(af.Type(), 0, pf.Len()), pf))
		default:
			af.Set(reflect.AppendSlice(af, pf))
		}
	}
}
