// Package crashtest holds the crash test of `orgrail watch`: the test
// binary stands in for orgrail, is killed with SIGKILL at random points
// and restarted, and every detection must reach the webhook once. It is
// a package of its own so that notify's unit tests do not depend on the
// whole command tree.
package crashtest
