package main

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestRename(t *testing.T) {
	doc := `{"paths":{
	  "/v1/a/{publicIPAddresse}":{"get":{"parameters":[{"name":"publicIPAddresse","in":"path"},{"name":"publicIPAddresse","in":"query"}]}},
	  "/v1/b/{other}":{"get":{"parameters":[{"name":"other","in":"path"}]}}}}`
	tests := []struct {
		name    string
		doc     string
		r       renames
		want    string // the paths object after renaming; empty: unchanged
		wantErr string
	}{
		{name: "renames path and path parameter, not a query parameter", doc: doc, r: renames{"publicIPAddresse": "publicIPAddress"},
			want: `{"/v1/a/{publicIPAddress}":{"get":{"parameters":[{"name":"publicIPAddress","in":"path"},{"name":"publicIPAddresse","in":"query"}]}},
			        "/v1/b/{other}":{"get":{"parameters":[{"name":"other","in":"path"}]}}}`},
		{name: "no match leaves the document alone", doc: doc, r: renames{"nothere": "x"}},
		{name: "a rename onto an existing path is refused", doc: `{"paths":{"/v1/a/{x}":{},"/v1/a/{y}":{}}}`, r: renames{"x": "y"}, wantErr: "already a path"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, changed, err := rename([]byte(tt.doc), tt.r, map[string]bool{})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if changed != (tt.want != "") {
				t.Fatalf("changed = %v", changed)
			}
			if tt.want == "" {
				return
			}
			var got struct{ Paths any }
			var want any
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal([]byte(tt.want), &want); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.Paths, want) {
				t.Errorf("paths = %v\nwant %v", got.Paths, want)
			}
		})
	}
}
