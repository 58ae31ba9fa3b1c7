// Package tempeval reads TimeML documents, scores temporal expressions the
// way TempEval-3 scores them and writes TimeML system output.
//
// A TimeML document is news text with inline markup: <TIMEX3> around every
// temporal expression, <EVENT> and <SIGNAL> around other words, and the
// document creation time (DCT) in <DCT>. Read keeps the text of the <TEXT>
// element with all markup removed, the gold TIMEX3 spans as byte offsets into
// that text, and enough of the raw document to write it back with other
// TIMEX3 tags in place of the gold ones (Annotate).
//
// Scoring follows TempEval-3 task A: a strict match has exactly the gold
// span, a relaxed match overlaps it; for relaxed matches the type and value
// are compared, and value F1 counts the matches whose value is right over
// the system and gold counts. The DCT itself is not scored: it is given, not
// found.
package tempeval

import (
	"bytes"
	"errors"
	"fmt"
	"html"
	"strings"
	"time"
)

// Timex is one temporal expression with a span in a document's text.
type Timex struct {
	Start, End int // byte offsets into Doc.Text
	Text       string
	Type       string // DATE, TIME, DURATION, SET
	Value      string
	Mod        string
}

// Doc is a TimeML document.
type Doc struct {
	ID   string
	DCT  time.Time // the creation date, at midnight UTC
	Text string    // the <TEXT> element without markup, entities decoded
	Gold []Timex   // the TIMEX3 tags inside <TEXT>, in order

	raw       []byte
	dctID     string // the tid of the DCT's TIMEX3
	textOpen  int    // raw offset just after <TEXT>
	textClose int    // raw offset of </TEXT>
	elems     []elem // the other markup inside <TEXT>, kept by Annotate
}

// elem is a markup element inside <TEXT> other than TIMEX3, by the span of
// text it encloses.
type elem struct {
	start, end  int    // text offsets
	open, close string // the raw tags; close is empty for <X/>
	depth       int    // nesting depth, outermost 0
}

// ErrFormat reports a document that is not TimeML as this package reads it.
var ErrFormat = errors.New("tempeval: not a TimeML document")

// Read parses a TimeML document.
func Read(raw []byte) (*Doc, error) {
	d := &Doc{raw: raw}
	if id, ok := element(raw, "DOCID"); ok {
		d.ID = strings.TrimSpace(string(id))
	}
	dct, ok := element(raw, "DCT")
	if !ok {
		return nil, fmt.Errorf("%w: no <DCT>", ErrFormat)
	}
	v := attr(dct, "value")
	if len(v) < 10 {
		return nil, fmt.Errorf("%w: DCT value %q is not a date", ErrFormat, v)
	}
	t, err := time.Parse("2006-01-02", v[:10])
	if err != nil {
		return nil, fmt.Errorf("%w: DCT value %q: %v", ErrFormat, v, err)
	}
	d.DCT, d.dctID = t, attr(dct, "tid")
	open := bytes.Index(raw, []byte("<TEXT>"))
	end := bytes.Index(raw, []byte("</TEXT>"))
	if open < 0 || end < open {
		return nil, fmt.Errorf("%w: no <TEXT> element", ErrFormat)
	}
	d.textOpen, d.textClose = open+len("<TEXT>"), end
	if err := d.scan(d.textOpen, d.textClose); err != nil {
		return nil, err
	}
	return d, nil
}

