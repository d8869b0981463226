package detect

import "github.com/orgrail/orgrail/internal/i18n"

// Title returns the title of the detection id in language l: the message
// catalog's translation (key detect.ID.title) for a built-in detection,
// english otherwise (custom and Sigma rules are written in one
// language).
func Title(l i18n.Lang, id, english string) string {
	return i18n.Text(l, "detect."+id+".title", english)
}

// TitleIn returns the rule's title in language l.
func (r *Rule) TitleIn(l i18n.Lang) string {
	if r.Source != SourceBuiltin {
		return r.Title
	}
	return Title(l, r.ID, r.Title)
}
