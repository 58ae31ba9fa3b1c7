package briefing

import (
	"context"
	"time"
)

// Feed is a source the bot polls: an RSS 2.0, Atom or JSON Feed URL, with
// what the poller remembers about it.
type Feed struct {
	ID int64
	// URL is the feed's own address (after autodiscovery from a site's
	// page); unique.
	URL string
	// Title is the feed's title, as the feed gives it or as the user named
	// it; Source names the publisher on the articles (the site's host when
	// empty).
	Title  string
	Source string
	// Topics are topic IDs added to every development of the feed's
	// articles ("/sources add URL topic:ceasefire"); may be empty.
	Topics []string
	// Interval is the time between polls (default 10 minutes).
	Interval time.Duration
	// FullText: when an item carries only a summary, fetch the article's
	// page and keep its main text.
	FullText  bool
	Origin    string // "chat", "cli" or "config"
	CreatedBy string
	CreatedAt time.Time

	// State, kept by the poller.
	State FeedState
}

// FeedState is what the poller records after each poll of a feed.
type FeedState struct {
	ETag         string // for If-None-Match
	LastModified string // for If-Modified-Since, as the server sent it
	LastPoll     time.Time
	LastSuccess  time.Time
	LastError    string // empty after a success
	Failures     int    // consecutive failed polls
	Items        int    // items ingested over the feed's life
	NextPoll     time.Time
	// Reported is set once the admin channel was told that the feed fails
	// or went stale; cleared by the next success with new items.
	Reported bool
}

// FeedItem records an item of a feed that was ingested: how it is
// identified (GUID, else link, else a hash of its content), the hash of the
// text ingested, and the article it became.
type FeedItem struct {
	Feed      int64
	Key       string // "guid:...", "link:..." or "hash:..."
	Hash      string // ContentHash of the text ingested
	ArticleID int64
	SeenAt    time.Time
}

// FeedStore keeps feeds and the items ingested from them. It is implemented
// by stores under store/ and checked by store/storetest.
type FeedStore interface {
	// AddFeed stores a new feed and sets its ID and CreatedAt (when zero).
	// A URL already added is ErrExists.
	AddFeed(ctx context.Context, f *Feed) error
	// Feed returns one feed, or ErrNotFound.
	Feed(ctx context.Context, id int64) (*Feed, error)
	// Feeds lists every feed by ID.
	Feeds(ctx context.Context) ([]*Feed, error)
	// RemoveFeed deletes a feed and its item records (not the articles),
	// or returns ErrNotFound.
	RemoveFeed(ctx context.Context, id int64) error
	// SetFeedState replaces a feed's State; ErrNotFound if it was removed.
	SetFeedState(ctx context.Context, id int64, st FeedState) error
	// FeedItem returns the record of an item, or ErrNotFound.
	FeedItem(ctx context.Context, feed int64, key string) (*FeedItem, error)
	// PutFeedItem creates or replaces the record of an item.
	PutFeedItem(ctx context.Context, it *FeedItem) error
	// RetractArticle removes an article from the timeline in one
	// transaction: its citations leave their events, events no other
	// article cites are deleted (and leave the search index), and the
	// article is deleted. An updated feed item is retracted and then
	// ingested again, so it updates its developments instead of adding
	// to them. ErrNotFound if there is no such article.
	RetractArticle(ctx context.Context, id int64) error
}
