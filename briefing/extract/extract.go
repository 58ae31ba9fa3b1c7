// Package extract turns article text into candidate events: it splits the
// text into sentences, finds and resolves their dates against the publication
// time, recognises actors from a gazetteer and topics from a lexicon, and
// decides which sentences report a development and which are context.
package extract

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/briefbot/briefbot/briefing"
	"github.com/briefbot/briefbot/briefing/textnorm"
	"github.com/briefbot/briefbot/briefing/timex"
)

// DateFinder finds temporal expressions in one sentence, resolved against a
// reference time. *timex.Normalizer implements it; a fuller normaliser can
// slot in without touching the extractor.
type DateFinder interface {
	Find(text string, ref time.Time) []timex.Expression
}

// Limits that keep hostile input cheap.
const (
	// MaxSummaryRunes bounds a summary line.
	MaxSummaryRunes = 300
	// MaxSentenceBytes: longer "sentences" (tables, run-on dumps) are cut
	// before date and actor matching.
	MaxSentenceBytes = 4000
	// contextWindow is how many earlier sentences may lend their date.
	contextWindow = 6
	// leadSentences is how many opening sentences of an article report its
	// news even without a known actor or topic, if at least minLeadWords
	// long and naming someone.
	leadSentences = 2
	minLeadWords  = 8
	// historyDays: a day further back than this from the publication is
	// background, not news, in a story the gazetteer does not know.
	historyDays = 730
)

// Extractor implements briefing.Extractor. It is safe for concurrent use.
type Extractor struct {
	dates    DateFinder
	actors   []Actor
	topics   []Topic
	kinds    map[string]string
	topicIDs map[string]bool
	norm     *textnorm.Cache
	actIdx   phraseIndex // folded words -> actor ID
	topIdx   phraseIndex // normalised terms -> topic ID
}

// Option configures an Extractor.
type Option func(*Extractor)

// WithDateFinder replaces the temporal normaliser.
func WithDateFinder(d DateFinder) Option { return func(x *Extractor) { x.dates = d } }

// New returns an Extractor with the embedded gazetteer and topic lexicon.
func New(opts ...Option) (*Extractor, error) {
	actors, err := ParseGazetteer(defaultGazetteer)
	if err != nil {
		return nil, err
	}
	topics, err := ParseTopics(defaultTopics)
	if err != nil {
		return nil, err
	}
	x := &Extractor{dates: timex.New(), actors: actors, topics: topics, norm: textnorm.NewCache(50_000),
		kinds: map[string]string{}, topicIDs: map[string]bool{}, actIdx: phraseIndex{}, topIdx: phraseIndex{}}
	for _, a := range actors {
		x.kinds[a.ID] = a.Kind
		x.actIdx.add(actorWords(a.Name), a.ID)
		x.actIdx.add(actorWords(strings.ReplaceAll(a.ID, "_", " ")), a.ID)
		for _, al := range a.Aliases {
			x.actIdx.add(actorWords(al), a.ID)
		}
	}
	for _, t := range topics {
		x.topicIDs[t.ID] = true
		for _, c := range t.Cues {
			x.topIdx.add(textnorm.Stems(c), t.ID)
		}
	}
	for _, o := range opts {
		o(x)
	}
	return x, nil
}

// namesPerson reports whether actors include a person from the gazetteer:
// then the story is one the gazetteer knows. Countries and bodies
// ("Washington", "the UN") turn up in every story.
func (x *Extractor) namesPerson(actors []string) bool {
	for _, a := range actors {
		if x.kinds[a] == "person" {
			return true
		}
	}
	return false
}

// Actors returns the gazetteer.
func (x *Extractor) Actors() []Actor { return x.actors }

// Topics returns the topic lexicon.
func (x *Extractor) Topics() []Topic { return x.topics }

// ActorKind returns "person", "country" or "org" for a known actor ID, else "".
func (x *Extractor) ActorKind(id string) string { return x.kinds[id] }

// ResolveActor maps a user-typed name ("Zelensky", "the Kremlin") to a
// canonical actor ID, or "" when the gazetteer does not know it.
func (x *Extractor) ResolveActor(name string) string {
	ids := x.actIdx.match(actorWords(strings.ReplaceAll(name, "_", " ")))
	if len(ids) == 1 {
		return ids[0]
	}
	return ""
}

