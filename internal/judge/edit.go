package judge

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/apim-offset/apim-offset/internal/server"
	"github.com/apim-offset/apim-offset/internal/tmplmask"
	"github.com/apim-offset/apim-offset/patcher"
)

// The findings about an edit of the offset, which the file it leaves
// cannot show: what it replaced, and a template's placeholder.
const (
	PlaceholderReplaced Code = "placeholder-replaced" // check "edit": an offset that was not a number gave way to N
	ChartValue          Code = "chart-value"          // a Helm chart value gave way to N: the chart's probes and ports stay behind
	PlaceholderKept     Code = "placeholder-kept"     // a template's offset placeholder kept (--keep-placeholder)
)

// maxChartFile is the most bytes read of a chart's values.yaml or a role's
// defaults.
const maxChartFile = 1 << 20

// helmValue is a Helm placeholder that reads a chart value.
var helmValue = regexp.MustCompile(`^\{\{-?\s*\.Values\.([\w.]+)\s*(\|[^}]*)?-?\}\}$`)

// Edit judges res, the edit that set s's offset to res.To (keep: a
// template's offset placeholder was to be kept).
func Edit(s *server.Server, res patcher.Result, keep bool) []Finding {
	var out []Finding
	for _, w := range res.Warnings {
		if w.Code != string(PlaceholderReplaced) {
			continue // the rest are the file's, which Judge reports
		}
		out = append(out, Finding{Severity: Warning, Check: "edit", Code: PlaceholderReplaced, Home: s.Home, File: s.Path, Line: w.Line, Column: w.Column, Message: w.Msg})
	}
	if res.Placeholder == "" {
		return out
	}
	if keep {
		resolves := "filled in when the template is rendered"
		if r, ok := tmplmask.Resolve(s.Path, res.Placeholder, chartReader(s)); ok {
			resolves += fmt.Sprintf(": %s by default (%s)", r.Value, r.Source)
		}
		return append(out, Finding{Severity: Info, Check: "edit", Code: PlaceholderKept, Home: s.Home, File: s.Path, Line: res.Line,
			Message: fmt.Sprintf("offset stays %s, %s", res.Placeholder, resolves)})
	}
	// A Helm chart adds the offset value to its probes and ports
	// (wso2/helm-apim templates/am/instance-1/wso2am-deployment.yaml: add
	// 9443 .Values.wso2.apim.portOffset), which a number in place of the
	// placeholder leaves behind.
	m := helmValue.FindStringSubmatch(strings.TrimSpace(res.Placeholder))
	if m == nil {
		return out
	}
	now := "not found in the chart's values.yaml"
	if r, ok := tmplmask.Resolve(s.Path, res.Placeholder, chartReader(s)); ok {
		now = fmt.Sprintf("%s now, %s", r.Value, r.Source)
	}
	return append(out, Finding{Severity: Warning, Check: "edit", Code: ChartValue, Home: s.Home, File: s.Path, Line: res.Line,
		Message: fmt.Sprintf("the offset was %s, a chart value: the chart adds the same value to its probes and ports (wso2/helm-apim wso2am-deployment.yaml: add 9443 .Values.wso2.apim.portOffset), and %d here leaves them behind",
			res.Placeholder, res.To),
		Fix: fmt.Sprintf("set %s: %d in the chart's values (%s) and keep the placeholder in the template", m[1], res.To, now)})
}

// chartReader reads a chart's or role's file of s's, within its budget.
func chartReader(s *server.Server) func(string) ([]byte, error) {
	return func(file string) ([]byte, error) { return s.ReadFile(file, maxChartFile) }
}
