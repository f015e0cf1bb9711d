//! The clinical profiles as random parameter ranges: each seed draws one patient-like
//! head-on-trunk trajectory. Ranges stay well inside the TWSTRS severity bands (Consky & Lang
//! 1994, see the project's clinical notes) so that ±2° of measurement error never changes an
//! item: rotation 1–22 / 23–45 / 46–67 / 68–90°, laterocollis 1–15 / 16–35 / > 35°, and
//! anything under 5° counts as none.

use crate::events::{Event, Kind, Shape, Timeline};
use crate::seeds::{self, sign, uniform, Stream};
use crate::signals::Sines;
use crate::trajectory::{Trajectory, Tremor, TRANSITION_S};
use crate::tremor::{Irregularity, Oscillator};
use crate::{Profile, SimOptions};
use collis_core::Axis;
use rand::Rng;
use std::f64::consts::PI;

/// Slow posture drift band, Hz (< 0.1 Hz).
const DRIFT_BAND_HZ: [f64; 2] = [0.01, 0.08];
/// Physiological head-on-trunk sway band, Hz (< 1 Hz).
const SWAY_BAND_HZ: [f64; 2] = [0.1, 1.0];
/// Peak sway of a patient holding still, degrees.
const SWAY_PEAK_DEG: f64 = 0.25;
/// Peak physiological sway of a healthy subject, degrees (< 0.5°).
const HEALTHY_SWAY_PEAK_DEG: f64 = 0.45;
/// Events begin at least this long after the transition, seconds.
const EVENT_LEAD_S: f64 = 1.0;
/// Minimum quiet time between (and after) events, seconds.
const EVENT_GAP_S: f64 = 1.5;
/// Cap on a jerk's peak angular velocity (π·amplitude/duration), °/s, so that the shortest
/// jerks are not implausibly fast.
const JERK_MAX_VELOCITY_DPS: f64 = 450.0;
/// Jerks added during a tremor (`SimOptions::tremor_jerks`): count, peak excursion (degrees)
/// and duration range (seconds) of the independent recordings of issue 18.
const TREMOR_JERKS: usize = 6;
const TREMOR_JERK_DEG: f64 = 7.0;
const TREMOR_JERK_S: [f64; 2] = [0.15, 0.2];
/// Dystonic head tremor: irregular (frequency ±12 %, amplitude ±30 %).
const DYSTONIC: Irregularity = Irregularity {
    frequency: 0.12,
    amplitude: 0.30,
};
/// Essential head tremor: regular (frequency ±2 %, amplitude ±10 %).
const ESSENTIAL: Irregularity = Irregularity {
    frequency: 0.02,
    amplitude: 0.10,
};

/// Choreiform flow: layers of random sinusoids per axis, each layer's peak in this range,
/// degrees, and its frequencies in this band, Hz (flowing, irregular, below the 2-Hz edge of
/// the tremor band: a lasting sinusoid above 2 Hz would be a tremor by any definition).
const FLOW_LAYERS: usize = 3;
const FLOW_PEAK_DEG: [f64; 2] = [1.5, 3.0];
const FLOW_BAND_HZ: [f64; 2] = [0.15, 1.6];

/// A profile's draw before the shared parts (drift, sway, scheduling) are added.
struct Plan {
    posture: [f64; 3],
    drift_peak_deg: [f64; 3],
    sway_peak_deg: f64,
    tremor: Option<Tremor>,
    flow: Vec<[Sines; 3]>,
    events: Vec<Event>,
}

/// The head-on-trunk trajectory of `opts.profile` for `opts.seed`.
pub fn trajectory(opts: &SimOptions) -> Trajectory {
    let mut rng = seeds::rng(opts.seed, Stream::Trajectory);
    let side = sign(&mut rng);
    let window = [
        opts.neutral_s + TRANSITION_S + EVENT_LEAD_S,
        opts.duration_s,
    ];
    let plan = plan(opts.profile, &mut rng, side, window);
    // Severity scales after the draw, so one seed is one patient at any severity.
    let drift = plan
        .drift_peak_deg
        .map(|peak| Sines::random(&mut rng, peak * opts.severity, DRIFT_BAND_HZ));
    let (sway_peak, sway_band) = opts.sway.unwrap_or((plan.sway_peak_deg, SWAY_BAND_HZ));
    let sway = [(); 3].map(|()| Sines::random(&mut rng, sway_peak, sway_band));
    let mut events = plan.events;
    if opts.tremor_jerks && opts.profile == Profile::TorticollisTremor {
        // Drawn last: the patient is the same with or without them.
        events.extend(tremor_jerks(&mut rng));
    }
    Trajectory {
        neutral_s: opts.neutral_s,
        posture: plan.posture.map(|p| p * opts.severity),
        drift,
        sway,
        tremor: plan.tremor.map(|mut t| {
            t.oscillator.amplitude_deg *= opts.severity;
            t
        }),
        flow: plan.flow,
        timeline: Timeline::schedule(&mut rng, window, EVENT_GAP_S, events),
        relief: opts.trick,
    }
}

