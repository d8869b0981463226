// Package trail reads CloudTrail from a Log Archive and runs orgrail's
// CloudTrail features over it: detections (Scan), the "who did what,
// where, when" index in the state store (Index), the Parquet export for
// Athena (Export) and the integrity check against digest files (Verify).
//
// A Source is a local directory or an S3 prefix in the layouts CloudTrail
// writes (organization and account trails); a Filter prunes its listing by
// account, region and day. A Decoder streams the records of one file —
// gzip or not, {"Records":[...]} or a bare array, or JSON Lines of
// EventBridge events — holding one record and a fixed window in memory,
// and AppendEnvelope wraps a record into the EventBridge event that event
// patterns and Sigma rules match. Ingest runs decoders on a worker pool.
//
// See docs/trail.md for the layouts, the data CloudTrail signs in a digest
// and the exit codes of the commands built on this package.
package trail