// ResolveTopic maps a user-typed topic ("truce", "prisoner swap") to a
// canonical topic ID, or "" when the lexicon does not know it.
func (x *Extractor) ResolveTopic(name string) string {
	if x.topicIDs[name] {
		return name
	}
	ids := x.topIdx.match(textnorm.Stems(strings.ReplaceAll(name, "_", " ")))
	if len(ids) == 1 {
		return ids[0]
	}
	return ""
}

// sentenceInfo is what the extractor knows about one sentence or clause.
type sentenceInfo struct {
	span     Span
	summary  string
	date     briefing.EventDate
	actors   []string
	topics   []string
	develops bool
}

// Extract returns one candidate per sentence or clause of a's text, in text
// order. Candidates with Development false are context: they date later
// sentences but are not events. a.Text must be valid UTF-8.
func (x *Extractor) Extract(a *briefing.Article) ([]briefing.Candidate, error) {
	if !utf8.ValidString(a.Text) {
		return nil, fmt.Errorf("extract: text is not valid UTF-8")
	}
	pub := briefing.DayOf(a.Published)
	glued := false
	var infos []sentenceInfo
	spans := Sentences(a.Text)
	if len(spans) > 0 {
		if cut := UnglueLead(spans[0].Text); cut > 0 {
			// the headline and caption run into the lead become context
			head := Span{Start: spans[0].Start, Text: strings.TrimSpace(spans[0].Text[:cut])}
			lead := Span{Start: spans[0].Start + cut, Text: spans[0].Text[cut:]}
			spans = append([]Span{head, lead}, spans[1:]...)
			glued = true
		}
	}
	for si, s := range spans {
		if glued {
			// the lead, not the headline, is the first sentence; the
			// headline (-1) is no lead
			si--
		}
		text := s.Text
		if len(text) > MaxSentenceBytes {
			text = cutUTF8(text, MaxSentenceBytes)
		}
		exprs := x.dates.Find(text, a.Published)
		if len(textnorm.Words(text)) == 0 {
			continue // punctuation or symbols only: nothing to say
		}
		clauses := splitClauses(text, exprs)
		for ci, seg := range clauses {
			info := sentenceInfo{span: Span{Start: s.Start + seg.start, Text: seg.text}, summary: dropLead(seg.text, seg.lead)}
			if len(clauses) == 1 && seg.lead == 0 && seg.date != nil {
				// under its date in a timeline, "said on Thursday" says
				// the date twice
				info.summary = dropDayPhrase(seg.text, exprs, *seg.date)
			}
			if ci == 0 && len(clauses) > 1 {
				// the first clause reads best with what follows it:
				// "X's May 19 calls came after Y met on May 16"
				info.summary = dropLead(text, seg.lead)
			}
			info.actors = x.actIdx.match(actorWords(seg.text))
			info.topics = x.topIdx.match(x.norm.Stems(seg.text))
			known := len(info.topics) > 0 || x.namesPerson(info.actors)
			lower := strings.ToLower(seg.text)
			switch {
			case isFurniture(seg.text, lower):
				info.develops = false
			case known && reportsDevelopment(seg.text):
				// the gazetteer and lexicon know this story, and a verb
				// reports something happening
				info.develops = true
			case isCaption(seg.text, lower) || isQuote(seg.text) || isQuestion(seg.text) || firstPerson(seg.text):
				info.develops = false
			case len(info.actors) > 0 && reportsDevelopment(seg.text):
				info.develops = true
			case seg.date != nil && seg.date.Gran == briefing.GranDay && !seg.date.Range:
				// In any story, a sentence that dates itself to a day
				// ("On April 20 the rig exploded") and names someone or
				// says enough reports a development, even without a verb
				// from the list, unless the day is history ("born on
				// January 25, 1978"). Only this rule and the next reach
				// stories the gazetteer and lexicon do not know.
				info.develops = seg.date.Lo >= pub-historyDays && (namesEntity(seg.text) || wordCount(seg.text) >= minLeadWords)
			case seg.date == nil && si >= 0 && si < leadSentences && !known:
				// The opening of a news article states its news, dated
				// by the text before it or by the publication.
				info.develops = namesEntity(seg.text) && wordCount(seg.text) >= minLeadWords
			}
			if seg.date != nil {
				info.date = *seg.date
				info.date.Origin = briefing.OriginExplicit
			} else {
				info.date = contextDate(infos, info, pub)
			}
			infos = append(infos, info)
		}
	}
	out := make([]briefing.Candidate, 0, len(infos))
	for _, in := range infos {
		out = append(out, briefing.Candidate{
			Date:        in.date,
			Summary:     summarize(in.summary),
			Sentence:    in.span.Text,
			Offset:      in.span.Start,
			Actors:      sorted(in.actors),
			Topics:      sorted(in.topics),
			Development: in.develops,
		})
	}
	return out, nil
}

