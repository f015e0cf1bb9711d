//! A patient's treatment history at known effect sizes: botulinum toxin injections every
//! `interval_days`, each reducing the severity (see [`SimOptions::severity`]) by its own
//! effect, with its own time to best effect and wear-off, and clinic visits at a fixed
//! interval. Simulating a recording at each visit with [`BotulinumHistory::severity_on_day`]
//! gives a longitudinal record whose cycle figures are known.
//!
//! Effect curve of one injection, `τ` days after it (botulinum toxin: effect starts within
//! days, peaks in weeks, wears off before the next cycle — clinical.md, "Treatment facts"):
//! rises linearly to `effect` at `best_day`, then falls linearly, passing half the effect at
//! `wear_off_day` and reaching zero at `2·wear_off_day − best_day` (before the next
//! injection, so each cycle starts from the untreated severity).
//!
//! [`SimOptions::severity`]: crate::SimOptions::severity

use serde::{Deserialize, Serialize};

/// The truth of one injection cycle.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CycleTruth {
    /// Day of the injection (days from the first visit).
    pub injection_day: f64,
    /// Fractional reduction of the severity at the best point (0.5 = halved).
    pub effect: f64,
    /// Days from the injection to the best effect.
    pub best_day: f64,
    /// Days from the injection until the severity is back halfway from best to baseline.
    pub wear_off_day: f64,
}

impl CycleTruth {
    /// Reduction of the severity `tau` days after this injection (0 before it).
    fn reduction(&self, tau: f64) -> f64 {
        let end = 2.0 * self.wear_off_day - self.best_day;
        let shape = if tau <= 0.0 || tau >= end {
            0.0
        } else if tau <= self.best_day {
            tau / self.best_day
        } else {
            (end - tau) / (end - self.best_day)
        };
        self.effect * shape
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BotulinumHistory {
    pub visit_interval_days: f64,
    pub visits: usize,
    pub cycles: Vec<CycleTruth>,
}

impl BotulinumHistory {
    /// Three 12-week cycles with visits every 2 weeks (19 visits, days 0–252): effects of
    /// 55 %, 40 % and 65 %, best at 4, 5 and 3 weeks, wear-off at 8, 8 and 7 weeks.
    pub fn three_cycles() -> Self {
        let cycle = |injection_day, effect, best_day, wear_off_day| CycleTruth {
            injection_day,
            effect,
            best_day,
            wear_off_day,
        };
        BotulinumHistory {
            visit_interval_days: 14.0,
            visits: 19,
            cycles: vec![
                cycle(0.0, 0.55, 28.0, 56.0),
                cycle(84.0, 0.40, 35.0, 56.0),
                cycle(168.0, 0.65, 21.0, 49.0),
            ],
        }
    }

    /// Day of visit `k`.
    pub fn visit_day(&self, k: usize) -> f64 {
        k as f64 * self.visit_interval_days
    }

    /// Severity on `day` (1 = untreated), for [`crate::SimOptions::severity`]. A visit on an
    /// injection day is measured before the injection.
    pub fn severity_on_day(&self, day: f64) -> f64 {
        let reduction: f64 = self
            .cycles
            .iter()
            .map(|c| c.reduction(day - c.injection_day))
            .sum();
        (1.0 - reduction).max(0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cycles_follow_their_truth() {
        let h = BotulinumHistory::three_cycles();
        for c in &h.cycles {
            let at = |tau: f64| h.severity_on_day(c.injection_day + tau);
            assert_eq!(at(0.0), 1.0);
            assert!((at(c.best_day) - (1.0 - c.effect)).abs() < 1e-12);
            // Halfway back from best to baseline at the wear-off day.
            assert!((at(c.wear_off_day) - (1.0 - c.effect / 2.0)).abs() < 1e-12);
            assert!(at(c.best_day - 1.0) > at(c.best_day) && at(c.best_day + 1.0) > at(c.best_day));
            // Untreated again by the next injection (84 days later).
            let end = 2.0 * c.wear_off_day - c.best_day;
            assert!(end <= 84.0);
            assert_eq!(at(end), 1.0);
        }
        assert_eq!(h.visit_day(h.visits - 1), 252.0);
    }
}
