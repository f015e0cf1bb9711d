//! Orientation of one buffer of samples from the whole buffer (past and future), after offline
//! VQF (Laidig & Seel, "VQF", Information Fusion 2023, and its reference `offline_vqf`):
//!
//! 1. gyroscope bias per sample: either real-time VQF run forward and backward over the
//!    buffer (on two threads), the two estimates fused by their inverse covariances, or a
//!    known bias (a still segment, true rest);
//! 2. the gyroscope integrated with that bias (no corrections);
//! 3. the accelerometer rotated into the integrated frame, low-passed forward and backward
//!    (zero phase: a slow drift of the integration is followed without lag), and the
//!    inclination corrected;
//! 4. the heading: the magnetometer's disagreement angle in that frame, filtered forward and
//!    then backward (first order, τ_mag, holding through magnetic disturbances).
//!
//! Steps 3 and 4 run on group means at about 25 Hz and their corrections are interpolated to
//! every sample (the gyroscope is integrated at full rate): the corrections change over
//! seconds, and this keeps the whole-recording estimate as fast as the causal filter.
//!
//! Written here rather than taken from a crate: `vqf-rs` has only the real-time filter, and
//! the offline steps need their own buffers (kept and reused across blocks).

use collis_core::ImuSample;
use collis_dsp::LineFit;
use nalgebra::{Matrix3, Quaternion, UnitQuaternion, Vector3};
use std::f64::consts::PI;

/// Rate at which the corrections are computed, Hz (at least; every sample's is interpolated):
/// they follow the accelerometer and magnetometer through filters of 3 and 9 s, so a few Hz
/// would do; 25 Hz keeps the boxcar average before the decimation far above them.
const CORRECTION_RATE_HZ: f64 = 25.0;
/// VQF's accelerometer low-pass time constant, seconds (its default `tau_acc`).
pub const TAU_ACC_S: f64 = 3.0;
/// VQF's magnetometer time constant, seconds (its default `tau_mag`).
pub const TAU_MAG_S: f64 = 9.0;
/// Magnetic disturbance: field norm off its reference by more than this share, or dip by more
/// than [`MAG_DIP_TH_DEG`] (VQF's defaults `magNormTh`, `magDipTh`).
const MAG_NORM_TH: f64 = 0.1;
const MAG_DIP_TH_DEG: f64 = 10.0;
/// Longest time a disturbed field is ignored outright before it is fused at a reduced gain,
/// and that gain's divisor (VQF's defaults `magMaxRejectionTime`, `magRejectionFactor`).
const MAG_MAX_REJECTION_S: f64 = 60.0;
const MAG_REJECTION_FACTOR: f64 = 2.0;

/// Where each sample's gyroscope bias comes from.
#[derive(Clone)]
pub enum BlockBias {
    /// Real-time VQF with these parameters, forward and backward, fused (offline VQF).
    Vqf(Box<vqf_rs::Params>),
    /// A known bias, rad/s in the sensor frame, for every sample.
    Known([f64; 3]),
}

/// What the estimate saw in the buffer.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct BlockStats {
    /// Samples whose magnetometer was not fused (disturbed or missing), 9D only.
    pub mag_disturbed: u64,
}

/// Reusable buffers for [`estimate`].
#[derive(Default)]
pub struct Scratch {
    bias: Vec<[f64; 3]>,
    acc: Vec<[f64; 3]>,
    mag: Vec<Option<Vector3<f64>>>,
    correction: Vec<UnitQuaternion<f64>>,
    delta: Vec<f64>,
    disturbed: Vec<bool>,
    fwd: Vec<([f64; 3], Matrix3<f64>, bool)>,
    bwd: Vec<([f64; 3], Matrix3<f64>, bool)>,
}

