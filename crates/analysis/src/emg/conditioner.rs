//! Conditioning of one EMG channel, sample by sample: mains comb notch (when hum was found;
//! `collis_dsp::CombNotch`),
//! band-pass 20–450 Hz (4th-order Butterworth each side, upper edge limited to 0.45 × the
//! sampling rate; SENIAM / ISEK reporting standard: Merletti & Di Torino 1999), full-wave
//! rectification, and the centred moving-RMS envelope.
//!
//! The first sample is subtracted before filtering, so an ADC offset (2048 counts) does not
//! ring the high-pass, and the filters are primed with the first whole seconds of the
//! recording (a whole number of mains periods, so the hum runs on in phase) so that the
//! first samples are not start-up transients. Invalid samples (NaN) hold the last
//! valid value.

use collis_dsp::{Butterworth, CombNotch, FilterError, MovingRms};

/// Low edge of the surface-EMG band, Hz: removes movement artefact and baseline wander.
pub const BAND_LOW_HZ: f64 = 20.0;
/// High edge, Hz (limited to 0.45 × rate).
pub const BAND_HIGH_HZ: f64 = 450.0;
/// Envelope window, s: 25 ms, the averaging window of Hodges & Bui (1996).
pub const ENVELOPE_WINDOW_S: f64 = 0.025;

/// Samples of the recording's start used to prime the filters: whole seconds, up to 2 s.
pub fn prime_len(rate_hz: f64, available: usize) -> usize {
    let seconds = ((available as f64 / rate_hz).floor()).min(2.0);
    (seconds * rate_hz).round() as usize
}

/// The band actually used at `rate_hz`.
pub fn band_hz(rate_hz: f64) -> [f64; 2] {
    [BAND_LOW_HZ, BAND_HIGH_HZ.min(0.45 * rate_hz)]
}

#[derive(Clone)]
pub struct Conditioner {
    comb: Option<CombNotch>,
    band: Butterworth,
    rms: MovingRms,
    x0: Option<f64>,
    last: f64,
    pub invalid: u64,
}

impl Conditioner {
    /// With a comb notch at `mains_hz` (if any), primed with `prime` (see [`prime_len`]).
    pub fn new(rate_hz: f64, mains_hz: Option<f64>, prime: &[f64]) -> Result<Self, FilterError> {
        let [lo, hi] = band_hz(rate_hz);
        let mut c = Conditioner {
            comb: mains_hz.map(|f| CombNotch::new(f, rate_hz)).transpose()?,
            band: Butterworth::band_pass(4, lo, hi, rate_hz)?,
            rms: MovingRms::new(2 * (ENVELOPE_WINDOW_S * rate_hz / 2.0).round() as usize + 1),
            x0: None,
            last: 0.0,
            invalid: 0,
        };
        prime.iter().for_each(|&x| {
            c.push(x);
        });
        c.invalid = 0;
        Ok(c)
    }

    /// Envelope samples lag inputs by this many samples.
    pub fn delay(&self) -> usize {
        self.rms.delay()
    }

    /// How long the end of a burst echoes in the output (the comb's period), s.
    pub fn echo_s(&self) -> f64 {
        self.comb.as_ref().map_or(0.0, CombNotch::echo_s)
    }

    /// Window of the envelope, samples.
    pub fn window(&self) -> usize {
        2 * self.rms.delay() + 1
    }

    /// One raw sample → (band-passed sample, envelope of the sample `delay()` earlier).
    #[inline]
    pub fn push(&mut self, x: f64) -> (f64, Option<f64>) {
        let x = if x.is_finite() {
            self.last = x;
            x
        } else {
            self.invalid += 1;
            self.last
        };
        let x0 = *self.x0.get_or_insert(x);
        let notched = match &mut self.comb {
            Some(c) => c.run(x - x0),
            None => x - x0,
        };
        let y = self.band.run(notched);
        (y, self.rms.push(y))
    }
}
