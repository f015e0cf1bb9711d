//! Collis simulator.