/// Orientation (sensor → earth ENU) of every sample in `samples`, written into `out`.
/// `rate_hz` sets the filters; the gyroscope is integrated over each sample's real time step
/// (the nominal one across gaps, as the causal filter does).
pub fn estimate(
    samples: &[ImuSample],
    rate_hz: f64,
    use_mag: bool,
    bias: &BlockBias,
    scratch: &mut Scratch,
    out: &mut Vec<UnitQuaternion<f64>>,
) -> BlockStats {
    out.clear();
    let n = samples.len();
    if n == 0 {
        return BlockStats::default();
    }
    let ts = 1.0 / rate_hz;
    let use_mag = use_mag && samples.iter().any(|s| s.mag.is_some());
    scratch.bias.clear();
    scratch.disturbed.clear();
    match bias {
        BlockBias::Known(b) => scratch.bias.resize(n, *b),
        BlockBias::Vqf(params) => vqf_bias(samples, ts, use_mag, params, scratch),
    }

    // 2. Integrate the gyroscope with the bias.
    let mut q = UnitQuaternion::identity();
    let mut last_t: Option<f64> = None;
    for (s, b) in samples.iter().zip(&scratch.bias) {
        let dt = match last_t {
            Some(t0) if s.time_s - t0 > 0.0 && s.time_s - t0 < 5.0 * ts => s.time_s - t0,
            _ => ts,
        };
        last_t = Some(s.time_s);
        let w = Vector3::new(
            s.gyr_rad_s[0] - b[0],
            s.gyr_rad_s[1] - b[1],
            s.gyr_rad_s[2] - b[2],
        );
        q *= UnitQuaternion::from_scaled_axis(w * dt);
        out.push(q);
    }

    // 3–4. The corrections change slowly (time constants of seconds), so they are computed
    // on groups of samples at about CORRECTION_RATE_HZ and interpolated between group
    // centres: the accelerometer and magnetometer, rotated into the integrated frame, are
    // averaged per group (a boxcar low-pass before the decimation).
    let k = ((rate_hz / CORRECTION_RATE_HZ).floor() as usize).max(1);
    let tg = ts * k as f64;
    scratch.acc.clear();
    scratch.mag.clear();
    for (group, quats) in samples.chunks(k).zip(out.chunks(k)) {
        let (mut acc, mut mag, mut with_mag) = (Vector3::zeros(), Vector3::zeros(), 0usize);
        for (s, q) in group.iter().zip(quats) {
            acc += q * Vector3::from(s.acc_m_s2);
            if let (true, Some(m)) = (use_mag, s.mag) {
                mag += q * Vector3::from(m);
                with_mag += 1;
            }
        }
        scratch.acc.push((acc / group.len() as f64).into());
        scratch
            .mag
            .push((with_mag > 0).then(|| mag / with_mag as f64));
    }
    let groups = scratch.acc.len();

    // 3. Inclination: the accelerometer low-passed forward and backward about its linear
    // trend (so that a drift of the integration is followed without lag up to the buffer's
    // ends), then corrected group by group.
    let trends: [(f64, f64); 3] = std::array::from_fn(|i| {
        linear_fit(
            scratch
                .acc
                .iter()
                .enumerate()
                .map(|(j, a)| (j as f64, a[i])),
        )
    });
    let at = |j: usize, i: usize| trends[i].0 + trends[i].1 * j as f64;
    for (j, a) in scratch.acc.iter_mut().enumerate() {
        for (i, v) in a.iter_mut().enumerate() {
            *v -= at(j, i);
        }
    }
    low_pass_forward_backward(&mut scratch.acc, TAU_ACC_S, tg);
    for (j, a) in scratch.acc.iter_mut().enumerate() {
        for (i, v) in a.iter_mut().enumerate() {
            *v += at(j, i);
        }
    }
    scratch.correction.clear();
    let mut acc_corr = UnitQuaternion::identity();
    for a in &scratch.acc {
        let e = (acc_corr * Vector3::from(*a)).normalize();
        let w = ((e.z + 1.0) / 2.0).sqrt();
        let step = if w > 1e-6 {
            Quaternion::new(w, 0.5 * e.y / w, -0.5 * e.x / w, 0.0)
        } else {
            Quaternion::new(0.0, 1.0, 0.0, 0.0)
        };
        acc_corr = UnitQuaternion::new_normalize(step * acc_corr.into_inner());
        scratch.correction.push(acc_corr);
    }

    // 4. Heading from the magnetometer.
    let mut stats = BlockStats::default();
    if use_mag {
        scratch.delta.clear();
        let mut field = Vec::with_capacity(groups);
        for (m, c) in scratch.mag.iter().zip(&scratch.correction) {
            match m {
                Some(m) => {
                    let e = c * m;
                    scratch.delta.push(e.x.atan2(e.y));
                    let norm = e.norm();
                    field.push((norm, (e.z / norm).clamp(-1.0, 1.0).asin()));
                }
                None => {
                    scratch.delta.push(f64::NAN);
                    field.push((f64::NAN, f64::NAN));
                }
            }
        }
        let mut disturbed: Vec<bool> = match bias {
            // Without VQF's own passes, a group is disturbed when its field norm or dip leaves
            // the buffer's median (the undisturbed field, when most of the recording is).
            BlockBias::Known(_) => {
                let norm_ref = median(field.iter().map(|f| f.0));
                let dip_ref = median(field.iter().map(|f| f.1));
                field
                    .iter()
                    .map(|&(norm, dip)| {
                        !((norm - norm_ref).abs() < MAG_NORM_TH * norm_ref
                            && (dip - dip_ref).abs() < MAG_DIP_TH_DEG.to_radians())
                    })
                    .collect()
            }
            // VQF's per-sample flags: a group is disturbed when most of its samples are.
            BlockBias::Vqf(_) => scratch
                .disturbed
                .chunks(k)
                .map(|g| 2 * g.iter().filter(|d| **d).count() > g.len())
                .collect(),
        };
        for (d, del) in disturbed.iter_mut().zip(&scratch.delta) {
            *d |= del.is_nan();
        }
        stats.mag_disturbed = disturbed
            .iter()
            .enumerate()
            .filter(|(_, d)| **d)
            .map(|(g, _)| k.min(n - g * k) as u64)
            .sum();
        // A gyroscope bias error about the vertical makes the disagreement a ramp; the filters
        // follow a ramp without lag except near the buffer's ends, where the neutral hold
        // often is. Filtering the disagreement about its own linear trend keeps the ends right.
        let trend = delta_trend(&scratch.delta, &disturbed);
        for (j, d) in scratch.delta.iter_mut().enumerate() {
            *d = wrap(*d - trend(j));
        }
        filter_delta(&mut scratch.delta, &disturbed, tg, false);
        filter_delta(&mut scratch.delta, &disturbed, tg, true);
        for ((j, d), c) in scratch
            .delta
            .iter()
            .enumerate()
            .zip(scratch.correction.iter_mut())
        {
            *c = UnitQuaternion::from_axis_angle(&Vector3::z_axis(), wrap(*d + trend(j))) * *c;
        }
    }

    // The corrections, interpolated between group centres, applied to every sample.
    let centre = |g: usize| (g * k) as f64 + 0.5 * (k.min(n - g * k) - 1) as f64;
    for (i, q) in out.iter_mut().enumerate() {
        let x = i as f64;
        let g = i / k;
        let (a, b) = if x < centre(g) && g > 0 {
            (g - 1, g)
        } else if g + 1 < groups {
            (g, g + 1)
        } else {
            (g, g)
        };
        let c = if a == b {
            scratch.correction[a]
        } else {
            let f = ((x - centre(a)) / (centre(b) - centre(a))).clamp(0.0, 1.0);
            let (qa, qb) = (
                scratch.correction[a].into_inner(),
                scratch.correction[b].into_inner(),
            );
            let qb = if qa.dot(&qb) < 0.0 { -qb } else { qb };
            UnitQuaternion::new_normalize(qa * (1.0 - f) + qb * f)
        };
        *q = c * *q;
    }
    stats
}

