//! Biofeedback settings per subject (the therapist's target posture and zone, the tone): kept
//! in the record as a JSON document so every device the patient trains on finds them. The
//! document's fields belong to the web app (collis-analysis `FeedbackSettings`); the store
//! only keeps it, checking that it is a JSON object.

use crate::{subjects, Result, Store, StoreError};
use chrono::NaiveDate;
use sqlx::Row;

impl Store {
    /// The subject's settings document, `None` when none was saved.
    pub fn feedback_settings(&self, code: &str) -> Result<Option<String>> {
        self.block(async {
            let mut conn = self.pool.acquire().await?;
            let id = subjects::id(&mut conn, code).await?;
            let row =
                sqlx::query("SELECT settings_json FROM feedback_settings WHERE subject_id = $1")
                    .bind(id)
                    .fetch_optional(&mut *conn)
                    .await?;
            Ok(row.map(|r| r.try_get("settings_json")).transpose()?)
        })
    }

    /// Save (replace) the subject's settings document.
    pub fn set_feedback_settings(&self, code: &str, json: &str, on: NaiveDate) -> Result<()> {
        if !serde_json::from_str::<serde_json::Value>(json).is_ok_and(|v| v.is_object()) {
            return Err(StoreError::Invalid {
                field: "feedback settings".into(),
                message: "expected a JSON object".into(),
            });
        }
        self.block(async {
            let mut conn = self.pool.acquire().await?;
            let id = subjects::id(&mut conn, code).await?;
            sqlx::query(
                "INSERT INTO feedback_settings (subject_id, settings_json, updated_on) VALUES ($1, $2, $3) \
                 ON CONFLICT (subject_id) DO UPDATE SET settings_json = excluded.settings_json, updated_on = excluded.updated_on",
            )
            .bind(id)
            .bind(json)
            .bind(on.to_string())
            .execute(&mut *conn)
            .await?;
            Ok(())
        })
    }
}
