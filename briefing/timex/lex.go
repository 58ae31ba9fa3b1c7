package timex

// unit is a unit of duration.
type unit uint8

const (
	uNone unit = iota
	uSecond
	uMinute
	uHour
	uDay
	uWeek
	uFortnight
	uMonth
	uYear
	uDecade
	uCentury
)

// Lexicon flags.
const (
	fStart   uint16 = 1 << iota // the word can begin an expression
	fAbbr                       // abbreviation: Jan, Tue, Mr (a following dot does not end a sentence)
	fAmbig                      // month that is mostly another word: may, march
	fWeak                       // month that is also a name or adjective: april, june, july, august
	fPlural                     // plural unit or weekday
	fArticle                    // a, an
	fVague                      // few, several, many: an unspecified count
	fTZ                         // time zone abbreviation
	fAM                         // a.m.
	fPM                         // p.m.
	fWeakCue                    // reporting verb: a weak tense cue
)

// entry is what the matcher knows about one lower-case word.
type entry struct {
	key    string
	flags  uint16
	month  int8  // 1..12
	wday   int8  // 1..7 = Sunday..Saturday (time.Weekday + 1)
	season int8  // 1 spring, 2 summer, 3 autumn, 4 winter
	ord    int8  // ordinal value: first = 1
	tense  int8  // -1 past cue, +1 future cue
	num    int16 // cardinal value of a number word
	unit   unit
	pod    string // part of day: MO, AF, EV, NI
}

func (e *entry) has(f uint16) bool { return e != nil && e.flags&f != 0 }

// maxLexLen is the longest word in the lexicon.
const maxLexLen = 16

// lexicon maps lower-case words to entries. It is built once by init and
// only read afterwards.
var lexicon = map[string]*entry{}

// add merges e into the entry for key.
func add(key string, e entry) {
	if len(key) > maxLexLen {
		panic("timex: lexicon word too long: " + key)
	}
	old := lexicon[key]
	if old == nil {
		e.key = key
		lexicon[key] = &e
		return
	}
	old.flags |= e.flags
	if e.month != 0 {
		old.month = e.month
	}
	if e.wday != 0 {
		old.wday = e.wday
	}
	if e.season != 0 {
		old.season = e.season
	}
	if e.ord != 0 {
		old.ord = e.ord
	}
	if e.tense != 0 {
		old.tense = e.tense
	}
	if e.num != 0 {
		old.num = e.num
	}
	if e.unit != uNone {
		old.unit = e.unit
	}
	if e.pod != "" {
		old.pod = e.pod
	}
}

