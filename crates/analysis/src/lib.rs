//! Collis analyses.
