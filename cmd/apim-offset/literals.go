package main

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/apim-offset/apim-offset/internal/doctor"
	"github.com/apim-offset/apim-offset/internal/tmplmask"
	"github.com/apim-offset/apim-offset/patcher"
)

// What set says about what the offset does not move: URLs with literal
// ports (whose they are, with several homes: literalServers), an Identity
// Server's stored callback URLs, and a Helm chart that adds the offset
// value itself.

// literalServers are the servers of ts as literal ports name them: each
// home, with the ports it listens on at its file's offset now (the
// product's default when the file sets none or cannot be read). set and
// plan --apply give each file the others (othersThan).
func (a *app) literalServers(ts []target, format patcher.Format) []patcher.Server {
	out := make([]patcher.Server, len(ts))
	var wg sync.WaitGroup
	sem := make(chan struct{}, workers) // reading the files is waiting, mostly
	for i, t := range ts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			offset := t.product.DefaultOffset
			if src, err := a.readTarget(t); err == nil {
				if cur, err := patcher.Offset(src, &patcher.Options{Format: format}); err == nil && cur.Source == patcher.SourceSet {
					offset = cur.Offset
				}
			}
			out[i] = patcher.Server{Name: serverName(t), Ports: doctor.Listening(t.product, offset)}
		}()
	}
	wg.Wait()
	return out
}

// othersThan are the servers other than t's.
func othersThan(servers []patcher.Server, t target) []patcher.Server {
	return slices.DeleteFunc(slices.Clone(servers), func(s patcher.Server) bool { return s.Name == serverName(t) })
}

// serverName is how notes name t's server: its home, or its file.
func serverName(t target) string {
	if t.home != "" {
		return t.home
	}
	return t.path
}

// literalOptions sets what Set needs to move t's literal ports with
// --shift-literals, or only to find them without: its product's ports, and
// the other servers, whose ports stay.
func literalOptions(opt *patcher.Options, t target, shift bool, others []patcher.Server) {
	opt.Others = others
	if shift {
		opt.ShiftLiterals = doctor.LiteralDefaults(t.product)
	} else {
		opt.FindLiterals = doctor.LiteralDefaults(t.product)
	}
}

// warnReport prints a warning about c's file and adds it to the JSON
// report, placed at line:col, line, or nowhere when they are 0.
func (a *app) warnReport(c *change, line, col int, msg string) {
	switch {
	case col > 0:
		msg = fmt.Sprintf("%d:%d: %s", line, col, msg)
	case line > 0:
		msg = fmt.Sprintf("%d: %s", line, msg)
	}
	c.r.Warnings = append(c.r.Warnings, msg)
	if line > 0 {
		a.warnf("%s:%s", c.t.path, msg)
	} else {
		a.warnf("%s: %s", c.t.path, msg)
	}
}

// noteLiterals says what happens to the URLs with literal ports. With
// --shift-literals, Set moved this server's; it tells the ones it left:
// ambiguous ones (a warning) and other servers' (a note). Without, it
// counts the URLs to this server that keep ports that will not move.
func (a *app) noteLiterals(c *change, n int, shift bool, others []patcher.Server) {
	if shift {
		from := c.t.product.DefaultOffset
		if c.r.From != nil {
			from = *c.r.From
		}
		for _, l := range c.res.Kept {
			switch {
			case l.Ambiguous && l.Owner != "":
				a.warnReport(c, l.Line, l.Column, fmt.Sprintf("%s (%s): port %d is this server's and %s's too; --shift-literals leaves it", l.URL, l.Key, l.Port, l.Owner))
			case l.Ambiguous:
				a.warnReport(c, l.Line, l.Column, fmt.Sprintf("%s (%s) keeps port %d, a default port while the file had offset %d: left behind, or another server's at offset %d; --shift-literals leaves it (write %d if it is this server's)",
					l.URL, l.Key, l.Port, from, c.t.product.DefaultOffset, l.Default+n))
			default:
				a.notef("%s:%d:%d: %s (%s) is %s's port: left as it is", c.t.path, l.Line, l.Column, l.URL, l.Key, l.Owner)
			}
		}
		return
	}
	if !c.res.Changed || c.r.From == nil || *c.r.From == n {
		return
	}
	lits := c.res.Literals // found by Set: literalOptions
	var lines []string
	for _, l := range lits {
		if l.Mine() {
			lines = append(lines, strconv.Itoa(l.Line))
		}
	}
	switch len(lines) {
	case 0:
		return
	case 1:
		a.warnReport(c, 0, 0, fmt.Sprintf("1 URL to this server keeps a port that will not move to offset %d (line %s); --shift-literals moves it too", n, lines[0]))
	default:
		a.warnReport(c, 0, 0, fmt.Sprintf("%d URLs to this server keep ports that will not move to offset %d (lines %s); --shift-literals moves them too", len(lines), n, strings.Join(lines, ", ")))
	}
}

// helmValue is a Helm placeholder that reads a chart value.
var helmValue = regexp.MustCompile(`^\{\{-?\s*\.Values\.([\w.]+)\s*(\|[^}]*)?-?\}\}$`)

// noteOutside warns about what a change of offset breaks outside the
// file: an Identity Server that has run keeps its callback URLs with the
// old port (wso2/product-is#10514, #7588), and a Helm chart adds the
// offset value to its probes and ports (wso2/helm-apim
// templates/am/instance-1/wso2am-deployment.yaml: add 9443
// .Values.wso2.apim.portOffset), which a number in place of the
// placeholder leaves behind.
func (a *app) noteOutside(c *change, n int, keep bool) {
	if c.t.product.ID == "is" && c.t.home != "" && c.res.Changed && (c.r.From == nil || *c.r.From != n) {
		if evidence, ran := doctor.IdentityServerRan(c.t.home); ran {
			old := "the old port"
			if c.r.From != nil {
				old = "port " + strconv.Itoa(9443+*c.r.From)
			}
			a.warnReport(c, 0, 0, fmt.Sprintf("this Identity Server has run before (%s): its database keeps the Console and My Account callback URLs and the resident identity provider's issuer with %s, and login to the Console fails with \"Registered callback does not match\" until you %s",
				evidence, old, doctor.IdentityServerFix(9443+n)))
		}
	}
	if c.res.Placeholder == "" || keep {
		return
	}
	m := helmValue.FindStringSubmatch(strings.TrimSpace(c.res.Placeholder))
	if m == nil {
		return
	}
	now := "not found in the chart's values.yaml"
	if r, ok := tmplmask.Resolve(c.t.path, c.res.Placeholder); ok {
		now = fmt.Sprintf("%s now, %s", r.Value, r.Source)
	}
	a.warnReport(c, c.res.Line, 0, fmt.Sprintf("the offset was %s, a chart value: the chart adds the same value to its probes and ports (wso2/helm-apim wso2am-deployment.yaml: add 9443 .Values.wso2.apim.portOffset), and %d here leaves them behind; set %s: %d in the chart's values (%s) and keep the placeholder with --keep-placeholder",
		c.res.Placeholder, n, m[1], n, now))
}
