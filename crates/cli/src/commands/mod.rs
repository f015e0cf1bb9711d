//! One module per subcommand.

pub mod analyze;
pub mod angles;
pub mod db;
pub mod demo;
pub mod diary;
pub mod export;
pub mod models;
pub mod orient;
pub mod pose;
pub mod record;
pub mod report;
pub mod serve;
pub mod simulate;
pub mod speed;
pub mod speed_emg;
pub mod subject;
pub mod table;
pub mod treatment;
pub mod trend;
pub mod validate;
