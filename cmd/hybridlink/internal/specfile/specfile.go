// Package specfile reads deployment files: YAML (or JSON) that mirrors the orchestrator API's
// Deployment message with its protojson field names, a name and a spec:
//
//	name: deployments/hybrid-demo
//	spec:
//	  sites:
//	    - name: hub
//	      cloud: azure
//	      ...
//
// Output-only fields (status, createTime, updateTime, etag) are ignored, so the output of
// `hybridlink get -o yaml` reads back. Errors name the file and the field.
package specfile

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/reflect/protoreflect"
	"sigs.k8s.io/yaml"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
)

// Error is a problem with a deployment file; Field is the path of the field at fault
// ("spec.sites[0].virtualMachines[0].size"), empty when the file as a whole is.
type Error struct {
	File, Field, Problem string
}

func (e *Error) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("%s: %s", e.File, e.Problem)
	}
	return fmt.Sprintf("%s: %s: %s", e.File, e.Field, e.Problem)
}

// Load reads the deployment file at path.
func Load(path string) (*orchestratorv1.Deployment, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, &Error{File: path, Problem: strings.TrimPrefix(err.Error(), "open "+path+": ")}
	}
	return Parse(path, b)
}

// Parse reads a deployment file's contents; file names it in errors.
func Parse(file string, b []byte) (*orchestratorv1.Deployment, error) {
	js, err := yaml.YAMLToJSON(b)
	if err != nil {
		return nil, &Error{File: file, Problem: strings.TrimPrefix(err.Error(), "error converting YAML to JSON: ")}
	}
	var tree any
	if err := json.Unmarshal(js, &tree); err != nil {
		return nil, &Error{File: file, Problem: err.Error()}
	}
	top, ok := tree.(map[string]any)
	if !ok {
		return nil, &Error{File: file, Problem: "want a mapping with name and spec"}
	}
	d := &orchestratorv1.Deployment{}
	if err := check(file, "", top, d.ProtoReflect().Descriptor()); err != nil {
		return nil, err
	}
	if err := protojson.Unmarshal(js, d); err != nil {
		return nil, &Error{File: file, Problem: cleanProtojson(err)}
	}
	d.Status, d.CreateTime, d.UpdateTime, d.Etag = nil, nil, nil, ""
	switch {
	case d.GetName() == "":
		return nil, &Error{File: file, Field: "name", Problem: "required: the deployment's name, deployments/ID"}
	case !strings.HasPrefix(d.GetName(), "deployments/"):
		return nil, &Error{File: file, Field: "name", Problem: fmt.Sprintf("%q is not of the form deployments/ID", d.GetName())}
	case d.GetSpec() == nil:
		return nil, &Error{File: file, Field: "spec", Problem: "required: the deployment's sites and connection"}
	}
	return d, nil
}

// ID returns the ID of a deployment name: demo for deployments/demo.
func ID(name string) string { return strings.TrimPrefix(name, "deployments/") }

// check refuses keys that are no field of md, naming them by their path, so that a typo
// points at its place in the file rather than at a line of the JSON it became.
func check(file, path string, obj map[string]any, md protoreflect.MessageDescriptor) error {
	for _, key := range slices.Sorted(maps.Keys(obj)) {
		v := obj[key]
		fd := md.Fields().ByJSONName(key)
		if fd == nil {
			fd = md.Fields().ByTextName(key)
		}
		at := join(path, key)
		if fd == nil {
			return &Error{File: file, Field: at, Problem: fmt.Sprintf("unknown field; %s has %s", orRoot(path), fieldList(md))}
		}
		if fd.Kind() != protoreflect.MessageKind || fd.IsMap() || v == nil {
			continue
		}
		inner := fd.Message()
		if strings.HasPrefix(string(inner.FullName()), "google.protobuf.") {
			continue
		}
		if fd.IsList() {
			items, ok := v.([]any)
			if !ok {
				return &Error{File: file, Field: at, Problem: "want a list"}
			}
			for i, item := range items {
				m, ok := item.(map[string]any)
				if !ok {
					return &Error{File: file, Field: fmt.Sprintf("%s[%d]", at, i), Problem: "want a mapping"}
				}
				if err := check(file, fmt.Sprintf("%s[%d]", at, i), m, inner); err != nil {
					return err
				}
			}
			continue
		}
		m, ok := v.(map[string]any)
		if !ok {
			return &Error{File: file, Field: at, Problem: "want a mapping"}
		}
		if err := check(file, at, m, inner); err != nil {
			return err
		}
	}
	return nil
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func orRoot(path string) string {
	if path == "" {
		return "the file"
	}
	return path
}

// fieldList lists a message's fields by their JSON names.
func fieldList(md protoreflect.MessageDescriptor) string {
	names := make([]string, md.Fields().Len())
	for i := range names {
		names[i] = md.Fields().Get(i).JSONName()
	}
	return strings.Join(names, ", ")
}

// cleanProtojson drops protojson's JSON position, which means nothing in a YAML file,
// keeping what it says about the field.
func cleanProtojson(err error) string {
	msg := strings.TrimPrefix(err.Error(), "proto:")
	msg = strings.TrimSpace(msg)
	if strings.HasPrefix(msg, "(line ") {
		if i := strings.Index(msg, "): "); i >= 0 {
			msg = msg[i+3:]
		}
	}
	return msg
}
