# armsim.sh: what the acceptance scripts share, sourced by them: a work folder removed on
# exit with the armsim they start, fail and step lines named after the script, free ports,
# and start_armsim, which builds armsim, starts it strict with the given flags and waits for it.
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
armsim_pid=
cleanup() {
	if [[ -n $armsim_pid ]]; then kill "$armsim_pid" 2>/dev/null || true; wait "$armsim_pid" 2>/dev/null || true; fi
	rm -rf "$work"
}
trap cleanup EXIT

script=$(basename "$0")
fail() { echo "$script: FAIL: $*" >&2; exit 1; }
step() { echo "$script: $*"; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_armsim FLAGS...: armsim with strict authentication at a fast time scale, its CA in
# $work/ca.pem and its log in $work/armsim.log.
start_armsim() {
	(cd "$root/armsim" && go build -o "$work/armsim" ./cmd/armsim)
	"$work/armsim" "$@" -strict-auth -time-scale 0.0005 -ca-out "$work/ca.pem" >"$work/armsim.log" 2>&1 &
	armsim_pid=$!
	for _ in $(seq 50); do grep -q "CA certificate" "$work/armsim.log" 2>/dev/null && break; sleep 0.1; done
	grep -q "CA certificate" "$work/armsim.log" || { cat "$work/armsim.log"; fail "armsim did not start"; }
}

# tenant_of CLOUD: the tenant armsim printed for a cloud.
tenant_of() { sed -n "s/^armsim: cloud $1  *[^ ]*  tenant //p" "$work/armsim.log"; }
