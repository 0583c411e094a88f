//! The OpenAPI 3 document, generated from the handlers' annotations.
use actix_web::web;
use utoipa::OpenApi;

use super::{
    activities, assessment, attachments, auth, calendar, checkins, community, deputies, display,
    duties, evaluation, feedback, health, landing, official, org_attendance, org_life, orgs,
    people, plans, push, service, supervision,
};
use crate::error::ErrorBody;

/// One event of a `text/event-stream` answer as clients parse it: `data` holds the JSON the
/// endpoint describes.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct ServerSentEvent {
    pub data: String,
    pub event: Option<String>,
    pub id: Option<String>,
}

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
        health::healthz, health::readyz, health::metrics, openapi_json,
        auth::wechat_login, auth::bind, auth::refresh, auth::logout, auth::password_login, auth::me, auth::confirm_console_sign_in,
        official::verify_url, official::receive_push,
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
        push::export_unreached, push::mark_told_in_person, push::get_notification_channels,
        push::put_notification_channels,
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
        duties::assign_contact_point, duties::contact_points_of, duties::my_contact_points,
        duties::log_duty, duties::my_duties, duties::change_duty, duties::record_talk,
        duties::my_talks, duties::get_talk, duties::change_talk, duties::person_duties, duties::org_duties,
        attachments::upload, attachments::list, attachments::content, attachments::thumbnail,
        deputies::list_studios, deputies::create_studio, deputies::get_studio, deputies::studio_qr,
        deputies::generate_rota, deputies::studio_rota, deputies::my_rota, deputies::set_unavailable,
        deputies::ask_swap, deputies::accept_swap, deputies::decline_swap,
        deputies::set_constituency, deputies::constituency, deputies::book,
        deputies::shift_receptions, deputies::request_meeting, deputies::invite,
        deputies::my_receptions, deputies::deputy_receptions, deputies::cancel_reception,
        deputies::answer_request, deputies::record_reception, deputies::open_case,
        deputies::ask_question, deputies::draft_proposal, deputies::get_matter,
        deputies::matter_step, deputies::rate_matter, deputies::my_matters,
        deputies::org_questions, deputies::org_matters, deputies::record_inspection,
        deputies::get_inspection, deputies::my_inspections, deputies::deputy_year,
        deputies::org_deputy_years, feedback::give, feedback::mine, feedback::summary,
        org_life::org_birthdays, org_life::my_birthday, org_life::celebrate, org_life::record_items,
        org_life::publish_notice, org_life::my_notices, org_life::open_notice,
        org_life::notice_readers, org_life::community_notices, org_life::ask_about_notice,
        org_life::create_pair, org_life::org_pairs, org_life::log_pair_entry, org_life::pair_year,
        plans::set_co_organiser, plans::create_themed, plans::themed_quota, activities::get_venues,
        activities::get_branch_venue_qr, activities::joined_themed,
        evaluation::open, evaluation::get, evaluation::self_assess, evaluation::vote,
        evaluation::comment, evaluation::decide, evaluation::results, evaluation::evidence,
        evaluation::questionnaire, evaluation::answer_questionnaire, evaluation::questionnaire_results,
        evaluation::mine, evaluation::of_org, evaluation::questionnaire_qr,
        landing::questionnaire_landing,
        supervision::plan, supervision::list, supervision::one, supervision::draw,
        supervision::record_finding, supervision::findings, supervision::publish,
        supervision::versions, supervision::org_results, supervision::my_results,
        supervision::org_tasks, supervision::task, supervision::task_step,
        assessment::get_rubric, assessment::set_rubric, assessment::score, assessment::recompute,
        assessment::rankings, assessment::org_dashboard, assessment::live_board,
        assessment::live_board_events,
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

