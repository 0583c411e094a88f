//! Every path the server answers, in one screen. Routes are declared only through
//! `routes!`, which also emits `ROUTES`, so the OpenAPI test can prove each is documented.
mod activities;
pub(crate) mod assessment;
mod attachments;
mod auth;
mod calendar;
mod checkins;
mod community;
pub mod console;
mod deputies;
mod display;
mod download;
mod duties;
mod evaluation;
mod feedback;
pub(crate) mod health;
mod landing;
mod official;
pub mod openapi;
mod org_attendance;
mod org_life;
mod orgs;
mod people;
pub(crate) mod plans;
mod push;
mod service;
mod supervision;

use actix_web::{HttpResponse, http::header, web};

/// Another method on a known path: 405 with the `Allow` header RFC 9110 asks for.
async fn method_not_allowed(allow: String) -> HttpResponse {
    HttpResponse::MethodNotAllowed()
        .insert_header((header::ALLOW, allow))
        .json(crate::error::ErrorBody {
            code: "request.method_not_allowed".into(),
            message: "this route does not accept that method; see the Allow header".into(),
        })
}

macro_rules! routes {
    ($($path:literal => { $($method:ident : $handler:path),+ $(,)? }),* $(,)?) => {
        pub fn configure(cfg: &mut web::ServiceConfig) {
            $(
                let allow = [$(stringify!($method)),+].map(str::to_ascii_uppercase).join(", ");
                cfg.service(
                    web::resource($path)
                        // Read back by the metrics middleware: asking actix for the matched
                        // pattern walks every route's regex again (a tenth of the CPU of a
                        // loaded check-in run).
                        .app_data(crate::metrics::RoutePattern($path))
                        $(.route(web::$method().to($handler)))+
                        .default_service(web::to(move || method_not_allowed(allow.clone()))),
                );
            )*
        }

        /// Every (method, path) the server answers.
        pub const ROUTES: &[(&str, &str)] = &[$($((stringify!($method), $path)),+),*];
    };
}