// contextDate dates a sentence that names no date: it takes the date of the
// nearest earlier sentence (within contextWindow) that shares an actor or a
// topic, else the publication date.
func contextDate(prev []sentenceInfo, cur sentenceInfo, pub briefing.Day) briefing.EventDate {
	for i := len(prev) - 1; i >= 0 && i >= len(prev)-contextWindow; i-- {
		p := prev[i]
		if !sharesAny(p.actors, cur.actors) && !sharesAny(p.topics, cur.topics) {
			continue
		}
		d := p.date
		if d.Origin != briefing.OriginPublished {
			d.Origin = briefing.OriginContext
		}
		return d
	}
	d := briefing.DayDate(pub)
	d.Origin = briefing.OriginPublished
	return d
}

type clause struct {
	start int
	text  string
	date  *briefing.EventDate
	lead  int // bytes of a leading date phrase ("On May 16, ") to drop from the summary
}

// clauseBreaks are the joints at which a sentence that reports two dated
// developments is cut in two: "X came after Y met on May 16".
var clauseBreaks = []string{"; ", " came after ", " after ", " before ", ", while ", ", and ", " following ", ", but ", " days after ", " a day after "}

// splitClauses returns the clauses of a sentence, each with the first date
// expression it holds. A sentence with fewer than two calendar dates is one
// clause. With more, it is cut at a clause joint between consecutive dates,
// so "Trump's May 19 calls came after delegates met in Istanbul on May 16"
// gives a May 19 clause and a May 16 clause, while "in late April, Putin
// declared a cease-fire from May 8 through May 10" stays whole (dated late
// April: the first date names when it happened, the range what it covers).
func splitClauses(text string, exprs []timex.Expression) []clause {
	var dated []timex.Expression
	for _, e := range exprs {
		if (e.Type == "DATE" || e.Type == "TIME") && !e.Date.IsZero() {
			dated = append(dated, e)
		}
	}
	if len(dated) == 0 {
		return []clause{{start: 0, text: text}}
	}
	var out []clause
	start := 0
	cur := dated[0]
	for i := 1; i < len(dated); i++ {
		next := dated[i]
		cut := -1
		between := text[cur.End:next.Start]
		for _, b := range clauseBreaks {
			if k := strings.Index(between, b); k >= 0 && (cut < 0 || k < cut) {
				cut = k
			}
		}
		if cut < 0 || cur.End < start {
			continue // same clause: keep the first date
		}
		pos := cur.End + cut
		d := cur.Date
		cs, ct := trimmed(text, start, pos)
		out = append(out, clause{start: cs, text: ct, date: &d, lead: leadingDate(text, cs, cur)})
		// skip the joint word itself ("after", "; ")
		rest := pos
		for rest < next.Start && (text[rest] == ' ' || text[rest] == ';' || text[rest] == ',') {
			rest++
		}
		if w := leadingJoint(text[rest:]); w > 0 && rest+w <= next.Start {
			rest += w
		}
		start = rest
		cur = next
	}
	d := cur.Date
	if len(out) == 0 && d.Gran >= briefing.GranYear {
		// "The levee, built in 1962, gave way on Monday": a day named
		// after a bare year is when this happened
		for _, e := range dated[1:] {
			if e.Date.Gran == briefing.GranDay && !e.Date.Range {
				d, cur = e.Date, e
				break
			}
		}
	}
	cs, ct := trimmed(text, start, len(text))
	out = append(out, clause{start: cs, text: ct, date: &d, lead: leadingDate(text, cs, cur)})
	// a clause with too little text to stand alone folds back into its neighbour
	if len(out) > 1 {
		for _, c := range out {
			if len(textnorm.Words(c.text)) < 3 {
				d := dated[0].Date
				return []clause{{start: 0, text: text, date: &d, lead: leadingDate(text, 0, dated[0])}}
			}
		}
	}
	return out
}

