package judge

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strconv"

	"github.com/apim-offset/apim-offset/internal/wso2"
)

// literals reports the local URLs that keep a literal port, and whose
// port it is: a port written in a URL does not move with the offset
// (wso2/product-apim#8083, #9642; wso2/docs-apim#5403). On a host with
// several servers, localhost is often another one: the documented "IS as
// Key Manager" set-up runs Identity Server at offset 1 and points it back at
// API Manager on 9443 (wso2/docs-apim
// configuring-wso2-identity-server-as-a-key-manager.md).
func (c *checker) literals() {
	if c.srv.File == nil {
		return // readOffset has reported the file
	}
	// Judged at the offset the server runs at: an override's, or the
	// file's.
	def, run := c.srv.Product.DefaultOffset, c.runOffset
	lits := c.srv.File.Literals(c.srv.Product.LiteralDefaults(), run, c.srv.LiteralOptions(c.others))
	left := c.leftBehind()
	for _, l := range lits {
		at := [2]int{l.Line, l.Column}
		_, wasMine := left[at]
		delete(left, at) // judged as it reads now, as doctor will judge it
		need := l.Default + run
		f := Finding{Check: "literal-port", File: c.srv.Path, Line: l.Line, Column: l.Column, Offset: run, WasMine: wasMine}
		switch {
		case wasMine && l.Owner != "":
			f.Severity, f.Code, f.With = Warning, LiteralPortLeft, l.Owner
			f.Message = fmt.Sprintf("%s (%s) keeps port %d, this server's at offset %d and now %s's: at offset %d this server listens on %d", l.URL, l.Key, l.Port, *c.srv.Was, l.Owner, run, l.Port-*c.srv.Was+run)
			f.Fix = fmt.Sprintf("write %d if the URL is this server's", l.Port-*c.srv.Was+run)
		case l.Ambiguous && l.Owner != "":
			f.Severity, f.Code = Warning, LiteralPortShared
			f.Message = fmt.Sprintf("%s (%s): port %d is this server's at offset %d and %s's too: the two servers need the same port", l.URL, l.Key, l.Port, run, l.Owner)
			f.Fix = "give one of them another offset, then point the URL at the one it means"
		case l.Ambiguous:
			f.Severity, f.Code = Warning, LiteralPortStale
			f.Message = fmt.Sprintf("%s (%s) keeps port %d, this server's at offset %d: if it means this server, at offset %d it listens on %d; if it means another server at offset %d, it is right",
				l.URL, l.Key, l.Port, def, run, need, def)
			f.Fix = fmt.Sprintf("write %d if the URL is this server's; leave it if it is another server's", need)
		case l.Stale:
			// No server given listens there: most likely this one's, left
			// at an offset it had.
			f.Severity, f.Code = Warning, LiteralPortStale
			f.Message = fmt.Sprintf("%s (%s) keeps port %d, where no server given listens: most likely this server's at offset %d, left behind (at offset %d it listens on %d), or a server's not given",
				l.URL, l.Key, l.Port, l.Was, run, need)
			f.Fix = fmt.Sprintf("write %d if the URL is this server's; if it is another server's, check the two together", need)
		case l.Owner != "":
			f.Severity, f.Code = Info, LiteralPortOther
			f.Message = fmt.Sprintf("%s (%s) is %s's port: it moves when that server's offset changes, not with this one", l.URL, l.Key, l.Owner)
		default:
			f.Severity, f.Code = Info, LiteralPort
			f.Message = fmt.Sprintf("%s (%s) is a literal port: it will not move when the offset changes", l.URL, l.Key)
		}
		c.add(f)
	}
	rest := slices.Collect(maps.Values(left)) // not literal ports at the offset the file has now
	slices.SortFunc(rest, func(a, b Finding) int { return cmp.Or(a.Line-b.Line, a.Column-b.Column) })
	for _, f := range rest {
		c.add(f)
	}
}

// leftBehind finds the URLs that were this server's ports at the offset
// its file had before set changed it (server.Server.Was), and that an edit
// without --shift-literals leaves where the server no longer listens, by
// their line and column. One that still reads as a literal port at the
// file's offset now is judged as doctor will judge it (marked WasMine); one
// that does not (the old offset was not the default) is LiteralPortLeft,
// which doctor cannot tell from another server's port.
func (c *checker) leftBehind() map[[2]int]Finding {
	was := c.srv.Was
	if was == nil || *was == c.fileOffset {
		return nil
	}
	out := map[[2]int]Finding{}
	// Whose a port was then is told without the others as they are now:
	// a plan moves them too.
	for _, l := range c.srv.File.Literals(c.srv.Product.LiteralDefaults(), *was, c.srv.LiteralOptions(nil)) {
		if !l.Mine() {
			continue
		}
		need := l.Default + c.fileOffset
		out[[2]int{l.Line, l.Column}] = Finding{Severity: Warning, Check: "literal-port", Code: LiteralPortLeft, File: c.srv.Path, Line: l.Line, Column: l.Column, Offset: c.fileOffset, WasMine: true,
			Message: fmt.Sprintf("%s (%s) keeps port %d, this server's at offset %d: at offset %d it listens on %d", l.URL, l.Key, l.Port, *was, c.fileOffset, need),
			Fix:     fmt.Sprintf("write %d if the URL is this server's", need)}
	}
	return out
}

// websocketFallback reports the gateway environments without ws_endpoint:
// API Manager then gives the portals ws://localhost:9099, whatever the
// offset (wso2/carbon-apimgt APIManagerConfiguration,
// WEBSOCKET_DEFAULT_GATEWAY_URL, used when the environment has no
// WSEndpoint).
func (c *checker) websocketFallback() {
	ws, ok := c.srv.Product.ByRole(wso2.WebSocket)
	if !ok || !ws.Shifts || c.runOffset == c.srv.Product.DefaultOffset || c.srv.File == nil {
		return
	}
	key := []string{"apim", "gateway", "environment"}
	v, _ := c.srv.File.Value(key...)
	envs, _ := v.([]any)
	lines := c.srv.File.TableLines(key...)
	for i, e := range envs {
		env, _ := e.(map[string]any)
		if _, has := env["ws_endpoint"]; has || env == nil || i >= len(lines) {
			continue
		}
		name := ""
		if n, ok := env["name"].(string); ok {
			name = " " + strconv.Quote(n)
		}
		port := ws.Effective(c.runOffset)
		c.add(Finding{Severity: Warning, Check: "websocket-default", Code: WebSocketDefault, File: c.srv.Path, Line: lines[i],
			Message: fmt.Sprintf("gateway environment%s has no ws_endpoint: API Manager then shows ws://localhost:%d for its WebSocket APIs, but at offset %d the WebSocket inbound listens on %d", name, ws.Default, c.runOffset, port),
			Fix:     fmt.Sprintf("add ws_endpoint = \"ws://localhost:%d\" to it (or the host clients reach)", port)})
	}
}