// scan walks raw[from:to], copying text and recording TIMEX3 spans.
func (d *Doc) scan(from, to int) error {
	var text strings.Builder
	var cur *Timex
	var stack []int // indexes into d.elems of open elements
	i := from
	for i < to {
		switch d.raw[i] {
		case '<':
			j := bytes.IndexByte(d.raw[i:to], '>')
			if j < 0 {
				return fmt.Errorf("%w: unterminated tag at byte %d", ErrFormat, i)
			}
			tag := bytes.TrimSpace(d.raw[i+1 : i+j])
			switch {
			case bytes.HasPrefix(tag, []byte("TIMEX3")) && bytes.HasSuffix(tag, []byte("/")):
				// an empty TIMEX3 (an implicit anchor) marks no text: not scored
			case bytes.HasPrefix(tag, []byte("TIMEX3")):
				if cur != nil {
					return fmt.Errorf("%w: nested TIMEX3 at byte %d", ErrFormat, i)
				}
				cur = &Timex{Start: text.Len(), Type: attr(tag, "type"), Value: attr(tag, "value"), Mod: attr(tag, "mod")}
			case bytes.Equal(bytes.TrimSpace(tag), []byte("/TIMEX3")):
				if cur == nil {
					return fmt.Errorf("%w: stray </TIMEX3> at byte %d", ErrFormat, i)
				}
				cur.End = text.Len()
				cur.Text = text.String()[cur.Start:cur.End]
				d.Gold = append(d.Gold, *cur)
				cur = nil
			case bytes.HasSuffix(tag, []byte("/")):
				d.elems = append(d.elems, elem{start: text.Len(), end: text.Len(), open: string(d.raw[i : i+j+1]), depth: len(stack)})
			case len(tag) > 0 && tag[0] == '/':
				if len(stack) == 0 {
					return fmt.Errorf("%w: stray <%s> at byte %d", ErrFormat, tag, i)
				}
				e := &d.elems[stack[len(stack)-1]]
				if name, open := string(bytes.TrimSpace(tag[1:])), strings.Fields(strings.Trim(e.open, "<>/")); len(open) == 0 || open[0] != name {
					return fmt.Errorf("%w: <%s> closes %s at byte %d", ErrFormat, tag, e.open, i)
				}
				stack = stack[:len(stack)-1]
				e.end, e.close = text.Len(), string(d.raw[i:i+j+1])
			default:
				stack = append(stack, len(d.elems))
				d.elems = append(d.elems, elem{start: text.Len(), open: string(d.raw[i : i+j+1]), depth: len(stack) - 1})
			}
			i += j + 1
		case '&':
			j := bytes.IndexByte(d.raw[i:to], ';')
			if j < 0 || j > 10 {
				text.WriteString("&")
				i++
				continue
			}
			text.WriteString(html.UnescapeString(string(d.raw[i : i+j+1])))
			i += j + 1
		default:
			j := i
			for j < to && d.raw[j] != '<' && d.raw[j] != '&' {
				j++
			}
			text.WriteString(string(d.raw[i:j]))
			i = j
		}
	}
	if cur != nil || len(stack) > 0 {
		return fmt.Errorf("%w: unterminated element in <TEXT>", ErrFormat)
	}
	d.Text = text.String()
	return nil
}

// element returns the content of the first <name>...</name> in raw.
func element(raw []byte, name string) ([]byte, bool) {
	open := bytes.Index(raw, []byte("<"+name+">"))
	if open < 0 {
		return nil, false
	}
	open += len(name) + 2
	end := bytes.Index(raw[open:], []byte("</"+name+">"))
	if end < 0 {
		return nil, false
	}
	return raw[open : open+end], true
}

// attr returns the value of name="..." (or name='...', with spaces around
// the = allowed) in a tag, entities decoded, or "".
func attr(tag []byte, name string) string {
	for i := 0; i < len(tag); {
		k := bytes.Index(tag[i:], []byte(name))
		if k < 0 {
			return ""
		}
		k += i
		i = k + len(name)
		if k > 0 && !isSpace(tag[k-1]) {
			continue // "eventID" when looking for "ID"
		}
		j := i
		for j < len(tag) && isSpace(tag[j]) {
			j++
		}
		if j >= len(tag) || tag[j] != '=' {
			continue
		}
		j++
		for j < len(tag) && isSpace(tag[j]) {
			j++
		}
		if j >= len(tag) || (tag[j] != '"' && tag[j] != '\'') {
			continue
		}
		q := tag[j]
		end := bytes.IndexByte(tag[j+1:], q)
		if end < 0 {
			return ""
		}
		return html.UnescapeString(string(tag[j+1 : j+1+end]))
	}
	return ""
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
