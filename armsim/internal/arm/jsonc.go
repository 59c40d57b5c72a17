package arm

import "unicode"

// fromJSONC turns the JSON-with-comments ARM accepts in deployment bodies into JSON: az
// splices the template text in as is (`..., template:{...}}}`, an unquoted key, with the
// template's own // and /* */ comments and trailing commas), and ARM deserializes it. Valid
// JSON comes out unchanged; strings are never touched.
func fromJSONC(in []byte) []byte {
	out := make([]byte, 0, len(in))
	for i := 0; i < len(in); i++ {
		c := in[i]
		switch {
		case c == '"':
			j := i + 1
			for j < len(in) && in[j] != '"' {
				if in[j] == '\\' {
					j++
				}
				j++
			}
			j = min(j, len(in)-1)
			out = append(out, in[i:j+1]...)
			i = j
		case c == '/' && i+1 < len(in) && in[i+1] == '/':
			for i < len(in) && in[i] != '\n' {
				i++
			}
		case c == '/' && i+1 < len(in) && in[i+1] == '*':
			i += 2
			for i+1 < len(in) && !(in[i] == '*' && in[i+1] == '/') {
				i++
			}
			i++
		case c == ',' && closesNext(in[i+1:]):
			// a trailing comma: dropped
		case unicode.IsLetter(rune(c)) || c == '_' || c == '$':
			j := i
			for j < len(in) && (unicode.IsLetter(rune(in[j])) || unicode.IsDigit(rune(in[j])) || in[j] == '_' || in[j] == '$') {
				j++
			}
			word := string(in[i:j])
			if isKey(in[j:]) && word != "true" && word != "false" && word != "null" {
				out = append(out, '"')
				out = append(out, word...)
				out = append(out, '"')
			} else {
				out = append(out, word...)
			}
			i = j - 1
		default:
			out = append(out, c)
		}
	}
	return out
}

// closesNext reports whether the next significant character closes an object or array.
func closesNext(rest []byte) bool {
	for _, c := range rest {
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		case '}', ']':
			return true
		}
		return false
	}
	return false
}

// isKey reports whether a word is followed by a colon: an unquoted object key.
func isKey(rest []byte) bool {
	for _, c := range rest {
		if c == ' ' || c == '\t' || c == '\r' || c == '\n' {
			continue
		}
		return c == ':'
	}
	return false
}
