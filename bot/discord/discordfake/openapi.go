package discordfake

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// OpenAPIEnv names the environment variable that may hold the path of Discord's OpenAPI
// document. Without it the fake looks for shared/corpus/discord-openapi.json in the working
// directory and each of its parents (the repository's shared/ folder sits beside the clone).
const OpenAPIEnv = "DISCORD_OPENAPI"

const (
	openAPIRel = "shared/corpus/discord-openapi.json"
	// openAPIURL is the URL the document is registered under in the schema compiler; it is
	// never fetched.
	openAPIURL = "https://discordfake.invalid/discord-openapi.json"
)

// errNoDoc reports that the OpenAPI document could not be found.
var errNoDoc = errors.New("discordfake: Discord's OpenAPI document was not found")

// apiDoc is the loaded OpenAPI document: its path templates, for routing, and a schema
// compiler holding the whole document as one resource.
type apiDoc struct {
	file   string
	routes []*route

	mu       sync.Mutex // guards compiler and schemas
	compiler *jsonschema.Compiler
	schemas  map[string]*jsonschema.Schema
	bodies   map[string]map[string]bool // template+" "+method -> content types with a schema
	required map[string]bool            // template+" "+method -> requestBody.required
	queries  map[string][]queryParam    // template+" "+method -> the query parameters
}

// queryParam is a query parameter of an operation: its name and the JSON pointer of its
// schema in the document.
type queryParam struct {
	name, schema string
}

// route is one path template of the document.
type route struct {
	template string
	segs     []string // literal segments, or "" for a {parameter}
	names    []string // parameter names, "" for literal segments
	methods  []string // upper-case methods the document lists
}

var (
	docOnce sync.Once
	docVal  *apiDoc
	docErr  error
)

// loadDoc loads and indexes the OpenAPI document once per process.
func loadDoc() (*apiDoc, error) {
	docOnce.Do(func() { docVal, docErr = readDoc() })
	return docVal, docErr
}

// findDoc returns the path of the OpenAPI document.
func findDoc() (string, error) {
	if p := os.Getenv(OpenAPIEnv); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("%w: %s=%s: %v", errNoDoc, OpenAPIEnv, p, err)
		}
		return p, nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("%w: %v", errNoDoc, err)
	}
	for {
		p := filepath.Join(dir, filepath.FromSlash(openAPIRel))
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("%w: no %s in the working directory or its parents (set %s)",
				errNoDoc, openAPIRel, OpenAPIEnv)
		}
		dir = parent
	}
}

func readDoc() (*apiDoc, error) {
	file, err := findDoc()
	if err != nil {
		return nil, err
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errNoDoc, err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("discordfake: parsing %s: %w", file, err)
	}
	root, _ := v.(map[string]any)
	paths, _ := root["paths"].(map[string]any)
	if len(paths) == 0 {
		return nil, fmt.Errorf("discordfake: %s has no paths", file)
	}
	d := &apiDoc{
		file:     file,
		schemas:  map[string]*jsonschema.Schema{},
		bodies:   map[string]map[string]bool{},
		required: map[string]bool{},
		queries:  map[string][]queryParam{},
	}
	for tmpl, item := range paths {
		ops, _ := item.(map[string]any)
		rt := &route{template: tmpl}
		for _, seg := range strings.Split(strings.TrimPrefix(tmpl, "/"), "/") {
			if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
				rt.segs = append(rt.segs, "")
				rt.names = append(rt.names, seg[1:len(seg)-1])
			} else {
				rt.segs = append(rt.segs, seg)
				rt.names = append(rt.names, "")
			}
		}
		for m, op := range ops {
			switch m {
			case "get", "post", "put", "patch", "delete", "head", "options":
			default:
				continue
			}
			key := tmpl + " " + strings.ToUpper(m)
			rt.methods = append(rt.methods, strings.ToUpper(m))
			opm, _ := op.(map[string]any)
			params, _ := opm["parameters"].([]any)
			for i, p := range params {
				pm, _ := p.(map[string]any)
				if name, _ := pm["name"].(string); pm["in"] == "query" && name != "" && pm["schema"] != nil {
					d.queries[key] = append(d.queries[key], queryParam{name: name,
						schema: jsonPointer("paths", tmpl, m, "parameters", strconv.Itoa(i), "schema")})
				}
			}
			rb, _ := opm["requestBody"].(map[string]any)
			if rb == nil {
				continue
			}
			req, _ := rb["required"].(bool)
			d.required[key] = req
			content, _ := rb["content"].(map[string]any)
			cts := map[string]bool{}
			for ct := range content {
				cts[ct] = true
			}
			d.bodies[key] = cts
		}
		sort.Strings(rt.methods)
		d.routes = append(d.routes, rt)
	}
	sort.Slice(d.routes, func(i, j int) bool { return d.routes[i].template < d.routes[j].template })

	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020) // OpenAPI 3.1 schemas are JSON Schema 2020-12
	c.AssertFormat()                     // Discord rejects malformed URLs and timestamps
	if err := c.AddResource(openAPIURL, v); err != nil {
		return nil, fmt.Errorf("discordfake: adding %s to the schema compiler: %w", file, err)
	}
	d.compiler = c
	return d, nil
}

