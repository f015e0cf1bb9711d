//! The clinical movement profiles the simulator knows, with their kebab-case names.

use collis_core::results::PatternLabel;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Profile {
    /// Torticollis with laterocollis to the same side and irregular dystonic head tremor.
    TorticollisTremor,
    /// Lateral head tilt, no tremor.
    Laterocollis,
    /// Forward flexion.
    Anterocollis,
    /// Backward extension.
    Retrocollis,
    /// Mild torticollis with jerks and one or two sustained spasms.
    JerkyCd,
    /// Essential "no-no" head tremor on rotation, neutral posture.
    EtNoNo,
    /// Essential "yes-yes" head tremor on flexion, neutral posture.
    EtYesYes,
    /// Neutral posture, sway, slow voluntary turns and a bout of voluntary nodding.
    Healthy,
    /// Neutral posture with brief (60–160 ms), random, non-stereotyped jerks.
    Myoclonus,
    /// Neutral posture with bouts of one or two stereotyped, repeated head tics.
    Tics,
    /// Neutral mean posture with continuous, flowing, random movement on every axis.
    Chorea,
}

impl Profile {
    pub const ALL: [Profile; 11] = [
        Profile::TorticollisTremor,
        Profile::Laterocollis,
        Profile::Anterocollis,
        Profile::Retrocollis,
        Profile::JerkyCd,
        Profile::EtNoNo,
        Profile::EtYesYes,
        Profile::Healthy,
        Profile::Myoclonus,
        Profile::Tics,
        Profile::Chorea,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Profile::TorticollisTremor => "torticollis-tremor",
            Profile::Laterocollis => "laterocollis",
            Profile::Anterocollis => "anterocollis",
            Profile::Retrocollis => "retrocollis",
            Profile::JerkyCd => "jerky-cd",
            Profile::EtNoNo => "et-no-no",
            Profile::EtYesYes => "et-yes-yes",
            Profile::Healthy => "healthy",
            Profile::Myoclonus => "myoclonus",
            Profile::Tics => "tics",
            Profile::Chorea => "chorea",
        }
    }

    /// The movement pattern this profile is built to show (the truth for the pattern
    /// profile): the leading feature of the simulated patient.
    pub fn pattern(self) -> PatternLabel {
        match self {
            // Jerky CD keeps a sustained torticollis (12–18°) with jerks mostly toward it.
            Profile::Laterocollis
            | Profile::Anterocollis
            | Profile::Retrocollis
            | Profile::JerkyCd => PatternLabel::DystonicPosture,
            Profile::TorticollisTremor => PatternLabel::DystonicTremor,
            Profile::EtNoNo | Profile::EtYesYes => PatternLabel::EssentialTremorLike,
            Profile::Healthy => PatternLabel::WithinNormal,
            Profile::Myoclonus => PatternLabel::MyoclonicJerks,
            Profile::Tics => PatternLabel::TicLike,
            Profile::Chorea => PatternLabel::Choreiform,
        }
    }
}

impl std::fmt::Display for Profile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[derive(Debug, thiserror::Error, PartialEq)]
#[error("unknown profile '{0}' (expected one of: {names})", names = Profile::ALL.map(Profile::name).join(", "))]
pub struct UnknownProfile(pub String);

impl FromStr for Profile {
    type Err = UnknownProfile;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase().replace('_', "-");
        Profile::ALL
            .into_iter()
            .find(|p| p.name() == wanted)
            .ok_or_else(|| UnknownProfile(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for p in Profile::ALL {
            assert_eq!(p.name().parse::<Profile>(), Ok(p));
            assert_eq!(p.to_string(), p.name());
        }
        assert_eq!("Jerky_CD".parse::<Profile>(), Ok(Profile::JerkyCd));
        let err = "dystonia".parse::<Profile>().unwrap_err().to_string();
        assert!(
            err.contains("'dystonia'") && err.contains("et-yes-yes"),
            "{err}"
        );
    }
}
