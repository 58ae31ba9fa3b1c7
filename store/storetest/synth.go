package storetest

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/briefbot/briefbot/briefing"
)

// Synthetic news for benchmarks and demos. The generator is deterministic: the
// same n and seed give the same events on every platform and Go version,
// because it only uses math/rand/v2's PCG source and Zipf distribution.

// synthActors are canonical actor IDs with the names summaries use for them.
var synthActors = []struct{ id, name string }{
	{"putin", "Putin"}, {"zelensky", "Zelensky"}, {"russia", "Russia"}, {"ukraine", "Ukraine"},
	{"usa", "the United States"}, {"european_union", "the European Union"}, {"nato", "NATO"},
	{"un", "the U.N."}, {"china", "China"}, {"turkey", "Turkey"}, {"iran", "Iran"}, {"israel", "Israel"},
	{"hamas", "Hamas"}, {"qatar", "Qatar"}, {"egypt", "Egypt"}, {"saudi_arabia", "Saudi Arabia"},
	{"erdogan", "Erdogan"}, {"macron", "Macron"}, {"scholz", "Scholz"}, {"starmer", "Starmer"},
	{"xi_jinping", "Xi Jinping"}, {"guterres", "Guterres"}, {"lavrov", "Lavrov"}, {"rubio", "Rubio"},
	{"netanyahu", "Netanyahu"}, {"iaea", "the IAEA"}, {"red_cross", "the Red Cross"}, {"who", "the WHO"},
	{"imf", "the IMF"}, {"world_bank", "the World Bank"}, {"india", "India"}, {"pakistan", "Pakistan"},
	{"sudan", "Sudan"}, {"ethiopia", "Ethiopia"}, {"kenya", "Kenya"}, {"brazil", "Brazil"},
	{"lula", "Lula"}, {"milei", "Milei"}, {"germany", "Germany"}, {"france", "France"},
}

var synthTopics = []string{
	"ceasefire", "talks", "prisoners", "sanctions", "energy", "grain", "aid", "elections",
	"nuclear", "drones", "refugees", "trade", "tariffs", "inflation", "climate", "protests",
	"courts", "cyber", "shipping", "health", "weapons", "diplomacy", "security", "economy",
}

var synthPlaces = []string{
	"Kyiv", "Moscow", "Geneva", "Istanbul", "Doha", "Cairo", "Brussels", "Washington", "Beijing",
	"Kharkiv", "Odesa", "Zaporizhzhia", "Gaza", "Rafah", "Tehran", "Riyadh", "Ankara", "Paris",
	"Berlin", "London", "New York", "Vienna", "Khartoum", "Nairobi", "Addis Ababa", "Warsaw",
	"Vilnius", "Minsk", "Donetsk", "Kherson", "Jeddah", "Muscat", "Baku", "Yerevan", "Tbilisi",
}

var synthSources = []string{
	"AP", "Reuters", "AFP", "BBC", "Bloomberg", "Al Jazeera", "The Guardian", "Le Monde",
	"Kyiv Independent", "Meduza", "Politico", "Financial Times", "NYT", "Washington Post",
	"DW", "NHK", "Yonhap", "ANSA", "EFE", "TASS", "Interfax", "Ukrainska Pravda", "Haaretz",
	"Times of Israel", "Dawn", "The Hindu", "El País", "Der Spiegel", "RFE/RL", "Axios",
}

// synthCommon are frequent news words, most frequent first; the Zipf long
// tail continues with generated words (see SynthTerm).
var synthCommon = strings.Fields(`officials said talks government minister president forces military
attack troops border agreement security council meeting foreign week statement spokesman
sanctions energy prices peace region city leaders support country parliament vote report
killed wounded civilians strikes missile drone air defence power grid supplies aid convoy
humanitarian corridor evacuation hospital residents shelling frontline offensive counteroffensive
negotiations delegation envoy mediator proposal framework deal plan summit conference
prisoners exchange hostages release bodies repatriation grain exports port shipping insurance
oil gas pipeline reactor plant inspectors monitors mission observers election campaign
opposition protest police arrests court ruling appeal investigation charges budget loan
reconstruction debt inflation tariffs trade markets currency central bank rates economy
refugees displaced camps winter shelter fuel water electricity outages repairs engineers
weapons ammunition tanks artillery jets training pledges package billion million dollars
euros percent quarter annual record highest lowest since decades first second third`)

