package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"github.com/briefbot/briefbot/briefing/textnorm"
	"io/fs"
	"net/url"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/briefbot/briefbot/briefing"
	sqlite3 "modernc.org/sqlite"
)

// ErrNotDatabase is wrapped by Open when the file is not a SQLite database,
// is corrupt, or is a SQLite database that belongs to another application.
var ErrNotDatabase = errors.New("not a briefbot SQLite database (or the file is corrupt)")

// ErrTooNew is wrapped by Open when the database was written by a newer
// briefbot whose schema this build does not know.
var ErrTooNew = errors.New("database schema is newer than this briefbot")

// applicationID marks briefbot databases in the SQLite header ("BrBt").
const applicationID = 0x42724274

//go:embed migrations/*.sql
var migrationFS embed.FS

// pragmas are applied by the driver to every pooled connection.
var pragmas = []string{
	"busy_timeout(10000)",
	"journal_mode(WAL)",
	"synchronous(NORMAL)",
	"foreign_keys(1)",
	"temp_store(MEMORY)",
	"cache_size(-4096)",
	"mmap_size(0)",
}

// Store is a briefing.Store backed by one SQLite file. It is safe for
// concurrent use: writes go through a single connection (SQLite allows one
// writer at a time, and BEGIN IMMEDIATE avoids lock upgrades failing), reads
// use a pool of read-only connections that WAL lets run beside the writer.
type Store struct {
	path  string
	write *sql.DB
	read  *sql.DB
	now   func() time.Time

	stmtMu sync.Mutex
	stmts  map[string]*sql.Stmt // prepared read statements, by SQL text
	wstmts map[string]*sql.Stmt // prepared write statements, by SQL text

	// norm remembers stems for indexing (see briefing.SearchFieldsCached).
	norm *textnorm.Cache

	closeOnce sync.Once
	closeErr  error
}

// prepared returns the read statement for query, preparing it once. Search
// builds a handful of distinct statements, so the cache stays small, and
// SQLite no longer parses and plans a /timeline query on every call.
func (s *Store) prepared(ctx context.Context, query string) (*sql.Stmt, error) {
	s.stmtMu.Lock()
	defer s.stmtMu.Unlock()
	if st, ok := s.stmts[query]; ok {
		return st, nil
	}
	if s.stmts == nil {
		return nil, errors.New("store is closed")
	}
	st, err := s.read.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	s.stmts[query] = st
	return st, nil
}

// txStmt returns the write statement for query bound to tx. The statements
// ingestion runs for every article are prepared once, at Open, on the
// single write connection (preparing them for each article was a tenth of
// its cost); any other is prepared within tx. Preparing on s.write here
// would wait for the connection tx holds.
func (s *Store) txStmt(ctx context.Context, tx *sql.Tx, query string) (*sql.Stmt, error) {
	if st, ok := s.wstmts[query]; ok {
		return tx.StmtContext(ctx, st), nil
	}
	return tx.PrepareContext(ctx, query)
}

// prepareWrites prepares writeStatements on the write connection.
func (s *Store) prepareWrites(ctx context.Context) error {
	s.wstmts = map[string]*sql.Stmt{}
	for _, q := range writeStatements {
		st, err := s.write.PrepareContext(ctx, q)
		if err != nil {
			return fmt.Errorf("prepare %q: %w", q, err)
		}
		s.wstmts[q] = st
	}
	return nil
}

var _ briefing.Store = (*Store)(nil)

// Option configures Open.
type Option func(*Store)

// WithClock makes the store read the current time from now instead of
// time.Now. It is meant for tests.
func WithClock(now func() time.Time) Option {
	return func(s *Store) {
		if now != nil {
			s.now = now
		}
	}
}

// Open opens (creating it if missing) the SQLite database at path, a plain
// file name rather than a URI or ":memory:", and brings its schema up to
// date. The error wraps ErrNotDatabase when the file is not a briefbot
// database or is corrupt, and ErrTooNew when a newer briefbot wrote it.
func Open(ctx context.Context, path string, opts ...Option) (*Store, error) {
	if path == "" || strings.HasPrefix(path, ":memory:") || strings.HasPrefix(path, "file:") {
		return nil, fmt.Errorf("sqlite: open %q: want a plain file path", path)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %q: %w", path, err)
	}
	s := &Store{path: abs, now: time.Now, stmts: map[string]*sql.Stmt{}, norm: textnorm.NewCache(50_000)}
	for _, o := range opts {
		o(s)
	}
	s.write, err = sql.Open("sqlite", dsn(abs, "_txlock=immediate"))
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", abs, err)
	}
	s.write.SetMaxOpenConns(1)
	s.write.SetMaxIdleConns(1)
	s.write.SetConnMaxIdleTime(0)
	if err := s.migrate(ctx); err != nil {
		s.write.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", abs, classify(err))
	}
	if err := s.prepareWrites(ctx); err != nil {
		s.write.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", abs, classify(err))
	}
	s.read, err = sql.Open("sqlite", dsn(abs, "_query_only=1"))
	if err != nil {
		s.write.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", abs, err)
	}
	n := max(4, runtime.GOMAXPROCS(0))
	s.read.SetMaxOpenConns(n)
	s.read.SetMaxIdleConns(n)
	if err := s.read.PingContext(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", abs, classify(err))
	}
	return s, nil
}