// leadingDate returns the length of a date phrase that opens the clause at
// start and is followed by a comma ("On May 16, ", "In late April, "), or 0.
// The timeline shows the date in its own column, so the summary drops it.
func leadingDate(text string, start int, e timex.Expression) int {
	if e.Start < start {
		return 0
	}
	head := text[start:e.Start]
	switch strings.ToLower(strings.TrimSpace(head)) {
	case "", "on", "in", "from", "by", "earlier", "late", "early", "late on", "early on", "earlier on":
	default:
		return 0
	}
	rest := text[e.End:]
	// "On May 16, ...", and a chronology's "May 16 - ..." or "May 16: ..."
	for _, sep := range []string{", ", " - ", " -- ", " – ", " — ", ": "} {
		if strings.HasPrefix(rest, sep) {
			return e.End + len(sep) - start
		}
	}
	return 0
}

// trimmed returns text[start:end] without surrounding white space, and
// where it starts.
func trimmed(text string, start, end int) (int, string) {
	seg := text[start:end]
	t := strings.TrimLeftFunc(seg, unicode.IsSpace)
	return start + len(seg) - len(t), strings.TrimRightFunc(t, unicode.IsSpace)
}

func leadingJoint(s string) int {
	for _, w := range []string{"came after ", "days after ", "a day after ", "after ", "before ", "while ", "and ", "following ", "but "} {
		if strings.HasPrefix(s, w) {
			return len(w)
		}
	}
	return 0
}

// developmentVerbs are word forms that report something happening. A
// sentence needs one of them (and an actor or topic) to be an event; pure
// background, opinion and quotes are kept as context.
var developmentVerbs = wordSet(`spoke speak speaks talked met meet meets meeting agreed agree agrees
declared declare declares announced announce announces signed sign signs released release releases
exchanged exchange proposed propose proposes rejected reject rejects declined declines refused
refuses launched launch launches attacked attack attacks struck strike killed wounded captured
capture seized recaptured withdrew withdraw withdraws threatened threaten threatens urged urge
urges imposed impose imposes lifted lift extended extend extends violated violate accused
accuses resumed resume resumes held hold holds began begin begins ended ends offered offer
offers accepted accept accepts demanded demand demands warned warns supported backed signaled
signalled signals expressed indicated informed approved approve approves voted vote visited
visit visits arrived arrive hosted host hosts ordered orders deployed deploy suspended suspend
halted halt called calls phoned dialed invaded invade shelled bombed fired traded swapped returned
handed freed freeze froze pledged pledge promised vowed appointed fired dismissed resigned
elected confirmed denied condemned welcomed endorsed ratified vetoed passed delivered sent
sends sending requested unveiled presented submitted adopted began broke collapsed stalled
postponed delayed cancelled canceled convened gathered hit destroyed downed intercepted advanced
retreated surrendered annexed occupied liberated evacuated mediate mediated brokered`)

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// reportsDevelopment reports whether a sentence states that something
// happened, as opposed to quoting someone or giving background.
func reportsDevelopment(s string) bool {
	if isQuote(s) {
		return false
	}
	for _, w := range textnorm.Words(unquoted(s)) {
		if developmentVerbs[w] {
			return true
		}
	}
	return false
}

// dayPreps are the words that attach a day to a verb: "met on Friday",
// "said late on Tuesday".
var dayPreps = []string{"late on ", "early on ", "earlier on ", "on "}

// dropDayPhrase removes from s the phrase that dates it to d, when d is a
// single day named in passing ("BP said on Thursday that ...", "a judge on
// Tuesday blocked ..."): the timeline shows the date beside the line. Ranges,
// months and phrases that carry more than the day ("by Friday", "since
// Tuesday") stay.
func dropDayPhrase(s string, exprs []timex.Expression, d briefing.EventDate) string {
	if d.Gran != briefing.GranDay || d.Lo != d.Hi || d.Range {
		return s
	}
	for _, e := range exprs {
		if e.Type != "DATE" || e.Date.Lo != d.Lo || e.Date.Hi != d.Hi || e.Start > len(s) || e.End > len(s) {
			continue
		}
		start := -1
		for _, p := range dayPreps {
			if e.Start >= len(p) && strings.EqualFold(s[e.Start-len(p):e.Start], p) {
				start = e.Start - len(p)
				break
			}
		}
		if start <= 0 || s[start-1] != ' ' {
			return s
		}
		if prev := strings.Fields(s[:start]); len(prev) > 0 {
			switch strings.ToLower(strings.Trim(prev[len(prev)-1], ",;:")) {
			case "only", "not", "until", "till", "since", "before", "after", "even", "except":
				// "only on March 4 did the water fall": the day is the point
				return s
			}
		}
		rest := s[e.End:]
		if strings.HasPrefix(rest, "'s") || strings.HasPrefix(rest, "’s") {
			return s // "on Tuesday's budget": the day belongs to a noun
		}
		if strings.Contains(e.Text, ",") && strings.HasPrefix(rest, ", that ") {
			// "said on May 16, 2025, that": the comma closes the date;
			// in "exploded on March 4, 2024, killing 11" it also parts
			// the clauses and stays
			rest = rest[1:]
		}
		out := strings.TrimRight(s[:start-1], " ") + rest
		out = strings.ReplaceAll(out, " ,", ",")
		if wordCount(out) < 4 {
			return s
		}
		return out
	}
	return s
}

