package arm

import (
	"net/http"
	"strings"
)

// preconditions enforces a write's If-Match and If-None-Match headers against the resource's
// etag (cur is nil when it does not exist): If-Match needs the resource with one of the
// etags listed ("*": any etag), If-None-Match "*" (or a listed etag) needs it absent (or
// changed). Otherwise 412 PreconditionFailed, in Compute's words (kubernetes-sigs/
// cloud-provider-azure#9728); the If-None-Match and missing-resource messages are armsim's.
func (t *txn) preconditions(cur *entry) *Error {
	etag := ""
	if cur != nil {
		etag = cur.Res.meta().Etag
	}
	if m := t.rq.header.Get("If-Match"); m != "" {
		switch {
		case cur == nil:
			return errorf(http.StatusPreconditionFailed, "PreconditionFailed",
				"Etag provided in if-match header %s does not match: the resource does not exist.", m)
		case !etagListed(m, etag):
			return errorf(http.StatusPreconditionFailed, "PreconditionFailed",
				"Etag provided in if-match header %s does not match etag %s of resource.", m, etag)
		}
	}
	if n := t.rq.header.Get("If-None-Match"); n != "" && cur != nil && etagListed(n, etag) {
		return errorf(http.StatusPreconditionFailed, "PreconditionFailed",
			"Etag provided in if-none-match header %s matches etag %s of resource.", n, etag)
	}
	return nil
}

// etagListed reports whether a conditional header lists an etag: "*", or the etag itself,
// compared weakly (W/ and quotes aside) as RFC 9110 does for If-None-Match.
func etagListed(header, etag string) bool {
	for _, h := range strings.Split(header, ",") {
		h = strings.TrimSpace(h)
		if h == "*" || (etag != "" && opaque(h) == opaque(etag)) {
			return true
		}
	}
	return false
}

func opaque(etag string) string {
	return strings.Trim(strings.TrimPrefix(etag, "W/"), `"`)
}