/// What the server checks on parameters and body fields, stated in the document: years,
/// months, formats, lengths, patterns and choices. (Rules across fields, such as "the end
/// after the start" or "another day needs a reason", are in the operations' descriptions.)
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const YEAR: &str = r#"{"type": "integer", "minimum": 2000, "maximum": 2100}"#;
const MONTH: &str = r#"{"type": "string", "pattern": "^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])$"}"#;
const DATE: &str = r#"{"type": "string", "pattern": "^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"}"#;
const TIME: &str = r#"{"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$"}"#;
const PHONE: &str = r#"{"type": "string", "pattern": "^[0-9 +-]{11,20}$"}"#;
/// Text with at least one visible character (blank text is refused after trimming).
fn text(max: u32) -> serde_json::Value {
    serde_json::json!({"type": "string", "minLength": 1, "maxLength": max, "pattern": "\\S"})
}

fn parameter_constraint(path: &str, name: &str) -> Option<serde_json::Value> {
    let parsed = |raw: &str| serde_json::from_str(raw).ok();
    let choices = |values: &[&str]| Some(serde_json::json!({"type": "string", "enum": values}));
    match name {
        "year" => parsed(YEAR),
        "month" => parsed(MONTH),
        "page" => Some(
            serde_json::json!({"type": "integer", "minimum": 1, "maximum": crate::pagination::MAX_PAGE}),
        ),
        "per_page" => Some(
            serde_json::json!({"type": "integer", "minimum": 1, "maximum": crate::pagination::MAX_PER_PAGE}),
        ),
        "policy" => choices(&["next_working_day", "statutory_only"]),
        "kind" if path.contains("service-items") => choices(&["item", "post", "volunteer"]),
        "format" if path.ends_with("/roster") => choices(&["csv", "xlsx"]),
        "format" if path.starts_with("/api/v1/orgs/") && path.ends_with("/ledger") => {
            choices(&["csv", "xlsx"])
        }
        "format" if path.ends_with("/ledger") => choices(&["json", "csv", "xlsx"]),
        "format" if path.ends_with("/commitments") => choices(&["json", "csv"]),
        "code" if path.starts_with("/display/") => {
            Some(serde_json::json!({"type": "string", "pattern": "^[A-HJ-NP-Z2-9]{8}$"}))
        }
        _ => None,
    }
}