fn plan(profile: Profile, rng: &mut impl Rng, side: f64, window: [f64; 2]) -> Plan {
    let quiet = |posture: [f64; 3], drift_peak_deg: [f64; 3]| Plan {
        posture,
        drift_peak_deg,
        sway_peak_deg: SWAY_PEAK_DEG,
        tremor: None,
        flow: Vec::new(),
        events: Vec::new(),
    };
    match profile {
        // Rotation item 2 (28–38°), laterocollis item 1 (8.5–10.5°) toward the same side,
        // dystonic tremor 3–5 Hz, 0.8–2°, on rotation with up to 30 % on tilt.
        Profile::TorticollisTremor => {
            let posture = [
                side * uniform(rng, [28.0, 38.0]),
                side * uniform(rng, [8.5, 10.5]),
                uniform(rng, [-3.0, 3.0]),
            ];
            let oscillator = Oscillator::random(rng, [3.0, 5.0], [0.8, 2.0], DYSTONIC);
            let tilt_share = side * uniform(rng, [0.0, 0.3]);
            Plan {
                tremor: Some(Tremor {
                    oscillator,
                    axis: Axis::Rotation,
                    gains: [1.0, tilt_share, 0.0],
                }),
                ..quiet(posture, [2.0, 0.8, 1.0])
            }
        }
        // Laterocollis item 2 (20–30°), rotation item 0 (≤ 2.5° with drift).
        Profile::Laterocollis => quiet(
            [
                uniform(rng, [-2.0, 2.0]),
                side * uniform(rng, [20.0, 30.0]),
                uniform(rng, [-3.0, 3.0]),
            ],
            [0.5, 1.5, 1.0],
        ),
        // Flexion ±25–35° (about half the normal range), little else.
        Profile::Anterocollis | Profile::Retrocollis => {
            let direction = if profile == Profile::Anterocollis {
                1.0
            } else {
                -1.0
            };
            quiet(
                [
                    uniform(rng, [-2.0, 2.0]),
                    uniform(rng, [-2.0, 2.0]),
                    direction * uniform(rng, [25.0, 35.0]),
                ],
                [0.5, 0.5, 1.5],
            )
        }
        // Rotation item 1 (12–18°) with jerks and spasms, no tremor.
        Profile::JerkyCd => {
            let posture = [
                side * uniform(rng, [12.0, 18.0]),
                uniform(rng, [-2.0, 2.0]),
                uniform(rng, [-2.0, 2.0]),
            ];
            Plan {
                events: jerky_events(rng, side, window),
                ..quiet(posture, [1.5, 0.5, 0.5])
            }
        }
        // Regular 4–6 Hz, 1–3° tremor on one axis, posture within ±2°.
        Profile::EtNoNo | Profile::EtYesYes => {
            let axis = if profile == Profile::EtNoNo {
                Axis::Rotation
            } else {
                Axis::Flexion
            };
            let posture = [(); 3].map(|()| uniform(rng, [-1.5, 1.5]));
            let oscillator = Oscillator::random(rng, [4.0, 6.0], [1.0, 3.0], ESSENTIAL);
            let mut gains = [0.0; 3];
            gains[axis as usize] = 1.0;
            Plan {
                tremor: Some(Tremor {
                    oscillator,
                    axis,
                    gains,
                }),
                ..quiet(posture, [0.5; 3])
            }
        }
        // Brief, random jerks on any axis in either direction, 15–30 per minute.
        Profile::Myoclonus => {
            let posture = [(); 3].map(|()| uniform(rng, [-1.5, 1.5]));
            Plan {
                events: myoclonic_events(rng, window),
                ..quiet(posture, [0.5; 3])
            }
        }
        // Bouts of the same one or two tics.
        Profile::Tics => {
            let posture = [(); 3].map(|()| uniform(rng, [-1.5, 1.5]));
            Plan {
                events: tic_events(rng, window),
                ..quiet(posture, [0.5; 3])
            }
        }
        // Continuous flowing movement on all three axes around a near-neutral posture.
        Profile::Chorea => {
            let posture = [(); 3].map(|()| uniform(rng, [-2.0, 2.0]));
            let flow = (0..FLOW_LAYERS)
                .map(|_| {
                    [(); 3].map(|()| {
                        let peak = uniform(rng, FLOW_PEAK_DEG);
                        Sines::random(rng, peak, FLOW_BAND_HZ)
                    })
                })
                .collect();
            Plan {
                flow,
                ..quiet(posture, [0.5; 3])
            }
        }
        // Posture within ±1°, larger physiological sway, slow voluntary looks and nodding.
        Profile::Healthy => {
            let posture = [(); 3].map(|()| uniform(rng, [-1.0, 1.0]));
            Plan {
                sway_peak_deg: HEALTHY_SWAY_PEAK_DEG,
                events: voluntary_events(rng, side, window),
                ..quiet(posture, [0.3; 3])
            }
        }
    }
}

