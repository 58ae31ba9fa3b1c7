package sqlite

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/briefbot/briefbot/briefing"
)

// FuzzJSONCodec checks that the fast codec agrees with encoding/json: what it
// writes is JSON that encoding/json reads back identically, and it reads
// encoding/json's own output (HTML escapes, \u escapes) as well.
func FuzzJSONCodec(f *testing.F) {
	for _, s := range hostileSamples {
		f.Add(s, s+"\x01", int64(-7), 42)
	}
	f.Fuzz(func(t *testing.T, a, b string, n int64, off int) {
		if checkText("a", a) != nil || checkText("b", b) != nil {
			return
		}
		cs := []briefing.Citation{
			{ArticleID: n, Source: a, URL: b, Title: a + b, Published: time.UnixMicro(n).UTC(), Sentence: b, Offset: off},
			{Source: b},
		}
		enc := encodeCitations(cs)
		var ref []citationJSON
		if err := json.Unmarshal([]byte(enc), &ref); err != nil {
			t.Fatalf("encodeCitations wrote invalid JSON %q: %v", enc, err)
		}
		if ref[0].Source != a || ref[0].URL != b || ref[0].Sentence != b || ref[0].ArticleID != n || ref[0].Offset != off {
			t.Fatalf("encoding/json reads %+v from %q", ref[0], enc)
		}
		got, err := decodeCitations(enc)
		if err != nil || len(got) != 2 || got[0].Source != a || got[0].URL != b || got[0].Title != a+b ||
			got[0].Sentence != b || !got[0].Published.Equal(cs[0].Published) || got[0].Offset != off || got[1].Source != b {
			t.Fatalf("decodeCitations(%q) = %+v, %v", enc, got, err)
		}
		// encoding/json's output goes through the fallback or the fast path alike.
		std, _ := json.Marshal(ref)
		got2, err := decodeCitations(string(std))
		if err != nil || got2[0].Source != a || got2[0].Title != a+b {
			t.Fatalf("decodeCitations(%q) = %+v, %v", std, got2, err)
		}
		list := []string{a, b, ""}
		if dl, err := decodeList(encodeList(list)); err != nil || !slices.Equal(dl, list) {
			t.Fatalf("decodeList(encodeList(%q)) = %q, %v", list, dl, err)
		}
		stdList, _ := json.Marshal(list)
		if dl, err := decodeList(string(stdList)); err != nil || !slices.Equal(dl, list) {
			t.Fatalf("decodeList(%s) = %q, %v", stdList, dl, err)
		}
	})
}

var hostileSamples = []string{
	"", `"`, `\`, `\"`, "\\u0041", "<!channel> & <b>", "emoji 🕊️🇺🇦 👩‍👩‍👧", "RTL \u202eevil\u202c עברית",
	"\u2028\u2029\ufeff", "tab\tnew\nline\r\x1f", "Ωmega 東京", `{"a":1}`, "]},[{",
}

func TestDecodeRejectsGarbage(t *testing.T) {
	for _, s := range []string{"", "[", `[{"a":}]`, `[{"s":"x}]`, "nope", `[{"a":1},]`} {
		if _, err := decodeCitations(s); err == nil {
			t.Errorf("decodeCitations(%q) succeeded", s)
		}
	}
	if l, err := decodeList("[]"); err != nil || l != nil {
		t.Errorf("decodeList([]) = %q, %v; want nil", l, err)
	}
}
