//! How the sensor sits on the head: which head direction each sensor axis points to.
//!
//! The head frame is x = forward (out of the nose), y = left, z = up (right-handed, like ENU
//! for a head facing north). A mounting such as `x=back,y=up,z=left` names, for each sensor
//! axis, the head direction it points to.

use nalgebra::{Matrix3, Rotation3, UnitQuaternion, Vector3};
use std::str::FromStr;

/// A direction in the head frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Forward,
    Back,
    Left,
    Right,
    Up,
    Down,
}

impl Direction {
    pub fn vector(self) -> Vector3<f64> {
        match self {
            Direction::Forward => Vector3::new(1.0, 0.0, 0.0),
            Direction::Back => Vector3::new(-1.0, 0.0, 0.0),
            Direction::Left => Vector3::new(0.0, 1.0, 0.0),
            Direction::Right => Vector3::new(0.0, -1.0, 0.0),
            Direction::Up => Vector3::new(0.0, 0.0, 1.0),
            Direction::Down => Vector3::new(0.0, 0.0, -1.0),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Direction::Forward => "forward",
            Direction::Back => "back",
            Direction::Left => "left",
            Direction::Right => "right",
            Direction::Up => "up",
            Direction::Down => "down",
        }
    }
}

impl FromStr for Direction {
    type Err = MountingError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "forward" | "front" => Direction::Forward,
            "back" | "backward" => Direction::Back,
            "left" => Direction::Left,
            "right" => Direction::Right,
            "up" => Direction::Up,
            "down" => Direction::Down,
            other => return Err(MountingError::UnknownDirection(other.to_string())),
        })
    }
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum MountingError {
    #[error("unknown direction '{0}' (expected forward, back, left, right, up or down)")]
    UnknownDirection(String),
    #[error("mounting '{0}' must name x, y and z once each, like x=forward,y=left,z=up")]
    Syntax(String),
    #[error("mounting '{0}' is not a rotation: the three axes must be perpendicular and right-handed (x × y = z)")]
    NotARotation(String),
}

/// Sensor mounting on the head (or on the trunk for a trunk sensor).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mounting {
    pub x: Direction,
    pub y: Direction,
    pub z: Direction,
}

impl Default for Mounting {
    /// `x=forward,y=left,z=up`: sensor axes aligned with the head frame.
    fn default() -> Self {
        Mounting {
            x: Direction::Forward,
            y: Direction::Left,
            z: Direction::Up,
        }
    }
}

impl Mounting {
    /// Rotation taking sensor-frame vectors into the head frame (`v_head = q * v_sensor`).
    pub fn sensor_to_head(&self) -> UnitQuaternion<f64> {
        let m = Matrix3::from_columns(&[self.x.vector(), self.y.vector(), self.z.vector()]);
        UnitQuaternion::from_rotation_matrix(&Rotation3::from_matrix_unchecked(m))
    }
}

impl std::fmt::Display for Mounting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "x={},y={},z={}",
            self.x.name(),
            self.y.name(),
            self.z.name()
        )
    }
}

impl FromStr for Mounting {
    type Err = MountingError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut axes: [Option<Direction>; 3] = [None; 3];
        for part in s.split(',') {
            let (k, v) = part
                .split_once('=')
                .ok_or_else(|| MountingError::Syntax(s.to_string()))?;
            let slot = match k.trim().to_ascii_lowercase().as_str() {
                "x" => 0,
                "y" => 1,
                "z" => 2,
                _ => return Err(MountingError::Syntax(s.to_string())),
            };
            if axes[slot].is_some() {
                return Err(MountingError::Syntax(s.to_string()));
            }
            axes[slot] = Some(v.parse()?);
        }
        let [Some(x), Some(y), Some(z)] = axes else {
            return Err(MountingError::Syntax(s.to_string()));
        };
        if x.vector().cross(&y.vector()) != z.vector() {
            return Err(MountingError::NotARotation(s.to_string()));
        }
        Ok(Mounting { x, y, z })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_maps_axes() {
        let m: Mounting = "x=back,y=up,z=left".parse().unwrap();
        let q = m.sensor_to_head();
        let v = q * Vector3::new(1.0, 0.0, 0.0);
        assert!((v - Direction::Back.vector()).norm() < 1e-12);
        let v = q * Vector3::new(0.0, 0.0, 1.0);
        assert!((v - Direction::Left.vector()).norm() < 1e-12);
        assert_eq!(m.to_string(), "x=back,y=up,z=left");
    }

    #[test]
    fn rejects_bad_mountings() {
        assert!(matches!(
            "x=back,y=up,z=right".parse::<Mounting>(),
            Err(MountingError::NotARotation(_))
        ));
        assert!(matches!(
            "x=back,y=back,z=up".parse::<Mounting>(),
            Err(MountingError::NotARotation(_))
        ));
        assert!(matches!(
            "x=sideways,y=up,z=left".parse::<Mounting>(),
            Err(MountingError::UnknownDirection(_))
        ));
        assert!(matches!(
            "x=back,y=up".parse::<Mounting>(),
            Err(MountingError::Syntax(_))
        ));
    }
}