/// Number of started two-minute blocks in `window` (at least one).
fn blocks(window: [f64; 2]) -> usize {
    ((window[1] - window[0]) / 120.0).ceil().max(1.0) as usize
}

/// Six 7° raised-cosine excursions of 150–200 ms, two on each axis, in either direction: jerks
/// during a tremor (`SimOptions::tremor_jerks`, issue 18).
fn tremor_jerks(rng: &mut impl Rng) -> Vec<Event> {
    Axis::ALL
        .into_iter()
        .cycle()
        .take(TREMOR_JERKS)
        .map(|axis| {
            let shape = Shape::Pulse {
                duration_s: uniform(rng, TREMOR_JERK_S),
            };
            Event::new(Kind::Jerk, axis, sign(rng) * TREMOR_JERK_DEG, shape)
        })
        .collect()
}

/// One or two spasms per started two minutes (only one in a pattern under a minute; listed
/// first, so always kept) and 8–20 jerks per minute.
fn jerky_events(rng: &mut impl Rng, side: f64, window: [f64; 2]) -> Vec<Event> {
    let length = (window[1] - window[0]).max(0.0);
    let most = if length < 60.0 { 1 } else { 2 };
    let spasms: usize = (0..blocks(window))
        .map(|_| rng.random_range(1..=most))
        .sum();
    let per_min = uniform(rng, [8.0, 20.0]);
    let jerks = (per_min * length / 60.0).round() as usize;
    let mut events = Vec::with_capacity(spasms + jerks);
    for _ in 0..spasms {
        // Sustained 10–20° pull, mostly worsening the rotation; onset and offset ≥ 0.8 s.
        let (axis, direction) = if rng.random_bool(0.6) {
            (Axis::Rotation, side)
        } else {
            (Axis::Tilt, sign(rng))
        };
        let shape = Shape::Plateau {
            rise_s: uniform(rng, [0.8, 1.5]),
            hold_s: uniform(rng, [2.0, 5.0]),
            fall_s: uniform(rng, [0.8, 1.5]),
        };
        let amplitude = direction * uniform(rng, [10.0, 20.0]);
        events.push(Event::new(Kind::Spasm, axis, amplitude, shape));
    }
    for _ in 0..jerks {
        // 80–250 ms raised-cosine excursion of 6–15°, 70 % on rotation (mostly toward the
        // posture side), 15 % each on tilt and flexion.
        let duration_s = uniform(rng, [0.08, 0.25]);
        let largest = (JERK_MAX_VELOCITY_DPS * duration_s / PI).min(15.0);
        let magnitude = uniform(rng, [6.0, largest]);
        let pick: f64 = rng.random();
        let (axis, direction) = if pick < 0.7 {
            let toward_posture = rng.random_bool(0.75);
            (Axis::Rotation, if toward_posture { side } else { -side })
        } else if pick < 0.85 {
            (Axis::Tilt, sign(rng))
        } else {
            (Axis::Flexion, sign(rng))
        };
        let shape = Shape::Pulse { duration_s };
        events.push(Event::new(Kind::Jerk, axis, direction * magnitude, shape));
    }
    events
}

