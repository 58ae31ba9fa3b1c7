package llm

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxSentenceRunes bounds one sentence of a summary; a longer one is
// refused rather than cut, since half a sentence can say something false.
const maxSentenceRunes = 400

// splitSummary turns the model's answer into checked sentences: reasoning
// blocks and markdown removed, split into sentences, empty ones dropped.
// It refuses an answer with more than max sentences, a sentence longer than
// maxSentenceRunes, a mention (@everyone, <@U123>, <!channel>) or a link.
func splitSummary(text string, max int) ([]string, error) {
	sentences := splitSentences(stripThinking(text))
	switch {
	case len(sentences) == 0:
		return nil, errors.New("the model's answer has no sentences")
	case len(sentences) > max:
		return nil, fmt.Errorf("the model wrote %d sentences; at most %d are allowed", len(sentences), max)
	}
	for i, s := range sentences {
		if n := utf8.RuneCountInString(s); n > maxSentenceRunes {
			return nil, fmt.Errorf("sentence %d is %d characters long; at most %d are allowed", i+1, n, maxSentenceRunes)
		}
		if m := mention(s); m != "" {
			return nil, fmt.Errorf("sentence %d mentions %q; a summary may not mention anyone", i+1, m)
		}
		if strings.Contains(strings.ToLower(s), "http://") || strings.Contains(strings.ToLower(s), "https://") || strings.Contains(s, "](") {
			return nil, fmt.Errorf("sentence %d holds a link; a summary is plain text", i+1)
		}
	}
	return sentences, nil
}

// mention returns the first chat mention in s: "@word" (which includes
// @everyone, @here, @channel) or a Slack or Discord mention ("<@U123>",
// "<!channel>", "<#C123>"); "" if there is none.
func mention(s string) string {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '@':
			r, _ := utf8.DecodeRuneInString(s[i+1:])
			if i+1 < len(s) && !unicode.IsSpace(r) {
				return clip(s[i:i+1+wordLen(s[i+1:])], 40)
			}
		case '<':
			if i+1 < len(s) && (s[i+1] == '@' || s[i+1] == '!' || s[i+1] == '#') {
				return clip(s[i:i+2+wordLen(s[i+2:])], 40)
			}
		}
	}
	return ""
}

// wordLen is the length in bytes of the non-space prefix of s.
func wordLen(s string) int {
	if i := strings.IndexFunc(s, unicode.IsSpace); i >= 0 {
		return i
	}
	return len(s)
}

// stripThinking removes the <think>...</think> block that reasoning models
// served locally put before their answer.
func stripThinking(s string) string {
	t := strings.TrimSpace(s)
	if !strings.HasPrefix(t, "<think>") {
		return s
	}
	if i := strings.Index(t, "</think>"); i >= 0 {
		return t[i+len("</think>"):]
	}
	return "" // the answer never came: all thinking
}

// splitSentences splits plain text, or text with a little markdown, into
// sentences. Lines that are list items start a new sentence; other lines
// continue the paragraph before them; a blank line ends it. Within a
// paragraph a sentence ends at '.', '!' or '?' followed by white space and a
// word that does not start in lower case, except after an abbreviation
// ("Dr.", "Sept."), an initial ("J.") or an initialism ("U.S."). Decimals
// ("1.5") never split, since no space follows their point.
func splitSentences(text string) []string {
	text = strings.ToValidUTF8(text, "")
	text = strings.Map(func(r rune) rune {
		switch {
		case r == '\n':
			return r
		case r == '\t':
			return ' '
		case r == '\r':
			return '\n'
		case unicode.IsControl(r), r == '\u200b', r == '\u2028', r == '\u2029', r == '\ufeff':
			return -1
		}
		return r
	}, text)
	var out []string
	var para strings.Builder
	flush := func() {
		out = append(out, splitParagraph(para.String())...)
		para.Reset()
	}
	for line := range strings.SplitSeq(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			flush()
			continue
		}
		if strings.HasPrefix(line, "#") { // a markdown heading is not a sentence
			flush()
			continue
		}
		line, item := stripMarkdown(line)
		if item {
			flush()
		}
		if para.Len() > 0 {
			para.WriteByte(' ')
		}
		para.WriteString(line)
	}
	flush()
	return out
}

