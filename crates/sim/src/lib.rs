//! Collis simulator: physically consistent head-IMU recordings of clinical movement profiles
//! (cervical dystonia postures, jerks and spasms, dystonic and essential head tremor,
//! myoclonus, tics, chorea, healthy movement, and the relief of a sensory trick), with their ground truth, for testing the measurement pipeline.
//!
//! A profile draws, per seed, a head-on-trunk trajectory of clinical angles as a closed-form
//! function of time ([`Profile`]): a neutral segment, a smooth 2-s transition, then the
//! pattern. The body model turns it into sensor poses in the earth frame (random heading,
//! trunk sway about the hips, neck pivot, lever arm, mounting); the sensor model
//! differentiates the poses into gyroscope, accelerometer and magnetometer readings and adds
//! seeded sensor errors. [`Truth`] reports what a perfect measurement would find.
//!
//! [`simulate_emg`] makes surface EMG of neck muscles with known bursts, hum and wander.
//!
//! ```
//! use collis_sim::{simulate, Profile, SimOptions};
//! let sim = simulate(&SimOptions { duration_s: 20.0, ..SimOptions::new(Profile::EtNoNo, 7) });
//! assert_eq!(sim.head.len(), 2000);
//! assert!(sim.truth.tremor.is_some());
//! ```

mod body;
mod emg;
mod events;
mod field;
mod history;
mod noise;
mod options;
mod patterns;
mod physics;
mod profile;
mod recording;
mod seeds;
mod signals;
mod trajectory;
mod tremor;
mod truth;

#[cfg(test)]
mod tests;

pub use emg::{simulate_emg, EmgChannelSpec, EmgChannelTruth, EmgSim, EmgSimOptions};
pub use field::EARTH_FIELD_UT;
pub use history::{BotulinumHistory, CycleTruth};
pub use options::SimOptions;
pub use physics::GRAVITY;
pub use profile::{Profile, UnknownProfile};
pub use trajectory::{Relief, RELIEF_ONSET_S, RELIEF_WEAR_OFF_S};
pub use truth::{truth, Truth, TruthJerk, TruthSpasm, TruthTremor, TruthTrick};

use body::Site;
use collis_core::ImuSample;
use recording::SensorStream;

/// A simulated recording and its truth.
#[derive(Debug, Clone)]
pub struct Simulation {
    /// Head sensor samples.
    pub head: Vec<ImuSample>,
    /// Trunk (sternum) sensor samples, when `trunk_sensor` is set.
    pub trunk: Option<Vec<ImuSample>>,
    pub truth: Truth,
}

/// Simulates the recording `opts` describes.
///
/// # Panics
/// If `rate_hz` is not positive or `duration_s` not finite.
pub fn simulate(opts: &SimOptions) -> Simulation {
    Simulation {
        head: stream(opts).collect(),
        trunk: opts
            .trunk_sensor
            .then(|| SensorStream::new(opts, Site::Trunk).collect()),
        truth: truth(opts),
    }
}

/// Streaming variant for long benchmark recordings: yields the head samples of
/// [`simulate`]`(opts)` one at a time without storing them (use [`truth`] for the truth).
pub fn stream(opts: &SimOptions) -> impl ExactSizeIterator<Item = ImuSample> + use<> {
    SensorStream::new(opts, Site::Head)
}
