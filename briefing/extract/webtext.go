package extract

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Text scraped from news pages carries more than the article: datelines,
// time stamps, photo captions and credits, link lists, comment threads,
// correction notes. The patterns below recognise them. Each has literal
// needles (lower case), one of which must occur in the text before the
// regular expression runs: most sentences contain none, and skipping the
// expression keeps extraction fast.

// pattern is a regular expression guarded by literal needles.
type pattern struct {
	needles []string
	re      *regexp.Regexp
}

// find returns the match of p in s (whose lower-case form is lower), or nil.
func (p pattern) find(s, lower string) []int {
	for _, n := range p.needles {
		if strings.Contains(lower, n) {
			return p.re.FindStringIndex(s)
		}
	}
	return nil
}

// pageHeads are what a page puts before an article's first sentence, which
// a summary line does without:
//   - a wire dateline and byline, "MEXICO CITY | Fri Apr 24, 2009 7:50 pm
//     EDT MEXICO CITY (Reuters) - ", or "NEW ORLEANS -- ";
//   - a page stamp, "8 September 2010 Last updated at 12:54 GMT Help",
//     "Thursday, May 27, 2010; 4:21 PM";
//   - a byline with a time, "Mary Smith | 17:45 UK time, Wednesday, 29
//     April 2009";
//   - a headline and standfirst ending in a time stamp, "... Tuesday 28
//     April 2009 17.37 BST";
//   - a photo credit, "Photograph: Jane Doe/AP".
var pageHeads = []pattern{
	{[]string{"(reuters)", "(ap)", "(afp)", "(bloomberg)", "(upi)", "(dpa)", "(xinhua)", "(interfax)", "(tass)", "(ukrinform)", "(cnn)", "(bbc)"},
		regexp.MustCompile(`^.{0,160}?\((?:Reuters|AP|AFP|Bloomberg|UPI|dpa|Xinhua|Interfax|TASS|Ukrinform|CNN|BBC)\)\s*(?:-+|–|—)\s*`)},
	{[]string{" -- ", " — "},
		// the sentence after it starts with a capital: "NATO -- the
		// alliance -- said" is no dateline
		regexp.MustCompile(`^[A-Z][A-Z .,'/-]{2,60}(?:,\s*[A-Z][\pL.]+(?: [A-Z][\pL.]+)?)?\s+(?:--|—)\s+["“]?[A-Z0-9]`)},
	{[]string{"last updated"},
		regexp.MustCompile(`(?i)^(?:\d{1,2} \pL+ \d{4} )?last updated(?: at|:) [^A-Z]{0,30}\d{1,2}:\d{2}(?: ?[A-Z]{2,4})?\s*(?:Help\b\s*)?`)},
	{[]string{"|"},
		regexp.MustCompile(`^[^|]{1,60}\|\s*\d{1,2}:\d{2}[^,]{0,20},\s*\pL+,\s*\d{1,2} \pL+ \d{4}\s*`)},
	{[]string{"; "},
		regexp.MustCompile(`^\pL+day, \pL+ \d{1,2}, \d{4}; \d{1,2}:\d{2} [AP]M\s*`)},
	{[]string{" bst ", " gmt ", " cet ", " est ", " edt "},
		regexp.MustCompile(`^.{0,250}?\b\pL+day \d{1,2} \pL+ \d{4} \d{1,2}[.:]\d{2} (?:BST|GMT|CET|EST|EDT)\s+`)},
	{[]string{"photograph:", "photo:", "picture:", "image:"},
		regexp.MustCompile(`^(?:Photograph|Photo|Picture|Image): [^.]{0,60}?/(?:AP|Reuters|AFP|Getty Images|EPA|PA|Rex)\s+`)},
}

// dropPageHead removes the page heads s starts with, as long as at least
// four words remain.
func dropPageHead(s string) string {
	lower := strings.ToLower(s)
	for i, p := range pageHeads {
		loc := p.find(s, lower)
		if loc == nil {
			continue
		}
		end := loc[1]
		switch i {
		case 0:
			// a dateline is names, dates and times: "told the news
			// agency (Reuters) - in an interview" is a sentence
			if !datelineWords(s[:end]) {
				continue
			}
		case 1:
			end-- // the pattern ends on the next sentence's first letter
			for end > 0 && (s[end-1] == '"') {
				end--
			}
			if strings.HasSuffix(s[:end], "“") {
				end -= len("“")
			}
		}
		if wordCount(s[end:]) >= 4 {
			// lower-casing can change byte lengths (the Kelvin sign is
			// three bytes, "k" one), so the offsets of s do not carry over
			s = s[end:]
			lower = strings.ToLower(s)
		}
	}
	return s
}

// datelineWords reports whether every word of a wire dateline head starts
// with a capital, a digit or punctuation, or is a time of day's "am"/"pm".
func datelineWords(head string) bool {
	for w := range strings.FieldsSeq(head) {
		r, _ := utf8.DecodeRuneInString(w)
		if unicode.IsLower(r) {
			switch strings.TrimRight(w, ".,") {
			case "am", "pm", "a.m", "p.m":
				continue
			}
			return false
		}
	}
	return true
}