// dsn builds a file: URI for path that carries the pragmas and extra
// driver parameters.
func dsn(path string, extra ...string) string {
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(path)}
	q := make([]string, 0, len(pragmas)+len(extra))
	for _, p := range pragmas {
		q = append(q, "_pragma="+url.QueryEscape(p))
	}
	q = append(q, extra...)
	u.RawQuery = strings.Join(q, "&")
	if !strings.HasPrefix(u.String(), "file:///") {
		// Windows volume paths: file:///C:/...
		u.Path = "/" + u.Path
	}
	return u.String()
}

// classify wraps SQLite's "not a database" and "corrupt" errors in
// ErrNotDatabase so callers can tell a bad file from a transient failure.
func classify(err error) error {
	var se *sqlite3.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case 26, 11: // SQLITE_NOTADB, SQLITE_CORRUPT
			return fmt.Errorf("%w: %w", ErrNotDatabase, err)
		}
	}
	return err
}

type migration struct {
	version int
	name    string
	sql     string
}

// migrations returns the embedded migrations in version order. Files are
// named NNNN_description.sql and numbered from 1 without gaps.
func migrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		return nil, fmt.Errorf("read embedded migrations: %w", err)
	}
	var out []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: name must start with a positive number and '_'", e.Name())
		}
		b, err := migrationFS.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", e.Name(), err)
		}
		out = append(out, migration{version: v, name: e.Name(), sql: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i, m := range out {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %s: expected version %d", m.name, i+1)
		}
	}
	return out, nil
}

// migrate applies the pending migrations in one IMMEDIATE transaction and
// records the schema version in PRAGMA user_version.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin migration: %w", err)
	}
	defer tx.Rollback()
	var version, appID, objects int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if err := tx.QueryRowContext(ctx, "PRAGMA application_id").Scan(&appID); err != nil {
		return fmt.Errorf("read application id: %w", err)
	}
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema").Scan(&objects); err != nil {
		return fmt.Errorf("read schema: %w", err)
	}
	switch {
	case appID != applicationID && (objects > 0 || version > 0):
		return fmt.Errorf("%w: it holds another application's tables (application_id %#x)", ErrNotDatabase, appID)
	case version > len(ms):
		return fmt.Errorf("%w: schema version %d, this build knows up to %d", ErrTooNew, version, len(ms))
	case version == len(ms):
		return nil
	}
	for _, m := range ms[version:] {
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return fmt.Errorf("apply migration %s: %w", m.name, err)
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", m.version)); err != nil {
			return fmt.Errorf("record schema version %d: %w", m.version, err)
		}
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA application_id = %d", applicationID)); err != nil {
		return fmt.Errorf("set application id: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit migrations: %w", err)
	}
	return nil
}

// SchemaVersion returns the schema version recorded in the database.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	if err := s.read.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return 0, fmt.Errorf("sqlite: read schema version: %w", err)
	}
	return v, nil
}

// Path returns the absolute path of the database file.
func (s *Store) Path() string { return s.path }

// Close releases the store. It is safe to call more than once.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		var errs []error
		s.stmtMu.Lock()
		for _, st := range s.stmts {
			errs = append(errs, st.Close())
		}
		for _, st := range s.wstmts {
			errs = append(errs, st.Close())
		}
		s.stmts, s.wstmts = nil, nil
		s.stmtMu.Unlock()
		if s.read != nil {
			errs = append(errs, s.read.Close())
		}
		if s.write != nil {
			// A passive checkpoint keeps the WAL file small between runs.
			_, _ = s.write.Exec("PRAGMA wal_checkpoint(PASSIVE)")
			errs = append(errs, s.write.Close())
		}
		if err := errors.Join(errs...); err != nil {
			s.closeErr = fmt.Errorf("sqlite: close %s: %w", s.path, err)
		}
	})
	return s.closeErr
}

// Optimize merges the full-text index into one segment and refreshes the
// query planner's statistics. Every Ingest adds a small index segment and
// FTS5's automatic merging leaves a few dozen at a million events, each
// costing a seek per search term; one segment makes /timeline two to four
// times faster (see the package figures). It takes about 3 s at a million
// events, during which writers wait, and is never needed for correctness:
// call it after a bulk import and from time to time (daily, or at start-up).
func (s *Store) Optimize(ctx context.Context) error {
	if _, err := s.write.ExecContext(ctx, "INSERT INTO events_fts(events_fts) VALUES ('optimize')"); err != nil {
		return fmt.Errorf("sqlite: optimize search index: %w", err)
	}
	if _, err := s.write.ExecContext(ctx, "PRAGMA optimize"); err != nil {
		return fmt.Errorf("sqlite: optimize: %w", err)
	}
	return nil
}
