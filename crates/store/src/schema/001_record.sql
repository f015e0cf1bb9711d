CREATE TABLE subjects (
    id {id},
    code TEXT NOT NULL UNIQUE,
    sex TEXT,
    birth_year {int},
    onset_year {int},
    affected_side TEXT,
    note TEXT
);

CREATE TABLE sessions (
    id {id},
    subject_id {int} NOT NULL REFERENCES subjects(id) ON DELETE CASCADE,
    recorded_on TEXT NOT NULL,
    task TEXT NOT NULL,
    source TEXT NOT NULL,
    file_name TEXT,
    content_sha256 TEXT NOT NULL UNIQUE,
    schema_version TEXT NOT NULL,
    results_json TEXT NOT NULL,
    duration_s {real} NOT NULL,
    rotation_median_deg {real},
    tilt_median_deg {real},
    flexion_median_deg {real},
    tremor_present {int} NOT NULL,
    tremor_frequency_hz {real},
    tremor_amplitude_deg {real},
    jerk_count {int} NOT NULL,
    jerk_rate_per_min {real} NOT NULL,
    spasm_count {int} NOT NULL,
    twstrs_machine_subtotal {int} NOT NULL,
    twstrs_machine_max {int} NOT NULL,
    event_count {int} NOT NULL
);
CREATE INDEX sessions_subject ON sessions(subject_id, recorded_on);

CREATE TABLE session_events (
    id {id},
    session_id {int} NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    time_s {real} NOT NULL,
    duration_s {real} NOT NULL,
    axis TEXT NOT NULL,
    amplitude_deg {real} NOT NULL,
    peak_velocity_dps {real}
);
CREATE INDEX session_events_session ON session_events(session_id);

CREATE TABLE injections (
    id {id},
    subject_id {int} NOT NULL REFERENCES subjects(id) ON DELETE CASCADE,
    given_on TEXT NOT NULL,
    product TEXT NOT NULL,
    guidance TEXT,
    note TEXT
);
CREATE INDEX injections_subject ON injections(subject_id, given_on);

CREATE TABLE injection_doses (
    id {id},
    injection_id {int} NOT NULL REFERENCES injections(id) ON DELETE CASCADE,
    muscle TEXT NOT NULL,
    side TEXT NOT NULL,
    units {real} NOT NULL
);

CREATE TABLE dbs_settings (
    id {id},
    subject_id {int} NOT NULL REFERENCES subjects(id) ON DELETE CASCADE,
    programmed_on TEXT NOT NULL,
    target TEXT NOT NULL,
    side TEXT NOT NULL,
    contacts TEXT NOT NULL,
    amplitude {real} NOT NULL,
    amplitude_unit TEXT NOT NULL,
    pulse_width_us {real} NOT NULL,
    frequency_hz {real} NOT NULL,
    note TEXT
);

CREATE TABLE medications (
    id {id},
    subject_id {int} NOT NULL REFERENCES subjects(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    dose TEXT NOT NULL,
    started_on TEXT NOT NULL,
    stopped_on TEXT,
    note TEXT
);

CREATE TABLE diary (
    id {id},
    subject_id {int} NOT NULL REFERENCES subjects(id) ON DELETE CASCADE,
    entry_on TEXT NOT NULL,
    pain {int},
    twstrs_disability {int},
    twstrs_pain {int},
    note TEXT
);
