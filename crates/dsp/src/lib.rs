//! Collis signal processing: streaming filters, spectra and quantile accumulators.
