package sqlite

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/briefbot/briefbot/briefing"
	"github.com/briefbot/briefbot/store/storetest"
)

func openAt(t *testing.T, dir string) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(dir, "briefbot.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return s
}

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T, dir string) briefing.Store { return openAt(t, dir) })
}

func TestMigrationsIdempotent(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		s := openAt(t, dir)
		v, err := s.SchemaVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if v != len(ms) {
			t.Errorf("open %d: schema version %d, want %d", i, v, len(ms))
		}
		in := &briefing.Ingestion{
			Article: &briefing.Article{Source: "AP", Text: "x", Hash: strings.Repeat("a", 63) + string(rune('0'+i))},
			New:     []*briefing.Event{{Date: briefing.DayDate(briefing.Date(2025, 5, 1+i)), Summary: "Kalomir."}},
		}
		if err := s.Ingest(ctx, in); err != nil {
			t.Fatalf("open %d: Ingest: %v", i, err)
		}
		st, err := s.Stats(ctx)
		if err != nil || st.Events != i+1 {
			t.Errorf("open %d: Stats = %+v, %v; want %d events", i, st, err, i+1)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestOpenGarbageFile(t *testing.T) {
	dir := t.TempDir()
	cases := map[string][]byte{
		"text":      []byte(strings.Repeat("this is not a database\n", 400)),
		"truncated": append([]byte("SQLite format 3\x00"), make([]byte, 80)...),
	}
	for name, content := range cases {
		path := filepath.Join(dir, name+".db")
		if err := os.WriteFile(path, content, 0o600); err != nil {
			t.Fatal(err)
		}
		s, err := Open(context.Background(), path)
		if err == nil {
			s.Close()
			t.Errorf("%s: Open succeeded on a garbage file", name)
			continue
		}
		if !errors.Is(err, ErrNotDatabase) {
			t.Errorf("%s: Open error %q does not wrap ErrNotDatabase", name, err)
		}
		if !strings.Contains(err.Error(), path) {
			t.Errorf("%s: Open error %q does not name the file", name, err)
		}
	}
}

func TestOpenForeignDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "other.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	// Make it look like another application's database.
	if _, err := s.write.Exec("PRAGMA application_id = 7"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if s, err := Open(context.Background(), path); !errors.Is(err, ErrNotDatabase) {
		if s != nil {
			s.Close()
		}
		t.Errorf("Open of another application's database: err = %v, want ErrNotDatabase", err)
	}
}

func TestOpenNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.write.Exec("PRAGMA user_version = 999"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if s, err := Open(context.Background(), path); !errors.Is(err, ErrTooNew) {
		if s != nil {
			s.Close()
		}
		t.Errorf("Open of a newer schema: err = %v, want ErrTooNew", err)
	}
}

func TestOpenRejectsMemory(t *testing.T) {
	for _, p := range []string{"", ":memory:", "file::memory:?cache=shared"} {
		if s, err := Open(context.Background(), p); err == nil {
			s.Close()
			t.Errorf("Open(%q) succeeded, want an error", p)
		}
	}
}

func TestOpenOddPath(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "with space?and#hash%20")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	s := openAt(t, dir)
	defer s.Close()
	if _, err := os.Stat(filepath.Join(dir, "briefbot.db")); err != nil {
		t.Errorf("database not created at the given path: %v", err)
	}
}

func TestPragmas(t *testing.T) {
	s := openAt(t, t.TempDir())
	defer s.Close()
	ctx := context.Background()
	for _, db := range []struct {
		name string
		q    func(string) (string, error)
	}{
		{"read", func(p string) (v string, err error) { err = s.read.QueryRowContext(ctx, "PRAGMA "+p).Scan(&v); return }},
		{"write", func(p string) (v string, err error) { err = s.write.QueryRowContext(ctx, "PRAGMA "+p).Scan(&v); return }},
	} {
		for p, want := range map[string]string{"journal_mode": "wal", "foreign_keys": "1", "synchronous": "1", "busy_timeout": "10000"} {
			got, err := db.q(p)
			if err != nil || got != want {
				t.Errorf("%s pool: PRAGMA %s = %q, %v; want %q", db.name, p, got, err, want)
			}
		}
	}
}

// TestSearchPlans checks that every Search shape lets the index walk drive in
// timeline order: no temporary B-tree sort, FTS or the sortkey index first.
func TestSearchPlans(t *testing.T) {
	s := openAt(t, t.TempDir())
	defer s.Close()
	queries := []string{
		"ceasefire",
		`"prisoner exchange" actor:putin`,
		"talks until:2025-05",
		"talks since:2025-05",
		"talks since:2025-05 until:2025-06",
		"since:2025-05",
		"until:2025-05",
		"since:2025-05 until:2025-06",
		"topic:talks",
	}
	for _, text := range queries {
		q, err := briefing.ParseQuery(text)
		if err != nil {
			t.Fatal(err)
		}
		query, args, _ := searchSQL(q)
		plan := explain(t, s, query, args...)
		if strings.Contains(plan, "TEMP B-TREE") {
			t.Errorf("%s: plan sorts:\n%s", text, plan)
		}
		if strings.Contains(plan, "SCAN e") {
			t.Errorf("%s: plan scans the events table:\n%s", text, plan)
		}
		if q.HasText() && !strings.Contains(plan, "SCAN f VIRTUAL TABLE") {
			t.Errorf("%s: the full-text index does not drive:\n%s", text, plan)
		}
	}
	overlap, args := overlapSQL(briefing.Date(2025, 5, 1), briefing.Date(2025, 5, 9), 10)
	for name, c := range map[string]struct {
		query string
		args  []any
	}{
		"Overlapping": {overlap, args},
		"Latest":      {"SELECT e.sortkey, " + eventCols + " FROM events e ORDER BY e.first_seen DESC, e.id DESC LIMIT 5", nil},
	} {
		plan := explain(t, s, c.query, c.args...)
		if strings.Contains(plan, "TEMP B-TREE") || strings.Contains(plan, "SCAN e\n") {
			t.Errorf("%s: plan sorts or scans:\n%s", name, plan)
		}
	}
}

func explain(t *testing.T, s *Store, query string, args ...any) string {
	t.Helper()
	rows, err := s.read.Query("EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatalf("explain %s: %v", query, err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		b.WriteString(detail + "\n")
	}
	return b.String()
}

func TestSpanTokens(t *testing.T) {
	d := func(y int, m time.Month, dd int) briefing.Day { return briefing.Date(y, m, dd) }
	cases := []struct {
		lo, hi briefing.Day
		want   string
	}{
		{d(2025, 5, 1), d(2025, 5, 1), ""},
		{d(2025, 4, 28), d(2025, 5, 3), "m2025_04 m2025_05"},
		{d(2024, 12, 1), d(2025, 1, 31), "m2024_12 m2025_01"},
		{d(2020, 1, 1), d(2029, 12, 31), "y2020 y2021 y2022 y2023 y2024 y2025 y2026 y2027 y2028 y2029"},
		{d(1800, 1, 1), d(2099, 12, 31), "wide"},
	}
	for _, c := range cases {
		if got := spanTokens(briefing.EventDate{Lo: c.lo, Hi: c.hi}); got != c.want {
			t.Errorf("spanTokens(%s..%s) = %q, want %q", c.lo, c.hi, got, c.want)
		}
	}
}

func TestDateOutOfRangeRefused(t *testing.T) {
	s := openAt(t, t.TempDir())
	defer s.Close()
	for _, date := range []briefing.EventDate{
		{Lo: briefing.Date(2025, 5, 2), Hi: briefing.Date(2025, 5, 1)},
		{Lo: briefing.Date(-5, 1, 1), Hi: briefing.Date(2025, 5, 1)},
		{Lo: briefing.Date(2025, 5, 1), Hi: briefing.Date(12000, 1, 1)},
	} {
		in := &briefing.Ingestion{
			Article: &briefing.Article{Source: "AP", Hash: "h" + date.Lo.String() + date.Hi.String()},
			New:     []*briefing.Event{{Date: date, Summary: "x"}},
		}
		if err := s.Ingest(context.Background(), in); !errors.Is(err, ErrInvalid) {
			t.Errorf("Ingest of date %d..%d: err = %v, want ErrInvalid", date.Lo, date.Hi, err)
		}
	}
}

func TestClockOption(t *testing.T) {
	at := time.Date(2025, 5, 20, 10, 0, 0, 123456789, time.UTC)
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "c.db"), WithClock(func() time.Time { return at }))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ev := &briefing.Event{Date: briefing.DayDate(briefing.Date(2025, 5, 1)), Summary: "Kalomir."}
	in := &briefing.Ingestion{Article: &briefing.Article{Source: "AP", Hash: "c"}, New: []*briefing.Event{ev}}
	if err := s.Ingest(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	want := at.Truncate(time.Microsecond)
	if !ev.FirstSeen.Equal(want) || !ev.UpdatedAt.Equal(want) || !in.Article.IngestedAt.Equal(want) {
		t.Errorf("times = %v %v %v, want %v from the clock", ev.FirstSeen, ev.UpdatedAt, in.Article.IngestedAt, want)
	}
}

