package arm

import (
	"crypto/sha256"
	"encoding/base32"
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// An ARM template's expressions: a string "[f(...)...]" is evaluated, "[[..." is the
// literal "[...". armsim evaluates the functions templates of the two clouds' topology use:
// parameters, variables, concat, format, resourceId, resourceGroup, subscription,
// reference (in outputs), uniqueString, toLower, toUpper, string, copyIndex.

// scope is what a template's expressions see.
type scope struct {
	params    map[string]any
	variables map[string]any
	evaluated map[string]any // variables already evaluated
	sub       string
	group     map[string]any
	tenant    string
	copyIndex int
	inCopy    bool
	// reference resolves reference(); nil where it cannot be used (resource bodies).
	reference func(id string) (any, error)
	// resolveID turns reference()'s argument (a name or an id) into a resource id.
	resolveID func(nameOrID string) string
}

// templateError is a template's fault, answered as ARM's InvalidTemplate.
type templateError struct{ msg string }

func (e *templateError) Error() string { return e.msg }

func invalidTemplate(format string, args ...any) error {
	return &templateError{msg: fmt.Sprintf(format, args...)}
}

// evalValue evaluates every expression inside a template value.
func (s *scope) evalValue(v any) (any, error) {
	switch x := v.(type) {
	case string:
		return s.evalString(x)
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, el := range x {
			r, err := s.evalValue(el)
			if err != nil {
				return nil, err
			}
			out[k] = r
		}
		return out, nil
	case []any:
		out := make([]any, len(x))
		for i, el := range x {
			r, err := s.evalValue(el)
			if err != nil {
				return nil, err
			}
			out[i] = r
		}
		return out, nil
	}
	return v, nil
}

// evalString evaluates a string that may be an expression.
func (s *scope) evalString(text string) (any, error) {
	if !strings.HasPrefix(text, "[") || !strings.HasSuffix(text, "]") {
		return text, nil
	}
	if strings.HasPrefix(text, "[[") {
		return text[1:], nil
	}
	p := &exprParser{src: text[1 : len(text)-1]}
	v, err := p.expr(s)
	if err != nil {
		return nil, err
	}
	p.space()
	if p.pos != len(p.src) {
		return nil, invalidTemplate("The template language expression '%s' is not valid: unexpected '%s' at position %d.", text[1:len(text)-1], p.src[p.pos:], p.pos)
	}
	return v, nil
}

// exprParser evaluates one template language expression as it parses it.
type exprParser struct {
	src string
	pos int
}

func (p *exprParser) space() {
	for p.pos < len(p.src) && p.src[p.pos] == ' ' {
		p.pos++
	}
}

func (p *exprParser) fail(format string, args ...any) error {
	return invalidTemplate("The template language expression '%s' is not valid: %s", p.src, fmt.Sprintf(format, args...))
}

// expr parses a literal or a function call with property and index accesses after it.
func (p *exprParser) expr(s *scope) (any, error) {
	p.space()
	if p.pos >= len(p.src) {
		return nil, p.fail("it ends early.")
	}
	c := p.src[p.pos]
	var v any
	var err error
	switch {
	case c == '\'':
		v, err = p.stringLit()
	case c == '-' || unicode.IsDigit(rune(c)):
		start := p.pos
		p.pos++
		for p.pos < len(p.src) && unicode.IsDigit(rune(p.src[p.pos])) {
			p.pos++
		}
		n, perr := strconv.Atoi(p.src[start:p.pos])
		v, err = float64(n), perr
	case unicode.IsLetter(rune(c)):
		v, err = p.call(s)
	default:
		return nil, p.fail("unexpected '%c' at position %d.", c, p.pos)
	}
	if err != nil {
		return nil, err
	}
	for {
		p.space()
		if p.pos >= len(p.src) {
			return v, nil
		}
		switch p.src[p.pos] {
		case '.':
			p.pos++
			name := p.ident()
			v = property(v, name)
		case '[':
			p.pos++
			idx, err := p.expr(s)
			if err != nil {
				return nil, err
			}
			p.space()
			if p.pos >= len(p.src) || p.src[p.pos] != ']' {
				return nil, p.fail("a ']' is missing.")
			}
			p.pos++
			if i, ok := idx.(float64); ok {
				list, _ := v.([]any)
				if int(i) < 0 || int(i) >= len(list) {
					return nil, p.fail("index %d is out of range.", int(i))
				}
				v = list[int(i)]
			} else {
				v = property(v, fmt.Sprint(idx))
			}
		default:
			return v, nil
		}
	}
}

func property(v any, name string) any {
	m, _ := v.(map[string]any)
	for k, el := range m {
		if strings.EqualFold(k, name) {
			return el
		}
	}
	return nil
}

func (p *exprParser) ident() string {
	start := p.pos
	for p.pos < len(p.src) && (unicode.IsLetter(rune(p.src[p.pos])) || unicode.IsDigit(rune(p.src[p.pos])) || p.src[p.pos] == '_') {
		p.pos++
	}
	return p.src[start:p.pos]
}

// stringLit parses 'text', where ” is a quote.
func (p *exprParser) stringLit() (any, error) {
	p.pos++
	var b strings.Builder
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		p.pos++
		if c != '\'' {
			b.WriteByte(c)
			continue
		}
		if p.pos < len(p.src) && p.src[p.pos] == '\'' {
			b.WriteByte('\'')
			p.pos++
			continue
		}
		return b.String(), nil
	}
	return nil, p.fail("a string is not closed.")
}