// match finds the path template that path (without the /api/vN prefix, no query) belongs to
// and returns its parameters. Literal segments win over parameters, left to right, so
// /users/@me matches "/users/@me" rather than "/users/{user_id}".
func (d *apiDoc) match(path string) (*route, map[string]string) {
	segs := strings.Split(strings.TrimPrefix(path, "/"), "/")
	var best *route
	var bestScore []bool
	for _, rt := range d.routes {
		if len(rt.segs) != len(segs) {
			continue
		}
		score := make([]bool, len(segs))
		ok := true
		for i, s := range rt.segs {
			switch {
			case s == "":
				if segs[i] == "" {
					ok = false
				}
			case s == segs[i]:
				score[i] = true
			default:
				ok = false
			}
			if !ok {
				break
			}
		}
		if !ok {
			continue
		}
		if best == nil || moreSpecific(score, bestScore) {
			best, bestScore = rt, score
		}
	}
	if best == nil {
		return nil, nil
	}
	params := map[string]string{}
	for i, n := range best.names {
		if n != "" {
			params[n] = segs[i]
		}
	}
	return best, params
}

// moreSpecific reports whether score a (literal segment flags) beats b: the first segment
// where they differ is literal in a.
func moreSpecific(a, b []bool) bool {
	for i := range a {
		if a[i] != b[i] {
			return a[i]
		}
	}
	return false
}

// hasMethod reports whether the document lists method for rt.
func (rt *route) hasMethod(method string) bool { return slices.Contains(rt.methods, method) }

// bodySchema returns the compiled requestBody schema of the operation for content type ct.
// ok is false when the operation takes no body of that type; known lists the content types it
// does take.
func (d *apiDoc) bodySchema(template, method, ct string) (sch *jsonschema.Schema, known []string, err error) {
	key := template + " " + method
	cts := d.bodies[key]
	for k := range cts {
		known = append(known, k)
	}
	sort.Strings(known)
	if !cts[ct] {
		return nil, known, nil
	}
	s, err := d.compile(jsonPointer("paths", template, strings.ToLower(method),
		"requestBody", "content", ct, "schema"))
	return s, known, err
}

// compile returns the compiled schema at pointer ptr of the document.
func (d *apiDoc) compile(ptr string) (*jsonschema.Schema, error) {
	loc := openAPIURL + "#" + ptr
	d.mu.Lock()
	defer d.mu.Unlock()
	if s, ok := d.schemas[loc]; ok {
		return s, nil
	}
	s, err := d.compiler.Compile(loc)
	if err != nil {
		return nil, fmt.Errorf("discordfake: compiling %s: %w", loc, err)
	}
	d.schemas[loc] = s
	return s, nil
}

