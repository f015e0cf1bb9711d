//! The OpenAPI 3.1 description of the REST API, generated from the handlers' annotations
//! (utoipa), served at `/api/openapi.json` and written to `docs/openapi.json` by
//! `collis serve --openapi` (a test keeps that file in step with the code).

use axum::Json;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Collis API",
        description = "Local API of the Collis web app: the record (subjects, sessions, trends, reports), upload-and-analyse, and live head-sensor and surface-EMG streams. Results are measurements and decision support, never a diagnosis. Off loopback every request needs the server's token (Authorization: Bearer T, or ?token=T once, which sets a cookie)."
    ),
    paths(
        crate::api::health,
        crate::api::subjects,
        crate::api::add_subject,
        crate::api::subject_sessions,
        crate::api::subject_trend,
        crate::api::feedback,
        crate::api::set_feedback,
        crate::api::session_results,
        crate::api::session_report,
        crate::api::analyze,
        crate::live::imu,
        crate::live_video::video,
        crate::live_emg::emg,
        crate::live::streams,
        crate::live::watch,
        crate::pairing::offer,
        crate::pairing::paired,
        crate::treatments::list,
        crate::treatments::add_injection,
        crate::treatments::add_dbs,
        crate::treatments::add_medication,
        crate::treatments::add_diary,
    ),
    components(schemas(
        crate::api::ErrorBody,
        crate::api::Health,
        crate::api::SubjectOut,
        crate::api::NewSubject,
        crate::api::SessionOut,
        crate::api::TrendOut,
        crate::api::TrendPoint,
        crate::api::AnalyzeOut,
        crate::pairing::PairRequest,
        crate::pairing::PairOffer,
        crate::treatments::Entry,
        crate::treatments::Stored,
        crate::treatments::InjectionIn,
        crate::treatments::DoseIn,
        crate::treatments::DbsIn,
        crate::treatments::MedicationIn,
        crate::treatments::DiaryIn,
    ))
)]
pub struct ApiDoc;

/// The document as pretty JSON.
pub fn json() -> String {
    ApiDoc::openapi()
        .to_pretty_json()
        .expect("the OpenAPI document serialises")
}

/// `GET /api/openapi.json`.
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_committed_document_is_the_code_s() {
        let committed = include_str!("../../../docs/openapi.json");
        assert!(
            super::json().trim() == committed.trim(),
            "docs/openapi.json is out of date: run `cargo run -- serve --openapi > docs/openapi.json`"
        );
    }
}
