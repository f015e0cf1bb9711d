//! Mains-hum detection: is there a 50 Hz or a 60 Hz line in the raw signal?
//!
//! Welch PSD (1-s Hann segments, 1 Hz resolution; `collis_dsp::Welch`) of the first
//! [`DETECT_S`] seconds. A mains frequency is present when the power within ±1 Hz of it
//! exceeds [`MIN_PEAK_RATIO`] times what the neighbouring bands (2–8 Hz away) would put
//! there — at the fundamental or at a harmonic in the band (hum from rectifying power
//! supplies is rich in harmonics); of 50 and 60 Hz, the one whose lines stand out most wins.

use collis_dsp::Welch;

/// Seconds of raw signal examined (hum is stationary: its start is representative).
pub const DETECT_S: f64 = 10.0;
/// A hum line must stand 10 dB above its surroundings.
pub const MIN_PEAK_RATIO: f64 = 10.0;

/// Power in `f ± 1 Hz` over what the median density 2–8 Hz either side predicts.
fn peak_ratio(psd: &collis_dsp::Psd, f: f64) -> f64 {
    let bin = |hz: f64| (hz / psd.df_hz).round() as usize;
    let mut around: Vec<f64> = (bin(f - 8.0)..=bin(f - 2.0))
        .chain(bin(f + 2.0)..=bin(f + 8.0))
        .filter_map(|k| psd.density.get(k).copied())
        .collect();
    if around.is_empty() {
        return 0.0;
    }
    around.sort_by(f64::total_cmp);
    let floor = around[around.len() / 2] * 2.0;
    let peak = psd.band_power(f - 1.0, f + 1.0);
    if floor > 0.0 {
        peak / floor
    } else if peak > 0.0 {
        f64::INFINITY
    } else {
        0.0
    }
}

/// The mains frequency whose hum is in `raw` (lines up to `max_hz`), or `None`.
pub fn detect(raw: &[f64], rate_hz: f64, max_hz: f64) -> Option<f64> {
    let seg = rate_hz.round() as usize;
    if raw.len() < 2 * seg || rate_hz < 2.0 * 70.0 {
        return None;
    }
    let mut w = Welch::new(rate_hz, seg, seg);
    raw.iter().for_each(|&x| w.push(x));
    let psd = w.psd()?;
    [50.0, 60.0]
        .into_iter()
        .map(|f0| {
            let lines: Vec<(f64, f64)> = (1..)
                .map(|k| k as f64 * f0)
                .take_while(|&f| f + 8.0 < max_hz.min(rate_hz / 2.0))
                .map(|f| (f, peak_ratio(&psd, f)))
                .collect();
            (f0, lines.iter().map(|l| l.1).fold(0.0, f64::max))
        })
        .filter(|&(_, strongest)| strongest >= MIN_PEAK_RATIO)
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(mains_hz, _)| mains_hz)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::PI;

    fn noise(n: usize) -> impl Iterator<Item = f64> {
        let mut s: u64 = 7;
        (0..n).map(move |_| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (s >> 11) as f64 / (1u64 << 53) as f64 - 0.5
        })
    }

    #[test]
    fn finds_50_or_60_hz_or_nothing() {
        let rate = 1000.0;
        for (hum, want) in [
            (Some(50.0), Some(50.0)),
            (Some(60.0), Some(60.0)),
            (None, None),
        ] {
            let x: Vec<f64> = noise(20_000)
                .enumerate()
                .map(|(i, n)| {
                    let t = i as f64 / rate;
                    n + hum.map_or(0.0, |f| {
                        0.2 * (2.0 * PI * f * t).sin() + 0.1 * (2.0 * PI * 3.0 * f * t).sin()
                    })
                })
                .collect();
            assert_eq!(detect(&x, rate, 450.0), want, "{hum:?}");
        }
    }
}