/// Step 1 of offline VQF: real-time VQF forward and (gyroscope negated, time reversed)
/// backward, each keeping its bias estimate and covariance per sample, fused
/// `b = (P₁⁻¹ + P₂⁻¹)⁻¹ (P₁⁻¹ b₁ − P₂⁻¹ b₂)` (the backward pass estimates −b). Rest and
/// disturbance flags: disturbed only when both passes saw a disturbance.
fn vqf_bias(
    samples: &[ImuSample],
    ts: f64,
    use_mag: bool,
    params: &vqf_rs::Params,
    scratch: &mut Scratch,
) {
    let pass = |backward: bool, out: &mut Vec<([f64; 3], Matrix3<f64>, bool)>| {
        out.clear();
        let mut vqf = vqf_rs::VQF::new(ts, None, None, Some(*params));
        let mut step = |s: &ImuSample| {
            let g = if backward {
                s.gyr_rad_s.map(|g| -g)
            } else {
                s.gyr_rad_s
            };
            vqf.update(g, s.acc_m_s2, if use_mag { s.mag } else { None });
            let p = vqf.state().bias_p.0;
            let p = Matrix3::from_fn(|i, j| p[i][j]);
            let p_inv = p.try_inverse().unwrap_or_else(Matrix3::zeros);
            out.push((vqf.state().bias, p_inv, vqf.mag_dist_detected()));
        };
        if backward {
            samples.iter().rev().for_each(&mut step);
            out.reverse();
        } else {
            samples.iter().for_each(&mut step);
        }
    };
    let (fwd, bwd) = (&mut scratch.fwd, &mut scratch.bwd);
    std::thread::scope(|scope| {
        scope.spawn(|| pass(true, bwd));
        pass(false, fwd);
    });
    for ((b1, p1, d1), (b2, p2, d2)) in scratch.fwd.iter().zip(&scratch.bwd) {
        let sum = p1 + p2;
        let rhs = p1 * Vector3::from(*b1) - p2 * Vector3::from(*b2);
        let b = sum.try_inverse().map_or(Vector3::zeros(), |inv| inv * rhs);
        scratch.bias.push(b.into());
        scratch.disturbed.push(*d1 && *d2);
    }
}

