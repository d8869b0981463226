package web

import (
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/orgrail/orgrail/internal/findings"
	"github.com/orgrail/orgrail/internal/severity"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed assets
var assetFS embed.FS

// pages are the dashboard's views; each has a template "page-NAME".
var pages = []string{"tree", "policy", "simulate", "compliance", "account", "findings", "finding", "mutes",
	"detections", "triage", "plan"}

var funcs = template.FuncMap{
	"pct":  func(v float64) string { return fmt.Sprintf("%.1f%%", v) },
	"time": func(t time.Time) string { return fmtTime(t) },
	"sevClass": func(l severity.Level) string {
		return "sev-" + l.String()
	},
	"statusClass": func(s findings.Status) string { return "st-" + strings.ToLower(string(s)) },
	"add":         func(a, b int) int { return a + b },
	"join":        strings.Join,
	"list":        func(a ...string) []string { return a },
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// parsePages parses the templates once per page: the layout with the
// page's body.
func parsePages() (map[string]*template.Template, error) {
	base, err := template.New("base").Funcs(funcs).ParseFS(templateFS, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("dashboard templates: %w", err)
	}
	out := map[string]*template.Template{}
	for _, p := range pages {
		t, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := t.New("body").Parse(`{{template "page-` + p + `" .}}`); err != nil {
			return nil, fmt.Errorf("dashboard template %s: %w", p, err)
		}
		out[p] = t
	}
	rep, err := base.Clone()
	if err != nil {
		return nil, err
	}
	out["report"] = rep
	return out, nil
}

// staticHandler serves the embedded assets.
func staticHandler() http.Handler {
	sub, err := fs.Sub(assetFS, "assets")
	if err != nil {
		panic(err) // the embedded directory is part of the binary
	}
	return http.FileServerFS(sub)
}

// asset returns an embedded asset's text (the static report inlines them).
func asset(name string) (string, error) {
	b, err := assetFS.ReadFile("assets/" + name)
	if err != nil {
		return "", fmt.Errorf("dashboard asset %s: %w", name, err)
	}
	return string(b), nil
}
