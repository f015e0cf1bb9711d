//! Sequence handling for live sample streams (WebSocket and UDP): samples arrive with a
//! sequence number and may be lost, duplicated or reordered on the way. A small reorder
//! window puts them back in order; every sample is accounted for as delivered (in order or
//! after reordering), late (arrived after its place was given up), duplicate, or lost (never
//! arrived). Work per sample is bounded whatever the sequence numbers: a stream refuses samples
//! too far ahead ([`Reorder::too_far_ahead`]) and losses are counted, not walked. Pure: no
//! clock, no I/O.

use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Samples held back waiting for a missing one before it is given up as lost.
pub const REORDER_WINDOW: usize = 16;
/// A sample's sequence number may run this many seconds ahead of the highest seen (or the next
/// expected); further is refused: it would open a gap the stream would have to account for.
pub const MAX_AHEAD_S: f64 = 5.0;
/// Sequence numbers given up as lost that are remembered, to tell a late arrival from a
/// duplicate of a delivered sample.
const LOST_MEMORY: usize = 4096;

/// What became of a stream's samples so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Accounting {
    /// Samples that arrived (including late and duplicate ones).
    pub received: u64,
    /// Delivered to the pipeline in sequence order.
    pub delivered: u64,
    /// Arrived after a later one and was put back in its place (within the window).
    pub reordered: u64,
    /// Arrived after their place in the sequence was given up (not delivered).
    pub late: u64,
    /// Arrived twice (not delivered again).
    pub duplicate: u64,
    /// Sequence numbers given up as never arrived.
    pub lost: u64,
}

/// Puts samples back in sequence order.
#[derive(Debug)]
pub struct Reorder<T> {
    next: Option<u64>,
    /// The last sequence number there is (`u64::MAX`) was delivered: nothing can follow it.
    spent: bool,
    /// The highest sequence number seen so far.
    max_seen: Option<u64>,
    held: BTreeMap<u64, T>,
    given_up: BTreeSet<u64>,
    acct: Accounting,
}

impl<T> Default for Reorder<T> {
    fn default() -> Self {
        Reorder {
            next: None,
            spent: false,
            max_seen: None,
            held: BTreeMap::new(),
            given_up: BTreeSet::new(),
            acct: Accounting::default(),
        }
    }
}

impl<T> Reorder<T> {
    pub fn accounting(&self) -> Accounting {
        self.acct
    }

    /// Whether `seq` runs more than `limit` sequence numbers ahead of the highest seen (or the
    /// next expected); `Some` of that number when it does, so the sample can be refused.
    pub fn too_far_ahead(&self, seq: u64, limit: u64) -> Option<u64> {
        let m = self.max_seen.or(self.next)?;
        (seq > m.saturating_add(limit)).then_some(m)
    }

    /// Take sample `seq`; every sample that is now in order goes to `out`, in order.
    pub fn push(&mut self, seq: u64, sample: T, mut out: impl FnMut(T)) {
        self.acct.received += 1;
        let next = *self.next.get_or_insert(seq);
        if seq < next || self.spent {
            if self.given_up.remove(&seq) {
                self.acct.late += 1;
            } else {
                self.acct.duplicate += 1;
            }
            return;
        }
        if self.held.contains_key(&seq) {
            self.acct.duplicate += 1;
            return;
        }
        if self.max_seen.is_some_and(|m| seq < m) {
            self.acct.reordered += 1;
        }
        self.max_seen = Some(self.max_seen.map_or(seq, |m| m.max(seq)));
        self.held.insert(seq, sample);
        self.drain(&mut out);
        // A gap the window cannot wait for any longer: give it up.
        while self.held.len() > REORDER_WINDOW {
            let first = *self.held.keys().next().expect("held is not empty");
            self.give_up_to(first);
            self.drain(&mut out);
        }
    }

    /// Give up the missing sequence numbers before `first` (the earliest held).
    fn give_up_to(&mut self, first: u64) {
        let n = self.next.as_mut().expect("a held sample set next");
        self.acct.lost += first - *n;
        // Only the last LOST_MEMORY of them can be remembered: a wide gap is not walked.
        let from = first.saturating_sub(LOST_MEMORY as u64).max(*n);
        self.given_up.extend(from..first);
        while self.given_up.len() > LOST_MEMORY {
            self.given_up.pop_first();
        }
        *n = first;
    }

    /// End of stream: deliver what is held, counting the gaps before it as lost.
    pub fn finish(&mut self, mut out: impl FnMut(T)) {
        while let Some((&first, _)) = self.held.iter().next() {
            self.give_up_to(first);
            self.drain(&mut out);
        }
    }

    fn drain(&mut self, out: &mut impl FnMut(T)) {
        let Some(n) = self.next.as_mut() else { return };
        while let Some(s) = self.held.remove(n) {
            self.acct.delivered += 1;
            out(s);
            match n.checked_add(1) {
                Some(after) => *n = after,
                None => {
                    self.spent = true;
                    return;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(seqs: &[u64]) -> (Vec<u64>, Accounting) {
        let mut r = Reorder::default();
        let mut out = Vec::new();
        for &s in seqs {
            r.push(s, s, |x| out.push(x));
        }
        r.finish(|x| out.push(x));
        (out, r.accounting())
    }

    #[test]
    fn in_order_stream_is_delivered_as_is() {
        let (out, a) = run(&[5, 6, 7, 8]);
        assert_eq!(out, [5, 6, 7, 8]);
        assert_eq!((a.received, a.delivered, a.lost, a.late), (4, 4, 0, 0));
    }

    #[test]
    fn swaps_are_reordered_duplicates_dropped() {
        let (out, a) = run(&[0, 2, 1, 3, 3, 4, 1]);
        assert_eq!(out, [0, 1, 2, 3, 4]);
        assert_eq!((a.reordered, a.duplicate, a.lost, a.late), (1, 2, 0, 0));
    }

    #[test]
    fn a_gap_is_lost_after_the_window_and_late_arrivals_counted() {
        let mut seqs: Vec<u64> = vec![0];
        seqs.extend(2..(3 + REORDER_WINDOW as u64));
        seqs.push(1); // too late now
        let (out, a) = run(&seqs);
        assert_eq!(out.len(), seqs.len() - 1);
        assert!(!out.contains(&1));
        assert_eq!((a.lost, a.late), (1, 1));
        // Every arrival is accounted for.
        assert_eq!(a.received, a.delivered + a.late + a.duplicate);
    }

    #[test]
    fn a_huge_gap_is_counted_not_walked() {
        let (out, a) = run(&[0, 1_000_000_000_000_000_000, u64::MAX]);
        assert_eq!(out, [0, 1_000_000_000_000_000_000, u64::MAX]);
        assert_eq!(a.lost, u64::MAX - 2);
        let (out, a) = run(&[u64::MAX, u64::MAX]);
        assert_eq!((out.len(), a.duplicate), (1, 1));
    }

    #[test]
    fn samples_too_far_ahead_are_told() {
        let mut r = Reorder::default();
        assert_eq!(r.too_far_ahead(u64::MAX, 10), None, "nothing seen yet");
        r.push(5, (), |_| {});
        assert_eq!(r.too_far_ahead(15, 10), None);
        assert_eq!(r.too_far_ahead(16, 10), Some(5));
        assert_eq!(r.too_far_ahead(u64::MAX, u64::MAX), None);
    }

    #[test]
    fn gaps_at_the_end_are_lost() {
        let (out, a) = run(&[0, 1, 4]);
        assert_eq!(out, [0, 1, 4]);
        assert_eq!(a.lost, 2);
    }
}
