//! The clinical movement profiles the simulator knows, with their kebab-case names.

use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
}

impl Profile {
    pub const ALL: [Profile; 8] = [
        Profile::TorticollisTremor,
        Profile::Laterocollis,
        Profile::Anterocollis,
        Profile::Retrocollis,
        Profile::JerkyCd,
        Profile::EtNoNo,
        Profile::EtYesYes,
        Profile::Healthy,
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
