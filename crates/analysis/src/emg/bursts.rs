//! Onset and offset of EMG bursts: the threshold method of Hodges & Bui (1996, "A comparison
//! of computer-based methods for the determination of onset of muscle contraction using
//! electromyography", Electroenceph. Clin. Neurophysiol. 101:511–519): the envelope (25-ms
//! window) must exceed the resting mean + h·SD (h = 3) for at least 25 ms to start a burst;
//! the burst ends when it stays below for 25 ms.
//!
//! Offsets use a second, relative level: the burst ends when the envelope stays below the
//! larger of the onset threshold and [`OFF_FRACTION`] of the burst's RMS level so far. The
//! causal band-pass rings for tens of milliseconds after a strong burst (at 30 dB
//! signal-to-noise its tail stays above a resting threshold for ≈ 30 ms); a relative offset
//! level is unaffected by it. After an offset, a new onset needs the envelope to have fallen
//! below the onset threshold first.
//!
//! Confirmation: a burst is kept only when its envelope also reaches the resting mean +
//! 7 SD somewhere. On 10 minutes of simulated resting EMG the 3-SD/25-ms rule alone fired
//! about once a minute (noise peaks up to 5.5 SD); the timing still comes from the 3-SD
//! crossings, so the confirmation costs no precision, only bursts weaker than about twice
//! the resting RMS.
//!
//! The threshold crossing of a centred window is early at an onset (the window's leading
//! edge sees the burst first) and late at an offset. Both are corrected: with the resting
//! mean square n² and the burst's mean square A², a crossing at `t` means a fraction
//! `f = (thr² − n²) / (A² − n²)` of the window was inside the burst, so the onset is
//! `t + W/2 − f·W` and the offset `t − W/2 + f·W`. The mains comb notch echoes a burst's
//! end for one mains period: that echo is taken off the offset.
//!
//! Bursts shorter than 100 ms are flagged `short`: myoclonic EMG bursts last 10–100 ms
//! (shared/notes/clinical.md, "Myoclonic jerks").

use collis_core::emg::EmgBurst;

/// Threshold: resting mean + `H_SD` × resting SD (Hodges & Bui 1996).
pub const H_SD: f64 = 3.0;
/// Confirmation level: a burst must reach the resting mean + `H_CONFIRM_SD` × SD.
pub const H_CONFIRM_SD: f64 = 7.0;
/// Offset level relative to the burst's RMS level.
pub const OFF_FRACTION: f64 = 0.25;
/// Time above (below) the threshold that starts (ends) a burst, s (Hodges & Bui 1996).
pub const MIN_RUN_S: f64 = 0.025;
/// Bursts shorter than this are flagged (myoclonus: 10–100 ms; clinical.md).
pub const SHORT_BURST_S: f64 = 0.1;

#[derive(Debug, Clone, Copy, PartialEq)]
enum State {
    Quiet,
    Active,
    /// After an offset, until the envelope is below the onset threshold.
    Rearm,
}

#[derive(Debug, Clone)]
pub struct BurstDetector {
    rate_hz: f64,
    window_s: f64,
    echo_s: f64,
    threshold: f64,
    confirm: f64,
    rest_ms: f64,
    min_run: u64,
    state: State,
    /// First index of the current run above (Quiet) or below (Active) the threshold.
    run_start: u64,
    run_len: u64,
    /// Sum of squares and peak of the envelope since the onset crossing, and of the current
    /// below-threshold run (added back if the burst resumes).
    sum_ms: f64,
    count: u64,
    run_sum_ms: f64,
    peak: f64,
    onset_cross: u64,
    /// Index after the last envelope sample seen.
    end: u64,
    pub bursts: Vec<EmgBurst>,
    pub active_samples: u64,
}

impl BurstDetector {
    /// For a resting envelope of mean `rest_rms` and SD `rest_sd`; `window_s` is the
    /// envelope window, `echo_s` how long the conditioning prolongs a burst's end.
    pub fn new(rate_hz: f64, rest_rms: f64, rest_sd: f64, window_s: f64, echo_s: f64) -> Self {
        BurstDetector {
            rate_hz,
            window_s,
            echo_s,
            threshold: rest_rms + H_SD * rest_sd,
            confirm: rest_rms + H_CONFIRM_SD * rest_sd,
            rest_ms: rest_rms * rest_rms,
            min_run: ((MIN_RUN_S * rate_hz).round() as u64).max(1),
            state: State::Quiet,
            run_start: 0,
            run_len: 0,
            sum_ms: 0.0,
            count: 0,
            run_sum_ms: 0.0,
            peak: 0.0,
            onset_cross: 0,
            end: 0,
            bursts: Vec::new(),
            active_samples: 0,
        }
    }

