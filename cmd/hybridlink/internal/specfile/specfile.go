// Package specfile reads and writes deployment files: YAML (or JSON) that mirrors the
// orchestrator API's Deployment message with its protojson field names, a name (the
// deployment's ID, or deployments/ID) and a spec:
//
//	name: hybrid-demo
//	spec:
//	  sites:
//	    - name: hub
//	      cloud: azure
//	      ...
//
// Output-only fields (status, createTime, updateTime, etag) are ignored, and a secret may be
// a reference to an environment variable or a file (secrets.go), so the file Write makes of
// a deployment, `hybridlink get -o yaml`, reads back. Errors name the file and the field.
package specfile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"google.golang.org/protobuf/encoding/protojson"
	"sigs.k8s.io/yaml"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/platform/jsonfield"
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

// Parse reads a deployment file's contents; file names it in errors, and its folder is
// where relative fromFile references start.
func Parse(file string, b []byte) (*orchestratorv1.Deployment, error) {
	js, err := yaml.YAMLToJSON(b)
	if err != nil {
		return nil, &Error{File: file, Problem: strings.TrimPrefix(err.Error(), "error converting YAML to JSON: ")}
	}
	var tree any
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.UseNumber() // numbers go back to protojson as written
	if err := dec.Decode(&tree); err != nil {
		return nil, &Error{File: file, Problem: err.Error()}
	}
	obj, ok := tree.(map[string]any)
	if !ok {
		return nil, &Error{File: file, Problem: "want a mapping with name and spec"}
	}
	d := &orchestratorv1.Deployment{}
	secretErr := resolveSecrets(file, filepath.Dir(file), "", obj, d.ProtoReflect().Descriptor())
	if js, err = json.Marshal(obj); err != nil {
		return nil, &Error{File: file, Problem: err.Error()}
	}
	// The file is walked against the message first, so that a typo or a wrong type points at
	// its place in the file rather than at a line of the JSON it became.
	if err := protojson.Unmarshal(js, d); err != nil {
		e := jsonfield.Describe(js, d.ProtoReflect().Descriptor(), err)
		return nil, &Error{File: file, Field: e.Field, Problem: strings.Replace(e.Problem, "the document has", "the file has", 1)}
	}
	if secretErr != nil {
		return nil, secretErr
	}
	d.Status, d.CreateTime, d.UpdateTime, d.Etag = nil, nil, nil, ""
	switch {
	case d.GetName() == "":
		return nil, &Error{File: file, Field: "name", Problem: "required: the deployment's name, ID or deployments/ID"}
	case d.GetSpec() == nil:
		return nil, &Error{File: file, Field: "spec", Problem: "required: the deployment's sites and connection"}
	}
	d.Name = Name(d.GetName())
	return d, nil
}

// Name is the deployment name a spec file's name or a command's argument means: the
// deployment's ID (demo) or its full name (deployments/demo), both deployments/demo. The
// orchestrator checks the ID.
func Name(arg string) string {
	return "deployments/" + strings.TrimPrefix(arg, "deployments/")
}

// ID returns the ID of a deployment name: demo for deployments/demo.
func ID(name string) string { return strings.TrimPrefix(name, "deployments/") }