// call parses name(args...) and applies the function.
func (p *exprParser) call(s *scope) (any, error) {
	name := p.ident()
	p.space()
	if p.pos >= len(p.src) || p.src[p.pos] != '(' {
		return nil, p.fail("'%s' is not followed by '('.", name)
	}
	p.pos++
	var args []any
	for {
		p.space()
		if p.pos < len(p.src) && p.src[p.pos] == ')' {
			p.pos++
			break
		}
		a, err := p.expr(s)
		if err != nil {
			return nil, err
		}
		args = append(args, a)
		p.space()
		if p.pos < len(p.src) && p.src[p.pos] == ',' {
			p.pos++
			continue
		}
		if p.pos < len(p.src) && p.src[p.pos] == ')' {
			p.pos++
			break
		}
		return nil, p.fail("a ')' is missing after the arguments of '%s'.", name)
	}
	return s.apply(name, args)
}

// apply runs a template function.
func (s *scope) apply(name string, args []any) (any, error) {
	arg := func(i int) string {
		if i < len(args) {
			if v, ok := args[i].(string); ok {
				return v
			}
			return fmt.Sprint(args[i])
		}
		return ""
	}
	need := func(n int) error {
		if len(args) < n {
			return invalidTemplate("The template function '%s' takes at least %d argument(s); it was given %d.", name, n, len(args))
		}
		return nil
	}
	switch strings.ToLower(name) {
	case "parameters":
		if err := need(1); err != nil {
			return nil, err
		}
		v, ok := lookupFold(s.params, arg(0))
		if !ok {
			return nil, invalidTemplate("The template parameter '%s' is not found.", arg(0))
		}
		return v, nil
	case "variables":
		if err := need(1); err != nil {
			return nil, err
		}
		return s.variable(arg(0))
	case "concat":
		if len(args) > 0 {
			if _, isList := args[0].([]any); isList {
				var out []any
				for _, a := range args {
					l, _ := a.([]any)
					out = append(out, l...)
				}
				return out, nil
			}
		}
		var b strings.Builder
		for i := range args {
			b.WriteString(arg(i))
		}
		return b.String(), nil
	case "format":
		if err := need(1); err != nil {
			return nil, err
		}
		out := arg(0)
		for i := 1; i < len(args); i++ {
			out = strings.ReplaceAll(out, "{"+strconv.Itoa(i-1)+"}", arg(i))
		}
		return out, nil
	case "resourceid":
		return s.resourceID(args)
	case "resourcegroup":
		return s.group, nil
	case "subscription":
		return map[string]any{"id": "/subscriptions/" + s.sub, "subscriptionId": s.sub, "tenantId": s.tenant, "displayName": "armsim"}, nil
	case "uniquestring":
		parts := make([]string, len(args))
		for i := range args {
			parts[i] = arg(i)
		}
		sum := sha256.Sum256([]byte(strings.Join(parts, "-")))
		return strings.ToLower(base32.StdEncoding.EncodeToString(sum[:]))[:13], nil
	case "tolower":
		return strings.ToLower(arg(0)), nil
	case "toupper":
		return strings.ToUpper(arg(0)), nil
	case "string":
		return arg(0), nil
	case "copyindex":
		if !s.inCopy {
			return nil, invalidTemplate("The template function 'copyIndex' is not expected at this location: it is only valid in a resource with a copy loop.")
		}
		off := 0
		if len(args) > 0 {
			f, _ := args[0].(float64)
			off = int(f)
		}
		return float64(s.copyIndex + off), nil
	case "reference":
		if err := need(1); err != nil {
			return nil, err
		}
		if s.reference == nil {
			return nil, invalidTemplate("The template function 'reference' is not expected at this location: armsim evaluates reference() in outputs only.")
		}
		return s.reference(s.resolveID(arg(0)))
	}
	return nil, invalidTemplate("The template function '%s' is not valid. Please see https://aka.ms/arm-functions for usage details.", name)
}