// stripMarkdown removes a list marker or quote marker opening line and
// emphasis and code marks inside it, and reports whether it was a list item.
func stripMarkdown(line string) (string, bool) {
	item := false
	for _, m := range []string{"> ", "- ", "* ", "+ ", "• ", "· ", "– ", "— "} {
		if strings.HasPrefix(line, m) {
			line, item = strings.TrimSpace(line[len(m):]), true
			break
		}
	}
	// "1. " and "2) " numbered items; three digits at most, so that a
	// sentence opening with a year is left alone.
	if i := strings.IndexFunc(line, func(r rune) bool { return r < '0' || r > '9' }); i > 0 && i <= 3 &&
		i+1 < len(line) && (line[i] == '.' || line[i] == ')') && line[i+1] == ' ' {
		line, item = strings.TrimSpace(line[i+2:]), true
	}
	line = strings.NewReplacer("**", "", "__", "", "`", "", "*", "").Replace(line)
	return strings.TrimSpace(line), item
}

// splitParagraph splits one paragraph into sentences.
func splitParagraph(p string) []string {
	var out []string
	add := func(s string) {
		s = strings.Join(strings.Fields(s), " ")
		if strings.IndexFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0 {
			out = append(out, s)
		}
	}
	start := 0
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c != '.' && c != '!' && c != '?' {
			continue
		}
		j := i + 1
		for j < len(p) && p[j] == c && c != '.' { // "?!" runs
			j++
		}
		for j < len(p) && strings.IndexByte(`"')]`, p[j]) >= 0 {
			j++
		}
		for _, q := range []string{"”", "’", "»"} {
			if strings.HasPrefix(p[j:], q) {
				j += len(q)
			}
		}
		if j < len(p) && p[j] != ' ' {
			continue // "1.5", "U.S", "example.org", "...!"
		}
		k := j
		for k < len(p) && p[k] == ' ' {
			k++
		}
		if k < len(p) {
			r, _ := utf8.DecodeRuneInString(p[k:])
			if unicode.IsLower(r) {
				continue // "approx. five", "the U.S. said"
			}
		}
		if c == '.' && isAbbrev(wordBefore(p, i)) {
			continue
		}
		add(p[start:j])
		start = k
		i = k - 1
	}
	add(p[start:])
	return out
}

// wordBefore returns the word ending at p[i], with inner dots ("U.S" for
// "U.S.", "e.g" for "e.g.").
func wordBefore(p string, i int) string {
	j := i
	for j > 0 {
		r, size := utf8.DecodeLastRuneInString(p[:j])
		if !unicode.IsLetter(r) && r != '.' {
			break
		}
		j -= size
	}
	return p[j:i]
}

// abbrevs are lower-case abbreviations that a period follows without
// ending a sentence.
var abbrevs = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "prof": true, "st": true, "mt": true,
	"gen": true, "lt": true, "col": true, "maj": true, "capt": true, "cpt": true, "sgt": true,
	"adm": true, "cmdr": true, "gov": true, "sen": true, "rep": true, "rev": true, "hon": true,
	"pres": true, "jr": true, "sr": true, "inc": true, "ltd": true, "co": true, "corp": true,
	"dept": true, "univ": true, "vs": true, "etc": true, "approx": true, "est": true, "fig": true,
	"jan": true, "feb": true, "mar": true, "apr": true, "jun": true, "jul": true, "aug": true,
	"sep": true, "sept": true, "oct": true, "nov": true, "dec": true,
}

// isAbbrev reports whether a period after w is part of it rather than the
// end of a sentence: an initial ("J"), an initialism with inner dots ("U.S",
// "e.g") or a known abbreviation ("Dr", "Sept").
func isAbbrev(w string) bool {
	if w == "" {
		return false
	}
	if strings.Contains(w, ".") {
		return !strings.HasSuffix(w, ".") // "U.S" yes, "wait.." (an ellipsis) no
	}
	if utf8.RuneCountInString(w) == 1 {
		r, _ := utf8.DecodeRuneInString(w)
		return unicode.IsUpper(r)
	}
	return abbrevs[strings.ToLower(w)]
}