    /// The envelope sample at index `i` (time `i / rate`).
    #[inline]
    pub fn push(&mut self, i: u64, env: f64) {
        self.end = i + 1;
        let above = env > self.threshold;
        match self.state {
            State::Rearm => {
                if !above {
                    self.state = State::Quiet;
                }
            }
            State::Quiet => {
                if !above {
                    self.run_len = 0;
                    return;
                }
                if self.run_len == 0 {
                    self.run_start = i;
                    self.sum_ms = 0.0;
                    self.count = 0;
                    self.peak = 0.0;
                }
                self.run_len += 1;
                self.sum_ms += env * env;
                self.count += 1;
                self.peak = self.peak.max(env);
                if self.run_len >= self.min_run {
                    self.state = State::Active;
                    self.onset_cross = self.run_start;
                    self.run_len = 0;
                    self.run_sum_ms = 0.0;
                }
            }
            State::Active => {
                let level_ms = (self.sum_ms / self.count.max(1) as f64).max(0.0);
                let off = self.threshold.max(OFF_FRACTION * level_ms.sqrt());
                if env > off {
                    self.sum_ms += self.run_sum_ms + env * env;
                    self.count += self.run_len + 1;
                    self.run_len = 0;
                    self.run_sum_ms = 0.0;
                    self.peak = self.peak.max(env);
                    return;
                }
                if self.run_len == 0 {
                    self.run_start = i;
                }
                self.run_len += 1;
                self.run_sum_ms += env * env;
                if self.run_len >= self.min_run {
                    self.close(self.run_start, off);
                }
            }
        }
    }

    /// The onset threshold on the envelope.
    pub fn threshold(&self) -> f64 {
        self.threshold
    }

    /// Ends the burst whose envelope first fell below the offset level `off` at `end`.
    fn close(&mut self, end: u64, off: f64) {
        self.state = State::Rearm;
        self.run_len = 0;
        if self.peak < self.confirm {
            return;
        }
        let level_ms = self.sum_ms / self.count.max(1) as f64;
        // Fraction of the window inside the burst when the envelope crosses `level`.
        let inside = |level: f64| {
            if level_ms > self.rest_ms {
                ((level * level - self.rest_ms) / (level_ms - self.rest_ms)).clamp(0.0, 1.0)
            } else {
                0.5
            }
        };
        let w = self.window_s;
        let onset_s = self.onset_cross as f64 / self.rate_hz + w / 2.0 - inside(self.threshold) * w;
        let offset_s =
            (end as f64 / self.rate_hz - w / 2.0 + inside(off) * w - self.echo_s).max(onset_s);
        let duration_s = offset_s - onset_s;
        self.active_samples += end - self.onset_cross;
        self.bursts.push(EmgBurst {
            onset_s,
            offset_s,
            duration_s,
            peak: self.peak,
            short: duration_s < SHORT_BURST_S,
        });
    }

    /// Closes a burst still open at the end of the recording.
    pub fn finish(&mut self) {
        if self.state == State::Active {
            let end = if self.run_len > 0 {
                self.run_start
            } else {
                self.end
            };
            self.close(end, self.threshold);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sustained_excursion_is_a_burst_a_blip_is_not() {
        let rate = 1000.0;
        let mut d = BurstDetector::new(rate, 1.0, 0.1, 0.0, 0.0);
        let env = |i: u64| match i {
            100..=110 => 5.0, // 11 ms: too short to start a burst
            300..=399 => 1.5, // above 3 SD, never 7 SD: not confirmed
            500..=799 => 5.0, // a 300-ms burst
            800..=810 => 1.0, // 11 ms dip: too short to end it
            811..=899 => 5.0,
            _ => 1.0,
        };
        for i in 0..2000 {
            d.push(i, env(i));
        }
        d.finish();
        assert_eq!(d.bursts.len(), 1);
        assert_eq!(d.bursts[0].onset_s, 0.5);
        assert_eq!(d.bursts[0].offset_s, 0.9);
        assert!(!d.bursts[0].short);
    }
}
