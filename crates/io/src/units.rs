//! Units of raw recorded values and their factors to the SI units of `ImuSample`
//! (m/s², rad/s, s). One lenient spelling table per quantity serves both the header parser
//! (`A_X [mg]`, `gyro_x(rad/s)`, `time_ms`) and the `--acc-unit` / `--gyr-unit` options.

use std::fmt;
use std::str::FromStr;

/// Standard gravity (m/s²), the `g` of every unit conversion here (CODATA / ISO 80000-3).
pub const STANDARD_GRAVITY: f64 = 9.80665;

/// Accelerometer unit of the raw values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccUnit {
    MetrePerS2,
    G,
    MilliG,
}

/// Gyroscope unit of the raw values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GyrUnit {
    RadPerS,
    DegPerS,
    MilliDegPerS,
}

/// Unit of a time column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TimeUnit {
    Seconds,
    Millis,
    Micros,
    Nanos,
}

/// A unit spelling that is not understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {quantity} unit '{given}' (expected {expected})")]
pub struct UnitError {
    quantity: &'static str,
    given: String,
    expected: &'static str,
}

/// Lower-case, no spaces, `²`/`^2` → `2`, Greek mu → micro sign, `°` → `deg`, `/sec` → `/s`.
fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.trim().chars() {
        match c {
            ' ' | '^' | '*' | '_' => {}
            '²' => out.push('2'),
            '\u{3bc}' => out.push('µ'),
            '°' => out.push_str("deg"),
            c => out.extend(c.to_lowercase()),
        }
    }
    out.replace("/sec", "/s")
}

impl AccUnit {
    /// Factor from this unit to m/s².
    pub fn to_m_s2(self) -> f64 {
        match self {
            AccUnit::MetrePerS2 => 1.0,
            AccUnit::G => STANDARD_GRAVITY,
            AccUnit::MilliG => STANDARD_GRAVITY * 1e-3,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            AccUnit::MetrePerS2 => "m/s²",
            AccUnit::G => "g",
            AccUnit::MilliG => "mg",
        }
    }

    /// The spelling for `--acc-unit`.
    pub fn option_name(self) -> &'static str {
        match self {
            AccUnit::MetrePerS2 => "m/s2",
            AccUnit::G => "g",
            AccUnit::MilliG => "mg",
        }
    }

    pub(crate) fn from_token(s: &str) -> Option<Self> {
        Some(match normalize(s).as_str() {
            "m/s2" | "m/s/s" | "ms-2" | "m.s-2" | "ms2" | "mps2" | "mpss" | "m/ss" => {
                AccUnit::MetrePerS2
            }
            "g" | "gs" | "g0" => AccUnit::G,
            "mg" | "millig" | "milli-g" => AccUnit::MilliG,
            _ => return None,
        })
    }
}

impl GyrUnit {
    /// Factor from this unit to rad/s.
    pub fn to_rad_s(self) -> f64 {
        match self {
            GyrUnit::RadPerS => 1.0,
            GyrUnit::DegPerS => std::f64::consts::PI / 180.0,
            GyrUnit::MilliDegPerS => std::f64::consts::PI / 180.0e3,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            GyrUnit::RadPerS => "rad/s",
            GyrUnit::DegPerS => "deg/s",
            GyrUnit::MilliDegPerS => "mdps",
        }
    }

    /// The spelling for `--gyr-unit`.
    pub fn option_name(self) -> &'static str {
        match self {
            GyrUnit::RadPerS => "rad/s",
            GyrUnit::DegPerS => "dps",
            GyrUnit::MilliDegPerS => "mdps",
        }
    }

    pub(crate) fn from_token(s: &str) -> Option<Self> {
        Some(match normalize(s).as_str() {
            "rad/s" | "rads" | "radps" | "rads-1" | "rad.s-1" => GyrUnit::RadPerS,
            "dps" | "deg/s" | "degs" | "degps" | "degrees/s" | "degree/s" | "degs-1" => {
                GyrUnit::DegPerS
            }
            "mdps" | "mdeg/s" | "mdegs" => GyrUnit::MilliDegPerS,
            _ => return None,
        })
    }
}