var synthSyllables = []string{
	"ka", "lo", "mir", "ven", "dus", "tor", "bel", "sha", "quin", "ra", "zen", "pol",
	"vik", "ar", "dem", "ost", "lun", "gri", "fa", "hel", "nor", "tam", "isk", "bro",
}

// SynthTerm returns the word at a Zipf rank of the synthetic vocabulary:
// ranks below the common list are ordinary news words, larger ranks are
// generated place-like words ("kalomir") that appear ever more rarely.
func SynthTerm(rank int) string {
	if rank < len(synthCommon) {
		return synthCommon[rank]
	}
	r := rank - len(synthCommon)
	var b strings.Builder
	n := len(synthSyllables)
	b.WriteString(synthSyllables[r%n])
	r /= n
	b.WriteString(synthSyllables[(r+7)%n])
	r /= n
	for r > 0 {
		b.WriteString(synthSyllables[(r+3)%n])
		r /= n
	}
	return b.String()
}

// SynthVocabulary is the number of distinct filler words SynthEvents draws.
const SynthVocabulary = 60000

var synthTemplates = []string{
	"{A} and {B} agreed to a {N}-day cease-fire in {P} after talks in {Q}, {W}",
	"{A} said talks with {B} on a prisoner exchange would resume in {Q} next week, {W}",
	"Negotiators from {A} and {B} met in {Q} to discuss a truce along the front near {P}, {W}",
	"{A} accused {B} of violating the cease-fire with drone strikes on {P}, {W}",
	"{A} announced new sanctions on {B} targeting {W}",
	"A prisoner swap between {A} and {B} freed {N} soldiers, officials in {Q} said",
	"{A} pledged {N} million dollars in humanitarian aid for {P} as {W}",
	"Missile strikes on {P} killed {N} civilians and damaged the power grid, {A} said",
	"{A} and {B} signed a grain export deal in {Q} covering {W}",
	"Inspectors from {A} arrived at the nuclear plant near {P} amid {W}",
	"{A} rejected a {N}-point peace plan proposed by {B} in {Q}",
	"Voters in {P} went to the polls as {A} faced {W}",
	"{A}'s foreign minister met {B}'s envoy in {Q} to prepare a summit on {W}",
	"The cease-fire between {A} and {B} collapsed after {N} days of fighting near {P}",
	"{A} imposed {N} percent tariffs on imports from {B}, citing {W}",
	"Thousands protested in {P} against {A}'s plan for {W}",
	"A court in {Q} ordered {A} to release {N} detained journalists",
	"{A} evacuated {N} residents from {P} before a 30-day pause in shelling",
	"{A} and {B} resumed direct flights between {P} and {Q} after {W}",
	"Talks in {Q} between {A} and {B} ended without a deal on {W}",
}

// Synth generates synthetic events one at a time, so a loader can stream
// millions of them without holding them all in memory.
type Synth struct {
	rng   *rand.Rand
	zipf  *rand.Zipf
	start briefing.Day
	days  int
	n     int
}

// NewSynth returns a generator; the same seed always yields the same events.
func NewSynth(seed uint64) *Synth {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	start := briefing.Date(2016, time.January, 1)
	return &Synth{
		rng:   rng,
		zipf:  rand.NewZipf(rng, 1.1, 4, SynthVocabulary-1),
		start: start,
		days:  int(briefing.Date(2025, time.December, 31) - start),
	}
}

// SynthEvents returns n synthetic events: the first n that NewSynth(seed)
// generates.
func SynthEvents(n int, seed uint64) []*briefing.Event {
	g := NewSynth(seed)
	out := make([]*briefing.Event, n)
	for i := range out {
		out[i] = g.Next()
	}
	return out
}

func (g *Synth) words(k int) string {
	ws := make([]string, k)
	for i := range ws {
		ws[i] = SynthTerm(int(g.zipf.Uint64()))
	}
	return strings.Join(ws, " ")
}

