//! One module per subcommand.

pub mod analyze;
pub mod angles;
pub mod demo;
pub mod models;
pub mod orient;
pub mod pose;
pub mod simulate;
pub mod speed;
pub mod speed_emg;
pub mod validate;
