package textnorm

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestTokens(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"hyphenated compound joined and split", "a 30-day cease-fire held", "30day ceasefir held 30 day ceas fire"},
		{"open compound rewritten like hyphenated", "the cease fire held", "ceasefir held ceas fire"},
		{"one word", "Ceasefire", "ceasefir"},
		{"truce is a ceasefire", "TRUCE", "ceasefir"},
		{"swap is exchange", "prisoner swap", "prison exchang"},
		{"pow expands", "POWs", "prison war"},
		{"prisoners of war", "prisoners of war", "prison war"},
		{"diacritics", "Zelenskỹy Kyïv", "zelenskyy kyiv"},
		{"possessive and curly apostrophe", "Trump’s call, Putin's call", "trump call putin call"},
		{"dotted abbreviation", "U.S. President", "usa presid"},
		{"digit groups", "release 1,000 prisoners", "releas 1000 prison"},
		{"stop words only", "the of and", ""},
		{"invalid utf8 is a separator", "talks\xffIstanbul", "talk istanbul"},
		{"dashes at edges", "-- talks --", "talk"},
		{"em dash separates", "talks—Istanbul", "talk istanbul"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := strings.Join(Tokens(tt.in), " ")
			if got != tt.want {
				t.Errorf("Tokens(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestSpellingsMeet(t *testing.T) {
	// What a reader types and what a reporter writes must produce a common token.
	pairs := [][2]string{
		{"ceasefire", "cease-fire"}, {"ceasefire", "truce"}, {"cease-fire", "cease fire"},
		{"prisoners", "prisoner"}, {"POW", "prisoners of war"}, {"swap", "exchange"},
		{"Zelensky", "zelensky"}, {"talks", "talk"},
	}
	for _, p := range pairs {
		a, b := Tokens(p[0]), Tokens(p[1])
		if !shares(a, b) {
			t.Errorf("%q %v and %q %v share no token", p[0], a, p[1], b)
		}
	}
}

func TestTermsArePhraseOfTokens(t *testing.T) {
	for _, q := range []string{"cease-fire held", "ceasefire held", "cease fire held", "truce held"} {
		for _, text := range []string{"the cease-fire held", "the ceasefire held", "the cease fire held", "the truce held"} {
			if !containsRun(Tokens(text), Terms(q)) {
				t.Errorf("phrase %q %v not found in %q %v", q, Terms(q), text, Tokens(text))
			}
		}
	}
}

func containsRun(hay, needle []string) bool {
	for i := 0; i+len(needle) <= len(hay); i++ {
		if reflect.DeepEqual(hay[i:i+len(needle)], needle) {
			return true
		}
	}
	return false
}

func shares(a, b []string) bool {
	for _, x := range a {
		for _, y := range b {
			if x == y {
				return true
			}
		}
	}
	return false
}

func TestWordsLongTokenCut(t *testing.T) {
	w := Words(strings.Repeat("x", 500))
	if !reflect.DeepEqual(w, []string{strings.Repeat("x", MaxTokenLen)}) {
		t.Fatalf("got %v", w)
	}
}

func FuzzTokens(f *testing.F) {
	for _, s := range []string{"cease-fire", "U.S.", "1,000", "Trump's", "\xff\xfe", "a-", "-a", "'s", "1,00", "U.S"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, tok := range Tokens(s) {
			if tok == "" || len(tok) > MaxTokenLen || !utf8.ValidString(tok) {
				t.Fatalf("bad token %q from %q", tok, s)
			}
			for i := 0; i < len(tok); i++ {
				if !isWordByte(tok[i]) {
					t.Fatalf("token %q from %q has byte %q", tok, s, tok[i])
				}
			}
		}
		if a, b := Tokens(s), Tokens(s); !reflect.DeepEqual(a, b) {
			t.Fatalf("Tokens(%q) is not deterministic: %v vs %v", s, a, b)
		}
	})
}
