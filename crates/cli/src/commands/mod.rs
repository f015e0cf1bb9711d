//! One module per subcommand.

pub mod analyze;
pub mod angles;
pub mod db;
pub mod demo;
pub mod diary;
pub mod export;
pub mod orient;
pub mod record;
pub mod report;
pub mod simulate;
pub mod speed;
pub mod subject;
pub mod table;
pub mod treatment;
pub mod trend;
pub mod validate;