fn property_constraint(schema: &str, property: &str) -> Option<serde_json::Value> {
    let parsed = |raw: &str| serde_json::from_str(raw).ok();
    let choices = |values: &[&str]| Some(serde_json::json!({"type": "string", "enum": values}));
    match (schema, property) {
        ("WechatLoginRequest", "code") => Some(
            serde_json::json!({"type": "string", "minLength": 1, "maxLength": 128, "pattern": "^[!-~]+$"}),
        ),
        ("BindRequest", "invite_code") => Some(
            serde_json::json!({"type": "string", "minLength": 12, "maxLength": 40, "pattern": "^[2-9A-HJKMNP-Za-hjkmnp-z -]+$"}),
        ),
        ("PasswordLoginRequest" | "PersonRequest", "phone") => parsed(PHONE),
        ("PasswordLoginRequest", "password") => {
            Some(serde_json::json!({"type": "string", "minLength": 1, "maxLength": 256}))
        }
        ("CheckinRequest", "activity_code") => {
            Some(serde_json::json!({"type": "string", "pattern": "^ *[A-Za-z0-9]{1,12} *$"}))
        }
        ("CheckinRequest", "token") => {
            Some(serde_json::json!({"type": "string", "pattern": "^ *[A-Za-z0-9_-]{1,32} *$"}))
        }
        ("CheckinRequest", "nonce") => {
            Some(serde_json::json!({"type": "string", "pattern": "^[A-Za-z0-9_-]{16,64}$"}))
        }
        ("CheckinRequest", "scancode_time") => Some(
            serde_json::json!({"type": ["integer", "null"], "minimum": 946_684_800, "maximum": 4_133_980_799i64}),
        ),
        ("LocationBody", "latitude") => {
            Some(serde_json::json!({"type": "number", "minimum": -90, "maximum": 90}))
        }
        ("LocationBody", "longitude") => {
            Some(serde_json::json!({"type": "number", "minimum": -180, "maximum": 180}))
        }
        ("SettingsRequest", "radius_m") => {
            Some(serde_json::json!({"type": "integer", "minimum": 20, "maximum": 20000}))
        }
        ("SettingsRequest", "window_seconds") => Some(
            serde_json::json!({"anyOf": [{"type": "integer", "enum": [0]}, {"type": "integer", "minimum": 10, "maximum": 3600}]}),
        ),
        ("MinutesRequest", "text") => Some(text(20_000)),
        (
            "ReasonRequest" | "OrganiserCheckinRequest" | "UnbindRequest" | "ExemptionRequest",
            "reason",
        ) => Some(text(200)),
        ("ExemptionRequest", "valid_from") => parsed(DATE),
        ("CreateOrgRequest", "code") => {
            Some(serde_json::json!({"type": "string", "pattern": "^ *[A-Za-z0-9_-]{2,50} *$"}))
        }
        ("CreateOrgRequest", "kind") => {
            choices(&["city", "district", "committee", "branch", "community"])
        }
        ("OrgSettingsRequest", "activity_day_policy") => {
            choices(&["next_working_day", "statutory_only"])
        }
        ("GrantRoleRequest", "role") => choices(&[
            "secretary",
            "reviewer",
            "org_admin",
            "supervisor",
            "community_admin",
            "volunteer_lead",
        ]),
        ("PersonRequest", "name") => Some(text(50)),
        ("PersonRequest", "status") => choices(&[
            "full",
            "probationary",
            "activist",
            "正式党员",
            "预备党员",
            "入党积极分子",
        ]),
        ("PlanRequest", "month") => parsed(MONTH),
        ("PlanRequest" | "PlanPatch", "start_time" | "end_time") => parsed(TIME),
        ("PlanRequest" | "PlanPatch", "theme") => Some(text(100)),
        ("ReviewRequest", "comment") => {
            Some(serde_json::json!({"type": ["string", "null"], "maxLength": 500}))
        }
        ("SubscriptionReport", "results") => Some(
            serde_json::json!({"type": "object", "minProperties": 1, "maxProperties": 5,
            "additionalProperties": {"type": "string", "enum": ["accept", "acceptWithAudio", "reject", "ban", "filter"]}}),
        ),
        ("CommitmentRequest", "category") => {
            choices(&["organ", "rural_community", "enterprise", "retired"])
        }
        ("HouseholdRequest", "kind") => {
            choices(&["empty_nest", "disabled", "left_behind_child", "hardship"])
        }
        ("NewItem", "kind") => choices(&["item", "post", "volunteer"]),
        ("NewItem", "title") => Some(text(100)),
        _ => None,
    }
}

/// The edge refuses control characters (see `text_guard`): none in paths and queries, only
/// line breaks and tabs in JSON text.
const URL_TEXT: &str = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$";
const BODY_TEXT: &str = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]*$";

fn refuse_control_characters(schema: &mut serde_json::Value, pattern: &str) {
    let is_string = match &schema["type"] {
        serde_json::Value::String(kind) => kind == "string",
        serde_json::Value::Array(kinds) => kinds.iter().any(|k| k == "string"),
        _ => false,
    };
    if is_string
        && schema.get("pattern").is_none()
        && schema.get("enum").is_none()
        && schema.get("format").is_none()
    {
        schema["pattern"] = serde_json::Value::String(pattern.to_owned());
    }
}

fn add_constraints(doc: &mut serde_json::Value) {
    if let Some(paths) = doc["paths"].as_object_mut() {
        for (path, item) in paths.iter_mut() {
            let Some(operations) = item.as_object_mut() else {
                continue;
            };
            for operation in operations.values_mut() {
                let Some(parameters) = operation
                    .get_mut("parameters")
                    .and_then(serde_json::Value::as_array_mut)
                else {
                    continue;
                };
                for parameter in parameters {
                    let name = parameter["name"].as_str().unwrap_or_default().to_owned();
                    if let Some(schema) = parameter_constraint(path, &name) {
                        parameter["schema"] = schema;
                    }
                    refuse_control_characters(&mut parameter["schema"], URL_TEXT);
                }
            }
        }
    }
    if let Some(schemas) = doc["components"]["schemas"].as_object_mut() {
        for (name, schema) in schemas.iter_mut() {
            let Some(properties) = schema
                .get_mut("properties")
                .and_then(serde_json::Value::as_object_mut)
            else {
                continue;
            };
            for (property, value) in properties.iter_mut() {
                if let Some(constraint) = property_constraint(name, property) {
                    let description = value.get("description").cloned();
                    *value = constraint;
                    if let Some(description) = description {
                        value["description"] = description;
                    }
                }
                refuse_control_characters(value, BODY_TEXT);
            }
        }
    }
}

