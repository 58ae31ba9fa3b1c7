package timex

// maxTenseDist bounds how far from an expression the tense cue may be.
const maxTenseDist = 20

// tense returns the tense of the clause around tokens [i, j): -1 past, +1
// future, 0 no cue. It takes the nearest cue word on either side within the
// clause; on a tie the left one wins. Reporting verbs (said, told, added)
// are weak: they date the statement, not the event, so they count only right
// before the expression ("said Monday", "said on Monday") or when the clause
// has no other cue ("Talks resumed in June, he said" is decided by
// "resumed").
func (m *matcher) tense(i, j int) int {
	if m.deadline(i-1) || m.is(j, "deadline") {
		m.cueDist = 0
		return 0
	}
	c, d := m.clauseTense(i, j)
	m.cueDist = d
	return c
}

// clauseTense is tense without the deadline rule; it also returns how many
// tokens away the deciding cue is (0 when there is none).
func (m *matcher) clauseTense(i, j int) (int, int) {
	lt, ld, lw, lwd := 0, 0, 0, 0
	for k := i - 1; k >= 0 && i-k <= maxTenseDist; k-- {
		if m.boundary(k) {
			break
		}
		c, weak := m.cue(k)
		if c == 0 {
			continue
		}
		if weak && i-k > 2 {
			if lw == 0 {
				lw, lwd = c, i-k
			}
			continue
		}
		lt, ld = c, i-k
		break
	}
	rt, rd, rw, rwd := 0, 0, 0, 0
	for k := j; k < len(m.toks) && k-j < maxTenseDist; k++ {
		if m.boundary(k) {
			break
		}
		c, weak := m.cue(k)
		if c == 0 {
			continue
		}
		if weak {
			if rw == 0 {
				rw, rwd = c, k-j+1
			}
			continue
		}
		rt, rd = c, k-j+1
		break
	}
	switch {
	case lt != 0 && (rt == 0 || ld <= rd):
		return lt, ld
	case rt != 0:
		return rt, rd
	case lw != 0 && (rw == 0 || lwd <= rwd):
		return lw, lwd
	}
	return rw, rwd
}

// deadline reports whether word k introduces a deadline or a schedule
// ("by Jan. 14", "until March 6", "payable Dec. 7", "effective Feb. 1").
// Such a date is read without the clause's tense, which belongs to the act
// of setting it ("asked it to respond by Oct. 31"): the nearest one wins.
func (m *matcher) deadline(k int) bool {
	switch m.key(k) {
	case "on":
		switch m.key(k - 1) { // "payable on Dec. 7": one step back, no further
		case "by", "until", "till", "payable", "effective", "expire", "expires", "expiring", "due":
			return true
		}
	case "by", "until", "till", "payable", "effective", "expire", "expires", "expiring", "due":
		return true
	case "record": // "of record Nov. 22", not "set a record on Monday"
		return m.is(k-1, "of")
	case "to": // "extended the offer to Nov. 20", "postponed to May"
		return m.rescheduled(k)
	}
	return false
}

// rescheduled reports whether a verb that moves a date ("extended",
// "postponed") comes shortly before word k in its clause: the date it
// moves to is ahead even though the verb is in the past tense.
func (m *matcher) rescheduled(k int) bool {
	for j := k - 1; j >= 0 && j >= k-6 && !m.boundary(j); j-- {
		switch m.key(j) {
		case "extend", "extended", "extends", "extending", "postponed", "delayed", "moved", "pushed":
			return true
		}
	}
	return false
}

// boundary reports whether token k ends a clause: . ! ? ; : but not the dot
// of an abbreviation (Jan., Mr.) or a colon inside a time (9:30).
func (m *matcher) boundary(k int) bool {
	t := m.tk(k)
	if t == nil || t.kind != tkPunct {
		return false
	}
	switch t.ch {
	case '!', '?', ';':
		return true
	case ':':
		p, n := m.tk(k-1), m.tk(k+1)
		return !(p != nil && n != nil && p.kind == tkNum && n.kind == tkNum && m.adj(k) && m.adj(k+1))
	case '.':
		if p := m.tk(k - 1); p != nil && p.kind == tkWord && m.adj(k) && (p.lex.has(fAbbr) || p.e-p.s == 1) {
			return false
		}
		if n := m.tk(k + 1); n != nil && n.kind == tkNum {
			return false
		}
		return true
	}
	return false
}

// cue returns the tense signalled by word k (-1 past, +1 future, 0 none)
// and whether it is a weak cue (a reporting verb).
func (m *matcher) cue(k int) (int, bool) {
	t := &m.toks[k]
	if t.kind != tkWord {
		return 0, false
	}
	if e := t.lex; e != nil {
		switch e.key {
		case "won": // won't
			if m.punct(k+1, '\'') && m.is(k+2, "t") {
				return 1, false
			}
		case "going", "due":
			if m.is(k+1, "to") {
				return 1, false
			}
			return 0, false
		case "ll":
			if m.punct(k-1, '\'') && m.adj(k) {
				return 1, false
			}
			return 0, false
		case "may": // the modal, not the month
			if !t.up {
				return 1, false
			}
			return 0, false
		}
		if e.tense < 0 && m.passive(k) { // will be held
			return 0, false
		}
		return int(e.tense), e.has(fWeakCue)
	}
	return m.edVerb(k), false
}

// passive reports whether word k follows a present or bare form of "be":
// "will be held", "is expected" carry no past tense of their own.
func (m *matcher) passive(k int) bool {
	return m.is(k-1, "be") || m.is(k-1, "is") || m.is(k-1, "are") || m.is(k-1, "am") || m.is(k-1, "being")
}

// edVerb returns -1 when word k looks like a past-tense verb ending in -ed.
func (m *matcher) edVerb(k int) int {
	t := &m.toks[k]
	w := m.text[t.s:t.e]
	n := len(w)
	if n < 4 || n > 24 || (w[n-1]|0x20) != 'd' || (w[n-2]|0x20) != 'e' {
		return 0
	}
	if t.up && !m.sentenceStart(k) { // Ahmed, Allied
		return 0
	}
	var buf [24]byte
	for i := 0; i < n; i++ {
		c := w[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	if edNotVerb[string(buf[:n])] {
		return 0
	}
	if m.punct(k-1, '-') && m.adj(k) { // U.S.-backed
		return 0
	}
	if m.is(k-1, "a") || m.is(k-1, "an") || m.is(k-1, "the") || m.passive(k) { // a renewed push; is based
		return 0
	}
	return -1
}
