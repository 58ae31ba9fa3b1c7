package tilse

import "strings"

// This file holds the suffix stripper that ROUGE-1.5.5 applies with its -m
// option: M. F. Porter's 1980 algorithm ("An algorithm for suffix
// stripping"), as the Perl version bundled with ROUGE implements it. That
// version differs from the paper, and from the Snowball "Porter2" English
// stemmer, in a few places that change real words, so they are kept here:
//
//   - step 1b adds a final e only when the whole remaining word has the shape
//     consonants, one vowel, one consonant other than w, x or y ("fil" ->
//     "file" but "abat" stays), not whenever it ends in such a triple;
//   - step 2 uses "bli" -> "ble" and "logi" -> "log" instead of the paper's
//     "abli" -> "able", as Porter's own later versions do;
//   - step 4 tries the general suffixes first, then "-ment", then "-ent" or
//     "-sion"/"-tion", each on the result of the one before, so one call can
//     remove two suffixes ("-ement" is in the general list);
//   - step 5 keeps the final e of an m=1 word only with that same whole-word
//     shape test.
//
// Letters are classified the way Porter defines them: a, e, i, o and u are
// vowels, y is a vowel after a consonant and a consonant otherwise, and every
// other byte (digits included) is a consonant. A leading y is upper-cased
// while stemming so that it always counts as a consonant.

// porterStem returns the stem of w, a lowercase ASCII word. Words shorter than
// three bytes are returned unchanged.
func porterStem(w string) string {
	if len(w) < 3 {
		return w
	}
	b := []byte(w)
	leadingY := b[0] == 'y'
	if leadingY {
		b[0] = 'Y'
	}

	b = step1a(b)
	b = step1b(b)
	b = step1c(b)
	b = step2(b)
	b = step3(b)
	b = step4(b)
	b = step5(b)

	if leadingY {
		b[0] = 'y'
	}
	return string(b)
}

// isPureVowel reports whether c is one of a, e, i, o, u.
func isPureVowel(c byte) bool {
	switch c {
	case 'a', 'e', 'i', 'o', 'u':
		return true
	}
	return false
}

// consonantAt reports whether b[i] counts as a consonant in Porter's sense.
func consonantAt(b []byte, i int) bool {
	switch c := b[i]; {
	case isPureVowel(c):
		return false
	case c == 'y':
		return i == 0 || !consonantAt(b, i-1)
	}
	return true
}

// measure returns Porter's m for b: the number of vowel-run/consonant-run
// pairs in the form [C](VC)^m[V].
func measure(b []byte) int {
	m := 0
	prevVowel := false
	for i := range b {
		cons := consonantAt(b, i)
		if cons && prevVowel {
			m++
		}
		prevVowel = !cons
	}
	return m
}

// hasVowel reports whether b contains a vowel in Porter's sense.
func hasVowel(b []byte) bool {
	for i := range b {
		if !consonantAt(b, i) {
			return true
		}
	}
	return false
}

// isShortCVC reports whether the whole of b is a run of consonants, exactly
// one vowel, and one final consonant that is not w, x or y. This is how the
// ROUGE stemmer tests Porter's *o condition.
func isShortCVC(b []byte) bool {
	n := len(b)
	if n < 3 || isPureVowel(b[0]) {
		return false
	}
	i := 1
	for i < n && !isPureVowel(b[i]) && b[i] != 'y' {
		i++
	}
	// b[i] must be the single vowel and b[i+1] the final consonant.
	if i != n-2 {
		return false
	}
	if !isPureVowel(b[i]) && b[i] != 'y' {
		return false
	}
	switch last := b[n-1]; {
	case isPureVowel(last), last == 'w', last == 'x', last == 'y':
		return false
	}
	return true
}

// hasSuffix reports whether b ends with s.
func hasSuffix(b []byte, s string) bool {
	return len(b) >= len(s) && string(b[len(b)-len(s):]) == s
}

// longestSuffix returns the longest entry of list that b ends with, or "".
func longestSuffix(b []byte, list []string) string {
	best := ""
	for _, s := range list {
		if len(s) > len(best) && hasSuffix(b, s) {
			best = s
		}
	}
	return best
}

// replaceSuffix returns b with its last n bytes replaced by repl.
func replaceSuffix(b []byte, n int, repl string) []byte {
	return append(b[:len(b)-n], repl...)
}