// queryProblems checks the query parameters the operation declares against their schemas.
// A query value is text: it passes when it fits the schema read as a number, a boolean or a
// string, whichever it can be read as; the problems reported are those of the first reading
// (a number before a string), as in limit=0 ("must be 1 or more") or limit=ten (not an
// integer). Parameters the document does not declare are ignored, as Discord ignores them.
func (d *apiDoc) queryProblems(template, method string, q url.Values) []problem {
	var ps []problem
	for _, p := range d.queries[template+" "+method] {
		if !q.Has(p.name) {
			continue
		}
		sch, err := d.compile(p.schema)
		if err != nil {
			ps = append(ps, problem{loc: []string{p.name}, code: "FAKE_ERROR", msg: err.Error()})
			continue
		}
		v := q.Get(p.name)
		var readings []any
		if _, err := strconv.ParseFloat(v, 64); err == nil {
			readings = append(readings, json.Number(v))
		}
		if b, err := strconv.ParseBool(v); err == nil && (v == "true" || v == "false") {
			readings = append(readings, b)
		}
		readings = append(readings, v)
		var first []problem
		for i, r := range readings {
			err := sch.Validate(r)
			if err == nil {
				first = nil
				break
			}
			if i == 0 {
				first = schemaProblems(err)
			}
		}
		for _, pr := range first {
			pr.loc = append([]string{p.name}, pr.loc...)
			pr.query = true
			ps = append(ps, pr)
		}
	}
	return ps
}

// bodyRequired reports whether the operation's requestBody is marked required.
func (d *apiDoc) bodyRequired(template, method string) bool {
	return d.required[template+" "+method]
}

// takesBody reports whether the operation has a requestBody at all.
func (d *apiDoc) takesBody(template, method string) bool {
	_, ok := d.bodies[template+" "+method]
	return ok
}

// jsonPointer builds an RFC 6901 pointer from unescaped tokens.
func jsonPointer(tokens ...string) string {
	var b strings.Builder
	for _, t := range tokens {
		t = strings.ReplaceAll(t, "~", "~0")
		t = strings.ReplaceAll(t, "/", "~1")
		b.WriteString("/")
		b.WriteString(t)
	}
	return b.String()
}

// problem is one thing wrong with a request body: where (JSON pointer tokens), a Discord-style
// error code and a message.
type problem struct {
	loc   []string
	code  string
	msg   string
	query bool // loc starts with a query parameter's name, not a body member
}

// path returns the problem's location as a JSON pointer ("" for the whole body).
func (p problem) path() string { return jsonPointer(p.loc...) }

// where names the problem's location for a violation: a JSON pointer into the body, "(body)"
// for the whole body, or "?name" for a query parameter.
func (p problem) where() string {
	if p.query {
		return "?" + strings.Join(p.loc, "/")
	}
	return orRoot(p.path())
}

var printer = message.NewPrinter(language.English)

// schemaProblems turns a validation error into leaf problems. Where an anyOf/oneOf failed, the
// branches whose discriminator ("type") or JSON type did not match are dropped when that leaves
// any, so the report names what is wrong with the branch the body meant to be.
func schemaProblems(err error) []problem {
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return []problem{{code: "BASE_TYPE_INVALID", msg: err.Error()}}
	}
	var out []problem
	collect(ve, &out)
	return dedupe(out)
}

func collect(e *jsonschema.ValidationError, out *[]problem) {
	causes := e.Causes
	switch e.ErrorKind.(type) {
	case *kind.AnyOf, *kind.OneOf:
		var kept []*jsonschema.ValidationError
		for _, c := range causes {
			if !discriminatorMiss(c, len(e.InstanceLocation)) {
				kept = append(kept, c)
			}
		}
		if wants, ok := constChoices(kept, len(e.InstanceLocation)); ok {
			*out = append(*out, problem{loc: e.InstanceLocation, code: "BASE_TYPE_CHOICES",
				msg: "Value must be one of " + wants + "."})
			return
		}
		if len(kept) > 0 {
			causes = kept
		} else if len(causes) > 0 {
			// No branch fits even its discriminator: report the alternatives as one problem.
			*out = append(*out, problem{loc: e.InstanceLocation, code: "BASE_TYPE_CHOICES",
				msg: "matches none of the allowed forms"})
			return
		}
	}
	if len(causes) == 0 {
		*out = append(*out, leafProblem(e)...)
		return
	}
	for _, c := range causes {
		collect(c, out)
	}
}

