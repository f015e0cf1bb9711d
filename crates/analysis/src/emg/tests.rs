//! The EMG analysis against synthetic recordings with known bursts (collis-sim): the
//! acceptance figures of issue 6 — onsets and offsets within 30 ms, burst count exact,
//! left/right asymmetry within 5 % — with 50 Hz hum larger than the EMG and baseline wander.

use super::*;
use collis_core::emg::Emg;
use collis_sim::{simulate_emg, EmgSim, EmgSimOptions};

pub(crate) fn setup_for(sim: &EmgSim) -> EmgSetup {
    EmgSetup {
        channels: sim
            .labels
            .iter()
            .map(|l| ChannelSetup {
                label: l.clone(),
                site: MuscleSite::from_label(l),
                rate_hz: sim.rate_hz,
                unit: "uV".to_string(),
                mvc_rms: None,
            })
            .collect(),
        baseline_s: None,
    }
}

fn analyse(opts: &EmgSimOptions) -> (EmgSim, Emg) {
    let sim = simulate_emg(opts);
    let (emg, warnings) = analyse_slices(&setup_for(&sim), &sim.data, 0.5).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    (sim, emg)
}

#[test]
fn bursts_onsets_offsets_and_asymmetry_match_the_truth() {
    for seed in 1..=3 {
        let (sim, emg) = analyse(&EmgSimOptions::neck(seed));
        for (c, truth) in emg.channels.iter().zip(&sim.truth) {
            assert_eq!(c.mains_hz, Some(50.0), "{}", c.label);
            let got: Vec<[f64; 2]> = c.bursts.iter().map(|b| [b.onset_s, b.offset_s]).collect();
            assert_eq!(
                got.len(),
                truth.bursts.len(),
                "seed {seed} {}: {got:?}",
                c.label
            );
            for (g, t) in got.iter().zip(&truth.bursts) {
                assert!(
                    (g[0] - t[0]).abs() <= 0.030 && (g[1] - t[1]).abs() <= 0.030,
                    "seed {seed} {}: {g:?} vs {t:?}",
                    c.label
                );
            }
            let short = truth.bursts.iter().filter(|b| b[1] - b[0] < 0.1).count() as u64;
            assert_eq!(c.short_burst_count, short, "{}", c.label);
        }
        let scm = &emg.asymmetry[0];
        let (l, r) = (sim.truth[0].activity_rms_uv, sim.truth[1].activity_rms_uv);
        let want = (r - l) / (r + l);
        assert!((scm.index - want).abs() < 0.05, "{} vs {want}", scm.index);
        let ratio = scm.ratio_right_left.unwrap();
        assert!((ratio / (r / l) - 1.0).abs() < 0.05, "{ratio} vs {}", r / l);
        assert!(
            emg.asymmetry[1].index.abs() < 0.05,
            "{:?}",
            emg.asymmetry[1]
        );
        // SCM and splenius overlap in part: a co-contraction index between 0 and 100 %.
        assert_eq!(emg.co_contraction.len(), 2);
        assert!(emg
            .co_contraction
            .iter()
            .all(|c| c.index_pct > 5.0 && c.index_pct < 60.0));
    }
}

#[test]
fn no_hum_no_notch_and_60_hz_is_found() {
    let base = EmgSimOptions::neck(4);
    for (hum_hz, hum_uv, want) in [(60.0, 150.0, Some(60.0)), (50.0, 0.0, None)] {
        let (_, emg) = analyse(&EmgSimOptions {
            hum_hz,
            hum_uv,
            duration_s: 20.0,
            ..base.clone()
        });
        assert!(
            emg.channels.iter().all(|c| c.mains_hz == want),
            "{hum_hz} {hum_uv}"
        );
    }
}

#[test]
fn rest_segment_and_bad_input() {
    let sim = simulate_emg(&EmgSimOptions {
        duration_s: 20.0,
        ..EmgSimOptions::neck(5)
    });
    let mut setup = setup_for(&sim);
    setup.baseline_s = Some([0.5, 1.9]);
    let (emg, _) = analyse_slices(&setup, &sim.data, 1.0).unwrap();
    assert_eq!(emg.channels[0].bursts.len(), 6);
    // A rest segment outside the recording, a rate too low for EMG, NaN samples.
    setup.baseline_s = Some([100.0, 101.0]);
    assert!(analyse_slices(&setup, &sim.data, 1.0).is_err());
    setup.baseline_s = None;
    setup.channels[0].rate_hz = 100.0;
    assert!(analyse_slices(&setup, &sim.data, 1.0).is_err());
    let mut setup = setup_for(&sim);
    setup.channels.truncate(1);
    let mut data = vec![sim.data[0].clone()];
    // Inside the first burst (2.0–3.5 s): held samples there change no burst. (A long
    // invalid stretch at rest can look like a burst: the warning says the samples were held.)
    data[0][5000..5100].iter_mut().for_each(|x| *x = f64::NAN);
    let (emg, warnings) = analyse_slices(&setup, &data, 1.0).unwrap();
    assert_eq!(emg.channels[0].bursts.len(), 6);
    assert!(warnings[0].contains("100 invalid samples"), "{warnings:?}");
    // A flat channel: no bursts, a warning, no panic.
    let (emg, warnings) = analyse_slices(&setup, &[vec![0.0; 40_000]], 1.0).unwrap();
    assert!(emg.channels[0].bursts.is_empty());
    assert!(warnings[0].contains("flat"), "{warnings:?}");
}

