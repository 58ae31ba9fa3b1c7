package extract

import (
	"strings"
	"testing"
)

func TestSentences(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"abbreviation before a name", "U.S. President Donald Trump spoke. Putin listened.",
			[]string{"U.S. President Donald Trump spoke.", "Putin listened."}},
		{"month abbreviation", "He took office on Jan. 20 in Washington. Talks followed.",
			[]string{"He took office on Jan. 20 in Washington.", "Talks followed."}},
		{"quote closes the sentence", "“We are ready,” he said. “Are you?” She did not answer.",
			[]string{"“We are ready,” he said.", "“Are you?”", "She did not answer."}},
		{"elision continues in lower case", "He said the talks ... would resume. Then he left.",
			[]string{"He said the talks ... would resume.", "Then he left."}},
		{"line breaks end paragraphs", "First line without period\nSecond line.",
			[]string{"First line without period", "Second line."}},
		{"hyphenated after abbreviation", "a U.S.-backed 30-day cease-fire. Next.",
			[]string{"a U.S.-backed 30-day cease-fire.", "Next."}},
		{"initial", "John F. Kennedy was there. Yes.", []string{"John F. Kennedy was there.", "Yes."}},
		{"decimal", "Growth was 3.5 percent. Fine.", []string{"Growth was 3.5 percent.", "Fine."}},
		{"empty", "  \n\n ", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Sentences(tt.in)
			var texts []string
			for _, s := range got {
				texts = append(texts, s.Text)
				if tt.in[s.Start:s.Start+len(s.Text)] != s.Text {
					t.Errorf("offset %d does not point at %q", s.Start, s.Text)
				}
			}
			if strings.Join(texts, "|") != strings.Join(tt.want, "|") {
				t.Errorf("Sentences(%q)\n got %q\nwant %q", tt.in, texts, tt.want)
			}
		})
	}
}
