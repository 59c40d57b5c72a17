package main

import (
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// entraHost is Entra ID's global host, which some clients ask whatever their cloud's
// metadata says: MSAL Python's instance discovery (Debian's az 2.45 runs it for every
// authority but AD FS, and cannot turn it off).
const entraHost = "login.microsoftonline.com:443"

// loginProxy is an HTTP CONNECT proxy that tunnels Entra ID's global host to an armsim
// cloud's endpoint, whose directory answers instance discovery and the rest of the login.
// Every other CONNECT is refused: armsim reaches nothing else.
func loginProxy(target string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodConnect {
			http.Error(w, "armsim's login proxy only tunnels CONNECT "+entraHost, http.StatusMethodNotAllowed)
			return
		}
		if !strings.EqualFold(r.Host, entraHost) {
			http.Error(w, "armsim's login proxy tunnels only "+entraHost+", not "+r.Host, http.StatusForbidden)
			return
		}
		upstream, err := net.DialTimeout("tcp", target, 5*time.Second)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		hj, ok := w.(http.Hijacker)
		if !ok {
			upstream.Close()
			http.Error(w, "cannot tunnel over this connection", http.StatusInternalServerError)
			return
		}
		client, buf, err := hj.Hijack()
		if err != nil {
			upstream.Close()
			return
		}
		_, _ = client.Write([]byte("HTTP/1.1 200 Connection Established\r\n\r\n"))
		go func() {
			_, _ = io.Copy(upstream, buf)
			upstream.Close()
		}()
		_, _ = io.Copy(client, upstream)
		client.Close()
	})
}
