package awstest

// opSpec describes one operation the server knows: the SDK output type
// and, as the SDK's own sources say, its paginator members and (for
// REST protocols) its HTTP route. generatedOps (zz_ops.go) lists them.
type opSpec struct {
	Pkg, Op string
	// Legacy is true when the SDK client uses generated deserializers;
	// wire names then come from legacy_shapes.txt.
	Legacy                          bool
	New                             func() any
	InToken, OutToken, Limit, Trunc string
	Method, URI                     string
	Query, Headers                  [][2]string
}
