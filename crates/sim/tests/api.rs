//! Public-API checks of the simulator: sensor physics seen from the samples, truth within the
//! TWSTRS bands, determinism, event bookkeeping and the streaming variant.

use collis_core::{Axis, Mounting};
use collis_sim::{simulate, stream, truth, Profile, SimOptions, GRAVITY};

fn ideal(profile: Profile, seed: u64, duration_s: f64) -> SimOptions {
    SimOptions {
        duration_s,
        noise_scale: 0.0,
        ..SimOptions::new(profile, seed)
    }
}

fn norm(v: [f64; 3]) -> f64 {
    v.iter().map(|x| x * x).sum::<f64>().sqrt()
}

/// TWSTRS rotation item (Consky & Lang 1994): 1–22 / 23–45 / 46–67 / 68–90°, under 5° none.
fn rotation_item(deg: f64) -> u8 {
    match deg.abs() {
        d if d < 5.0 => 0,
        d if d <= 22.5 => 1,
        d if d <= 45.5 => 2,
        d if d <= 67.5 => 3,
        _ => 4,
    }
}

/// TWSTRS laterocollis item: 1–15 / 16–35 / > 35°, under 5° none.
fn laterocollis_item(deg: f64) -> u8 {
    match deg.abs() {
        d if d < 5.0 => 0,
        d if d <= 15.5 => 1,
        d if d <= 35.5 => 2,
        _ => 3,
    }
}

#[test]
fn at_neutral_the_accelerometer_reads_gravity_along_the_mounting() {
    let mounting: Mounting = "x=back,y=up,z=left".parse().unwrap();
    let opts = SimOptions {
        mounting,
        trunk_sway: false,
        ..ideal(Profile::Laterocollis, 4, 8.0)
    };
    let sim = simulate(&opts);
    for s in &sim.head {
        assert!((norm(s.acc_m_s2) - GRAVITY).abs() < 0.02, "{s:?}");
        assert!(
            s.acc_m_s2[0].abs() < 0.1 && s.acc_m_s2[2].abs() < 0.1,
            "{s:?}"
        );
        assert!((s.acc_m_s2[1] - GRAVITY).abs() < 0.02, "{s:?}");
    }
}

#[test]
fn the_magnetometer_norm_is_constant_without_disturbance() {
    let sim = simulate(&ideal(Profile::JerkyCd, 2, 30.0));
    let expected = norm(collis_sim::EARTH_FIELD_UT);
    for s in &sim.head {
        assert!((norm(s.mag.unwrap()) - expected).abs() < 1e-9);
    }
    // A disturbance changes the norm inside its window only.
    let opts = SimOptions {
        mag_disturbance: true,
        ..ideal(Profile::Healthy, 2, 40.0)
    };
    let sim = simulate(&opts);
    let [start, end] = sim.truth.mag_disturbance_s.unwrap();
    assert!((end - start - 10.0).abs() < 1e-9 && start >= 10.0 && end <= 40.0);
    let changed = |s: &&collis_core::ImuSample| (norm(s.mag.unwrap()) - expected).abs() > 1.0;
    assert!(sim
        .head
        .iter()
        .filter(changed)
        .all(|s| s.time_s > start && s.time_s < end));
    assert!(sim.head.iter().filter(changed).count() > 800);
}

#[test]
fn trunk_sensor_and_options() {
    let opts = SimOptions {
        trunk_sensor: true,
        with_mag: false,
        ..SimOptions::new(Profile::Anterocollis, 3)
    };
    let opts = SimOptions {
        duration_s: 12.0,
        rate_hz: 50.0,
        ..opts
    };
    let sim = simulate(&opts);
    let trunk = sim.trunk.unwrap();
    assert_eq!(trunk.len(), 600);
    assert_eq!(sim.head.len(), 600);
    assert!(sim.head.iter().chain(&trunk).all(|s| s.mag.is_none()));
    // The sternum sensor stays upright (|tilt of the trunk| of a few degrees).
    assert!(trunk.iter().all(|s| s.acc_m_s2[2] > 9.0));
}

