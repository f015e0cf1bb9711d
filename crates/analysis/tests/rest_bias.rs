//! Gyroscope bias from true rest (issue 18): a clinic recording without a magnetometer whose
//! sensor lay still for 10 s before it was put on. The rest is found, its bias used, the rest
//! left out of the analysis, and rotation is then measured within 1.5° and scored; without
//! the rest the same recording's rotation is left unscored, its uncertainty covering the error.

use collis_analysis::pipeline::ImuConfig;
use collis_analysis::results::analyze_samples;
use collis_core::results::{Results, Task};
use collis_core::Mounting;
use collis_sim::{simulate, Profile, SimOptions, Truth};

fn clinic(still_before_s: f64, seed: u64) -> (Truth, Results) {
    let opts = SimOptions {
        with_mag: false,
        still_before_s,
        ..SimOptions::new(Profile::TorticollisTremor, seed).clinic_protocol()
    };
    let sim = simulate(&opts);
    let cfg = ImuConfig {
        rate_hz: opts.rate_hz,
        trunk_rate_hz: opts.rate_hz,
        use_mag: false,
        mounting: Mounting::default(),
        trunk_mounting: Mounting::default(),
        neutral_s: Some(sim.truth.neutral_s),
        still_s: None,
    };
    let r = analyze_samples(&sim.head, &cfg, Task::Rest, "simulation").unwrap();
    (sim.truth, r)
}

#[test]
fn true_rest_gives_the_bias_and_makes_6d_rotation_scorable() {
    for seed in [1, 2, 3] {
        let (truth, r) = clinic(10.0, seed);
        let bias = r.recording.gyro_bias.as_ref().unwrap();
        assert_eq!(bias.source, "rest", "{bias:?}");
        let [a, b] = bias.segment_s.unwrap();
        assert!(a < -8.5 && b > -3.0 && b <= 0.0, "{bias:?}");
        for (i, axis) in collis_core::Axis::ALL.iter().enumerate() {
            let p = r.measurements.posture.get(*axis).unwrap();
            let err = (p.median - truth.posture_median_deg[i]).abs();
            assert!(
                err < 1.5,
                "seed {seed} {axis:?}: {} vs {}",
                p.median,
                truth.posture_median_deg[i]
            );
            assert!(
                p.uncertainty_deg.unwrap() >= err,
                "seed {seed} {axis:?}: {err} ± {p:?}"
            );
        }
        let rotation = r
            .measurements
            .twstrs
            .rotation
            .as_ref()
            .expect("rotation scored");
        assert_eq!(
            rotation.score,
            collis_analysis::twstrs::rotation_score(truth.posture_median_deg[0]).0
        );
        // The rest is left out: the analysed time is the recording's, not the table's.
        assert!(
            r.measurements.posture.analysed_s < 90.0,
            "{}",
            r.measurements.posture.analysed_s
        );
    }
}

#[test]
fn without_rest_6d_rotation_is_unscored_and_its_bound_covers_the_error() {
    for seed in [1, 2, 3] {
        let (truth, r) = clinic(0.0, seed);
        assert_eq!(r.recording.gyro_bias.as_ref().unwrap().source, "neutral");
        let p = r.measurements.posture.rotation_deg.unwrap();
        let err = (p.median - truth.posture_median_deg[0]).abs();
        assert!(
            p.uncertainty_deg.unwrap() >= err,
            "seed {seed}: {err} vs {p:?}"
        );
        assert!(r.measurements.twstrs.rotation.is_none());
        let why = &r.measurements.twstrs.unscored[0];
        assert_eq!(why.item, "rotation");
        assert!(
            why.remedy.contains("magnetometer") && why.remedy.contains("--still"),
            "{why:?}"
        );
    }
}
