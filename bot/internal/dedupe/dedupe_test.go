package dedupe

import (
	"fmt"
	"testing"
	"time"
)

func TestSet(t *testing.T) {
	now := time.Date(2025, 5, 21, 9, 0, 0, 0, time.UTC)
	d := New(3, time.Minute, func() time.Time { return now })
	if d.Seen("a") || d.Seen("b") {
		t.Fatal("new IDs reported as seen")
	}
	if !d.Seen("a") {
		t.Error("a repeated ID was not recognised")
	}
	now = now.Add(2 * time.Minute)
	if d.Seen("a") {
		t.Error("an expired ID was still remembered")
	}
	if d.Len() != 1 {
		t.Errorf("%d IDs remembered after expiry, want 1", d.Len())
	}
	for i := range 100 {
		d.Seen(fmt.Sprint(i))
	}
	if d.Len() > 3 {
		t.Errorf("%d IDs remembered, bound is 3", d.Len())
	}
	if !d.Seen("99") || d.Seen("0") {
		t.Error("the bound should drop the oldest IDs first")
	}
}

func TestHasDoesNotRecord(t *testing.T) {
	d := New(10, time.Minute, nil)
	if d.Has("x") {
		t.Fatal("Has reported an unseen ID")
	}
	if d.Seen("x") {
		t.Fatal("Has recorded the ID")
	}
	if !d.Has("x") {
		t.Fatal("Has missed a recorded ID")
	}
}