#[test]
fn every_profile_stays_inside_its_twstrs_bands() {
    for profile in Profile::ALL {
        for seed in 1..=4 {
            let truth = truth(&SimOptions::new(profile, seed));
            let [rotation, tilt, flexion] = truth.posture_median_deg;
            let (rot_item, lat_item) = match profile {
                Profile::TorticollisTremor => (2, 1),
                Profile::Laterocollis => (0, 2),
                Profile::JerkyCd => (1, 0),
                _ => (0, 0),
            };
            // ±2° of measurement error never changes an item.
            for error in [-2.0, 0.0, 2.0] {
                assert_eq!(
                    rotation_item(rotation + error),
                    rot_item,
                    "{profile}/{seed}: {rotation}"
                );
                assert_eq!(
                    laterocollis_item(tilt + error),
                    lat_item,
                    "{profile}/{seed}: {tilt}"
                );
            }
            let flexion_range = match profile {
                Profile::Anterocollis => 23.0..37.0,
                Profile::Retrocollis => -37.0..-23.0,
                Profile::Healthy => -2.0..2.0,
                _ => -4.5..4.5,
            };
            assert!(
                flexion_range.contains(&flexion),
                "{profile}/{seed}: flexion {flexion}"
            );
            if matches!(
                profile,
                Profile::Healthy | Profile::EtNoNo | Profile::EtYesYes
            ) {
                let limit = if profile == Profile::Healthy {
                    2.0
                } else {
                    3.0
                };
                let largest = truth
                    .posture_median_deg
                    .map(f64::abs)
                    .into_iter()
                    .fold(0.0, f64::max);
                assert!(
                    largest <= limit,
                    "{profile}/{seed}: {:?}",
                    truth.posture_median_deg
                );
            }
        }
    }
}

#[test]
fn tremor_and_events_match_the_profile() {
    for profile in Profile::ALL {
        let truth = truth(&SimOptions::new(profile, 5));
        let expected = match profile {
            Profile::TorticollisTremor => Some((Axis::Rotation, 3.0..5.0, 0.75..2.2)),
            Profile::EtNoNo => Some((Axis::Rotation, 4.0..6.0, 0.95..3.1)),
            Profile::EtYesYes => Some((Axis::Flexion, 4.0..6.0, 0.95..3.1)),
            _ => None,
        };
        match (expected, truth.tremor) {
            (Some((axis, hz, deg)), Some(t)) => {
                assert_eq!(t.axis, axis, "{profile}");
                assert!(
                    hz.contains(&t.frequency_hz) && deg.contains(&t.amplitude_deg),
                    "{profile}: {t:?}"
                );
            }
            (None, None) => {}
            (_, t) => panic!("{profile}: unexpected tremor truth {t:?}"),
        }
        let jerky = matches!(
            profile,
            Profile::JerkyCd | Profile::Myoclonus | Profile::Tics
        );
        assert_eq!(!truth.jerks.is_empty(), jerky, "{profile}");
        assert_eq!(
            !truth.spasms.is_empty(),
            profile == Profile::JerkyCd,
            "{profile}"
        );
    }
}

#[test]
fn tics_come_in_stereotyped_bouts_and_myoclonus_does_not() {
    for seed in 1..=6 {
        let tics = truth(&SimOptions::new(Profile::Tics, seed)).jerks;
        // Bouts: some intervals under a second, some far longer.
        let intervals: Vec<f64> = tics.windows(2).map(|p| p[1].time_s - p[0].time_s).collect();
        assert!(intervals.iter().any(|&i| i < 1.0), "seed {seed}");
        assert!(intervals.iter().any(|&i| i > 4.0), "seed {seed}");
        // The main tic (same axis and direction) makes at least half of the movements.
        let same = tics
            .iter()
            .map(|m| {
                tics.iter()
                    .filter(|j| j.axis == m.axis && j.amplitude_deg * m.amplitude_deg > 0.0)
                    .count()
            })
            .max()
            .unwrap_or(0);
        assert!(2 * same >= tics.len(), "seed {seed}");
        let myoclonus = truth(&SimOptions::new(Profile::Myoclonus, seed)).jerks;
        assert!(myoclonus.iter().all(|j| j.duration_s <= 0.16 + 1e-9));
        let axes: std::collections::HashSet<_> = myoclonus.iter().map(|j| j.axis).collect();
        assert_eq!(axes.len(), 3, "seed {seed}: myoclonic jerks on every axis");
    }
}

