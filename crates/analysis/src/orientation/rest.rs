//! True rest: the sensor lying still (before it is put on, or set down), where the gyroscope
//! reads its bias and nothing else. Worn on a head, postural sway (0.5–1° at 0.1–0.2 Hz;
//! `../shared/notes/orientation.md`) moves the gravity direction by tenths of a degree within
//! a second or two and the angular rate by tenths of a degree per second; a sensor lying on a
//! table moves neither beyond its noise. VQF's own rest detector (rate < 2 °/s) takes such
//! sway for rest, which is why this stricter test exists.
//!
//! The samples are summarised in 0.5-s chunks (mean rate and mean gravity direction); a chunk
//! is still when its neighbours within ±1 s stay within [`GYR_RANGE_DPS`] per axis and
//! [`ACC_RANGE_DEG`] of direction of it; a rest is a run of still chunks at least
//! [`MIN_REST_S`] long.

use collis_core::ImuSample;
use nalgebra::Vector3;

/// Chunk length, seconds: averages the gyroscope's white noise (≈ 0.2–0.7 °/s per sample on
/// consumer sensors) down below the rate changes that sway causes.
const CHUNK_S: f64 = 0.5;
/// Largest spread of the chunk mean rates within a rest run, °/s per axis. Sway of 0.5° at
/// 0.15 Hz changes the rate by ≈ 0.5 °/s within 2 s; chunk means of a still sensor scatter by
/// ≈ 0.035 °/s (0.25 °/s noise over 50 samples), up to ≈ 0.2 °/s over a long run.
const GYR_RANGE_DPS: f64 = 0.3;
/// Largest spread of the chunk mean gravity directions within ±1 s, degrees. Accelerometer
/// noise of 0.03 m/s² leaves ≈ 0.025° per chunk mean, up to ≈ 0.12° between chunks; sway
/// of 0.5° at 0.1–0.2 Hz moves gravity by 0.2–0.9° within 2 s (and its rate by more than
/// [`GYR_RANGE_DPS`] even at its turning points).
const ACC_RANGE_DEG: f64 = 0.25;
/// Chunks either side that a still chunk must agree with (±1 s).
const WINDOW: usize = 2;
/// Shortest rest run that is used, seconds.
pub const MIN_REST_S: f64 = 3.0;

/// A stretch of true rest and the gyroscope bias it shows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rest {
    pub start_s: f64,
    pub end_s: f64,
    /// Mean angular rate over the rest, rad/s (sensor frame): the bias.
    pub bias_rad_s: [f64; 3],
    /// Standard error of that mean, rad/s (largest axis).
    pub bias_sigma_rad_s: f64,
}

struct Chunk {
    start_s: f64,
    end_s: f64,
    first: usize,
    last: usize,
    gyr: [f64; 3],
    acc: Vector3<f64>,
}

