package cli

import (
	"strconv"

	"github.com/spf13/pflag"

	"github.com/orgrail/orgrail/internal/sizecap"
)

// sizeFlag is --max-decompressed: a byte count with an optional KiB,
// MiB or GiB suffix, applied to the whole process (sizecap).
type sizeFlag struct{ n int64 }

func (f *sizeFlag) String() string {
	if f.n == 0 {
		return "1GiB"
	}
	return strconv.FormatInt(f.n, 10)
}

func (f *sizeFlag) Set(s string) error {
	n, err := sizecap.ParseSize(s)
	if err != nil {
		return err
	}
	f.n = n
	sizecap.SetMaxDecompressed(n)
	return nil
}

func (f *sizeFlag) Type() string { return "size" }

// addSizeFlags adds the global input bounds. The cap is reset first, so
// that one command tree's flag does not outlive it (tests build many).
func addSizeFlags(pf *pflag.FlagSet) {
	sizecap.SetMaxDecompressed(0)
	pf.Var(&sizeFlag{}, "max-decompressed",
		"largest decompressed size of one input object (CloudTrail log, Config snapshot, snapshot file); also ORGRAIL_MAX_DECOMPRESSED")
}
