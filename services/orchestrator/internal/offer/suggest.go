package offer

import (
	"cmp"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	computev1 "github.com/hybridlink/hybridlink/gen/hybridlink/compute/v1"
	"github.com/hybridlink/hybridlink/platform/spelling"
)

// closest returns up to suggestions of the offered locations nearest to want in spelling.
func closest(want string, offered []string) []string {
	out := slices.Clone(offered)
	slices.SortStableFunc(out, func(a, b string) int {
		return cmp.Or(cmp.Compare(spelling.Distance(want, a), spelling.Distance(want, b)), cmp.Compare(a, b))
	})
	if len(out) == 0 {
		return []string{"none: the cloud lists no location"}
	}
	return out[:min(len(out), suggestions)]
}

// sizeName splits a VM size name: Standard_E64_v5 is family E, 64 (vCPUs, mostly), no
// feature letters, version 5; Standard_DS2_v2 is family D, 2, feature s (premium storage,
// as in Standard_D2s_v3); Standard_B2ms is B, 2, ms.
var sizeName = regexp.MustCompile(`^(?:Standard|Basic)_([A-Za-z]+?)(\d+)(?:-\d+)?([a-z]*)(?:_v(\d+))?$`)

// size is a parsed VM size name.
type size struct {
	family, features string
	number, version  int
}

func parseSize(name string) (size, bool) {
	m := sizeName.FindStringSubmatch(name)
	if m == nil {
		return size{}, false
	}
	n, _ := strconv.Atoi(m[2])
	v, _ := strconv.Atoi(m[4])
	features := m[3]
	if len(m[1]) > 1 && strings.HasSuffix(m[1], "S") { // DS2 is D2s of older series
		features = "s" + features
	}
	return size{family: strings.ToUpper(m[1][:1]), features: features, number: n, version: v}, true
}

// closeSizes returns up to suggestions of the offered sizes closest to want: of the same
// family (its first letter: D and DS are both D) when the location has any, nearest in
// vCPUs, then with the same feature letters (s, m, ...), then the newest version. A name
// that does not parse gets the offered names nearest in spelling.
func closeSizes(want string, offered []*computev1.MachineSize) []string {
	w, ok := parseSize(want)
	names := make([]string, 0, len(offered))
	cores := map[string]int{}
	for _, m := range offered {
		n := path.Base(m.GetName())
		names = append(names, n)
		cores[n] = int(m.GetCores())
	}
	if !ok {
		return closest(want, names)
	}
	family := slices.DeleteFunc(slices.Clone(names), func(n string) bool {
		s, ok := parseSize(n)
		return !ok || s.family != w.family
	})
	if len(family) > 0 {
		names = family
	}
	slices.SortStableFunc(names, func(a, b string) int {
		sa, _ := parseSize(a)
		sb, _ := parseSize(b)
		return cmp.Or(
			cmp.Compare(abs(cores[a]-w.number), abs(cores[b]-w.number)),
			cmp.Compare(btoi(sa.features != w.features), btoi(sb.features != w.features)),
			cmp.Compare(sb.version, sa.version),
			cmp.Compare(a, b))
	})
	if len(names) == 0 {
		return []string{"none: the location lists no VM size"}
	}
	return names[:min(len(names), suggestions)]
}

func abs(n int) int { return max(n, -n) }

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
