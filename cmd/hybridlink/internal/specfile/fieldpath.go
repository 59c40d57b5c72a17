package specfile

import (
	"regexp"
	"strings"
	"sync"

	"google.golang.org/protobuf/reflect/protoreflect"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
)

// FieldPath is the path in a spec file of a field the orchestrator names in a finding or a
// bad request, which uses the request's proto names: deployment.spec.sites[1].address_prefixes[0]
// is spec.sites[1].addressPrefixes[0]. Each name is looked up in the Deployment message's
// descriptors; from the first that is not there (a field of another request) on, the path
// is left as it is.
func FieldPath(api string) string {
	md := (&orchestratorv1.Deployment{}).ProtoReflect().Descriptor()
	rest, _ := strings.CutPrefix(api, "deployment.")
	var out []string
	for rest != "" && md != nil {
		seg, tail, _ := strings.Cut(rest, ".")
		name, index, _ := strings.Cut(seg, "[")
		fd := md.Fields().ByName(protoreflect.Name(name))
		if fd == nil {
			break
		}
		if index != "" {
			index = "[" + index
		}
		out = append(out, fd.JSONName()+index)
		rest, md = tail, fd.Message()
	}
	if rest != "" {
		out = append(out, rest)
	}
	return strings.Join(out, ".")
}

// protoNames matches the words of a text that may be proto field names: lower case with
// an underscore.
var protoNames = regexp.MustCompile(`\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b`)

// jsonNames maps the proto name of every field of the Deployment message, at any depth, to
// its JSON name, where they differ.
var jsonNames = sync.OnceValue(func() map[string]string {
	names := map[string]string{}
	var walk func(md protoreflect.MessageDescriptor)
	walk = func(md protoreflect.MessageDescriptor) {
		for i := range md.Fields().Len() {
			fd := md.Fields().Get(i)
			if _, seen := names[string(fd.Name())]; seen {
				continue
			}
			if string(fd.Name()) != fd.JSONName() {
				names[string(fd.Name())] = fd.JSONName()
			}
			if fd.Message() != nil {
				walk(fd.Message())
			}
		}
	}
	walk((&orchestratorv1.Deployment{}).ProtoReflect().Descriptor())
	return names
})

// FieldText is a finding's description with the field names it mentions spelt as in a
// spec file: "required unless ssh_public_keys are given" says sshPublicKeys, and the
// deployment.spec... paths in it are FieldPath's.
func FieldText(s string) string {
	s = apiPaths.ReplaceAllStringFunc(s, FieldPath)
	return protoNames.ReplaceAllStringFunc(s, func(w string) string {
		if j, ok := jsonNames()[w]; ok {
			return j
		}
		return w
	})
}

// apiPaths matches the request paths a text may quote: deployment.spec.sites[0].name.
var apiPaths = regexp.MustCompile(`\bdeployment\.[a-z0-9_.\[\]*"]+[a-z0-9_\]]`)
