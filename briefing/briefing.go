// Package briefing is briefbot's domain: articles, the dated events
// (developments) extracted from them, timeline queries, and the services that
// ingest text and answer questions about a developing story.
//
// It declares the interfaces it needs from the outside world (a Store, an
// Extractor) and never imports the packages that implement them: stores live
// under store/, chat platforms under bot/, and cmd/briefbot wires them
// together.
package briefing

import (
	"context"
	"errors"
	"time"
)

// Errors returned by stores and services. Callers test them with errors.Is.
var (
	// ErrNotFound: the requested record does not exist.
	ErrNotFound = errors.New("not found")
	// ErrDuplicateArticle: an article with the same content hash is stored already.
	ErrDuplicateArticle = errors.New("article already ingested")
)

// Article is one source document as it was ingested.
type Article struct {
	ID         int64
	Source     string    // who published it: "AP", "example.com", "console"
	Via        string    // how it arrived: "cli", "chat", "feed", "http", "demo"
	URL        string    // canonical link, may be empty
	Title      string    // may be empty
	Published  time.Time // publication time: the reference for relative dates
	Text       string    // plain text, valid UTF-8
	Hash       string    // hex SHA-256 of the normalised text; identifies the article
	IngestedAt time.Time // when briefbot stored it
}

// Citation links an event to a sentence of an article that reports it.
type Citation struct {
	ArticleID int64
	Source    string
	URL       string
	Title     string
	Published time.Time
	Sentence  string // the sentence (or clause) as it reads in the article
	Offset    int    // byte offset of Sentence in the article text
}

// Event is one development of a story: what happened, when, who was involved,
// which topics it touches and which articles report it. The same development
// reported by several sources is one Event with several Citations.
type Event struct {
	ID        int64
	Date      EventDate
	Summary   string   // one self-contained line
	Actors    []string // canonical actor IDs, sorted: "putin", "ukraine"
	Topics    []string // canonical topic IDs, sorted: "ceasefire", "talks"
	Citations []Citation
	FirstSeen time.Time // when briefbot first learned of it (drives briefings)
	UpdatedAt time.Time // when a merge last changed it
}

// Sources returns the distinct source names citing e, in citation order.
func (e *Event) Sources() []string {
	var out []string
	seen := map[string]bool{}
	for _, c := range e.Citations {
		if !seen[c.Source] {
			seen[c.Source] = true
			out = append(out, c.Source)
		}
	}
	return out
}

// Merge records that a newly ingested sentence reports an existing event.
type Merge struct {
	EventID  int64
	Citation Citation
	Actors   []string   // the event's actors after the merge (a superset)
	Topics   []string   // the event's topics after the merge (a superset)
	Date     *EventDate // a more precise date to adopt, or nil to keep the old one
}

// Ingestion is everything one article changes, written in one transaction.
type Ingestion struct {
	Article *Article // ID is set by the store
	New     []*Event // IDs are set by the store; citations get the article ID
	Merges  []Merge
}

// SourceStat summarises what one source has contributed.
type SourceStat struct {
	Source       string
	Articles     int
	Citations    int
	LastIngested time.Time
}

// Stats counts what a store holds.
type Stats struct {
	Articles int
	Events   int
}

// Page is one page of a timeline answer, in event-date order.
type Page struct {
	Events []*Event
	More   bool // further matches exist after this page
}

// Store is the persistence port. Implementations live under store/ and must
// pass the contract suite in store/storetest. All methods are safe for
// concurrent use.
type Store interface {
	// Ingest writes an article with its new events and merges atomically: on
	// error nothing is written. It assigns IDs to the article and the new
	// events, and returns ErrDuplicateArticle (wrapped) when an article with
	// the same Hash exists.
	Ingest(ctx context.Context, in *Ingestion) error
	// ArticleByHash returns the stored article with that hash, or ErrNotFound.
	ArticleByHash(ctx context.Context, hash string) (*Article, error)
	// Event returns one event with its citations, or ErrNotFound.
	Event(ctx context.Context, id int64) (*Event, error)
	// Overlapping returns up to limit events whose date interval intersects
	// [lo, hi], in event-date order: the candidates a new development may
	// merge into. Citations are not loaded (nil); everything else is.
	Overlapping(ctx context.Context, lo, hi Day, limit int) ([]*Event, error)
	// Search returns the events matching q in event-date order (interval
	// start, then ID), skipping q.Offset and returning at most q.Limit.
	Search(ctx context.Context, q Query) (Page, error)
	// Latest returns the most recently first-seen events, newest first.
	Latest(ctx context.Context, limit int) ([]*Event, error)
	// Sources lists every source with its counts, most recent first.
	Sources(ctx context.Context) ([]SourceStat, error)
	// Stats counts articles and events.
	Stats(ctx context.Context) (Stats, error)
	// Close releases the store. It is safe to call more than once.
	Close() error
}
