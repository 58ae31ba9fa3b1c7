package extract

import (
	"strings"
	"testing"
	"time"

	"github.com/briefbot/briefbot/briefing"
)

// The articles below are dated Wednesday 6 March 2024: "Monday" is 4 March,
// "Tuesday" 5 March.
const webPublished = "2024-03-06"

func TestUnglueLead(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string // prefix of s[off:], or "" for no cut (offset 0)
	}{
		{"a letter after a disease is part of its name",
			"Mexico confirmed 20 deaths from the new influenza A virus on Friday as health officials closed schools across the capital.", ""},
		{"a letter after a plan is part of its name",
			"Officials said that plan A would be dropped and the town would build a second dam further up the valley next year.", ""},
		{"headline, caption and lead run together",
			"Dam bursts above Riverton Rescue boats reached the flooded streets The dam above Riverton burst before dawn, flooding hundreds of homes in the lower town.",
			"The dam above Riverton burst"},
		{"headline and a caption opening with an article: cut at the last opener",
			"Dam bursts above Riverton A rescue boat on the flooded main street The dam above Riverton burst before dawn, flooding hundreds of homes.",
			"The dam above Riverton burst"},
		{"headline ending in a number",
			"Storm hits coast at 5 Officials ordered the evacuation of every village along the northern shore by nightfall.",
			"Officials ordered the evacuation"},
		{"The Hague: the next word is capitalised",
			"Officials said on Tuesday that the talks with The Hague court over the disputed border would resume next month.", ""},
		{"The UN at the start",
			"The UN said on Tuesday that its aid convoys had reached the flooded villages north of the capital before dark.", ""},
		{"an ordinary long sentence in lower case",
			"Rescue crews worked through the night to shore up the levee as the river kept rising and more rain was forecast.", ""},
		{"an opener after a comma",
			"According to the mayor of Riverton, The water board had warned for years that the old dam was unsafe.", ""},
		{"short glued text under sixteen words",
			"Dam bursts The dam above Riverton burst before dawn.", ""},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			off := UnglueLead(tt.in)
			if tt.want == "" {
				if off != 0 {
					t.Errorf("UnglueLead(%q) = %d (%q), want 0", tt.in, off, tt.in[off:])
				}
				return
			}
			if off <= 0 || off > len(tt.in) || !strings.HasPrefix(tt.in[off:], tt.want) {
				t.Errorf("UnglueLead(%q) = %d, want the offset of %q", tt.in, off, tt.want)
			}
		})
	}
}