/// The longest true rest in `samples` (at least [`MIN_REST_S`]), if any.
pub fn longest_rest(samples: &[ImuSample], rate_hz: f64) -> Option<Rest> {
    let per_chunk = ((CHUNK_S * rate_hz).round() as usize).max(2);
    let chunks: Vec<Chunk> = samples
        .chunks(per_chunk)
        .enumerate()
        .filter(|(_, c)| c.len() == per_chunk)
        .map(|(k, c)| {
            let n = c.len() as f64;
            let mut gyr = [0.0; 3];
            let mut acc = Vector3::zeros();
            for s in c {
                for (g, w) in gyr.iter_mut().zip(s.gyr_rad_s) {
                    *g += w / n;
                }
                acc += Vector3::from(s.acc_m_s2);
            }
            Chunk {
                start_s: c[0].time_s,
                end_s: c[c.len() - 1].time_s,
                first: k * per_chunk,
                last: k * per_chunk + c.len() - 1,
                gyr,
                acc: acc.normalize(),
            }
        })
        .collect();
    let gyr_range = GYR_RANGE_DPS.to_radians();
    let acc_cos = ACC_RANGE_DEG.to_radians().cos();
    // A chunk is still when the chunks within ±WINDOW of it (contiguous in time) agree with it
    // and among themselves: a noisy chunk then ends no run that its neighbours hold.
    let still = |k: usize| {
        let lo = k.saturating_sub(WINDOW);
        let hi = (k + WINDOW).min(chunks.len() - 1);
        let w = &chunks[lo..=hi];
        let contiguous = w
            .windows(2)
            .all(|p| p[1].start_s - p[0].end_s <= 2.0 / rate_hz);
        contiguous
            && (0..3).all(|i| {
                let (mn, mx) = w
                    .iter()
                    .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), c| {
                        (a.min(c.gyr[i]), b.max(c.gyr[i]))
                    });
                mx - mn <= gyr_range
            })
            && w.iter().all(|c| chunks[k].acc.dot(&c.acc) >= acc_cos)
    };
    let mut best: Option<(usize, usize)> = None;
    let mut run: Option<usize> = None;
    for k in 0..=chunks.len() {
        let is_still = k < chunks.len() && still(k);
        match (is_still, run) {
            (true, None) => run = Some(k),
            (false, Some(start)) => {
                let end = k - 1;
                if chunks[end].end_s - chunks[start].start_s >= MIN_REST_S
                    && best.is_none_or(|(a, b)| end - start > b - a)
                {
                    best = Some((start, end));
                }
                run = None;
            }
            _ => {}
        }
    }
    let (a, b) = best?;
    let run = &samples[chunks[a].first..=chunks[b].last];
    let n = run.len() as f64;
    let mean: [f64; 3] =
        std::array::from_fn(|i| run.iter().map(|s| s.gyr_rad_s[i]).sum::<f64>() / n);
    let sigma = (0..3)
        .map(|i| {
            let var = run
                .iter()
                .map(|s| (s.gyr_rad_s[i] - mean[i]).powi(2))
                .sum::<f64>()
                / (n - 1.0);
            (var / n).sqrt()
        })
        .fold(0.0, f64::max);
    Some(Rest {
        start_s: chunks[a].start_s,
        end_s: chunks[b].end_s,
        bias_rad_s: mean,
        bias_sigma_rad_s: sigma,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;
    use rand_distr::StandardNormal;

    fn recording(sway_deg: f64, lying_still_s: f64) -> Vec<ImuSample> {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let bias = [0.004, -0.003, 0.0035];
        (0..3000)
            .map(|k| {
                let t = k as f64 / 100.0;
                let w = 2.0 * std::f64::consts::PI * 0.15;
                let on_head = t >= lying_still_s;
                let sway = if on_head { sway_deg.to_radians() } else { 0.0 };
                let angle = sway * (w * t).sin();
                let rate = sway * w * (w * t).cos();
                let n = |rng: &mut ChaCha8Rng, s: f64| s * rng.sample::<f64, _>(StandardNormal);
                ImuSample {
                    time_s: t,
                    gyr_rad_s: [
                        bias[0] + rate + n(&mut rng, 0.004),
                        bias[1] + n(&mut rng, 0.004),
                        bias[2] + 0.5 * rate + n(&mut rng, 0.004),
                    ],
                    acc_m_s2: [
                        9.81 * angle.sin() + n(&mut rng, 0.03),
                        n(&mut rng, 0.03),
                        9.81 * angle.cos() + n(&mut rng, 0.03),
                    ],
                    mag: None,
                }
            })
            .collect()
    }

    #[test]
    fn a_sensor_lying_still_is_rest_and_gives_its_bias() {
        let r = longest_rest(&recording(0.7, 8.0), 100.0).expect("rest");
        assert!(r.start_s < 0.5 && (6.5..=8.1).contains(&r.end_s), "{r:?}");
        for (b, t) in r.bias_rad_s.iter().zip([0.004, -0.003, 0.0035]) {
            assert!((b - t).abs() < 3.0 * r.bias_sigma_rad_s + 1e-5, "{r:?}");
        }
    }

    #[test]
    fn postural_sway_is_not_rest() {
        assert_eq!(longest_rest(&recording(0.5, 0.0), 100.0), None);
    }
}
