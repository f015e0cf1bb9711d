//! Collis I/O.