/// Zero-phase second-order Butterworth low-pass with time constant `tau` (VQF's filter
/// design), forward then backward. The forward pass starts from the mean of the first `tau`
/// seconds, the backward pass from a steady state at the last value (as offline VQF does).
fn low_pass_forward_backward(x: &mut [[f64; 3]], tau: f64, ts: f64) {
    if x.is_empty() {
        return;
    }
    let fc = std::f64::consts::SQRT_2 / (2.0 * PI) / tau;
    let c = (PI * fc * ts).tan();
    let d = c * c + std::f64::consts::SQRT_2 * c + 1.0;
    let b0 = c * c / d;
    let (b1, b2) = (2.0 * b0, b0);
    let a1 = 2.0 * (c * c - 1.0) / d;
    let a2 = (1.0 - std::f64::consts::SQRT_2 * c + c * c) / d;
    let steady = |x0: f64| [x0 * (1.0 - b0), x0 * (b2 - a2)];
    let step = |x: f64, s: &mut [f64; 2]| {
        let y = b0 * x + s[0];
        s[0] = b1 * x - a1 * y + s[1];
        s[1] = b2 * x - a2 * y;
        y
    };
    // Forward: the running mean for the first `tau` seconds, then the filter from there.
    let warm = ((tau / ts).ceil() as usize).clamp(1, x.len());
    let mut sum = [0.0; 3];
    for (k, v) in x.iter_mut().take(warm).enumerate() {
        for i in 0..3 {
            sum[i] += v[i];
            v[i] = sum[i] / (k + 1) as f64;
        }
    }
    let mut state = std::array::from_fn::<_, 3, _>(|i| steady(x[warm - 1][i]));
    for v in x.iter_mut().skip(warm) {
        for i in 0..3 {
            v[i] = step(v[i], &mut state[i]);
        }
    }
    let last = x[x.len() - 1];
    let mut state = std::array::from_fn::<_, 3, _>(|i| steady(last[i]));
    for v in x.iter_mut().rev() {
        for i in 0..3 {
            v[i] = step(v[i], &mut state[i]);
        }
    }
}

