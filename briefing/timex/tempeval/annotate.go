package tempeval

import (
	"bytes"
	"cmp"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Annotate returns the document with its gold TIMEX3 tags inside <TEXT>
// replaced by sys (spans into d.Text), numbered t1, t2, ... The DCT and the
// rest of the markup are kept; TLINKs that name a removed gold TIMEX3 are
// dropped, since the expression they point at no longer exists. A system
// span that would cross another element's boundary is widened to enclose
// that element, so the output is always well-formed.
//
// Text is written back with &, < and > escaped, which reproduces the
// documents TempEval-3 distributes byte for byte outside the changed tags.
func (d *Doc) Annotate(sys []Timex) []byte {
	type iv struct {
		start, end int
		open       string
		close      string
		timex      bool
		order      int
	}
	ivs := make([]iv, 0, len(d.elems)+len(sys))
	for i, e := range d.elems {
		ivs = append(ivs, iv{start: e.start, end: e.end, open: e.open, close: e.close, order: i})
	}
	lastEnd := 0
	for i, t := range sys {
		s, e := d.widen(t.Start, t.End)
		if s < lastEnd {
			continue // widening ran into the previous expression
		}
		lastEnd = e
		var b strings.Builder
		b.WriteString(`<TIMEX3 tid="`)
		b.WriteString(tid(i+1, d.dctID))
		b.WriteString(`" type="`)
		b.WriteString(escapeAttr(t.Type))
		b.WriteString(`" value="`)
		b.WriteString(escapeAttr(t.Value))
		b.WriteByte('"')
		if t.Mod != "" {
			b.WriteString(` mod="`)
			b.WriteString(escapeAttr(t.Mod))
			b.WriteByte('"')
		}
		b.WriteByte('>')
		ivs = append(ivs, iv{start: s, end: e, open: b.String(), close: "</TIMEX3>", timex: true, order: i})
	}
	// Opening order: by start; at one position the longer interval first;
	// for equal spans TIMEX3 outside other markup; then document order.
	slices.SortStableFunc(ivs, func(a, b iv) int {
		if c := cmp.Compare(a.start, b.start); c != 0 {
			return c
		}
		if (a.end == a.start) != (b.end == b.start) { // an empty element closes before a longer one opens
			if a.end == a.start {
				return -1
			}
			return 1
		}
		if c := cmp.Compare(b.end, a.end); c != 0 {
			return c
		}
		if a.timex != b.timex {
			if a.timex {
				return -1
			}
			return 1
		}
		return cmp.Compare(a.order, b.order)
	})

	var out bytes.Buffer
	out.Grow(len(d.raw) + 64*len(sys))
	out.Write(d.raw[:d.textOpen])
	var stack []int // indexes into ivs of open intervals
	pos := 0
	closeUpTo := func(p int) {
		for len(stack) > 0 {
			top := &ivs[stack[len(stack)-1]]
			if top.end > p {
				return
			}
			writeText(&out, d.Text[pos:top.end])
			pos = top.end
			out.WriteString(top.close)
			stack = stack[:len(stack)-1]
		}
	}
	for i := range ivs {
		v := &ivs[i]
		closeUpTo(v.start)
		writeText(&out, d.Text[pos:v.start])
		pos = v.start
		out.WriteString(v.open)
		if v.close != "" || v.end > v.start {
			stack = append(stack, i)
		}
	}
	closeUpTo(len(d.Text))
	writeText(&out, d.Text[pos:])
	out.Write(dropGoldLinks(d.raw[d.textClose:], d.dctID))
	return out.Bytes()
}

// tid names the nth system expression: t1, t2, ...; a DCT that already
// uses such a name pushes the system ones to a prefix of their own.
func tid(n int, dct string) string {
	id := "t" + strconv.Itoa(n)
	if strings.HasPrefix(dct, "t") && dct != "t0" {
		id = "ts" + strconv.Itoa(n)
	}
	return id
}

// widen grows [s, e) until no element crosses its boundaries.
func (d *Doc) widen(s, e int) (int, int) {
	for changed := true; changed; {
		changed = false
		for _, el := range d.elems {
			inside := el.start >= s && el.end <= e
			around := el.start <= s && el.end >= e
			apart := el.end <= s || el.start >= e
			if inside || around || apart {
				continue
			}
			s, e = min(s, el.start), max(e, el.end)
			changed = true
		}
	}
	return s, e
}

var textEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func writeText(b *bytes.Buffer, s string) { textEscaper.WriteString(b, s) }

var attrEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")

func escapeAttr(s string) string { return attrEscaper.Replace(s) }

var timeRef = regexp.MustCompile(`(?:timeID|relatedToTime)="([^"]*)"`)

// dropGoldLinks removes the lines of tail that hold a single TLINK element
// referring to a TIMEX3 other than the DCT (whose tid is dct).
func dropGoldLinks(tail []byte, dct string) []byte {
	var out bytes.Buffer
	for line := range bytes.Lines(tail) {
		if t := bytes.TrimSpace(line); bytes.HasPrefix(t, []byte("<TLINK")) && bytes.HasSuffix(t, []byte("/>")) && bytes.Count(t, []byte("<")) == 1 {
			drop := false
			for _, m := range timeRef.FindAllSubmatch(line, -1) {
				if string(m[1]) != dct {
					drop = true
				}
			}
			if drop {
				continue
			}
		}
		out.Write(line)
	}
	return out.Bytes()
}
