package specfile

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"google.golang.org/genproto/googleapis/api/annotations"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/hybridlink/hybridlink/platform/apierr"
)

// A secret field (one the API marks INPUT_ONLY: a VM's adminPassword, the connection's
// sharedKey) may hold, instead of the secret itself, a reference the CLI resolves as it reads
// the file, so that the file holds no secret:
//
//	adminPassword: {fromEnv: HUB_HUB_VM_PASSWORD}   # the value of an environment variable
//	adminPassword: {fromFile: hub-vm.password}      # a file's contents, one trailing newline dropped
//
// A relative fromFile path is relative to the spec file's folder. A variable that is unset
// or empty, or a file that is empty or unreadable, is an error naming the field, never the
// value.
const (
	fromEnv  = "fromEnv"
	fromFile = "fromFile"
)

// resolveSecrets replaces each secret reference in obj, a document for message md at path,
// with the secret it names; dir is the folder fromFile paths are relative to. A reference
// that cannot be resolved becomes "", and the first such is the error, so that the caller
// can report a mistake in the file's shape first. Fields the message does not have are
// left for jsonfield to report.
func resolveSecrets(file, dir, path string, obj map[string]any, md protoreflect.MessageDescriptor) error {
	var first error
	keep := func(err error) {
		if first == nil {
			first = err
		}
	}
	for _, key := range slices.Sorted(maps.Keys(obj)) {
		fd := md.Fields().ByJSONName(key)
		if fd == nil {
			fd = md.Fields().ByTextName(key)
		}
		if fd == nil || fd.IsMap() {
			continue
		}
		at := join(path, key)
		switch v := obj[key].(type) {
		case map[string]any:
			switch {
			case fd.Message() != nil && !fd.IsList():
				keep(resolveSecrets(file, dir, at, v, fd.Message()))
			case fd.Kind() == protoreflect.StringKind && !fd.IsList():
				s, err := resolve(file, dir, at, v, fd)
				keep(err)
				obj[key] = s
			}
		case []any:
			if fd.Message() == nil {
				continue
			}
			for i, item := range v {
				if m, ok := item.(map[string]any); ok {
					keep(resolveSecrets(file, dir, fmt.Sprintf("%s[%d]", at, i), m, fd.Message()))
				}
			}
		}
	}
	return first
}

// resolve returns the secret that ref, the value of string field fd at path at, names.
func resolve(file, dir, at string, ref map[string]any, fd protoreflect.FieldDescriptor) (string, error) {
	bad := func(format string, args ...any) error {
		return &Error{File: file, Field: at, Problem: fmt.Sprintf(format, args...)}
	}
	if !inputOnly(fd) {
		return "", bad("want a string; {%s: ...} and {%s: ...} are for secrets (input-only fields such as adminPassword and sharedKey)", fromEnv, fromFile)
	}
	name, isString := "", false
	if len(ref) == 1 {
		for _, v := range ref {
			name, isString = v.(string)
		}
	}
	switch _, env := ref[fromEnv]; {
	case !isString || name == "" || (!env && ref[fromFile] == nil):
		return "", bad("want the secret, {%s: VARIABLE} or {%s: PATH}", fromEnv, fromFile)
	case env:
		v := os.Getenv(name)
		if v == "" {
			return "", bad("%s: the environment variable %s is not set, or empty", fromEnv, name)
		}
		return v, nil
	}
	p := name
	if !filepath.IsAbs(p) {
		p = filepath.Join(dir, p)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return "", bad("%s: %v", fromFile, err)
	}
	v := strings.TrimSuffix(strings.TrimSuffix(string(b), "\n"), "\r")
	if v == "" {
		return "", bad("%s: %s is empty", fromFile, p)
	}
	return v, nil
}

// inputOnly reports whether a field is marked INPUT_ONLY: a secret the API takes and never returns.
func inputOnly(fd protoreflect.FieldDescriptor) bool {
	return apierr.HasBehavior(fd, annotations.FieldBehavior_INPUT_ONLY)
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