func init() {
	months := [12][]string{
		{"january", "jan"}, {"february", "feb"}, {"march", "mar"}, {"april", "apr"},
		{"may"}, {"june", "jun"}, {"july", "jul"}, {"august", "aug"},
		{"september", "sep", "sept"}, {"october", "oct"}, {"november", "nov"}, {"december", "dec"},
	}
	for i, names := range months {
		for j, n := range names {
			f := fStart
			if j > 0 {
				f |= fAbbr
			}
			add(n, entry{month: int8(i + 1), flags: f})
		}
	}
	add("may", entry{flags: fAmbig})
	add("march", entry{flags: fAmbig})
	for _, w := range []string{"april", "june", "july", "august"} {
		add(w, entry{flags: fWeak})
	}

	days := [7][]string{
		{"sunday", "sun"}, {"monday", "mon"}, {"tuesday", "tue", "tues"}, {"wednesday", "wed"},
		{"thursday", "thu", "thur", "thurs"}, {"friday", "fri"}, {"saturday", "sat"},
	}
	for i, names := range days {
		for j, n := range names {
			f := fStart
			if j > 0 {
				f |= fAbbr
			}
			add(n, entry{wday: int8(i + 1), flags: f})
		}
		add(names[0]+"s", entry{wday: int8(i + 1), flags: fStart | fPlural})
	}

	for i, w := range []string{"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
		"eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"} {
		add(w, entry{num: int16(i + 1), flags: fStart})
	}
	for i, w := range []string{"twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"} {
		add(w, entry{num: int16(20 + 10*i), flags: fStart})
	}
	add("hundred", entry{num: 100})
	add("dozen", entry{num: 12, flags: fStart})
	add("a", entry{num: 1, flags: fStart | fArticle})
	add("an", entry{num: 1, flags: fStart | fArticle})
	for _, w := range []string{"few", "several", "many"} {
		add(w, entry{flags: fStart | fVague})
	}
	for i, w := range []string{"first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
		"eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth", "eighteenth",
		"nineteenth", "twentieth"} {
		f := uint16(0)
		if i < 4 {
			f = fStart // "third-quarter profit"
		}
		add(w, entry{ord: int8(i + 1), flags: f})
	}
	add("thirtieth", entry{ord: 30})

	units := []struct {
		u        unit
		sing, pl string
	}{
		{uSecond, "second", "seconds"}, {uSecond, "sec", "secs"},
		{uMinute, "minute", "minutes"}, {uMinute, "min", "mins"},
		{uHour, "hour", "hours"}, {uHour, "hr", "hrs"},
		{uDay, "day", "days"}, {uWeek, "week", "weeks"}, {uFortnight, "fortnight", "fortnights"},
		{uMonth, "month", "months"}, {uYear, "year", "years"}, {uYear, "yr", "yrs"},
		{uDecade, "decade", "decades"}, {uCentury, "century", "centuries"},
	}
	for _, u := range units {
		add(u.sing, entry{unit: u.u})
		if u.sing == "year" {
			add("year", entry{flags: fStart}) // "year-earlier"
		}
		add(u.pl, entry{unit: u.u, flags: fStart | fPlural})
	}

	for i, w := range []string{"spring", "summer", "autumn", "winter"} {
		add(w, entry{season: int8(i + 1), flags: fStart})
	}
	add("fall", entry{season: 3, flags: fStart})

	for w, p := range map[string]string{"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI"} {
		add(w, entry{pod: p})
	}

	for _, w := range []string{"gmt", "utc", "et", "est", "edt", "ct", "cst", "cdt", "pt", "pst", "pdt",
		"bst", "cet", "cest", "eet", "eest", "msk"} {
		add(w, entry{flags: fTZ})
	}
	add("am", entry{flags: fAM})
	add("a.m.", entry{flags: fAM})
	add("pm", entry{flags: fPM})
	add("p.m.", entry{flags: fPM})

	for _, w := range []string{"will", "shall", "would", "wouldn", "plans", "planned", "scheduled", "expected",
		"upcoming", "next", "tomorrow", "soon", "intends", "aims", "forthcoming", "might", "should", "planning"} {
		add(w, entry{tense: 1})
	}
	for _, w := range []string{"was", "were", "had", "did", "didn", "wasn", "weren", "hadn", "been", "said", "met",
		"told", "took", "went", "came", "began", "begun", "held", "made", "gave", "saw", "left", "led", "lost",
		"struck", "fought", "spoke", "wrote", "sent", "fell", "rose", "broke", "ran", "became", "got", "brought",
		"thought", "knew", "found", "paid", "kept", "stood", "sat", "flew", "drove", "chose", "shot", "caught",
		"sought", "taught", "bought", "fled", "meant", "felt", "heard", "spent", "built", "withdrew", "drew",
		"grew", "threw", "hung", "swore", "tore", "woke", "wore", "sank", "shook", "stole", "swept", "underwent",
		"ago", "yesterday", "last", "earlier", "since", "previously", "former", "formerly", "recently", "lately", "won"} {
		add(w, entry{tense: -1})
	}
	for _, w := range []string{"said", "told", "added", "noted", "stated", "reported", "announced", "wrote",
		"tweeted", "posted", "according", "claimed", "insisted", "warned", "acknowledged", "confirmed"} {
		add(w, entry{tense: -1, flags: fWeakCue})
	}
	for _, w := range []string{"says", "tells", "adds", "notes", "states", "reports", "announces", "writes",
		"claims", "insists", "warns", "acknowledges", "confirms"} {
		add(w, entry{flags: fWeakCue})
	}
	// Past forms the deadline rule looks for; they keep the past tense an
	// -ed verb has.
	for _, w := range []string{"extended", "postponed", "delayed", "moved", "pushed"} {
		add(w, entry{tense: -1})
	}
	// Words with a special tense rule (see matcher.cue).
	for _, w := range []string{"going", "due", "ll"} {
		add(w, entry{})
	}

	// Words that begin expressions.
	for _, w := range []string{"the", "from", "between", "around", "about", "approximately", "roughly", "circa",
		"nearly", "almost", "some", "over", "under", "more", "less", "fewer", "at", "up", "no", "just", "well",
		"before", "after", "since", "prior", "last", "this", "next", "coming", "past", "previous", "yesterday",
		"today", "tomorrow", "tonight", "early", "late", "mid", "end", "beginning", "start", "middle", "earlier",
		"later", "every", "each", "daily", "weekly", "monthly", "yearly", "annually", "annual", "hourly", "nightly",
		"quarterly", "biweekly", "fortnightly", "once", "twice", "thrice", "now", "currently", "nowadays",
		"presently", "future", "that", "as", "current", "christmas", "thanksgiving", "new", "independence", "labor", "memorial", "these", "recently", "formerly", "previously", "former", "lately", "recent", "soon", "noon", "midday", "election",
		"midnight", "q", "h", "fy", "fiscal", "half", "couple", "dozens", "hundreds", "thousands"} {
		add(w, entry{flags: fStart})
	}
	// Other words the rules test for.
	for _, w := range []string{"of", "to", "and", "through", "thru", "until", "till", "than", "least", "most",
		"ago", "times", "per", "other", "quarter", "comparable", "corresponding", "period", "quarters", "same", "following", "term", "short", "long", "run", "possible", "date", "twenties",
		"thirties", "forties", "fifties", "sixties", "seventies", "eighties", "nineties", "high", "million", "billion", "trillion", "thousand", "percent", "cents", "dollars", "within", "eve", "deadline", "extend", "extends", "extending", "thousand", "full", "ended", "ending", "payable", "effective", "expire", "expires", "expiring", "record", "latest", "current", "most", "half", "weekend", "weekends", "present", "future", "near",
		"days", "on", "in", "for", "during", "by", "throughout", "that", "long", "old", "now", "s", "t", "o"} {
		add(w, entry{})
	}
	// Abbreviations whose dot does not end a sentence.
	for _, w := range []string{"mr", "mrs", "ms", "dr", "gen", "sen", "rep", "gov", "lt", "col", "sgt", "capt",
		"prof", "st", "jr", "sr", "no", "vs", "inc", "corp", "co", "ltd", "mt", "rev", "maj", "adm", "cmdr", "pres",
		"gov", "atty", "supt", "insp", "cpl", "pvt", "brig", "nos", "fig", "approx", "est"} {
		add(w, entry{flags: fAbbr})
	}
}

