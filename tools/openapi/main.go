// Command openapi renames path parameters in the OpenAPI documents protoc-gen-openapiv2
// writes. With expand_slashed_path_patterns the plugin names a resource's path parameter
// after its collection less a trailing "s", which misspells some (publicIPAddresses gives
// publicIPAddresse) and offers no option to name them; make generate runs this after buf.
//
//	go run ./tools/openapi -rename publicIPAddresse=publicIPAddress gen/openapi
//
// Every *.swagger.json under the folder is rewritten (indented as the plugin writes them);
// a rename that matches no parameter anywhere is an error, so a stale one is noticed.
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
)

// renames is the -rename flag: old=new pairs, repeatable.
type renames map[string]string

func (r renames) String() string { return fmt.Sprint(map[string]string(r)) }

func (r renames) Set(v string) error {
	from, to, ok := strings.Cut(v, "=")
	if !ok || from == "" || to == "" {
		return fmt.Errorf("-rename %q: want old=new", v)
	}
	r[from] = to
	return nil
}

func main() {
	r := renames{}
	flag.Var(r, "rename", "old=new: a path parameter's name and the one it should have (repeatable)")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: openapi -rename old=new ... FOLDER")
		os.Exit(2)
	}
	if err := renameAll(os.DirFS(flag.Arg(0)), flag.Arg(0), r); err != nil {
		fmt.Fprintln(os.Stderr, "openapi:", err)
		os.Exit(1)
	}
}