impl TimeUnit {
    pub(crate) const ALL: [TimeUnit; 4] = [
        TimeUnit::Nanos,
        TimeUnit::Micros,
        TimeUnit::Millis,
        TimeUnit::Seconds,
    ];

    /// Factor from this unit to seconds.
    pub(crate) fn to_s(self) -> f64 {
        match self {
            TimeUnit::Seconds => 1.0,
            TimeUnit::Millis => 1e-3,
            TimeUnit::Micros => 1e-6,
            TimeUnit::Nanos => 1e-9,
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            TimeUnit::Seconds => "s",
            TimeUnit::Millis => "ms",
            TimeUnit::Micros => "µs",
            TimeUnit::Nanos => "ns",
        }
    }

    pub(crate) fn from_token(s: &str) -> Option<Self> {
        Some(match normalize(s).as_str() {
            "s" | "sec" | "secs" | "second" | "seconds" => TimeUnit::Seconds,
            "ms" | "msec" | "millis" | "millisecond" | "milliseconds" => TimeUnit::Millis,
            "us" | "µs" | "usec" | "micros" | "microsecond" | "microseconds" => TimeUnit::Micros,
            "ns" | "nsec" | "nanos" | "nanosecond" | "nanoseconds" => TimeUnit::Nanos,
            _ => return None,
        })
    }
}

/// Whether a token names a magnetic-field unit (the value itself is never converted: any
/// consistent unit will do for the magnetometer).
pub(crate) fn is_mag_unit(s: &str) -> bool {
    matches!(
        normalize(s).as_str(),
        "ut" | "µt" | "microtesla" | "nt" | "gauss" | "mgauss" | "lsb"
    )
}

impl FromStr for AccUnit {
    type Err = UnitError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        AccUnit::from_token(s).ok_or_else(|| UnitError {
            quantity: "accelerometer",
            given: s.to_string(),
            expected: "m/s2, g or mg",
        })
    }
}

impl FromStr for GyrUnit {
    type Err = UnitError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        GyrUnit::from_token(s).ok_or_else(|| UnitError {
            quantity: "gyroscope",
            given: s.to_string(),
            expected: "rad/s, dps (deg/s) or mdps",
        })
    }
}

impl fmt::Display for AccUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl fmt::Display for GyrUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn option_spellings_parse() {
        for (s, u) in [
            ("m/s2", AccUnit::MetrePerS2),
            ("m/s^2", AccUnit::MetrePerS2),
            ("mps2", AccUnit::MetrePerS2),
            ("m/s²", AccUnit::MetrePerS2),
            ("g", AccUnit::G),
            ("G", AccUnit::G),
            ("mg", AccUnit::MilliG),
        ] {
            assert_eq!(s.parse::<AccUnit>(), Ok(u), "{s}");
        }
        for (s, u) in [
            ("rad/s", GyrUnit::RadPerS),
            ("dps", GyrUnit::DegPerS),
            ("deg/s", GyrUnit::DegPerS),
            ("°/s", GyrUnit::DegPerS),
            ("mdps", GyrUnit::MilliDegPerS),
        ] {
            assert_eq!(s.parse::<GyrUnit>(), Ok(u), "{s}");
        }
        let e = "furlong".parse::<AccUnit>().unwrap_err().to_string();
        assert!(e.contains("furlong") && e.contains("m/s2, g or mg"), "{e}");
        assert!("g".parse::<GyrUnit>().is_err());
    }

    #[test]
    fn factors() {
        assert_eq!(AccUnit::MilliG.to_m_s2(), 0.00980665);
        assert!((GyrUnit::DegPerS.to_rad_s() * 180.0 - std::f64::consts::PI).abs() < 1e-15);
        assert_eq!(TimeUnit::from_token("µs"), Some(TimeUnit::Micros));
        assert_eq!(TimeUnit::from_token("msec"), Some(TimeUnit::Millis));
        assert!(is_mag_unit("µT") && is_mag_unit("uT") && !is_mag_unit("g"));
    }
}
