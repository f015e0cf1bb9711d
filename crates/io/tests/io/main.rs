//! Integration tests of collis-io: every format, the robustness cases and the real recordings
//! in ../shared/data (when present). Synthetic files live in temporary directories.

mod common;
mod emg;
mod emg_files;
mod formats;
mod openface;
mod real_data;
mod robustness;
mod sensor_logger;