func TestDropPageHead(t *testing.T) {
	const lead = "Rescue crews pulled dozens of people from flooded homes on Monday."
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"Reuters dateline with city, date and time",
			"RIVERTON | Mon Mar 4, 2024 7:50pm EST RIVERTON (Reuters) - " + lead, lead},
		{"Reuters dateline alone", "RIVERTON, Ohio (Reuters) - " + lead, lead},
		{"AFP dateline with an en dash", "PARIS (AFP) – " + lead, lead},
		{"AP-style dateline", "RIVERTON, Ohio -- " + lead, lead},
		{"AP-style dateline with an em dash", "NEW RIVERTON — " + lead, lead},
		{"a dateline of letters that lower-case to fewer bytes (once a panic)",
			strings.Repeat("\u212a", 40) + " (Reuters) - " + lead, lead},
		{"an acronym set off by dashes is no dateline",
			"NATO -- the Western alliance -- said it would send more engineers to the flooded region.",
			"NATO -- the Western alliance -- said it would send more engineers to the flooded region."},
		{"(Reuters) inside a sentence is no dateline",
			"Riverton's mayor told the news agency (Reuters) - in a rare interview - that the dam had failed.",
			"Riverton's mayor told the news agency (Reuters) - in a rare interview - that the dam had failed."},
		{"BBC page stamp", "4 March 2024 Last updated at 09:12 GMT Help " + lead, lead},
		{"BBC page stamp without the date", "Last updated at 09:12 GMT " + lead, lead},
		{"byline with a time", "Jane Doe | 17:45 UK time, Monday, 4 March 2024 " + lead, lead},
		{"US page stamp", "Monday, March 4, 2024; 4:21 PM " + lead, lead},
		{"headline and standfirst ending in a time stamp",
			"Dam bursts above Riverton Hundreds of homes flooded as the river rises Jane Doe Monday 4 March 2024 17.37 GMT " + lead, lead},
		{"photo credit", "Photograph: Jane Doe/AP " + lead, lead},
		{"time stamp then photo credit",
			"Dam bursts above Riverton Jane Doe Monday 4 March 2024 17.37 GMT Photograph: John Roe/Reuters " + lead, lead},

		{"(Reuters) late without a dash",
			"Rescue crews pulled dozens of people from flooded homes on Monday, the mayor told the news agency (Reuters).",
			"Rescue crews pulled dozens of people from flooded homes on Monday, the mayor told the news agency (Reuters)."},
		{"dashes mid-way, lower-case start",
			"rescue crews -- some of them volunteers -- pulled dozens of people from the water.",
			"rescue crews -- some of them volunteers -- pulled dozens of people from the water."},
		{"dashes mid-way, capitalised start",
			"Rescue crews -- some of them volunteers -- pulled dozens of people from the water.",
			"Rescue crews -- some of them volunteers -- pulled dozens of people from the water."},
		{"a semicolon that is no page stamp",
			"The dam held on Monday; the levee did not.",
			"The dam held on Monday; the levee did not."},
		{"Photograph in running text",
			"The Photograph: Jane Doe/AP exhibition opened in Riverton.",
			"The Photograph: Jane Doe/AP exhibition opened in Riverton."},
		{"dateline leaving three words", "RIVERTON, Ohio -- Floods hit again.", "RIVERTON, Ohio -- Floods hit again."},
		{"photo credit leaving three words", "Photograph: Jane Doe/AP Riverton floods again", "Photograph: Jane Doe/AP Riverton floods again"},
		{"page stamp leaving one word", "Monday, March 4, 2024; 4:21 PM Updates", "Monday, March 4, 2024; 4:21 PM Updates"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := dropPageHead(tt.in); got != tt.want {
				t.Errorf("dropPageHead(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestIsBoilerplate(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		// aggregator link lists
		{"Dam bursts above Riverton - 2 hrs ago", true},
		{"Riverton flood fund reaches its target 45 mins ago", true},
		{"Riverton flood fund reaches its target 3 months, 1 week ago", true},
		// reader comments, a comma in the time stamp or not; a named writer is a quote
		{"At 20:04 on 30 April, 2009, someone wrote: the council closed the bridge on Monday.", true},
		{"riverfan77 wrote: the council closed the bridge on Monday.", true},
		{"Trump wrote: the talks in Riverton went well.", false},
		// ages that news writes in full are news
		{"The dam burst 10 days ago, and crews are still searching for the missing in Riverton.", false},
		{"The flood peaked 48 hours ago.", false},
		// verbs that caption patterns must not catch
		{"Few residents had pictured a flood this large.", false},
		{"Officials will follow the latest forecasts closely.", false},
		{"The dam is seen as the town's lifeline.", false},
		// photo captions and credits
		{"A boat is seen in the harbour after the storm.", true},
		{"Volunteers are seen along the levee on Monday.", true},
		{"In this aerial photo taken Monday, floodwater covers the lower town of Riverton.", true},
		{"In this image released by the water board, the dam wall has a crack.", true},
		{"Mayor Ann Ruiz (pictured) toured the flooded streets on Monday.", true},
		{"A flooded street in Riverton. (AP Photo/Jane Doe)", true},
		{"Photo taken by a resident of the broken dam wall.", true},
		{"A frame grab provided by the council shows the spillway.", true},
		{"AP Monday: Residents wade through floodwater in Riverton.", true},
		// teasers cut off with an ellipsis
		{"Rescue crews in Riverton said the water was still rising and...", true},
		{"The mayor said the town would need months to…", true},
		{"Riverton braces for more rain as the river…”", true},
		// comment signatures
		{"Great reporting, thank you. -- March 04, 2024 2:18 PM --", true},
		// corrections, print notes, follow-us lines, letters, copyright
		{"This article was amended on 5 March 2024 to correct the name of the river.", true},
		{"This article was corrected on Tuesday.", true},
		{"A version of this article appeared on p12 of the Main section.", true},
		{"A version appeared in page 4 of the weekend edition.", true},
		{"Follow the latest updates on the Riverton floods.", true},
		{"Follow us on social media for flood alerts.", true},
		{"Letters for publication should be sent to the editor.", true},
		{"© 2024 Riverton Gazette. All rights reserved.", true},
		{"Copyright 2024 The Riverton Gazette.", true},
		{"Copyright (c) Riverton Gazette Ltd.", true},

		// news
		{"The mayor said the city had seen worse floods in 1998.", false},
		{"Chicago officials sent pumps to Riverton on Monday.", false},
		{"The video showed the dam failing.", false},
		{"Rescue crews pulled dozens of people from flooded homes on Monday.", false},
		{"He said the talks ... would resume after the flood.", false},
		{"The storm was first seen off the coast on Sunday.", false},
		{"The singer lost a copyright case on Monday.", false},
		{"Officials will follow the river's rise closely.", false},
		{"The version of the plan approved on Monday keeps the old dam.", false},
		{"Apple said it would donate to the Riverton flood fund.", false},
		{"Officials said the dam, which was built 60 years ago, had been inspected in 2022.", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := isBoilerplate(tt.in); got != tt.want {
			t.Errorf("isBoilerplate(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestDropDayPhrase(t *testing.T) {
	x := mustNew(t)
	ref := time.Date(2024, 3, 6, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want string
	}{
		{"The council said on Monday that it would rebuild the dam.", "The council said that it would rebuild the dam."},
		{"A judge on Tuesday blocked the order.", "A judge blocked the order."},
		{"Crews worked late on Monday to seal it.", "Crews worked to seal it."},
		{"Engineers said early on Tuesday that the spillway had held.", "Engineers said that the spillway had held."},
		{"The old levee gave way on Monday, officials said.", "The old levee gave way, officials said."},
		{"The water board said On Monday that the dam was safe.", "The water board said that the dam was safe."},
		// a day that belongs to a noun, and a comma that closes a full date
		{"The council held a vote on Tuesday's budget amendments.", "The council held a vote on Tuesday's budget amendments."},
		{"The mayor said on March 4, 2024, that the dam would be rebuilt.", "The mayor said that the dam would be rebuilt."},
		// a comma after a full date that also parts two clauses stays
		{"The rig exploded on March 4, 2024, killing 11 workers.", "The rig exploded, killing 11 workers."},
		{"The levee, which failed on March 4, 2024, was rebuilt by crews.", "The levee, which failed, was rebuilt by crews."},
		// the day is the point
		{"Only on March 4, crews said, did the water fall.", "Only on March 4, crews said, did the water fall."},

		// kept as they are
		{"Crews worked from Monday to Wednesday to seal the breach.", "Crews worked from Monday to Wednesday to seal the breach."},
		{"The council will vote on a new dam in March.", "The council will vote on a new dam in March."},
		{"The council must decide by Friday whether to rebuild the dam.", "The council must decide by Friday whether to rebuild the dam."},
		{"The roads have been closed since Tuesday.", "The roads have been closed since Tuesday."},
		{"On Monday the council voted to rebuild the dam.", "On Monday the council voted to rebuild the dam."},
		{"Crews left on Monday.", "Crews left on Monday."},
		{"The council met Monday and voted to rebuild the dam.", "The council met Monday and voted to rebuild the dam."},
	}
	for _, tt := range tests {
		exprs := x.dates.Find(tt.in, ref)
		var d *briefing.EventDate
		for _, e := range exprs {
			if (e.Type == "DATE" || e.Type == "TIME") && !e.Date.IsZero() {
				d = &e.Date
				break
			}
		}
		if d == nil {
			t.Errorf("no date found in %q", tt.in)
			continue
		}
		if got := dropDayPhrase(tt.in, exprs, *d); got != tt.want {
			t.Errorf("dropDayPhrase(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

func TestLeadingDateSeparators(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"March 4 - Crews reached the stranded village after two days of digging.", "Crews reached the stranded village after two days of digging."},
		{"March 4 – Crews reached the stranded village after two days of digging.", "Crews reached the stranded village after two days of digging."},
		{"March 4 -- Crews reached the stranded village after two days of digging.", "Crews reached the stranded village after two days of digging."},
		{"March 4: Crews reached the stranded village after two days of digging.", "Crews reached the stranded village after two days of digging."},
		{"On March 4, crews reached the stranded village after two days of digging.", "Crews reached the stranded village after two days of digging."},
		{"Early on March 4, crews reached the stranded village after two days of digging.", "Crews reached the stranded village after two days of digging."},
		{"Late on Monday, crews reached the stranded village after two days of digging.", "Crews reached the stranded village after two days of digging."},
		// a date in passing goes too (dropDayPhrase)
		{"Crews said on March 4, after two days of digging, that they had reached the village.", "Crews said, after two days of digging, that they had reached the village."},

		// kept
		{"March 4 was a Monday, and crews reached the stranded village at dusk.", "March 4 was a Monday, and crews reached the stranded village at dusk."},
		{"By March 4 crews had reached the stranded village.", "By March 4 crews had reached the stranded village."},
		{"On March 4, crews left.", "On March 4, crews left."},
	}
	for _, tt := range tests {
		cs := extractText(t, tt.in, webPublished)
		if len(cs) != 1 {
			t.Errorf("%q: got %d candidates, want 1: %+v", tt.in, len(cs), cs)
			continue
		}
		if cs[0].Summary != tt.want {
			t.Errorf("summary of %q\n got %q\nwant %q", tt.in, cs[0].Summary, tt.want)
		}
		if cs[0].Date.String() != "4 March 2024" || cs[0].Date.Origin != briefing.OriginExplicit {
			t.Errorf("%q: date %s (%s), want 4 March 2024 (explicit)", tt.in, cs[0].Date, cs[0].Date.Origin)
		}
	}
}

func TestRelaxedDevelopments(t *testing.T) {
	tests := []struct {
		name     string
		text     string
		sentence string // prefix of the candidate's Sentence
		dev      bool
		date     string              // if set, the candidate's date
		origin   briefing.DateOrigin // if set, the candidate's date origin
	}{
		{"dated, names someone unknown", "On Monday the Riverton council closed the bridge.",
			"On Monday the Riverton council", true, "4 March 2024", briefing.OriginExplicit},
		{"dated mid-sentence, names someone unknown", "The Riverton council closed the old bridge on Tuesday.",
			"The Riverton council", true, "5 March 2024", briefing.OriginExplicit},
		{"a day after a bare year dates the sentence", "The Riverton levee, built in 1962, gave way on Monday, officials said.",
			"The Riverton levee", true, "4 March 2024", briefing.OriginExplicit},
		{"dated, opens with a quote", "\"The Riverton council closed the bridge on Monday,\" a resident said.",
			"\"The Riverton council", false, "4 March 2024", ""},
		{"dated, opens with a curly quote", "“The Riverton council closed the bridge on Monday,” a resident said.",
			"“The Riverton council", false, "", ""},
		{"dated question", "Why did the Riverton council close the bridge on Monday?",
			"Why did", false, "", ""},
		{"dated, first person", "We closed the Riverton bridge on Monday after the river rose.",
			"We closed", false, "", ""},
		{"dated, first person plural possessive", "On Monday our crews closed the Riverton bridge.",
			"On Monday our crews", false, "", ""},
		{"dated, long, no name", "Crews in the valley worked through the night on Tuesday to shore up the levee.",
			"Crews in the valley", true, "5 March 2024", briefing.OriginExplicit},
		{"dated, short, no name", "The levee held on Tuesday.",
			"The levee held", false, "5 March 2024", briefing.OriginExplicit},
		{"dated to a month only", "The Riverton council closed the bridge in February.",
			"The Riverton council", false, "", ""},
		{"dated to a range", "The Riverton council closed the bridge from Monday to Wednesday.",
			"The Riverton council", false, "", ""},

		{"undated first sentence naming someone",
			"The Riverton council closed the old bridge to traffic after the flood.",
			"The Riverton council", true, "6 March 2024", briefing.OriginPublished},
		{"undated second sentence naming someone",
			"Heavy rain fell again.\nThe Riverton council closed the old bridge to traffic after the flood.",
			"The Riverton council", true, "6 March 2024", briefing.OriginPublished},
		{"undated third sentence naming someone",
			"Heavy rain fell again.\nThe river kept rising.\nThe Riverton council closed the old bridge to traffic after the flood.",
			"The Riverton council", false, "6 March 2024", briefing.OriginPublished},
		{"undated first sentence, short",
			"The Riverton council closed the bridge.",
			"The Riverton council", false, "", ""},
		{"undated first sentence, long, no name",
			"The council closed the old bridge to traffic after the flood.",
			"The council closed", false, "", ""},
		{"undated first sentence, question",
			"Will the Riverton council close the old bridge to traffic after the flood?",
			"Will the Riverton", false, "", ""},
		{"undated first sentence, first person",
			"Our reporter watched the Riverton council close the old bridge to traffic.",
			"Our reporter", false, "", ""},

		{"reader comment", "At 20:04 4th Mar 2024, riverfan wrote: the council closed the bridge on Monday",
			"At 20:04", false, "", ""},
		{"reader comment without a time", "riverfan wrote: the Riverton council closed the old bridge to traffic on Monday.",
			"riverfan wrote", false, "", ""},
		{"dated caption", "A flooded street is seen in Riverton on Monday after the dam burst.",
			"A flooded street", false, "", ""},
		{"undated caption leading the article", "In this aerial photo, floodwater covers the lower town of Riverton after the dam burst.",
			"In this aerial photo", false, "", ""},

		{"glued headline is not a development",
			"Dam bursts above Riverton Rescue boats reached the flooded streets The dam above Riverton burst before dawn, flooding hundreds of homes in the lower town.",
			"Dam bursts above Riverton", false, "", ""},
		{"the lead after a glued headline is",
			"Dam bursts above Riverton Rescue boats reached the flooded streets The dam above Riverton burst before dawn, flooding hundreds of homes in the lower town.",
			"The dam above Riverton", true, "6 March 2024", briefing.OriginPublished},
		{"after a glued headline the second sentence still counts",
			"Dam bursts above Riverton Rescue boats reached the flooded streets The dam above Riverton burst before dawn, flooding hundreds of homes in the lower town. Engineers from the Hollis water board had warned about the wall for years.",
			"Engineers from", true, "", ""},
		{"after a glued headline the third sentence does not",
			"Dam bursts above Riverton Rescue boats reached the flooded streets The dam above Riverton burst before dawn, flooding hundreds of homes in the lower town. The river rose fast. Engineers from the Hollis water board had warned about the wall for years.",
			"Engineers from", false, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs := extractText(t, tt.text, webPublished)
			var c *briefing.Candidate
			for i := range cs {
				if strings.HasPrefix(cs[i].Sentence, tt.sentence) {
					c = &cs[i]
					break
				}
			}
			if c == nil {
				t.Fatalf("no candidate starts with %q in %+v", tt.sentence, cs)
			}
			if c.Development != tt.dev {
				t.Errorf("%q: development %v, want %v (actors %v, topics %v)", c.Sentence, c.Development, tt.dev, c.Actors, c.Topics)
			}
			if tt.date != "" && c.Date.String() != tt.date {
				t.Errorf("%q: date %s, want %s", c.Sentence, c.Date, tt.date)
			}
			if tt.origin != "" && c.Date.Origin != tt.origin {
				t.Errorf("%q: date origin %s, want %s", c.Sentence, c.Date.Origin, tt.origin)
			}
		})
	}
}

func TestWordCount(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"", 0},
		{"   ", 0},
		{"The dam held.", 3},
		{"Dam bursts - 2 hrs ago", 5},
		{"— … -- !!", 0},
		{"Riverton , Ohio", 2},
		{"A U.S.-backed 30-day plan", 4},
		{"Zürich café\tstaff\nleft", 4},
		{"(AP) 2024", 2},
	}
	for _, tt := range tests {
		if got := wordCount(tt.in); got != tt.want {
			t.Errorf("wordCount(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestNamesEntity(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"On Monday the Riverton council closed the bridge.", true},
		{"The mayor of Riverton spoke.", true},
		{"Crews from the Hollis water board arrived.", true},
		{"The UN sent boats.", true},
		{"UN boats arrived.", true},             // an acronym counts even first
		{"crews from FEMA arrived.", true},      // an acronym
		{"Aid reached Zürich overnight.", true}, // a name after the first word
		{"crews reached Élise Durand.", true},

		{"Riverton flooded again.", false},               // the first word does not count
		{"The levee held on Tuesday in March.", false},   // calendar words
		{"Crews worked from Mon to Fri in Sept.", false}, // abbreviated calendar words
		{"Officials said I would be told.", false},       // "I"
		{"A boat sank.", false},                          // a one-letter first word
		{"— Riverton flooded again.", false},             // punctuation is no word
		{"the river rose 2 metres overnight.", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := namesEntity(tt.in); got != tt.want {
			t.Errorf("namesEntity(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