/// 15–30 myoclonic jerks per minute: 60–160 ms raised-cosine excursions of 3–10° (capped by
/// the peak velocity), on rotation 40 %, tilt 30 %, flexion 30 %, in either direction at
/// random — brief, shock-like, non-rhythmic and not stereotyped (clinical.md: movement jerks
/// ≈ 100–250 ms; EMG bursts 10–100 ms).
fn myoclonic_events(rng: &mut impl Rng, window: [f64; 2]) -> Vec<Event> {
    let length = (window[1] - window[0]).max(0.0);
    let per_min = uniform(rng, [15.0, 30.0]);
    let count = (per_min * length / 60.0).round() as usize;
    (0..count)
        .map(|_| {
            let duration_s = uniform(rng, [0.06, 0.16]);
            let largest = (JERK_MAX_VELOCITY_DPS * duration_s / PI).min(10.0);
            let magnitude = uniform(rng, [3.0, largest.max(3.0)]);
            let pick: f64 = rng.random();
            let axis = if pick < 0.4 {
                Axis::Rotation
            } else if pick < 0.7 {
                Axis::Tilt
            } else {
                Axis::Flexion
            };
            let shape = Shape::Pulse { duration_s };
            Event::new(Kind::Jerk, axis, sign(rng) * magnitude, shape)
        })
        .collect()
}

/// Tics: one or two stereotyped movements (axis, direction, 8–18°, 150–300 ms), repeated in
/// bouts of 2–5 at 0.5–0.9-s intervals, 3–5 bouts per started minute; each bout varies the
/// movement by at most ±8 % (clinical.md: sudden, brief, stereotyped, often clustered).
fn tic_events(rng: &mut impl Rng, window: [f64; 2]) -> Vec<Event> {
    let kinds: Vec<(Axis, f64, f64, f64)> = (0..rng.random_range(1..=2))
        .map(|_| {
            let pick: f64 = rng.random();
            let axis = if pick < 0.5 {
                Axis::Rotation
            } else if pick < 0.8 {
                Axis::Flexion
            } else {
                Axis::Tilt
            };
            let duration_s = uniform(rng, [0.15, 0.3]);
            let largest = (JERK_MAX_VELOCITY_DPS * duration_s / PI).min(18.0);
            (axis, sign(rng), uniform(rng, [8.0, largest]), duration_s)
        })
        .collect();
    let minutes = ((window[1] - window[0]) / 60.0).ceil().max(1.0) as usize;
    let bouts: usize = (0..minutes).map(|_| rng.random_range(3..=5)).sum();
    (0..bouts)
        .map(|b| {
            // The first movement is the main tic: three bouts in four.
            let (axis, direction, magnitude, duration_s) =
                kinds[if b % 4 == 3 { kinds.len() - 1 } else { 0 }];
            let jitter = |rng: &mut dyn rand::RngCore| 1.0 + rng.random_range(-0.08..=0.08);
            let shape = Shape::Train {
                duration_s: duration_s * jitter(rng),
                count: rng.random_range(2..=5),
                interval_s: uniform(rng, [0.5, 0.9]),
            };
            let amplitude = direction * magnitude * jitter(rng);
            Event::new(Kind::Jerk, axis, amplitude, shape)
        })
        .collect()
}

/// One ~10-s bout of slow nodding (0.5–1 Hz, 8–10°; listed first, so always kept) and three or
/// four slow looks per started two minutes (20–40°, 1.5–3 s each way, held 2–4 s), 75 % turns
/// and 25 % looks down or up, alternating sides.
fn voluntary_events(rng: &mut impl Rng, side: f64, window: [f64; 2]) -> Vec<Event> {
    let nodding = Shape::Oscillation {
        hz: uniform(rng, [0.5, 1.0]),
        ramp_s: 1.0,
        hold_s: uniform(rng, [8.0, 9.0]),
    };
    let mut events = vec![Event::new(
        Kind::Voluntary,
        Axis::Flexion,
        uniform(rng, [8.0, 10.0]),
        nodding,
    )];
    let looks: usize = (0..blocks(window)).map(|_| rng.random_range(3..=4)).sum();
    let mut direction = side;
    for _ in 0..looks {
        let axis = if rng.random_bool(0.75) {
            Axis::Rotation
        } else {
            Axis::Flexion
        };
        let shape = Shape::Plateau {
            rise_s: uniform(rng, [1.5, 3.0]),
            hold_s: uniform(rng, [2.0, 4.0]),
            fall_s: uniform(rng, [1.5, 3.0]),
        };
        let amplitude = direction * uniform(rng, [20.0, 40.0]);
        events.push(Event::new(Kind::Voluntary, axis, amplitude, shape));
        direction = -direction;
    }
    events
}
