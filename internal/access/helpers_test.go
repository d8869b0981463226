package access_test

import "os"

func mkdirTemp() (string, error) { return os.MkdirTemp("", "orgrail-access-demo-") }