// constChoices reports whether every branch failed only on a const or enum at the union's own
// location (an enumeration written as oneOf of consts) and lists the allowed values.
func constChoices(branches []*jsonschema.ValidationError, depth int) (string, bool) {
	if len(branches) < 2 {
		return "", false
	}
	var wants []string
	for _, b := range branches {
		for len(b.Causes) == 1 {
			b = b.Causes[0]
		}
		if len(b.Causes) != 0 || len(b.InstanceLocation) != depth {
			return "", false
		}
		switch k := b.ErrorKind.(type) {
		case *kind.Const:
			wants = append(wants, fmt.Sprint(k.Want))
		case *kind.Enum:
			for _, w := range k.Want {
				wants = append(wants, fmt.Sprint(w))
			}
		default:
			return "", false
		}
	}
	return "{" + strings.Join(wants, ", ") + "}", true
}

// discriminatorMiss reports whether branch error c failed on the body's kind rather than its
// content: a wrong JSON type at the branch's own location, or a wrong "type" member value.
func discriminatorMiss(c *jsonschema.ValidationError, depth int) bool {
	found := false
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if found {
			return
		}
		switch e.ErrorKind.(type) {
		case *kind.Type, *kind.FalseSchema:
			if len(e.InstanceLocation) == depth {
				found = true
				return
			}
		case *kind.Const, *kind.Enum:
			if len(e.InstanceLocation) == depth+1 && e.InstanceLocation[depth] == "type" {
				found = true
				return
			}
		}
		for _, x := range e.Causes {
			walk(x)
		}
	}
	walk(c)
	return found
}

func leafProblem(e *jsonschema.ValidationError) []problem {
	loc := e.InstanceLocation
	switch k := e.ErrorKind.(type) {
	case *kind.Required:
		var ps []problem
		for _, m := range k.Missing {
			ps = append(ps, problem{loc: append(slices.Clone(loc), m), code: "BASE_TYPE_REQUIRED",
				msg: "This field is required"})
		}
		return ps
	case *kind.MaxLength:
		return []problem{{loc: loc, code: "BASE_TYPE_MAX_LENGTH",
			msg: fmt.Sprintf("Must be %d or fewer in length.", k.Want)}}
	case *kind.MinLength:
		return []problem{{loc: loc, code: "BASE_TYPE_MIN_LENGTH",
			msg: fmt.Sprintf("Must be %d or more in length.", k.Want)}}
	case *kind.MaxItems:
		return []problem{{loc: loc, code: "BASE_TYPE_MAX_LENGTH",
			msg: fmt.Sprintf("Must be %d or fewer in length.", k.Want)}}
	case *kind.MinItems:
		return []problem{{loc: loc, code: "BASE_TYPE_MIN_LENGTH",
			msg: fmt.Sprintf("Must be %d or more in length.", k.Want)}}
	case *kind.Enum, *kind.Const:
		return []problem{{loc: loc, code: "BASE_TYPE_CHOICES", msg: e.ErrorKind.LocalizedString(printer)}}
	case *kind.Format:
		code := "BASE_TYPE_INVALID"
		switch k.Want {
		case "uri":
			code = "URL_TYPE_INVALID_URL"
		case "date-time":
			code = "DATE_TIME_TYPE_PARSE"
		}
		return []problem{{loc: loc, code: code, msg: e.ErrorKind.LocalizedString(printer)}}
	case *kind.Type:
		return []problem{{loc: loc, code: "BASE_TYPE_BAD_TYPE", msg: e.ErrorKind.LocalizedString(printer)}}
	default:
		return []problem{{loc: loc, code: "BASE_TYPE_INVALID", msg: e.ErrorKind.LocalizedString(printer)}}
	}
}

// dedupe drops repeated problems (same location and code), keeping the first.
func dedupe(ps []problem) []problem {
	seen := map[string]bool{}
	var out []problem
	for _, p := range ps {
		k := p.path() + "\x00" + p.code
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, p)
	}
	return out
}

// errorTree builds the "errors" member of Discord's 50035 Invalid Form Body answer:
// {"content":{"_errors":[{"code":...,"message":...}]},"embeds":{"0":{"title":{...}}}}.
func errorTree(ps []problem) map[string]any {
	tree := map[string]any{}
	for _, p := range ps {
		node := tree
		for _, tok := range p.loc {
			next, _ := node[tok].(map[string]any)
			if next == nil {
				next = map[string]any{}
				node[tok] = next
			}
			node = next
		}
		list, _ := node["_errors"].([]any)
		node["_errors"] = append(list, map[string]any{"code": p.code, "message": p.msg})
	}
	return tree
}