#[test]
fn jerks_and_spasms_are_well_formed() {
    for seed in 1..=8 {
        let truth = truth(&SimOptions::new(Profile::JerkyCd, seed));
        let pattern = (8.0 + 2.0, truth.duration_s);
        let per_min = truth.jerks.len() as f64 / (pattern.1 - pattern.0) * 60.0;
        assert!((7.0..21.0).contains(&per_min), "seed {seed}: {per_min}/min");
        assert!((1..=2).contains(&truth.spasms.len()));
        let mut spans: Vec<(f64, f64)> = truth
            .jerks
            .iter()
            .map(|j| (j.time_s, j.time_s + j.duration_s))
            .collect();
        spans.extend(
            truth
                .spasms
                .iter()
                .map(|s| (s.start_s, s.start_s + s.duration_s)),
        );
        spans.sort_by(|a, b| a.0.total_cmp(&b.0));
        assert!(spans[0].0 >= pattern.0 && spans.last().unwrap().1 <= pattern.1);
        for pair in spans.windows(2) {
            assert!(pair[1].0 - pair[0].1 >= 1.5 - 1e-9, "seed {seed}: {pair:?}");
        }
        let on_rotation = truth
            .jerks
            .iter()
            .filter(|j| j.axis == Axis::Rotation)
            .count();
        assert!(2 * on_rotation > truth.jerks.len());
        for j in &truth.jerks {
            assert!(
                (0.08..=0.25).contains(&j.duration_s)
                    && (6.0..=15.0).contains(&j.amplitude_deg.abs())
            );
        }
        for s in &truth.spasms {
            assert!(
                (3.6..=8.0).contains(&s.duration_s)
                    && (10.0..=20.0).contains(&s.amplitude_deg.abs())
            );
        }
        // The truth angles show each jerk's excursion at its middle.
        let rate = truth.rate_hz;
        for j in &truth.jerks {
            let before = truth.angles[(j.time_s * rate).floor() as usize][1 + j.axis as usize];
            let mid = truth.angles[((j.time_s + 0.5 * j.duration_s) * rate).round() as usize]
                [1 + j.axis as usize];
            assert!(
                ((mid - before) / j.amplitude_deg) > 0.7,
                "{j:?}: {before} → {mid}"
            );
        }
    }
}

#[test]
fn simulations_are_deterministic_per_seed() {
    let opts = SimOptions {
        duration_s: 15.0,
        ..SimOptions::new(Profile::TorticollisTremor, 42)
    };
    let a = simulate(&opts);
    let b = simulate(&opts);
    assert_eq!(a.head, b.head);
    assert_eq!(a.truth, b.truth);
    let c = simulate(&SimOptions {
        seed: 43,
        ..opts.clone()
    });
    assert_ne!(a.head, c.head);
    assert_ne!(a.truth.posture_median_deg, c.truth.posture_median_deg);
    // The streaming variant yields the same samples.
    let streamed: Vec<_> = stream(&opts).collect();
    assert_eq!(streamed, a.head);
    assert_eq!(stream(&opts).len(), 1500);
    // Sensor noise changes the samples, never the truth.
    let quiet = simulate(&SimOptions {
        noise_scale: 0.0,
        ..opts
    });
    assert_eq!(quiet.truth, a.truth);
    assert_ne!(quiet.head, a.head);
}

#[test]
fn truth_round_trips_through_json() {
    let truth = truth(&SimOptions {
        duration_s: 30.0,
        ..SimOptions::new(Profile::JerkyCd, 5)
    });
    assert_eq!(truth.neutral_s, [0.5, 7.5]);
    assert_eq!(truth.angles.len(), 3000);
    assert_eq!(truth.spasms.len(), 1);
    assert!(truth.jerks.len() >= 2);
    let json = serde_json::to_string(&truth).unwrap();
    assert!(
        !json.contains("angles") && json.contains("\"axis\":\""),
        "{json}"
    );
    let back: collis_sim::Truth = serde_json::from_str(&json).unwrap();
    assert_eq!(back.jerks.len(), truth.jerks.len());
    for (a, b) in back.jerks.iter().zip(&truth.jerks) {
        assert_eq!(a.axis, b.axis);
        assert!(
            (a.time_s - b.time_s).abs() < 1e-9 && (a.amplitude_deg - b.amplitude_deg).abs() < 1e-9
        );
    }
    assert_eq!(back.profile, "jerky-cd");
    assert_eq!(back.mag_disturbance_s, None);
    assert!(back.angles.is_empty());
}
