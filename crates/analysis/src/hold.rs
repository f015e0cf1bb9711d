//! Neutral hold: time within 10° of neutral, the longest hold and the share of time deviated.
//!
//! 10° is the TWSTRS tolerance for the "time within 10° of neutral" item (Consky & Lang 1994;
//! clinical.md). Only axes with a reference are checked; the deviation of a sample is the
//! largest absolute angle over those axes. The deviation distribution is kept (0.1° bins) for
//! the TWSTRS duration factor.

use collis_core::results::NeutralHold;
use collis_core::Axis;
use collis_dsp::Histogram;

pub const TOLERANCE_DEG: f64 = 10.0;
/// The TWSTRS hold item observes up to 60 s.
pub const HOLD_ITEM_S: f64 = 60.0;

pub struct HoldTracker {
    axes: Vec<usize>,
    dt_s: f64,
    time_total_s: f64,
    time_within_s: f64,
    current_hold_s: f64,
    longest_hold_s: f64,
    first_hold_s: Option<f64>,
    deviation: Histogram,
}

impl HoldTracker {
    pub fn new(rate_hz: f64, referenced: [bool; 3]) -> Self {
        HoldTracker {
            axes: (0..3).filter(|&i| referenced[i]).collect(),
            dt_s: 1.0 / rate_hz,
            time_total_s: 0.0,
            time_within_s: 0.0,
            current_hold_s: 0.0,
            longest_hold_s: 0.0,
            first_hold_s: None,
            deviation: Histogram::new(0.0, 180.0, 0.1),
        }
    }

    #[inline]
    pub fn push(&mut self, angles: &[f64; 3]) {
        let dev = self
            .axes
            .iter()
            .map(|&i| angles[i].abs())
            .fold(0.0, f64::max);
        self.deviation.push(dev);
        self.time_total_s += self.dt_s;
        if dev <= TOLERANCE_DEG {
            self.time_within_s += self.dt_s;
            self.current_hold_s += self.dt_s;
            self.longest_hold_s = self.longest_hold_s.max(self.current_hold_s);
        } else {
            if self.first_hold_s.is_none() {
                self.first_hold_s = Some(self.current_hold_s);
            }
            self.current_hold_s = 0.0;
        }
    }

    /// Distribution of the per-sample deviation (deg).
    pub fn deviation(&self) -> &Histogram {
        &self.deviation
    }

    pub fn snapshot(&self) -> NeutralHold {
        let total = self.time_total_s.max(f64::MIN_POSITIVE);
        NeutralHold {
            tolerance_deg: TOLERANCE_DEG,
            axes: self.axes.iter().map(|&i| Axis::ALL[i]).collect(),
            time_within_s: self.time_within_s,
            fraction_within: self.time_within_s / total,
            fraction_deviated: 1.0 - self.time_within_s / total,
            longest_hold_s: self.longest_hold_s,
            first_hold_s: self
                .first_hold_s
                .unwrap_or(self.current_hold_s)
                .min(HOLD_ITEM_S),
        }
    }
}
