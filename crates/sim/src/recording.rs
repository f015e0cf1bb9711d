//! Sample generation: walks the sample clock of one sensor, takes its ideal readings from the
//! body and the magnetic field, and adds that sensor's errors. Allocates nothing per sample.

use crate::body::{Body, Site};
use crate::field::MagneticField;
use crate::noise::SensorErrors;
use crate::physics;
use crate::seeds::{self, Stream};
use crate::SimOptions;
use collis_core::ImuSample;

/// The samples of one sensor, generated on demand.
#[derive(Debug, Clone)]
pub struct SensorStream {
    body: Body,
    field: MagneticField,
    site: Site,
    errors: SensorErrors,
    opts: SimOptions,
    next: usize,
    count: usize,
    /// Samples before time 0 with the sensor lying still.
    still: usize,
}

impl SensorStream {
    pub fn new(opts: &SimOptions, site: Site) -> Self {
        let still = (opts.still_before_s.max(0.0) * opts.rate_hz).round() as usize;
        let stream = match site {
            Site::Head => Stream::HeadNoise,
            Site::Trunk => Stream::TrunkNoise,
        };
        SensorStream {
            body: Body::new(opts),
            field: MagneticField::new(opts),
            site,
            errors: SensorErrors::new(
                seeds::session_rng(opts.seed, opts.session, stream),
                opts.noise_scale,
                opts.rate_hz,
                opts.gyro_bias_dps,
            ),
            opts: opts.clone(),
            next: 0,
            count: opts.sample_count() + still,
            still,
        }
    }
}

impl Iterator for SensorStream {
    type Item = ImuSample;

    fn next(&mut self) -> Option<ImuSample> {
        if self.next >= self.count {
            return None;
        }
        let k = self.next;
        self.next += 1;
        let ideal = if k < self.still {
            // Lying still in the pose of time 0, before the recording starts.
            let at_start = self.body.pose(self.site, 0.0);
            let t = -((self.still - k) as f64) / self.opts.rate_hz;
            (t, physics::ideal(|_| at_start, self.field.at(0.0), t))
        } else {
            let t = self.opts.sample_time(k - self.still);
            (
                t,
                physics::ideal(|t| self.body.pose(self.site, t), self.field.at(t), t),
            )
        };
        let (t, ideal) = ideal;
        let reading = self.errors.apply(&ideal);
        Some(ImuSample {
            time_s: t,
            gyr_rad_s: reading.gyr.into(),
            acc_m_s2: reading.acc.into(),
            mag: self.opts.with_mag.then(|| reading.mag.into()),
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.count - self.next;
        (left, Some(left))
    }
}

impl ExactSizeIterator for SensorStream {}
