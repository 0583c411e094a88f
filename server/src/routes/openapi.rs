//! The OpenAPI 3 document, generated from the handlers' annotations.
use actix_web::web;
use utoipa::OpenApi;

use super::{
    activities, auth, calendar, checkins, community, display, health, landing, org_attendance,
    orgs, people, plans, push, service,
};
use crate::error::ErrorBody;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Huodongri API",
        description = "统一活动日: monthly activity days of grassroots Party organisations. \
            Every error is `{\"code\": \"area.reason\", \"message\": \"…\"}`; clients switch on `code`. \
            Codes shared by every route: request.invalid_body (400), request.invalid_path (400), \
            request.invalid_query (400), request.not_found (404), request.method_not_allowed (405), \
            request.body_too_large (413), request.unsupported_media_type (415), internal (500)."
    ),
    paths(
        health::healthz, health::readyz, openapi_json,
        auth::wechat_login, auth::bind, auth::refresh, auth::logout, auth::password_login, auth::me,
        calendar::get_calendar, calendar::load_year,
        orgs::create_org, orgs::get_org, orgs::list_children, orgs::list_roles, orgs::grant_role,
        orgs::revoke_role, orgs::list_audit, orgs::update_settings,
        people::list_people, people::create_person, people::get_person, people::update_person,
        people::issue_invite, people::unbind_wechat, people::import_roster, people::export_roster,
        plans::put_yearly_plan, plans::get_yearly_plan, plans::create_plan, plans::get_plan,
        plans::update_plan, plans::patch_plan, plans::submit_plan, plans::approve_plan, plans::return_plan,
        plans::publish_preview, plans::list_plans, plans::preview_status, plans::list_participants,
        plans::refresh_participants, plans::my_preview,
        push::report_subscriptions, push::notification_templates, push::list_deliveries,
        checkins::check_in, checkins::my_card, checkins::my_activities, checkins::my_attendance,
        checkins::person_attendance, checkins::create_exemption, checkins::revoke_exemption,
        checkins::list_exemptions, checkins::request_leave, checkins::withdraw_leave,
        org_attendance::org_attendance, org_attendance::org_ledger,
        activities::get_activity, activities::get_qr, activities::get_qr_svg, activities::get_qr_png,
        activities::get_live, activities::create_display_link, activities::put_settings,
        activities::cancel_activity, activities::put_minutes, activities::organiser_checkin,
        activities::undo_checkin, activities::get_attendance, activities::get_ledger,
        activities::list_refusals, activities::list_leave, activities::decide_leave,
        landing::venue_landing, display::display_page, display::display_qr, display::display_events,
        community::list_communities, community::file_report, community::my_reports,
        community::list_reports, community::decide_report, community::make_suggestion,
        community::my_suggestions, community::list_suggestions, community::answer_suggestion,
        community::create_household, community::list_households, community::get_household,
        community::pair, community::my_pairings, community::log_visit, community::put_commitment,
        community::commitment_progress, community::complete_commitment, community::my_commitments,
        community::org_commitments, community::missing_commitments, community::my_progress, community::org_progress,
        service::create_item, service::list_items, service::get_item, service::claim_item,
        service::cancel_claim, service::confirm_claim, service::decline_claim, service::my_claims,
        service::list_claims, service::confirm_attendance, service::volunteer_qr,
    ),
    components(schemas(ErrorBody)),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

/// Declares the `bearer` scheme that private routes list under `security`.
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// This document.
#[utoipa::path(get, path = "/openapi.json", tag = "operations",
    responses((status = 200, description = "The OpenAPI 3 document", content_type = "application/json")))]
pub async fn openapi_json() -> web::Json<utoipa::openapi::OpenApi> {
    web::Json(ApiDoc::openapi())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routes::ROUTES;

    #[test]
    fn every_route_is_in_the_openapi_document() {
        let doc = ApiDoc::openapi();
        let value = serde_json::to_value(&doc).expect("the document serialises");
        let missing: Vec<String> = ROUTES
            .iter()
            .filter(|(method, path)| value["paths"][*path][*method].is_null())
            .map(|(method, path)| format!("{} {path}", method.to_uppercase()))
            .collect();
        assert!(
            missing.is_empty(),
            "routes missing from /openapi.json: {missing:?}"
        );
    }

    #[test]
    fn the_document_lists_no_route_the_server_does_not_answer() {
        let doc = ApiDoc::openapi();
        for (path, item) in &doc.paths.paths {
            let value = serde_json::to_value(item).expect("a path item serialises");
            for method in ["get", "post", "put", "patch", "delete"] {
                if !value[method].is_null() {
                    assert!(
                        ROUTES.contains(&(method, path.as_str())),
                        "{method} {path} is documented but not routed"
                    );
                }
            }
        }
    }

    /// The mini-program's tests check their fixtures against this copy of the document, so a
    /// field the server adds, renames or drops fails a client test. Run with
    /// `UPDATE_OPENAPI=1` to rewrite it after changing the API.
    #[test]
    fn the_copy_the_mini_program_tests_against_is_current() {
        let wanted = serde_json::to_string_pretty(&ApiDoc::openapi()).expect("json") + "\n";
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../miniprogram/tests/openapi.json");
        if std::env::var("UPDATE_OPENAPI").is_ok() {
            std::fs::write(&path, &wanted).expect("the copy is written");
        }
        let copy = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            copy == wanted,
            "miniprogram/tests/openapi.json is out of date; run \
             UPDATE_OPENAPI=1 cargo test -p huodongri --lib routes::openapi"
        );
    }
}
