// Package schedule decides when a subscription's briefing is due.
//
// It has three parts:
//
//   - Parse turns what a user types after "/brief subscribe ..." ("at 07:30
//     tz Europe/Kyiv weekdays", `cron "30 7 * * 1-5" tz Europe/Kyiv`) into a
//     Schedule with a canonical cron spec ("CRON_TZ=Europe/Kyiv 30 7 * * 1-5")
//     that can be stored and parsed again.
//   - Schedule.Next and Schedule.Due compute slots: the local dates and times
//     a briefing is scheduled for, and the instants they happen at. They are
//     correct on daylight-saving days, where robfig/cron is not (see below).
//   - Runner sleeps until the next slot and calls a fire function for every
//     job that is due, concurrently, with panic recovery.
//
// # Slots and daylight saving time
//
// A slot is a scheduled local date and wall-clock time, such as 2025-03-30
// 03:30 in Europe/Kyiv. It happens at the first instant at which the local
// clock reads that time or later. So:
//
//   - on an ordinary day the slot happens at that wall-clock time;
//   - on spring-forward day a slot inside the gap (03:30 in Kyiv on
//     2025-03-30, when clocks jump from 03:00 to 04:00) happens once, at the
//     first instant after the gap (04:00 local);
//   - on fall-back day an ambiguous slot (03:30 in Kyiv on 2025-10-26, when
//     clocks go back from 04:00 to 03:00) happens once, at its first
//     occurrence (03:30 EEST, not 03:30 EET).
//
// A daily schedule therefore has exactly one slot per local day, 365 in 2025
// in every zone. robfig/cron's own Next skips a slot in the gap and returns an
// ambiguous one twice; this package uses cron's parser for the fields only and
// walks local calendar days itself.
//
// In the rare case where two scheduled times of one schedule fall on the same
// instant (an hourly schedule at :00 on spring-forward day: 03:00 does not
// exist in Kyiv and happens at 04:00, together with 04:00), they are one slot,
// identified by the later local time. Slot instants are strictly increasing.
//
// # Catch-up and the briefing window
//
// The caller's store is the source of truth for what has been briefed. Its
// watermark, as this package sees it, is the end of the last briefed window:
// an instant on the same clock as the slots (the slot's At or the "now" at
// which that briefing was composed), not the first_seen of the newest event
// briefed, which does not advance on a quiet day. Schedule.Due(watermark, now)
// reports the latest slot in (watermark, now], if any. After downtime over
// several slots there is one due slot, the latest, and the caller briefs the
// whole window (watermark, slot.At] or (watermark, now] once; which end it
// uses is the caller's choice. Once the watermark has advanced to or past the
// slot, nothing is due until the next slot.
//
// # Time
//
// The Runner uses the time package directly (time.Now, timers) rather than an
// injected clock: tests run it on virtual time inside a testing/synctest
// bubble, where time.Now and timers are faked consistently, which an injected
// clock interface cannot guarantee for code it does not own. The runner
// re-checks at least once a minute, so wall-clock jumps (NTP corrections,
// suspend and resume) and changed watermarks are noticed within a minute.
//
// The package imports time/tzdata, so zone names work in minimal container
// images without /usr/share/zoneinfo.
package schedule
