package runbook

import (
	"embed"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/template"

	"github.com/orgrail/orgrail/internal/i18n"
)

//go:embed templates
var templateFS embed.FS

// Kinds lists the runbooks `orgrail runbook` renders.
var Kinds = []string{"account-vending", "violation", "incident"}

// Guide is the name of the user guide's template.
const Guide = "guide"

// Render writes the document name (a runbook kind or Guide) for d in
// d.Lang as Markdown.
func Render(w io.Writer, name string, d *Data) error {
	if name != Guide && !slices.Contains(Kinds, name) {
		return fmt.Errorf("%s", i18n.T(d.Lang, "runbook.unknown", name, strings.Join(Kinds, ", ")))
	}
	lang := d.Lang
	if lang == "" {
		lang = i18n.En
	}
	file := "templates/" + string(lang) + "/" + name + ".md.tmpl"
	t, err := template.New(name).Funcs(funcs(lang)).ParseFS(templateFS, file, "templates/"+string(lang)+"/common.tmpl")
	if err != nil {
		return fmt.Errorf("runbook %s (%s): %w", name, lang, err)
	}
	return t.ExecuteTemplate(w, name+".md.tmpl", d)
}

// funcs are the helpers the templates use.
func funcs(l i18n.Lang) template.FuncMap {
	none := i18n.T(l, "runbook.none")
	return template.FuncMap{
		// list joins values with commas, or says none are configured.
		"list": func(vs []string) string {
			if len(vs) == 0 {
				return none
			}
			return strings.Join(vs, ", ")
		},
		// codes is list with every value as Markdown code.
		"codes": func(vs []string) string {
			if len(vs) == 0 {
				return none
			}
			out := make([]string, len(vs))
			for i, v := range vs {
				out[i] = "`" + v + "`"
			}
			return strings.Join(out, ", ")
		},
		// orNone returns s, or says it is not configured.
		"orNone": func(s string) string {
			if s == "" {
				return none
			}
			return s
		},
		// cell makes s safe in a Markdown table cell.
		"cell": func(s string) string {
			if s == "" {
				return "—"
			}
			return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
		},
		"t": func(key string, args ...any) string { return i18n.T(l, key, args...) },
	}
}
