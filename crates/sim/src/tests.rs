//! Cross-module checks that need the simulator's internals: the gyroscope integrates back to
//! the true sensor orientation, and the truth agrees with the drawn parameters.

use crate::body::{Body, Site};
use crate::patterns;
use crate::{simulate, truth, Profile, SimOptions};
use nalgebra::{UnitQuaternion, Vector3};

#[test]
fn integrating_the_gyroscope_reproduces_the_orientation() {
    for (profile, rate_hz, neutral_s, duration_s) in [
        (Profile::TorticollisTremor, 100.0, 2.0, 10.0),
        (Profile::EtYesYes, 100.0, 2.0, 10.0),
        // Jerks are 80–250 ms long: integrate them at a higher rate.
        (Profile::JerkyCd, 400.0, 0.0, 20.0),
    ] {
        let opts = SimOptions {
            rate_hz,
            neutral_s,
            duration_s,
            noise_scale: 0.0,
            ..SimOptions::new(profile, 11)
        };
        let body = Body::new(&opts);
        let sim = simulate(&opts);
        assert_eq!(sim.truth.jerks.is_empty(), profile != Profile::JerkyCd);
        let samples = sim.head;
        let mut q = body.pose(Site::Head, 0.0).orientation;
        for pair in samples.windows(2) {
            // Trapezoidal rate over the step: q ← q ⊗ exp(ω̄ dt).
            let rate = 0.5 * (Vector3::from(pair[0].gyr_rad_s) + Vector3::from(pair[1].gyr_rad_s));
            let dt = pair[1].time_s - pair[0].time_s;
            q *= UnitQuaternion::from_scaled_axis(rate * dt);
        }
        let last = samples.last().unwrap();
        let truth = body.pose(Site::Head, last.time_s).orientation;
        let error_deg = q.angle_to(&truth).to_degrees();
        assert!(error_deg < 0.1, "{profile}: {error_deg}°");
    }
}

#[test]
fn truth_agrees_with_the_drawn_parameters() {
    for profile in Profile::ALL {
        for seed in 1..=2 {
            let opts = SimOptions::new(profile, seed);
            let trajectory = patterns::trajectory(&opts);
            let truth = truth(&opts);
            for axis in 0..3 {
                let drawn = trajectory.posture[axis];
                let median = truth.posture_median_deg[axis];
                // Drift and sway are bounded; events and tremor move a median little.
                assert!(
                    (median - drawn).abs() < 2.5,
                    "{profile}/{seed} axis {axis}: {median} vs {drawn}"
                );
            }
            match (&trajectory.tremor, &truth.tremor) {
                (Some(drawn), Some(t)) => {
                    assert_eq!(t.axis, drawn.axis);
                    let hz = drawn.oscillator.hz;
                    assert!(
                        (t.frequency_hz / hz - 1.0).abs() < 0.02,
                        "{profile}: {t:?} vs {hz}"
                    );
                    let amplitude = drawn.oscillator.amplitude_deg;
                    let ratio = t.amplitude_deg / amplitude;
                    assert!(
                        (0.94..1.08).contains(&ratio),
                        "{profile}: {t:?} vs {amplitude}"
                    );
                }
                (None, None) => {}
                _ => panic!("{profile}: tremor truth does not match the trajectory"),
            }
        }
    }
}

#[test]
fn severity_scales_posture_and_tremor_of_the_same_patient() {
    let at = |severity| {
        truth(&SimOptions {
            duration_s: 30.0,
            severity,
            ..SimOptions::new(Profile::TorticollisTremor, 5)
        })
    };
    let (full, half) = (at(1.0), at(0.5));
    let rotation = |t: &crate::Truth| t.posture_median_deg[0];
    assert!(rotation(&full).abs() > 20.0, "{}", rotation(&full));
    // Posture and drift scale exactly; sway (±0.25°) does not.
    assert!(
        (rotation(&half) - 0.5 * rotation(&full)).abs() < 0.3,
        "{} vs {}",
        rotation(&half),
        rotation(&full)
    );
    let amp = |t: &crate::Truth| t.tremor.unwrap().amplitude_deg;
    assert!((amp(&half) - 0.5 * amp(&full)).abs() < 1e-9);
}

#[test]
fn sessions_of_one_patient_share_the_pattern_not_the_noise() {
    let at = |session| {
        simulate(&SimOptions {
            duration_s: 12.0,
            session,
            ..SimOptions::new(Profile::TorticollisTremor, 9)
        })
    };
    let (a, b) = (at(0), at(1));
    assert_eq!(a.truth.posture_median_deg, b.truth.posture_median_deg);
    assert_ne!(a.head[500].gyr_rad_s, b.head[500].gyr_rad_s);
    assert_eq!(at(0).head, a.head);
}
