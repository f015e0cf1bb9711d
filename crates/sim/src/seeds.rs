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
