package config

import (
	"fmt"
	"strings"
)

// Problem is one thing wrong with a configuration.
type Problem struct {
	// Field is the YAML field path, such as "log.level" or "slack.bot_token".
	Field string
	// Source names where the offending value came from when Load knows it:
	// the configuration file path, an environment variable name, or the
	// path of a secret file. It is empty for problems found by Validate on
	// a Config that did not come from Load.
	Source string
	// Line is the line in the configuration file, or 0 when unknown or not
	// applicable.
	Line int
	// Message says what is wrong and how to fix it. It never contains a
	// secret value.
	Message string
	// Err is the underlying error, if any, such as the *fs.PathError for an
	// unreadable secret file; ValidationError.Unwrap exposes it to
	// errors.Is and errors.As.
	Err error
}

// String formats the problem as "FIELD: MESSAGE", prefixed with "FILE:LINE: "
// when the problem is located in a file, or with the source in parentheses
// otherwise, as in "log.level (from BRIEFBOT_LOG_LEVEL): ...".
func (p Problem) String() string {
	switch {
	case p.Source != "" && p.Line > 0:
		return fmt.Sprintf("%s:%d: %s: %s", p.Source, p.Line, p.Field, p.Message)
	case p.Source != "":
		return fmt.Sprintf("%s (from %s): %s", p.Field, p.Source, p.Message)
	case p.Line > 0:
		return fmt.Sprintf("line %d: %s: %s", p.Line, p.Field, p.Message)
	}
	return p.Field + ": " + p.Message
}

// ValidationError lists every problem found in a configuration. Validate
// and Load return it as a *ValidationError.
type ValidationError struct {
	// Problems holds one entry per problem, in a stable order.
	Problems []Problem
}

// Error lists the problems, one per line when there are several.
func (e *ValidationError) Error() string {
	switch len(e.Problems) {
	case 0:
		return "invalid configuration"
	case 1:
		return "invalid configuration: " + e.Problems[0].String()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "invalid configuration (%d problems):", len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n  - ")
		b.WriteString(p.String())
	}
	return b.String()
}

// Unwrap returns the underlying errors of the problems that have one.
func (e *ValidationError) Unwrap() []error {
	var errs []error
	for _, p := range e.Problems {
		if p.Err != nil {
			errs = append(errs, p.Err)
		}
	}
	return errs
}

// Fields returns the field path of each problem, in order, which is
// convenient for tests and for highlighting fields in a user interface.
func (e *ValidationError) Fields() []string {
	fields := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		fields[i] = p.Field
	}
	return fields
}
