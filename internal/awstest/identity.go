package awstest

import (
	"crypto/rand"
	"encoding/hex"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// Identity is a caller: whose credentials signed a request.
type Identity struct {
	// Account is the account the identity belongs to.
	Account string
	// ARN is what GetCallerIdentity returns: arn:aws:iam::ACCOUNT:root,
	// arn:aws:iam::ACCOUNT:user/NAME or
	// arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION.
	ARN string
	// UserID is the unique id (AIDA…, or AROA…:session).
	UserID string
	// RoleARN is the IAM role of an assumed-role session.
	RoleARN string
	// SessionName is the role session name.
	SessionName string
	// RootTask is the task policy ARN of a privileged root session made
	// by sts:AssumeRoot ("" for every other identity).
	RootTask string

	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	Expires         time.Time
}

// Credentials returns the identity's keys as SDK credentials.
func (id *Identity) Credentials() aws.Credentials {
	c := aws.Credentials{AccessKeyID: id.AccessKeyID, SecretAccessKey: id.SecretAccessKey, SessionToken: id.SessionToken, Source: "awstest"}
	if !id.Expires.IsZero() {
		c.CanExpire, c.Expires = true, id.Expires
	}
	return c
}

// keyring maps access key ids to identities. Safe for concurrent use.
type keyring struct {
	mu   sync.RWMutex
	keys map[string]*Identity
	// roots caches one root identity per account.
	roots map[string]*Identity
}

func newKeyring() *keyring {
	return &keyring{keys: map[string]*Identity{}, roots: map[string]*Identity{}}
}

func (k *keyring) lookup(akid string) *Identity {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.keys[akid]
}

func (k *keyring) add(id *Identity) *Identity {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.keys[id.AccessKeyID] = id
	return id
}

// root returns (creating once) a long-term administrator key for the
// account's root identity.
func (k *keyring) root(partition, account string) *Identity {
	k.mu.Lock()
	defer k.mu.Unlock()
	if id := k.roots[account]; id != nil {
		return id
	}
	id := &Identity{
		Account:         account,
		ARN:             "arn:" + partition + ":iam::" + account + ":root",
		UserID:          account,
		AccessKeyID:     newKeyID("AKIA"),
		SecretAccessKey: randomString(40),
	}
	k.keys[id.AccessKeyID] = id
	k.roots[account] = id
	return id
}

// session creates temporary credentials for an assumed role.
func (k *keyring) session(partition, account, roleARN, sessionName string, ttl time.Duration) *Identity {
	roleName := roleARN[strings.LastIndex(roleARN, "/")+1:]
	id := &Identity{
		Account:         account,
		ARN:             "arn:" + partition + ":sts::" + account + ":assumed-role/" + roleName + "/" + sessionName,
		UserID:          roleID(roleARN) + ":" + sessionName,
		RoleARN:         roleARN,
		SessionName:     sessionName,
		AccessKeyID:     newKeyID("ASIA"),
		SecretAccessKey: randomString(40),
		SessionToken:    randomString(64),
		Expires:         time.Now().Add(ttl).UTC().Truncate(time.Second),
	}
	return k.add(id)
}

// roleID derives a stable AROA… id from a role ARN.
func roleID(roleARN string) string {
	h := uint64(14695981039346656037)
	for i := 0; i < len(roleARN); i++ {
		h ^= uint64(roleARN[i])
		h *= 1099511628211
	}
	const digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	b := []byte("AROA")
	for i := 0; i < 17; i++ {
		b = append(b, digits[h%32])
		h = h/32 + uint64(i)*7919
	}
	return string(b)
}

func newKeyID(prefix string) string {
	const digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	var raw [16]byte
	_, _ = rand.Read(raw[:])
	b := []byte(prefix)
	for _, c := range raw {
		b = append(b, digits[int(c)%32])
	}
	return string(b)
}

func randomString(n int) string {
	raw := make([]byte, (n+1)/2)
	_, _ = rand.Read(raw)
	return hex.EncodeToString(raw)[:n]
}
