//! Every path the server answers, in one screen. Routes are declared only through
//! `routes!`, which also emits `ROUTES`, so the OpenAPI test can prove each is documented.
mod auth;
mod calendar;
mod directory_error;
mod health;
pub mod openapi;
mod orgs;
pub mod pagination;
mod people;
pub(crate) mod plans;
mod push;

use actix_web::web;

macro_rules! routes {
    ($($path:literal => { $($method:ident : $handler:path),+ $(,)? }),* $(,)?) => {
        pub fn configure(cfg: &mut web::ServiceConfig) {
            $( cfg.service(web::resource($path)$(.route(web::$method().to($handler)))+); )*
        }

        /// Every (method, path) the server answers.
        pub const ROUTES: &[(&str, &str)] = &[$($((stringify!($method), $path)),+),*];
    };
}

routes! {
    "/healthz" => { get: health::healthz },
    "/readyz" => { get: health::readyz },
    "/openapi.json" => { get: openapi::openapi_json },
    "/api/v1/auth/wechat" => { post: auth::wechat_login },
    "/api/v1/auth/bind" => { post: auth::bind },
    "/api/v1/auth/refresh" => { post: auth::refresh },
    "/api/v1/auth/logout" => { post: auth::logout },
    "/api/v1/auth/password" => { post: auth::password_login },
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
    "/api/v1/orgs/{id}/people" => { get: people::list_people, post: people::create_person },
    "/api/v1/orgs/{id}/roster" => { get: people::export_roster, post: people::import_roster },
    "/api/v1/people/{id}" => { get: people::get_person, put: people::update_person },
    "/api/v1/people/{id}/invite" => { post: people::issue_invite },
    "/api/v1/orgs/{id}/yearly-plans/{year}" => { get: plans::get_yearly_plan, put: plans::put_yearly_plan },
    "/api/v1/orgs/{id}/plans" => { get: plans::list_plans, post: plans::create_plan },
    "/api/v1/orgs/{id}/previews" => { get: plans::preview_status },
    "/api/v1/plans/{id}" => { get: plans::get_plan, put: plans::update_plan },
    "/api/v1/plans/{id}/submit" => { post: plans::submit_plan },
    "/api/v1/plans/{id}/approve" => { post: plans::approve_plan },
    "/api/v1/plans/{id}/return" => { post: plans::return_plan },
    "/api/v1/plans/{id}/publish" => { post: plans::publish_preview },
    "/api/v1/plans/{id}/participants" => { get: plans::list_participants },
    "/api/v1/plans/{id}/participants/refresh" => { post: plans::refresh_participants },
    "/api/v1/plans/{id}/deliveries" => { get: push::list_deliveries },
    "/api/v1/subscriptions" => { post: push::report_subscriptions },
}