#[test]
fn emg_bursting_with_the_head_tremor_is_locked_other_emg_is_not() {
    use collis_core::{AngleSample, Axis};
    use collis_sim::EmgChannelSpec;
    let tremor_hz = 4.0;
    let locked: Vec<[f64; 2]> = (0..160)
        .map(|k| [k as f64 / tremor_hz, k as f64 / tremor_hz + 0.08])
        .collect();
    // Irregular bursts: intervals of 0.17–0.46 s (golden-ratio sequence), no rhythm.
    let mut t = 0.0;
    let free: Vec<[f64; 2]> = (0..120)
        .map(|k| {
            t += 0.17 + 0.29 * (k as f64 * 0.618_034).fract();
            [t, t + 0.08]
        })
        .collect();
    let opts = EmgSimOptions {
        duration_s: 40.0,
        channels: vec![
            EmgChannelSpec {
                label: "SCM-L".into(),
                amplitude_uv: 80.0,
                bursts: locked,
            },
            EmgChannelSpec {
                label: "SCM-R".into(),
                amplitude_uv: 80.0,
                bursts: free,
            },
        ],
        ..EmgSimOptions::neck(8)
    };
    let sim = simulate_emg(&opts);
    let setup = setup_for(&sim);
    let mut cal = Calibrator::new(&setup).unwrap();
    cal.push_block(&sim.data);
    let cal = cal.finish().unwrap();
    let head_rate = 100.0;
    let mut coupler =
        TremorCoupler::new(&setup, &cal, Axis::Rotation, tremor_hz, head_rate, 0.0).unwrap();
    let blocks: Vec<Vec<Vec<f64>>> = (0..40)
        .map(|s| {
            sim.data
                .iter()
                .map(|d| d[s * 2000..(s + 1) * 2000].to_vec())
                .collect()
        })
        .collect();
    let mut next = blocks.iter();
    for k in 0..4000 {
        let t = k as f64 / head_rate;
        while coupler.emg_time_s() < t + 0.01 {
            match next.next() {
                Some(b) => coupler.push_emg_block(b),
                None => break,
            }
        }
        let r = 3.0 * (2.0 * std::f64::consts::PI * tremor_hz * t).sin();
        coupler.push_angle(&AngleSample {
            time_s: t,
            angles_deg: [r, 0.0, 0.0],
            confidence: 1.0,
        });
    }
    let c = coupler.snapshot();
    assert!(c[0].locked && c[0].coherence > 0.5, "{:?}", c[0]);
    assert!(!c[1].locked, "{:?}", c[1]);
}

#[test]
fn the_decimated_envelope_is_high_in_the_bursts_and_low_between_them() {
    let (sim, emg) = analyse(&EmgSimOptions::neck(4));
    for (c, truth) in emg.channels.iter().zip(&sim.truth) {
        let env = c.envelope.as_ref().unwrap();
        assert_eq!((env.scale.as_str(), env.rate_hz), ("x_baseline", 20.0));
        assert!((env.threshold - c.threshold / c.baseline_rms).abs() < 1e-9);
        let n = ((60.0 - SETTLE_S) * 20.0) as usize;
        assert!(env.values.len().abs_diff(n) <= 2, "{}", env.values.len());
        let (mut inside, mut outside) = (0, 0);
        for (k, &v) in env.values.iter().enumerate() {
            let [a, b] = [
                env.start_s + k as f64 / env.rate_hz,
                env.start_s + (k + 1) as f64 / env.rate_hz,
            ];
            // Bins wholly inside a burst are above the threshold; bins 100 ms or more from
            // any burst are below it and near the resting level.
            if truth.bursts.iter().any(|t| a >= t[0] + 0.05 && b <= t[1]) {
                assert!(v > env.threshold, "{} bin {a:.2}–{b:.2} s: {v}", c.label);
                inside += 1;
            } else if truth
                .bursts
                .iter()
                .all(|t| b + 0.1 <= t[0] || a >= t[1] + 0.1)
            {
                assert!(v < env.threshold, "{} bin {a:.2}–{b:.2} s: {v}", c.label);
                assert!((0.5..1.5).contains(&v), "{} rest {v}", c.label);
                outside += 1;
            }
        }
        assert!(inside > 50 && outside > 300, "{inside} {outside}");
    }
}
