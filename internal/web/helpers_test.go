package web

import (
	"io"
	"net/http"
	"net/http/cookiejar"
)

func ioCopy(w io.Writer, resp *http.Response) (int64, error) { return io.Copy(w, resp.Body) }

func newJar() http.CookieJar {
	j, _ := cookiejar.New(nil)
	return j
}
