package demo

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

const (
	lowerAlnum = "abcdefghijklmnopqrstuvwxyz0123456789"
	hexDigits  = "0123456789abcdef"
	upperAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
)

// newRand returns the PCG stream for one purpose of one seed.
func newRand(seed, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, stream))
}

func randString(r *rand.Rand, alphabet string, n int) string {
	var b strings.Builder
	b.Grow(n)
	for range n {
		b.WriteByte(alphabet[r.IntN(len(alphabet))])
	}
	return b.String()
}

// accountID returns a 12-digit account id that does not start with 0.
func accountID(r *rand.Rand) string {
	return fmt.Sprintf("%d%011d", 1+r.IntN(9), r.Int64N(100000000000))
}

// uuid returns a version 4 UUID drawn from r.
func uuid(r *rand.Rand) string {
	b := make([]byte, 16)
	for i := range b {
		b[i] = byte(r.UintN(256))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// ec2ID returns an EC2-style id such as sg-0a1b2c3d4e5f60718.
func ec2ID(r *rand.Rand, prefix string) string {
	return prefix + "-0" + randString(r, hexDigits, 16)
}

// accessKeyID returns an AKIA/ASIA key id.
func accessKeyID(r *rand.Rand, prefix string) string {
	return prefix + randString(r, upperAlnum, 16)
}

// principalSuffix returns the random part of an IAM unique id (AIDA..., AROA...).
func uniqueID(r *rand.Rand, prefix string) string {
	return prefix + randString(r, upperAlnum, 17)
}