// step1a handles plurals: sses -> ss, ies -> i, s -> "" (but not after s).
func step1a(b []byte) []byte {
	switch {
	case hasSuffix(b, "sses"), hasSuffix(b, "ies"):
		return b[:len(b)-2]
	case hasSuffix(b, "s") && len(b) >= 2 && b[len(b)-2] != 's':
		return b[:len(b)-1]
	}
	return b
}

// step1b handles -eed, -ed and -ing.
func step1b(b []byte) []byte {
	if hasSuffix(b, "eed") {
		if measure(b[:len(b)-3]) > 0 {
			return b[:len(b)-1]
		}
		return b
	}
	var stem []byte
	switch {
	case hasSuffix(b, "ed"):
		stem = b[:len(b)-2]
	case hasSuffix(b, "ing"):
		stem = b[:len(b)-3]
	default:
		return b
	}
	if !hasVowel(stem) {
		return b
	}
	b = stem
	n := len(b)
	switch {
	case hasSuffix(b, "at"), hasSuffix(b, "bl"), hasSuffix(b, "iz"):
		return append(b, 'e')
	case n >= 2 && b[n-1] == b[n-2] && !strings.ContainsRune("aeiouylsz", rune(b[n-1])):
		return b[:n-1]
	case isShortCVC(b):
		return append(b, 'e')
	}
	return b
}

// step1c turns a final y into i when the rest holds a vowel.
func step1c(b []byte) []byte {
	if hasSuffix(b, "y") && hasVowel(b[:len(b)-1]) {
		b[len(b)-1] = 'i'
	}
	return b
}

// step2Suffixes maps the step 2 suffixes to their replacements.
var step2Suffixes = map[string]string{
	"ational": "ate", "tional": "tion", "enci": "ence", "anci": "ance",
	"izer": "ize", "bli": "ble", "alli": "al", "entli": "ent", "eli": "e",
	"ousli": "ous", "ization": "ize", "ation": "ate", "ator": "ate",
	"alism": "al", "iveness": "ive", "fulness": "ful", "ousness": "ous",
	"aliti": "al", "iviti": "ive", "biliti": "ble", "logi": "log",
}

// step3Suffixes maps the step 3 suffixes to their replacements.
var step3Suffixes = map[string]string{
	"icate": "ic", "ative": "", "alize": "al", "iciti": "ic", "ical": "ic",
	"ful": "", "ness": "",
}

// step4Suffixes are the suffixes step 4 removes in its first pass.
var step4Suffixes = []string{
	"al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ou",
	"ism", "ate", "iti", "ous", "ive", "ize",
}

// Suffix lists in a fixed order, built from the maps above.
var (
	step2List = mapKeys(step2Suffixes)
	step3List = mapKeys(step3Suffixes)
)

func mapKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	return keys
}

// replaceMapped replaces the longest suffix of b found in table when the
// remaining stem has m > 0.
func replaceMapped(b []byte, list []string, table map[string]string) []byte {
	suf := longestSuffix(b, list)
	if suf == "" {
		return b
	}
	if measure(b[:len(b)-len(suf)]) > 0 {
		return replaceSuffix(b, len(suf), table[suf])
	}
	return b
}

// step2 maps double suffixes to single ones (-ization -> -ize, ...).
func step2(b []byte) []byte { return replaceMapped(b, step2List, step2Suffixes) }

// step3 handles -ic-, -full, -ness and the like.
func step3(b []byte) []byte { return replaceMapped(b, step3List, step3Suffixes) }

// step4 removes -ant, -ence and the like from words with m > 1, in the three
// passes described at the top of this file.
func step4(b []byte) []byte {
	if suf := longestSuffix(b, step4Suffixes); suf != "" {
		if stem := b[:len(b)-len(suf)]; measure(stem) > 1 {
			b = stem
		}
	}
	if hasSuffix(b, "ment") {
		if stem := b[:len(b)-4]; measure(stem) > 1 {
			b = stem
		}
	}
	if hasSuffix(b, "ent") {
		if stem := b[:len(b)-3]; measure(stem) > 1 {
			b = stem
		}
	} else if hasSuffix(b, "sion") || hasSuffix(b, "tion") {
		if stem := b[:len(b)-3]; measure(stem) > 1 {
			b = stem
		}
	}
	return b
}

// step5 removes a final e and reduces a final -ll on long words.
func step5(b []byte) []byte {
	if hasSuffix(b, "e") {
		stem := b[:len(b)-1]
		if m := measure(stem); m > 1 || (m == 1 && !isShortCVC(stem)) {
			b = stem
		}
	}
	if hasSuffix(b, "ll") && measure(b) > 1 {
		b = b[:len(b)-1]
	}
	return b
}
