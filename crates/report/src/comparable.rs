//! Which sessions can be compared across time, pure (no I/O).
//!
//! A figure changes with what it is measured in: a 13-s webcam exercise, a range-of-motion
//! trial and a clinic recording at rest are different measurements of the same patient, and
//! putting them in one trend made a toxin cycle read −94 % instead of −44 % (issue 20).
//! Sessions are comparable when they share a [`Protocol`]: the task, the source (head sensor,
//! video, EMG) and the reference the angles are measured against. The trend, the botulinum
//! cycles, "what changed since the last visit" and the default report follow the clinic
//! visit's protocol; the other sessions (exercises, trials) are listed apart.

use collis_store::SessionRow;

/// What a session measured: its task, source and reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Protocol {
    pub task: String,
    pub source: String,
    pub reference: String,
}

impl Protocol {
    pub fn of(s: &SessionRow) -> Protocol {
        Protocol {
            task: s.task.clone(),
            source: s.source.clone(),
            reference: s.reference.clone(),
        }
    }

    /// A clinic visit: the patient recorded at rest, nothing asked of them.
    pub fn is_visit(&self) -> bool {
        self.task == "rest"
    }

    /// In words, e.g. "at rest, head sensor, angles from a neutral hold".
    pub fn describe(&self) -> String {
        let task = match self.task.as_str() {
            "rest" => "at rest",
            "hold-neutral" => "hold-neutral exercise",
            "rom" => "range of motion",
            "sensory-trick" => "sensory-trick trial",
            "exercise" => "exercise",
            other => other,
        };
        let source = match self.source.as_str() {
            "imu" => "head sensor",
            "video" => "video",
            "emg" => "surface EMG",
            other => other,
        };
        let reference = match self.reference.as_str() {
            "neutral" => "angles from a neutral hold",
            "trunk" => "angles against a trunk sensor",
            "gravity" => "tilt and flexion against gravity",
            "camera" => "camera-frontal as neutral",
            "none" => "no head angles",
            "" => "reference not recorded",
            other => other,
        };
        format!("{task}, {source}, {reference}")
    }
}

/// The latest clinic visit (task rest), or the latest session when there is no visit. `None`
/// without sessions.
pub fn latest_visit(sessions: &[SessionRow]) -> Option<&SessionRow> {
    let latest = |visits_only: bool| {
        sessions
            .iter()
            .filter(|s| !visits_only || Protocol::of(s).is_visit())
            .max_by_key(|s| (s.recorded_on, s.id))
    };
    latest(true).or_else(|| latest(false))
}

/// The protocol followed over time: that of [`latest_visit`].
pub fn visit_protocol(sessions: &[SessionRow]) -> Option<Protocol> {
    latest_visit(sessions).map(Protocol::of)
}

/// The sessions recorded under `protocol`, in their order, and the others.
pub fn split(sessions: &[SessionRow], protocol: &Protocol) -> (Vec<SessionRow>, Vec<SessionRow>) {
    sessions
        .iter()
        .cloned()
        .partition(|s| Protocol::of(s) == *protocol)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use collis_store::Figures;

    fn session(id: i64, day: u32, task: &str, source: &str, reference: &str) -> SessionRow {
        SessionRow {
            id,
            subject: "S1".into(),
            recorded_on: NaiveDate::from_ymd_opt(2026, 3, day).unwrap(),
            task: task.into(),
            source: source.into(),
            reference: reference.into(),
            file_name: None,
            content_sha256: format!("{id:064}"),
            schema_version: "1.5.0".into(),
            duration_s: 60.0,
            figures: Figures::default(),
            event_count: 0,
        }
    }

    #[test]
    fn the_latest_visit_sets_the_protocol_and_exercises_are_apart() {
        let sessions = vec![
            session(1, 1, "rest", "imu", "neutral"),
            session(2, 2, "hold-neutral", "video", "camera"),
            session(3, 3, "rest", "imu", "neutral"),
            session(4, 4, "rom", "imu", "neutral"),
            session(5, 5, "rest", "video", "camera"),
            session(6, 6, "exercise", "imu", "neutral"),
        ];
        let p = visit_protocol(&sessions).unwrap();
        assert_eq!(p, Protocol::of(&sessions[4]));
        assert_eq!(p.describe(), "at rest, video, camera-frontal as neutral");
        let p = visit_protocol(&sessions[..4]).unwrap();
        let (same, other) = split(&sessions, &p);
        assert_eq!(same.iter().map(|s| s.id).collect::<Vec<_>>(), [1, 3]);
        assert_eq!(other.iter().map(|s| s.id).collect::<Vec<_>>(), [2, 4, 5, 6]);
        // Exercises only: the latest one's protocol.
        let p = visit_protocol(&[sessions[1].clone(), sessions[3].clone()]).unwrap();
        assert_eq!(p.task, "rom");
        assert!(visit_protocol(&[]).is_none());
    }
}