/// This document.
#[utoipa::path(get, path = "/openapi.json", tag = "operations",
    responses((status = 200, description = "The OpenAPI 3 document", content_type = "application/json")))]
pub async fn openapi_json() -> web::Json<serde_json::Value> {
    web::Json(document())
}

/// The document as served: the handlers' own annotations, plus the answers every operation
/// can give whatever its handler says (a malformed request, a missing or expired token, a
/// body too large or of the wrong type, an unknown object, an overloaded server), so the
/// contract lists every status a client can meet.
pub fn document() -> serde_json::Value {
    use serde_json::json;
    let mut doc = serde_json::to_value(ApiDoc::openapi()).expect("the document serialises");
    let error = |description: &str| {
        json!({"description": description,
               "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}})
    };
    let retry_after = json!({"Retry-After": {"description": "seconds to wait before trying again",
                                             "schema": {"type": "integer", "minimum": 1}}});
    add_constraints(&mut doc);
    let Some(paths) = doc["paths"].as_object_mut() else {
        return doc;
    };
    for (path, item) in paths.iter_mut() {
        let Some(operations) = item.as_object_mut() else {
            continue;
        };
        for operation in operations.values_mut() {
            let secured = operation.get("security").is_some();
            let has_body = operation.get("requestBody").is_some();
            let Some(responses) = operation
                .get_mut("responses")
                .and_then(serde_json::Value::as_object_mut)
            else {
                continue;
            };
            // Exports answer in the format asked for.
            let files_only = path.ends_with("/roster")
                || (path.starts_with("/api/v1/orgs/") && path.ends_with("/ledger"));
            let exports: &[&str] = if files_only {
                &["text/csv", XLSX]
            } else if path.ends_with("/ledger") {
                &["application/json", "text/csv", XLSX]
            } else if path.ends_with("/commitments") {
                &["application/json", "text/csv"]
            } else {
                &[]
            };
            if let Some(ok) = responses.get_mut("200")
                && !exports.is_empty()
            {
                let json_schema = ok["content"]["application/json"]["schema"].clone();
                let mut content = serde_json::Map::new();
                for kind in exports {
                    let schema = if *kind == "application/json" {
                        if json_schema.is_null() {
                            json!({"type": "object"})
                        } else {
                            json_schema.clone()
                        }
                    } else {
                        json!({"type": "string", "format": "binary"})
                    };
                    content.insert((*kind).to_owned(), json!({"schema": schema}));
                }
                ok["content"] = serde_json::Value::Object(content);
            }
            let mut add = |status: &str, response: serde_json::Value| {
                responses.entry(status).or_insert(response);
            };
            add(
                "400",
                error(
                    "request.invalid_query, request.invalid_path, request.invalid_body, request.control_character",
                ),
            );
            if secured {
                add(
                    "401",
                    error("auth.token_missing, auth.token_invalid, auth.token_expired"),
                );
            }
            if has_body {
                add("413", error("request.body_too_large"));
                add("415", error("request.unsupported_media_type"));
            }
            if path.contains('{') {
                add(
                    "404",
                    error("request.not_found, or the object named in the path does not exist"),
                );
            }
            if path != "/healthz" && path != "/openapi.json" {
                let mut busy = error("server.busy: no database connection in time; retry");
                busy["headers"] = retry_after.clone();
                add("503", busy);
            }
            for status in ["429", "503"] {
                if let Some(response) = responses.get_mut(status)
                    && response.get("headers").is_none()
                {
                    response["headers"] = retry_after.clone();
                }
            }
        }
    }
    doc
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
        let wanted = serde_json::to_string_pretty(&document()).expect("json") + "\n";
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