/// First-order filter of the heading disagreement `delta` (rad) in one direction, holding
/// through disturbed samples for up to a minute, with VQF's fast initial convergence (a gain
/// of at least 1/k for the first samples, until τ_mag).
fn filter_delta(delta: &mut [f64], disturbed: &[bool], ts: f64, backward: bool) {
    let n = delta.len();
    let k_mag = 1.0 - (-ts / TAU_MAG_S).exp();
    let first = (0..n)
        .map(|i| if backward { n - 1 - i } else { i })
        .find(|&j| !disturbed[j]);
    let Some(first) = first else {
        delta.iter_mut().for_each(|d| *d = 0.0);
        return;
    };
    let mut d = delta[first];
    let mut k_init = 1.0;
    let mut rejected_s = 0.0;
    for i in 0..n {
        let j = if backward { n - 1 - i } else { i };
        let mut k = k_mag;
        if disturbed[j] {
            if rejected_s <= MAG_MAX_REJECTION_S {
                rejected_s += ts;
                k = 0.0;
            } else {
                k /= MAG_REJECTION_FACTOR;
            }
        } else {
            rejected_s = (rejected_s - MAG_REJECTION_FACTOR * ts).max(0.0);
        }
        let dis = if delta[j].is_nan() {
            0.0
        } else {
            wrap(delta[j] - d)
        };
        if k_init != 0.0 && !disturbed[j] {
            k = k.max(k_init);
            k_init /= k_init + 1.0;
            if k_init * TAU_MAG_S < ts {
                k_init = 0.0;
            }
        }
        d = wrap(d + k * dis);
        delta[j] = d;
    }
}

/// Least-squares line `y = a + b x` through the points.
fn linear_fit(points: impl Iterator<Item = (f64, f64)>) -> (f64, f64) {
    let mut fit = LineFit::default();
    points.for_each(|(x, y)| fit.push(x, y));
    fit.line()
}

/// The linear trend of the heading disagreement over the undisturbed samples (unwrapped),
/// as a function of the sample index.
fn delta_trend(delta: &[f64], disturbed: &[bool]) -> impl Fn(usize) -> f64 {
    let mut unwrapped = 0.0;
    let mut last: Option<f64> = None;
    let points = delta
        .iter()
        .zip(disturbed)
        .enumerate()
        .filter(|(_, (d, dist))| !**dist && d.is_finite())
        .map(|(j, (d, _))| {
            unwrapped += last.map_or(*d, |l| wrap(*d - l));
            last = Some(*d);
            (j as f64, unwrapped)
        });
    let (a, b) = linear_fit(points);
    move |j| a + b * j as f64
}

fn wrap(a: f64) -> f64 {
    if a > PI {
        a - 2.0 * PI
    } else if a < -PI {
        a + 2.0 * PI
    } else {
        a
    }
}

/// Median of the finite values (NaN when there is none).
fn median(values: impl Iterator<Item = f64>) -> f64 {
    let mut v: Vec<f64> = values.filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return f64::NAN;
    }
    let mid = v.len() / 2;
    *v.select_nth_unstable_by(mid, f64::total_cmp).1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_phase_low_pass_keeps_slow_signals_in_phase() {
        let w = 2.0 * PI / 60.0;
        let mut x: Vec<[f64; 3]> = (0..12000)
            .map(|i| [(w * i as f64 * 0.01).sin(), 1.0, -2.0])
            .collect();
        low_pass_forward_backward(&mut x, 3.0, 0.01);
        // Away from the ends, a 60-s sine passes without delay and nearly unchanged.
        for (i, v) in x.iter().enumerate().skip(3000).take(6000) {
            assert!(
                (v[0] - (w * i as f64 * 0.01).sin()).abs() < 0.02,
                "{i}: {}",
                v[0]
            );
            assert!((v[1] - 1.0).abs() < 1e-9 && (v[2] + 2.0).abs() < 1e-9);
        }
    }
}