// furniture recognises sentences that are never news:
//   - aggregator link lists, "- 2 hrs ago", "3 months, 1 week ago";
//   - comment signatures, "-- June 02, 2010 2:18 PM";
//   - corrections and print notes, "This article was amended ...", "A
//     version appeared on p24 ...";
//   - "follow us" lines, letters-page notes and copyright lines.
var furniture = []pattern{
	// news writes "10 days ago"; link lists "2 hrs ago" and "3 months, 1 week ago"
	{[]string{"ago"}, regexp.MustCompile(`(?i)\b\d+\s+(?:hrs?|mins?)\s+ago\b|\b\d+\s+(?:hours?|days?|weeks?|months?|years?),\s*\d+\s+(?:hours?|days?|weeks?|months?|mins?|minutes?)\s+ago\b`)},
	{[]string{"-- "}, regexp.MustCompile(`--\s*\pL+ \d{1,2}, \d{4} \d{1,2}:\d{2} [AP]M\b`)},
	{[]string{"rights reserved", "this article was", "a version", "follow ", "letters for publication", "copyright"},
		regexp.MustCompile(`(?i)\ball rights reserved\b|\bthis article was (?:amended|corrected|updated)\b|\ba version (?:of this article )?appeared (?:on|in) p(?:age)?\s?\d+|\bfollow (?:the latest (?:news|updates|developments|coverage)|live updates|us on)\b|\bletters for publication\b|\bcopyright\s+(?:\(c\)|©|\d{4})`)},
}

// captions recognise photo captions and credits: "... is seen in the Gulf",
// "In this aerial photo", "(pictured)", "A frame grab provided by ...". A
// caption describes a picture; it is not a development of a story the
// gazetteer does not know, though a sentence naming known actors with a
// reporting verb ("Video released by the army shows ...") still is.
var captions = []pattern{
	{[]string{" seen "}, regexp.MustCompile(`(?i)\b(?:is|are) seen (?:in|on|at|along|near|during|from|through|outside|inside|burning|floating)\b`)},
	{[]string{"pictured", "file photo", "ap photo"}, regexp.MustCompile(`(?i)\(pictured\)|\bpictured (?:above|below|left|right|here)\b|\b(?:file photo|AP Photo)\b`)},
	{[]string{"in this "}, regexp.MustCompile(`(?i)\bin this (?:[\w-]+ ){0,3}(?:photo|image|picture|handout|frame grab|video)\b`)},
	{[]string{"photo ", "image ", "picture ", "frame grab ", "video "}, regexp.MustCompile(`(?i)\b(?:photo|image|picture|frame grab|video) (?:taken|made|provided|released|shows)\b`)},
}

// teaserEnd matches a text cut off with an ellipsis: a link-list teaser.
var teaserEnd = regexp.MustCompile(`\w(?:\.\.\.|…)["'”]?$`)

// readerComment matches a reader's comment under an article: "At 20:04
// 30th Apr 2009, someone wrote: ..." or a user name ("riverfan77 wrote:").
// Comments are opinion, never news; "Trump wrote: ..." is a quote.
var readerComment = regexp.MustCompile(`^(?:At .{0,40}?, \S+|[\p{Ll}\d_]\S*|\S*[\d_]\S*) wrote:`)

// isFurniture reports whether s, whose lower-case form is lower, is page
// furniture rather than news (see furniture), a teaser cut off with an
// ellipsis or a reader's comment.
func isFurniture(s, lower string) bool {
	trimmed := strings.TrimRight(s, `"'”`)
	if (strings.HasSuffix(trimmed, "...") || strings.HasSuffix(trimmed, "…")) && teaserEnd.MatchString(s) {
		return true
	}
	if strings.Contains(lower, "wrote:") && readerComment.MatchString(s) {
		return true
	}
	return matchAny(furniture, s, lower)
}

// isCaption reports whether s, whose lower-case form is lower, is a photo
// caption or credit (see captions), including one credited to AP at its
// start.
func isCaption(s, lower string) bool {
	return strings.HasPrefix(s, "AP ") || matchAny(captions, s, lower)
}

// isBoilerplate reports whether s is furniture or a caption.
func isBoilerplate(s string) bool {
	lower := strings.ToLower(s)
	return isFurniture(s, lower) || isCaption(s, lower)
}

func matchAny(ps []pattern, s, lower string) bool {
	for _, p := range ps {
		if p.find(s, lower) != nil {
			return true
		}
	}
	return false
}

// wordCount counts the blank-separated pieces of s that hold a letter or a
// digit: a cheap stand-in for len(textnorm.Words(s)) in length thresholds.
func wordCount(s string) int {
	n := 0
	for f := range strings.FieldsSeq(s) {
		if strings.IndexFunc(f, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0 {
			n++
		}
	}
	return n
}
