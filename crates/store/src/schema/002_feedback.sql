-- Biofeedback settings per subject (target posture, zone, tone): a JSON document owned by the
-- web app, one row per subject, replaced whole.
CREATE TABLE feedback_settings (
    subject_id {int} PRIMARY KEY REFERENCES subjects(id) ON DELETE CASCADE,
    settings_json TEXT NOT NULL,
    updated_on TEXT NOT NULL
);
