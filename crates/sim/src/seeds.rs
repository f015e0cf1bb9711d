//! Seeded randomness: one independent ChaCha stream per concern, so that changing one option
//! (noise level, magnetometer, trunk sensor, sway) never changes the other draws of a seed.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The independent random streams of a simulation.
#[derive(Debug, Clone, Copy)]
pub enum Stream {
    /// Head-on-trunk trajectory: posture, drift, sway, tremor, events.
    Trajectory = 1,
    /// Heading and trunk sway.
    Body = 2,
    /// Magnetic disturbance direction.
    Field = 3,
    /// Head sensor errors.
    HeadNoise = 4,
    /// Trunk sensor errors.
    TrunkNoise = 5,
}

/// The random generator of one stream of a seed.
pub fn rng(seed: u64, stream: Stream) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream as u64);
    rng
}

/// The generator of a stream that differs between recordings of one patient (heading, sway
/// of the trunk, magnetic field, sensor errors): session 0 is the seed's own stream, so
/// single recordings are unchanged by sessions existing.
pub fn session_rng(seed: u64, session: u64, stream: Stream) -> ChaCha8Rng {
    rng(
        seed.wrapping_add(session.wrapping_mul(0x9E37_79B9_7F4A_7C15)),
        stream,
    )
}

/// A uniform draw in `[range[0], range[1]]`.
pub fn uniform(rng: &mut impl Rng, range: [f64; 2]) -> f64 {
    rng.random_range(range[0]..=range[1])
}

/// A random sign: +1 or −1 with equal odds.
pub fn sign(rng: &mut impl Rng) -> f64 {
    if rng.random_bool(0.5) {
        1.0
    } else {
        -1.0
    }
}