// Next returns the next synthetic event: a realistic news summary (a Zipf
// long tail of words, hyphenated compounds such as "cease-fire" and
// "30-day", actor and place names), a date from 2016 to 2025 at mixed
// granularities (mostly days, some weeks, months, ranges, quarters, years and
// a few decades), one to three citations and a FirstSeen shortly after the
// date. The ID and the citations' ArticleID are left zero for the store.
func (g *Synth) Next() *briefing.Event {
	rng := g.rng
	i := g.n
	g.n++
	ai := rng.IntN(len(synthActors))
	a := synthActors[ai]
	b := synthActors[(ai+1+rng.IntN(len(synthActors)-1))%len(synthActors)]
	tmpl := synthTemplates[rng.IntN(len(synthTemplates))]
	summary := strings.NewReplacer(
		"{A}", a.name, "{B}", b.name,
		"{P}", synthPlaces[rng.IntN(len(synthPlaces))],
		"{Q}", synthPlaces[rng.IntN(len(synthPlaces))],
		"{N}", fmt.Sprint(2+rng.IntN(98)),
		"{W}", g.words(3+rng.IntN(6)),
	).Replace(tmpl)
	summary = strings.ToUpper(summary[:1]) + summary[1:] + "."

	actors := []string{a.id, b.id}
	if !strings.Contains(tmpl, "{B}") {
		actors = actors[:1]
	}
	slices.Sort(actors)
	topics := []string{synthTopics[rng.IntN(len(synthTopics))]}
	if rng.IntN(3) == 0 {
		topics = append(topics, synthTopics[rng.IntN(len(synthTopics))])
	}
	slices.Sort(topics)
	topics = slices.Compact(topics)

	date := synthDate(rng, g.start.AddDays(rng.IntN(g.days+1)))
	first := date.Lo.Time().Add(time.Duration(6+rng.IntN(72)) * time.Hour).Add(time.Duration(rng.IntN(3600)) * time.Second)
	ev := &briefing.Event{
		Date: date, Summary: summary, Actors: actors, Topics: topics,
		FirstSeen: first, UpdatedAt: first,
	}
	for c := range 1 + rng.IntN(3) {
		src := synthSources[rng.IntN(len(synthSources))]
		ev.Citations = append(ev.Citations, briefing.Citation{
			Source:    src,
			URL:       fmt.Sprintf("https://news.example/%s/%d/%d", strings.ToLower(strings.ReplaceAll(src, " ", "-")), i, c),
			Title:     fmt.Sprintf("%s: %s", a.name, g.words(4)),
			Published: first.Add(time.Duration(c) * time.Hour),
			Sentence:  summary,
			Offset:    rng.IntN(4000),
		})
	}
	return ev
}

func synthDate(rng *rand.Rand, d briefing.Day) briefing.EventDate {
	p := rng.IntN(1000)
	switch {
	case p < 780:
		return briefing.DayDate(d)
	case p < 830: // week
		lo := d.AddDays(-int(d.Weekday()+6) % 7)
		y, w := lo.Time().ISOWeek()
		return briefing.EventDate{Value: fmt.Sprintf("%04d-W%02d", y, w), Gran: briefing.GranWeek, Lo: lo, Hi: lo.AddDays(6), Origin: briefing.OriginExplicit}
	case p < 910: // month, sometimes early/mid/late
		mods := []briefing.Mod{briefing.ModNone, briefing.ModNone, briefing.ModStart, briefing.ModMid, briefing.ModEnd}
		return briefing.MonthDate(d.Year(), d.Month(), mods[rng.IntN(len(mods))])
	case p < 960: // stated range of 2-14 days
		return briefing.RangeDate(d, d.AddDays(1+rng.IntN(13)))
	case p < 980: // quarter
		q := (int(d.Month()) - 1) / 3
		lo := briefing.Date(d.Year(), time.Month(q*3+1), 1)
		hi := briefing.Date(d.Year(), time.Month(q*3+4), 0)
		return briefing.EventDate{Value: fmt.Sprintf("%04d-Q%d", d.Year(), q+1), Gran: briefing.GranQuarter, Lo: lo, Hi: hi, Origin: briefing.OriginContext}
	case p < 997: // year
		return briefing.EventDate{Value: fmt.Sprint(d.Year()), Gran: briefing.GranYear, Lo: briefing.Date(d.Year(), 1, 1), Hi: briefing.Date(d.Year(), 12, 31), Origin: briefing.OriginPublished}
	default: // decade
		y := d.Year() / 10 * 10
		return briefing.EventDate{Value: fmt.Sprintf("%03d", y/10), Gran: briefing.GranDecade, Lo: briefing.Date(y, 1, 1), Hi: briefing.Date(y+9, 12, 31), Origin: briefing.OriginExplicit}
	}
}