routes! {
    // The two paths a crowd hits at once come first: routes are tried in order.
    "/api/v1/checkins" => { post: checkins::check_in },
    "/api/v1/service-items/{id}/claims" => { get: service::list_claims, post: service::claim_item },
    "/healthz" => { get: health::healthz },
    "/readyz" => { get: health::readyz },
    "/metrics" => { get: health::metrics },
    "/openapi.json" => { get: openapi::openapi_json },
    "/api/v1/auth/wechat" => { post: auth::wechat_login },
    "/api/v1/auth/bind" => { post: auth::bind },
    "/api/v1/auth/refresh" => { post: auth::refresh },
    "/api/v1/auth/logout" => { post: auth::logout },
    "/api/v1/auth/password" => { post: auth::password_login },
    "/api/v1/wechat/official-account/events" => { get: official::verify_url, post: official::receive_push },
    "/api/v1/console-sign-ins/{code}/confirm" => { post: auth::confirm_console_sign_in },
    "/api/v1/me" => { get: auth::me },
    "/api/v1/me/preview" => { get: plans::my_preview },
    "/api/v1/calendar/{year}" => { get: calendar::get_calendar, put: calendar::load_year },
    "/api/v1/orgs" => { post: orgs::create_org },
    "/api/v1/orgs/{id}" => { get: orgs::get_org },
    "/api/v1/orgs/{id}/children" => { get: orgs::list_children },
    "/api/v1/orgs/{id}/settings" => { put: orgs::update_settings },
    "/api/v1/orgs/{id}/roles" => { get: orgs::list_roles, post: orgs::grant_role },
    "/api/v1/orgs/{id}/roles/{grant_id}" => { delete: orgs::revoke_role },
    "/api/v1/orgs/{id}/audit" => { get: orgs::list_audit },
    "/api/v1/orgs/{id}/notification-channels" => { get: push::get_notification_channels, put: push::put_notification_channels },
    "/api/v1/orgs/{id}/people" => { get: people::list_people, post: people::create_person },
    "/api/v1/orgs/{id}/roster" => { get: people::export_roster, post: people::import_roster },
    "/api/v1/people/{id}" => { get: people::get_person, put: people::update_person },
    "/api/v1/people/{id}/invite" => { post: people::issue_invite },
    "/api/v1/people/{id}/unbind" => { post: people::unbind_wechat },
    "/api/v1/orgs/{id}/yearly-plans/{year}" => { get: plans::get_yearly_plan, put: plans::put_yearly_plan },
    "/api/v1/orgs/{id}/plans" => { get: plans::list_plans, post: plans::create_plan },
    "/api/v1/orgs/{id}/previews" => { get: plans::preview_status },
    "/api/v1/plans/{id}" => { get: plans::get_plan, put: plans::update_plan, patch: plans::patch_plan },
    "/api/v1/plans/{id}/submit" => { post: plans::submit_plan },
    "/api/v1/plans/{id}/approve" => { post: plans::approve_plan },
    "/api/v1/plans/{id}/return" => { post: plans::return_plan },
    "/api/v1/plans/{id}/publish" => { post: plans::publish_preview },
    "/api/v1/plans/{id}/participants" => { get: plans::list_participants },
    "/api/v1/plans/{id}/participants/refresh" => { post: plans::refresh_participants },
    "/api/v1/plans/{id}/co-organiser" => { put: plans::set_co_organiser },
    "/api/v1/orgs/{id}/themed-activities" => { get: plans::themed_quota, post: plans::create_themed },
    "/api/v1/activities/{id}/venues" => { get: activities::get_venues },
    "/api/v1/activities/{id}/venues/{branch_id}/qr" => { get: activities::get_branch_venue_qr },
    "/api/v1/orgs/{id}/themed-venues" => { get: activities::joined_themed },
    "/api/v1/plans/{id}/deliveries" => { get: push::list_deliveries },
    "/api/v1/plans/{id}/deliveries/unreached.xlsx" => { get: push::export_unreached },
    "/api/v1/plans/{id}/deliveries/{person_id}/told-in-person" => { post: push::mark_told_in_person },
    "/api/v1/subscriptions" => { post: push::report_subscriptions },
    "/api/v1/notifications/templates" => { get: push::notification_templates },
    "/api/v1/checkins/{id}/undo" => { post: activities::undo_checkin },
    "/api/v1/me/card" => { get: checkins::my_card },
    "/api/v1/me/activities" => { get: checkins::my_activities },
    "/api/v1/me/attendance" => { get: checkins::my_attendance },
    "/api/v1/people/{id}/attendance" => { get: checkins::person_attendance },
    "/api/v1/people/{id}/exemptions" => { post: checkins::create_exemption },
    "/api/v1/exemptions/{id}/revoke" => { post: checkins::revoke_exemption },
    "/api/v1/orgs/{id}/exemptions" => { get: checkins::list_exemptions },
    "/api/v1/orgs/{id}/attendance" => { get: org_attendance::org_attendance },
    "/api/v1/orgs/{id}/ledger" => { get: org_attendance::org_ledger },
    "/api/v1/activities/{id}" => { get: activities::get_activity },
    "/api/v1/activities/{id}/qr" => { get: activities::get_qr },
    "/api/v1/activities/{id}/qr.svg" => { get: activities::get_qr_svg },
    "/api/v1/activities/{id}/qr.png" => { get: activities::get_qr_png },
    "/api/v1/activities/{id}/live" => { get: activities::get_live },
    "/api/v1/activities/{id}/display-link" => { post: activities::create_display_link },
    "/api/v1/activities/{id}/checkin-settings" => { put: activities::put_settings },
    "/api/v1/activities/{id}/cancel" => { post: activities::cancel_activity },
    "/api/v1/activities/{id}/minutes" => { put: activities::put_minutes },
    "/api/v1/activities/{id}/checkins" => { post: activities::organiser_checkin },
    "/api/v1/activities/{id}/feedback" => { get: feedback::mine, post: feedback::give },
    "/api/v1/activities/{id}/feedback/summary" => { get: feedback::summary },
    "/api/v1/activities/{id}/attendance" => { get: activities::get_attendance },
    "/api/v1/activities/{id}/ledger" => { get: activities::get_ledger },
    "/api/v1/activities/{id}/refusals" => { get: activities::list_refusals },
    "/api/v1/activities/{id}/leave" => { get: activities::list_leave, post: checkins::request_leave },
    "/api/v1/leave/{id}/decision" => { post: activities::decide_leave },
    "/api/v1/leave/{id}/withdraw" => { post: checkins::withdraw_leave },
    "/api/v1/communities" => { get: community::list_communities },
    "/api/v1/communities/{id}/service-items" => { get: service::list_items, post: service::create_item },
    "/api/v1/communities/{id}/reports" => { get: community::list_reports, post: community::file_report },
    "/api/v1/communities/{id}/suggestions" => { get: community::list_suggestions, post: community::make_suggestion },
    "/api/v1/communities/{id}/households" => { get: community::list_households, post: community::create_household },
    "/api/v1/service-items/{id}" => { get: service::get_item },
    "/api/v1/service-items/{id}/attendance" => { post: service::confirm_attendance },
    "/api/v1/service-items/{id}/qr" => { get: service::volunteer_qr },
    "/api/v1/service-claims/{id}/cancel" => { post: service::cancel_claim },
    "/api/v1/service-claims/{id}/confirm" => { post: service::confirm_claim },
    "/api/v1/service-claims/{id}/decline" => { post: service::decline_claim },
    "/api/v1/me/service-claims" => { get: service::my_claims },
    "/api/v1/me/community-reports" => { get: community::my_reports },
    "/api/v1/community-reports/{id}/decision" => { post: community::decide_report },
    "/api/v1/me/suggestions" => { get: community::my_suggestions },
    "/api/v1/suggestions/{id}/answer" => { post: community::answer_suggestion },
    "/api/v1/households/{id}" => { get: community::get_household },
    "/api/v1/households/{id}/pairings" => { post: community::pair },
    "/api/v1/me/pairings" => { get: community::my_pairings },
    "/api/v1/pairings/{id}/visits" => { post: community::log_visit },
    "/api/v1/me/commitments" => { get: community::my_commitments },
    "/api/v1/me/commitments/{year}" => { put: community::put_commitment },
    "/api/v1/me/commitments/{year}/progress" => { post: community::commitment_progress },
    "/api/v1/me/commitments/{year}/complete" => { post: community::complete_commitment },
    "/api/v1/orgs/{id}/commitments" => { get: community::org_commitments },
    "/api/v1/orgs/{id}/commitments/missing" => { get: community::missing_commitments },
    "/api/v1/me/progress" => { get: community::my_progress },
    "/api/v1/orgs/{id}/progress" => { get: community::org_progress },
    "/api/v1/people/{id}/contact-points" => { get: duties::contact_points_of, post: duties::assign_contact_point },
    "/api/v1/me/contact-points" => { get: duties::my_contact_points },
    "/api/v1/me/duties" => { get: duties::my_duties, post: duties::log_duty },
    "/api/v1/duty-entries/{id}" => { patch: duties::change_duty },
    "/api/v1/me/talks" => { get: duties::my_talks, post: duties::record_talk },
    "/api/v1/talks/{id}" => { get: duties::get_talk, patch: duties::change_talk },
    "/api/v1/people/{id}/duties" => { get: duties::person_duties },
    "/api/v1/orgs/{id}/duties" => { get: duties::org_duties },
    "/api/v1/attachments" => { get: attachments::list, post: attachments::upload },
    "/api/v1/attachments/{id}/content" => { get: attachments::content },
    "/api/v1/attachments/{id}/thumbnail" => { get: attachments::thumbnail },
    "/api/v1/studios" => { get: deputies::list_studios, post: deputies::create_studio },
    "/api/v1/studios/{id}" => { get: deputies::get_studio },
    "/api/v1/studios/{id}/qr" => { get: deputies::studio_qr },
    "/api/v1/studios/{id}/rota" => { get: deputies::studio_rota, post: deputies::generate_rota },
    "/api/v1/me/rota" => { get: deputies::my_rota },
    "/api/v1/me/unavailable-days" => { put: deputies::set_unavailable },
    "/api/v1/rota-shifts/{id}/swaps" => { post: deputies::ask_swap },
    "/api/v1/rota-swaps/{id}/accept" => { post: deputies::accept_swap },
    "/api/v1/rota-swaps/{id}/decline" => { post: deputies::decline_swap },
    "/api/v1/people/{id}/constituency" => { get: deputies::constituency, put: deputies::set_constituency },
    "/api/v1/rota-shifts/{id}/bookings" => { post: deputies::book },
    "/api/v1/rota-shifts/{id}/receptions" => { get: deputies::shift_receptions },
    "/api/v1/deputies/{id}/meeting-requests" => { post: deputies::request_meeting },
    "/api/v1/me/invitations" => { post: deputies::invite },
    "/api/v1/me/receptions" => { get: deputies::my_receptions },
    "/api/v1/me/deputy-receptions" => { get: deputies::deputy_receptions },
    "/api/v1/receptions/{id}/cancel" => { post: deputies::cancel_reception },
    "/api/v1/receptions/{id}/answer" => { post: deputies::answer_request },
    "/api/v1/receptions/{id}/record" => { post: deputies::record_reception },
    "/api/v1/cases" => { post: deputies::open_case },
    "/api/v1/questions" => { post: deputies::ask_question },
    "/api/v1/proposals" => { post: deputies::draft_proposal },
    "/api/v1/matters/{id}" => { get: deputies::get_matter },
    "/api/v1/matters/{id}/steps" => { post: deputies::matter_step },
    "/api/v1/matters/{id}/rating" => { post: deputies::rate_matter },
    "/api/v1/me/matters" => { get: deputies::my_matters },
    "/api/v1/me/org-questions" => { get: deputies::org_questions },
    "/api/v1/orgs/{id}/matters" => { get: deputies::org_matters },
    "/api/v1/orgs/{id}/political-birthdays" => { get: org_life::org_birthdays },
    "/api/v1/me/political-birthday" => { get: org_life::my_birthday },
    "/api/v1/plans/{id}/political-birthdays" => { post: org_life::celebrate },
    "/api/v1/political-birthdays/{id}" => { patch: org_life::record_items },
    "/api/v1/orgs/{id}/notices" => { post: org_life::publish_notice },
    "/api/v1/me/notices" => { get: org_life::my_notices },
    "/api/v1/notices/{id}" => { get: org_life::open_notice },
    "/api/v1/notices/{id}/readers" => { get: org_life::notice_readers },
    "/api/v1/notices/{id}/questions" => { post: org_life::ask_about_notice },
    "/api/v1/communities/{id}/notices" => { get: org_life::community_notices },
    "/api/v1/org-pairs" => { post: org_life::create_pair },
    "/api/v1/orgs/{id}/pairs" => { get: org_life::org_pairs },
    "/api/v1/org-pairs/{id}/entries" => { post: org_life::log_pair_entry },
    "/api/v1/org-pairs/{id}/year" => { get: org_life::pair_year },
    "/api/v1/orgs/{id}/evaluations" => { get: evaluation::of_org, post: evaluation::open },
    "/api/v1/me/evaluations" => { get: evaluation::mine },
    "/api/v1/evaluations/{id}" => { get: evaluation::get },
    "/api/v1/evaluations/{id}/self-assessment" => { put: evaluation::self_assess },
    "/api/v1/evaluations/{id}/ballots" => { post: evaluation::vote },
    "/api/v1/evaluations/{id}/members/{person_id}/comment" => { put: evaluation::comment },
    "/api/v1/evaluations/{id}/members/{person_id}/grade" => { put: evaluation::decide },
    "/api/v1/evaluations/{id}/members/{person_id}/evidence" => { get: evaluation::evidence },
    "/api/v1/evaluations/{id}/results" => { get: evaluation::results },
    "/api/v1/evaluations/{id}/questionnaire" => { get: evaluation::questionnaire, post: evaluation::answer_questionnaire },
    "/api/v1/evaluations/{id}/questionnaire/results" => { get: evaluation::questionnaire_results },
    "/api/v1/evaluations/{id}/questionnaire/qr" => { get: evaluation::questionnaire_qr },
    "/api/v1/orgs/{id}/inspection-rounds" => { get: supervision::list, post: supervision::plan },
    "/api/v1/inspection-rounds/{id}" => { get: supervision::one },
    "/api/v1/inspection-rounds/{id}/draw" => { get: supervision::draw },
    "/api/v1/inspection-rounds/{id}/findings" => { get: supervision::findings, post: supervision::record_finding },
    "/api/v1/inspection-rounds/{id}/publications" => { get: supervision::versions, post: supervision::publish },
    "/api/v1/orgs/{id}/inspection-results" => { get: supervision::org_results },
    "/api/v1/me/inspection-results" => { get: supervision::my_results },
    "/api/v1/orgs/{id}/rectifications" => { get: supervision::org_tasks },
    "/api/v1/rectifications/{id}" => { get: supervision::task },
    "/api/v1/rectifications/{id}/steps" => { post: supervision::task_step },
    "/api/v1/assessment/rubric" => { get: assessment::get_rubric, post: assessment::set_rubric },
    "/api/v1/orgs/{id}/assessment" => { get: assessment::score },
    "/api/v1/orgs/{id}/assessment/compute" => { post: assessment::recompute },
    "/api/v1/orgs/{id}/assessment/rankings" => { get: assessment::rankings },
    "/api/v1/orgs/{id}/dashboard" => { get: assessment::org_dashboard },
    "/api/v1/orgs/{id}/live-board" => { get: assessment::live_board },
    "/api/v1/orgs/{id}/live-board/events" => { get: assessment::live_board_events },
    "/api/v1/inspections" => { post: deputies::record_inspection },
    "/api/v1/inspections/{id}" => { get: deputies::get_inspection },
    "/api/v1/me/inspections" => { get: deputies::my_inspections },
    "/api/v1/people/{id}/deputy-duties" => { get: deputies::deputy_year },
    "/api/v1/orgs/{id}/deputy-duties" => { get: deputies::org_deputy_years },
    "/c/{code}" => { get: landing::venue_landing },
    "/e/{id}" => { get: landing::questionnaire_landing },
    "/display/{code}" => { get: display::display_page },
    "/display/{code}/qr.svg" => { get: display::display_qr },
    "/display/{code}/events" => { get: display::display_events },
}

#[cfg(test)]
mod tests {
    /// A path listed twice would be served by whichever resource actix registered first: the
    /// second area's handlers would silently never run.
    #[test]
    fn every_path_is_listed_once() {
        let mut seen = std::collections::HashSet::new();
        for (method, path) in super::ROUTES {
            assert!(
                seen.insert((*method, *path)),
                "{method} {path} is routed twice"
            );
        }
        let mut paths: Vec<&str> = super::ROUTES.iter().map(|(_, p)| *p).collect();
        paths.dedup();
        let unique: std::collections::HashSet<&str> = paths.iter().copied().collect();
        assert_eq!(
            paths.len(),
            unique.len(),
            "a path appears in two entries of routes!"
        );
    }
}
