// Package access answers "who can reach what" across an organization,
// from a snapshot and with the authorization engine (internal/authz):
//
//   - External finds every resource policy and role trust policy that
//     grants access to principals outside the organization (anyone,
//     other accounts, federated identities, AWS services acting for
//     any account), the way IAM Access Analyzer's external-access
//     findings do.
//   - Internal draws the account-to-account access graph inside the
//     organization and checks it against declared boundaries.
//   - WhoCan and Can answer questions about one action and resource, or
//     one principal, across every account.
//   - Replay decides the CloudTrail calls of a period again with a
//     proposed SCP or RCP and lists what would change.
//
// Every analysis is a pure function over a snapshot: conditions are
// never interpreted here but decided by the engine, with synthetic
// principals and request contexts chosen to probe them.
package access