// edNotVerb lists words ending in -ed that are not past-tense verbs, or are
// mostly adjectives in news text.
var edNotVerb = map[string]bool{
	"need": true, "feed": true, "seed": true, "speed": true, "proceed": true, "exceed": true, "succeed": true,
	"indeed": true, "breed": true, "bleed": true, "shed": true, "bed": true, "red": true, "wed": true,
	"hundred": true, "embed": true, "reed": true, "weed": true, "creed": true, "greed": true, "steed": true,
	"deed": true, "heed": true, "tweed": true, "naked": true, "wicked": true, "sacred": true, "kindred": true,
	"rugged": true, "ragged": true, "beloved": true, "aged": true, "united": true, "limited": true,
	"armed": true, "alleged": true, "unprecedented": true, "related": true, "concerned": true,
	"interested": true, "advanced": true, "embattled": true, "beleaguered": true, "disputed": true,
	"occupied": true, "detailed": true, "sophisticated": true, "experienced": true, "skilled": true,
	"talented": true, "bred": true, "sled": true, "biased": true, "based": true, "proposed": true,
	"unnamed": true, "unidentified": true, "undisclosed": true, "unspecified": true, "elected": true,
	"wounded": true, "injured": true,
}

// holidayWords precede a weekday that names a holiday or an event, not a
// date relative to the article: Good Friday, Black Friday, Super Tuesday.
var holidayWords = map[string]bool{
	"good": true, "black": true, "bloody": true, "holy": true, "easter": true, "palm": true, "ash": true,
	"super": true, "cyber": true, "maundy": true, "shrove": true, "giving": true, "small": true,
}
