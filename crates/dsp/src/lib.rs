//! Collis signal processing: thin, streaming layers over well-kept crates.
//!
//! - [`filter`]: Butterworth low/high/band-pass as cascades of biquads (`biquad` crate), one
//!   sample at a time;
//! - [`welch`]: a Welch power-spectral-density accumulator (`realfft`), scaled like SciPy's
//!   `welch(scaling="density")`, that keeps one segment of memory;
//! - [`notch`]: mains comb notch (one-period difference: zeros at mains, harmonics, DC);
//! - [`moving_rms`]: the centred moving RMS (EMG envelope) with its exact delay;
//! - [`coherence`]: magnitude-squared coherence of two signals (Welch cross-spectra, `realfft`);
//! - [`histogram`]: fixed-resolution streaming quantiles (O(1) memory whatever the length);
//! - [`line_fit`]: a streaming least-squares line (slope, intercept, spread).

pub mod coherence;
pub mod filter;
pub mod histogram;
pub mod line_fit;
pub mod moving_rms;
pub mod notch;
pub mod welch;

pub use coherence::Coherence;
pub use filter::{Butterworth, FilterError};
pub use histogram::Histogram;
pub use line_fit::LineFit;
pub use moving_rms::MovingRms;
pub use notch::CombNotch;
pub use welch::{Psd, Welch};
