package cli

import (
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/orgrail/orgrail/internal/i18n"
)

// langUsage is the --lang flag's help (translated through the catalog
// like every other help string).
const langUsage = "language of messages, reports and help: ja or en (default: from LC_ALL, LC_MESSAGES, LANG)"

// addLangFlag adds the global --lang flag and the localized help.
func addLangFlag(root *cobra.Command, g *Globals) {
	root.PersistentFlags().StringVar(&g.LangFlag, "lang", "", langUsage)
	defaultHelp := root.HelpFunc()
	root.SetHelpFunc(func(c *cobra.Command, args []string) {
		localizeHelp(c.Root(), g.Lang())
		defaultHelp(c, args)
	})
}

// Lang returns the language of the run: --lang, else ORGRAIL_LANG, else
// the locale (LC_ALL, LC_MESSAGES, LANG). A value that is neither ja nor
// en is rejected by checkLang before any command runs; here it means
// English.
func (g *Globals) Lang() i18n.Lang {
	v := g.LangFlag
	if v == "" {
		v = os.Getenv("ORGRAIL_LANG")
	}
	if v == "" {
		return i18n.FromEnv()
	}
	l, err := i18n.Parse(v)
	if err != nil {
		return i18n.En
	}
	return l
}

// checkLang rejects a --lang (or ORGRAIL_LANG) that is neither ja nor en.
func (g *Globals) checkLang() error {
	if g.LangFlag == "" {
		return nil
	}
	if _, err := i18n.Parse(g.LangFlag); err != nil {
		return Usage("%s", i18n.T(i18n.En, "cli.lang_bad", g.LangFlag))
	}
	return nil
}

// localizeHelp translates the help of the whole command tree: short
// descriptions and flag usages are looked up in the catalog by their
// English text (help strings without a translation stay English), and
// cobra's section titles are translated in the usage template.
func localizeHelp(root *cobra.Command, l i18n.Lang) {
	if l == i18n.En {
		return
	}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		short := helpText(l, c.Short)
		switch {
		case c.Long == "":
		case i18n.Translated(l, "help:"+c.Long):
			c.Long = helpText(l, c.Long)
		case short != c.Short:
			// The details stay English under the translated summary.
			c.Long = short + "\n\n" + c.Long
		}
		c.Short = short
		tr := func(f *pflag.Flag) { f.Usage = helpFlag(l, c, f) }
		c.LocalFlags().VisitAll(tr)
		c.InheritedFlags().VisitAll(tr)
		for _, s := range c.Commands() {
			walk(s)
		}
	}
	walk(root)
	root.SetUsageTemplate(usageTemplate(l, root.UsageTemplate()))
}

// helpText translates one help string.
func helpText(l i18n.Lang, s string) string {
	return i18n.Text(l, "help:"+s, s)
}

// helpFlag translates a flag usage; cobra's "help for NAME" is one
// pattern for every command.
func helpFlag(l i18n.Lang, c *cobra.Command, f *pflag.Flag) string {
	if f.Name == "help" && f.Usage == "help for "+c.Name() {
		return strings.Replace(helpText(l, "help for %s"), "%s", c.Name(), 1)
	}
	return helpText(l, f.Usage)
}

// usageTemplate translates the section titles of cobra's usage template.
func usageTemplate(l i18n.Lang, tmpl string) string {
	if l != i18n.Ja {
		return tmpl
	}
	return strings.NewReplacer(
		"Usage:", "使い方:",
		"Aliases:", "別名:",
		"Examples:", "例:",
		"Available Commands:", "コマンド:",
		"Additional Commands:", "その他のコマンド:",
		"Global Flags:", "グローバルフラグ:",
		"Flags:", "フラグ:",
		"Additional help topics:", "その他のヘルプトピック:",
		`Use "{{.CommandPath}} [command] --help" for more information about a command.`,
		`各コマンドの詳細は "{{.CommandPath}} [command] --help" を参照してください。`,
	).Replace(tmpl)
}