func (s *scope) variable(name string) (any, error) {
	if v, ok := lookupFold(s.evaluated, name); ok {
		return v, nil
	}
	raw, ok := lookupFold(s.variables, name)
	if !ok {
		return nil, invalidTemplate("The template variable '%s' is not found. Please see https://aka.ms/arm-functions for usage details.", name)
	}
	s.evaluated[strings.ToLower(name)] = nil // a variable referring to itself reads null, not a loop
	v, err := s.evalValue(raw)
	if err != nil {
		return nil, err
	}
	s.evaluated[strings.ToLower(name)] = v
	return v, nil
}

// resourceID is resourceId([subscriptionId], [resourceGroupName], type, name1, name2...).
func (s *scope) resourceID(args []any) (any, error) {
	strs := make([]string, len(args))
	for i, a := range args {
		strs[i] = fmt.Sprint(a)
	}
	typeAt := -1
	for i, a := range strs {
		if strings.Count(a, "/") >= 1 && strings.Contains(a, ".") {
			typeAt = i
			break
		}
	}
	if typeAt < 0 || typeAt > 2 {
		return nil, invalidTemplate("The template function 'resourceId' needs a resource type (namespace/type) among its first three arguments.")
	}
	sub, group := s.sub, str(s.group["name"])
	switch typeAt {
	case 1:
		group = strs[0]
	case 2:
		sub, group = strs[0], strs[1]
	}
	ns, types, _ := strings.Cut(strs[typeAt], "/")
	typeSegs := strings.Split(types, "/")
	names := strs[typeAt+1:]
	if len(names) != len(typeSegs) {
		return nil, invalidTemplate("Unable to evaluate template language function 'resourceId': the type '%s' requires %d resource name argument(s).", strs[typeAt], len(typeSegs))
	}
	id := "/subscriptions/" + sub + "/resourceGroups/" + group + "/providers/" + ns
	for i, t := range typeSegs {
		id += "/" + t + "/" + names[i]
	}
	return id, nil
}

func lookupFold(m map[string]any, name string) (any, bool) {
	if v, ok := m[name]; ok {
		return v, true
	}
	for k, v := range m {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return nil, false
}
