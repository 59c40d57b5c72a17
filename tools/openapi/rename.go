package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// renameAll applies r to every *.swagger.json of fsys (the folder dir) and writes back the
// files it changed.
func renameAll(fsys fs.FS, dir string, r renames) error {
	used := map[string]bool{}
	err := fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".swagger.json") {
			return err
		}
		in, err := fs.ReadFile(fsys, path)
		if err != nil {
			return err
		}
		out, changed, err := rename(in, r, used)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if !changed {
			return nil
		}
		return os.WriteFile(filepath.Join(dir, path), out, 0o644)
	})
	if err != nil {
		return err
	}
	var unused []string
	for from := range r {
		if !used[from] {
			unused = append(unused, from)
		}
	}
	sort.Strings(unused)
	if len(unused) > 0 {
		return fmt.Errorf("no path parameter named %s in %s: drop the rename", strings.Join(unused, ", "), dir)
	}
	return nil
}

// rename renames the path parameters of one document, in its paths' templates and in their
// operations' parameters, marking in used each name it found.
func rename(doc []byte, r renames, used map[string]bool) ([]byte, bool, error) {
	var d map[string]any
	if err := json.Unmarshal(doc, &d); err != nil {
		return nil, false, err
	}
	paths, _ := d["paths"].(map[string]any)
	changed := false
	for path, item := range paths {
		newPath := path
		for from, to := range r {
			if !strings.Contains(newPath, "{"+from+"}") {
				continue
			}
			newPath = strings.ReplaceAll(newPath, "{"+from+"}", "{"+to+"}")
			used[from] = true
			ops, _ := item.(map[string]any)
			for _, op := range ops {
				params, _ := op.(map[string]any)["parameters"].([]any)
				for _, p := range params {
					if p, _ := p.(map[string]any); p["in"] == "path" && p["name"] == from {
						p["name"] = to
					}
				}
			}
		}
		if newPath != path {
			if _, clash := paths[newPath]; clash {
				return nil, false, fmt.Errorf("renaming %s gives %s, which is already a path", path, newPath)
			}
			delete(paths, path)
			paths[newPath] = item
			changed = true
		}
	}
	if !changed {
		return doc, false, nil
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(d); err != nil {
		return nil, false, err
	}
	return out.Bytes(), true, nil
}