// TestBareSearchMatchesSearch checks that BareSearch walks the same index
// entries as Search, so benchmarks compare like with like.
func TestBareSearchMatchesSearch(t *testing.T) {
	s := openAt(t, t.TempDir())
	defer s.Close()
	ctx := context.Background()
	in := &briefing.Ingestion{Article: &briefing.Article{Source: "AP", Hash: "bare"}, New: storetest.SynthEvents(3000, 9)}
	if err := s.Ingest(ctx, in); err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"talks", `"prisoner exchange"`, "ceasefire actor:putin", "talks until:2020-06", "topic:talks since:2023-01-01", "since:2021-03-15"} {
		q, err := briefing.ParseQuery(text)
		if err != nil {
			t.Fatal(err)
		}
		q.Limit = 30
		p, err := s.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		keys, err := s.BareSearch(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Events) < 2 {
			t.Errorf("%s: only %d events; the fixture should match more", text, len(p.Events))
		}
		var want []int64
		for _, ev := range p.Events {
			want = append(want, sortKey(ev.Date.Lo, ev.ID))
		}
		if q.Since == 0 {
			// Without since: both walks are the same: Search keeps Limit of the Limit+1.
			if len(keys) < len(want) || !slices.Equal(keys[:len(want)], want) {
				t.Errorf("%s: BareSearch %v, Search %v", text, keys, want)
			}
			continue
		}
		// With since: the bare walk also yields straddling candidates that end
		// too early, so Search's keys are a subsequence of it.
		i := 0
		for _, k := range keys {
			if i < len(want) && k == want[i] {
				i++
			}
		}
		if i < len(want) && len(keys) == q.Limit+1 {
			continue // the bare page ended first
		}
		if i < len(want) {
			t.Errorf("%s: Search keys %v are not within BareSearch %v", text, want, keys)
		}
	}
}