// firstPerson reports whether s speaks as "I" or "we" outside quotation
// marks: a column or a comment, not a report.
func firstPerson(s string) bool {
	for _, w := range strings.Fields(unquoted(s)) {
		switch strings.Trim(w, ",.;:!?\"'()") {
		case "I", "I'm", "I've", "we", "We", "we're", "We're", "our", "Our", "my", "My":
			return true
		}
	}
	return false
}

// isQuestion reports whether s asks rather than tells.
func isQuestion(s string) bool {
	return strings.HasSuffix(strings.TrimRight(s, " \"'\u201d\u2019)"), "?")
}

// namesEntity reports whether s names someone or something in particular: a
// capitalised word other than the first, or an acronym, that is not a
// calendar word ("May", "Tuesday").
func namesEntity(s string) bool {
	first := true
	for w := range strings.FieldsSeq(s) {
		w = strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		if w == "" {
			continue
		}
		r, size := utf8.DecodeRuneInString(w)
		isFirst := first
		first = false
		if !unicode.IsUpper(r) || calendarWords[strings.ToLower(w)] {
			continue
		}
		if !isFirst || (len(w) > size && strings.ToUpper(w) == w) {
			return true
		}
	}
	return false
}

// calendarWords are capitalised without naming anyone.
var calendarWords = wordSet(`january february march april may june july august september october
november december jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday
friday saturday sunday mon tue tues wed thu thurs fri sat sun i`)

// isQuote reports whether a sentence opens with a quotation: “...,” she said.
func isQuote(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return r == '"' || r == '\u201c' || r == '\u2018'
}

// unquoted drops the quoted parts of s: what someone said is not what happened.
func unquoted(s string) string {
	var b strings.Builder
	in := false
	for _, r := range s {
		switch r {
		case '\u201c':
			in = true
			continue
		case '\u201d':
			in = false
			continue
		case '"':
			in = !in
			continue
		}
		if !in {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// dropLead removes n leading bytes of s (a date phrase) when what remains
// is still a sentence of some length.
func dropLead(s string, n int) string {
	if n <= 0 || n >= len(s) {
		return s
	}
	rest := strings.TrimSpace(s[n:])
	if len(textnorm.Words(rest)) < 4 {
		return s
	}
	if r, size := utf8.DecodeRuneInString(rest); unicode.IsLower(r) {
		rest = string(unicode.ToUpper(r)) + rest[size:]
	}
	return rest
}

// summarize turns a sentence or clause into a one-line summary: white space
// folded, first letter capitalised, ending in a full stop, cut at a word
// boundary after MaxSummaryRunes.
func summarize(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	s = dropPageHead(s)
	s = strings.TrimLeft(s, ",;: ")
	if utf8.RuneCountInString(s) > MaxSummaryRunes {
		cut := 0
		n := 0
		for i := range s {
			if n == MaxSummaryRunes {
				cut = i
				break
			}
			n++
		}
		s = s[:cut]
		if sp := strings.LastIndexByte(s, ' '); sp > len(s)/2 {
			s = s[:sp]
		}
		return strings.TrimRight(s, ",;: ") + "…"
	}
	if r, size := utf8.DecodeRuneInString(s); unicode.IsLower(r) {
		s = string(unicode.ToUpper(r)) + s[size:]
	}
	last, _ := utf8.DecodeLastRuneInString(s)
	if s != "" && !strings.ContainsRune(".!?\u201d\"'\u2019…", last) {
		s = strings.TrimRight(s, ",;:") + "."
	}
	return s
}

func cutUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func sorted(ids []string) []string { return slices.Sorted(slices.Values(ids)) }
