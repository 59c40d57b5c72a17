package auth

import (
	"fmt"
	"path"
	"slices"
	"strings"
)

// Policy says which roles may call each method of a service. A method is a read when its
// name starts with Get, List, Watch, Wait or Plan (AIP standard and read-only custom
// methods) and a mutation otherwise; Methods overrides either for single methods. Admins may
// call every method. Health checks need no identity; reflection needs any role.
type Policy struct {
	// Read and Write are the roles admitted to reads and to mutations.
	Read, Write []Role
	// Methods gives single methods (full names, /package.Service/Method) their own roles.
	Methods map[string][]Role
}

// Resources is the resource services' policy: they answer the orchestrator and admins only.
var Resources = Policy{Read: []Role{Orchestrator}, Write: []Role{Orchestrator}}

// Rule is what a method needs.
type Rule struct {
	// Open methods need no identity (health checks).
	Open bool
	// Roles admit a caller holding any of them; admins always. Empty with Any unset: admins only.
	Roles []Role
	// Any admits every identity holding some role (reflection).
	Any bool
	// Mutation methods change something, and are audited.
	Mutation bool
}

var readVerbs = []string{"Get", "List", "Watch", "Wait", "Plan"}

// Rule returns the rule of a full method name.
func (p Policy) Rule(method string) Rule {
	switch {
	case strings.HasPrefix(method, "/grpc.health.v1.Health/"):
		return Rule{Open: true}
	case strings.HasPrefix(method, "/grpc.reflection."):
		return Rule{Any: true}
	}
	verb := path.Base(method)
	mutation := !slices.ContainsFunc(readVerbs, func(v string) bool { return strings.HasPrefix(verb, v) })
	if roles, ok := p.Methods[method]; ok {
		return Rule{Roles: roles, Mutation: mutation}
	}
	if mutation {
		return Rule{Roles: p.Write, Mutation: true}
	}
	return Rule{Roles: p.Read}
}

// Allow reports whether id may call method under r, and if not why, saying what is missing.
func (r Rule) Allow(id Identity, method string) error {
	switch {
	case r.Open, r.Any && len(id.Roles) > 0, id.Has(r.Roles...):
		return nil
	}
	need := "admin"
	if len(r.Roles) > 0 {
		names := make([]string, len(r.Roles))
		for i, x := range r.Roles {
			names[i] = string(x)
		}
		need = strings.Join(names, " or ") + " (or admin)"
	}
	if r.Any {
		need = "any role"
	}
	has := "no role"
	if len(id.Roles) > 0 {
		names := make([]string, len(id.Roles))
		for i, x := range id.Roles {
			names[i] = string(x)
		}
		has = "the role " + strings.Join(names, ", ")
	}
	return fmt.Errorf("%s has %s; %s needs %s: ask an admin to grant it in the access file's grants", id, has, path.Base(method), need)
}
