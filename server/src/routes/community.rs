//! Reporting to communities, suggestions, pairing with households, commitments and the
//! yearly progress against the minimums.
use actix_web::{HttpResponse, web};
use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::service::{community, me, require_runner};
use crate::{
    auth::AuthUser,
    authz::{self, MANAGE_PEOPLE},
    clock,
    community::{
        CommunityError,
        engagement::{
            self, Commitment, Household, HouseholdFields, Pairing, Report, Suggestion,
            SuggestionsBy, Visit, valid_year,
        },
        error::invalid,
        progress::{self, Progress},
    },
    error::ErrorBody,
};

#[derive(Serialize, ToSchema)]
pub struct CommunityRef {
    pub id: i64,
    pub name: String,
    pub code: String,
}

/// Every community (for the member's picker).
#[utoipa::path(get, path = "/api/v1/communities", tag = "community", security(("bearer" = [])),
    responses((status = 200, body = [CommunityRef])))]
pub async fn list_communities(
    _user: AuthUser,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Vec<CommunityRef>>, CommunityError> {
    let rows = engagement::communities(db.get_ref()).await?;
    Ok(web::Json(
        rows.into_iter()
            .map(|o| CommunityRef {
                id: o.id,
                name: o.name,
                code: o.code,
            })
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct ReportRequest {
    /// Leave out to report oneself; a secretary or org admin of the person's org may send
    /// one of their in-service members.
    pub person_id: Option<i64>,
}

/// Report to a community (到社区报到); the community's admin accepts or declines.
#[utoipa::path(post, path = "/api/v1/communities/{id}/reports", tag = "community", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = ReportRequest, responses(
    (status = 200, body = Report),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "community.not_found", body = ErrorBody)))]
pub async fn file_report(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<ReportRequest>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Report>, CommunityError> {
    let community = community(&db, path.into_inner()).await?;
    let person_id = match body.person_id {
        None => user.person_id,
        Some(id) if id == user.person_id => id,
        Some(id) => {
            let person = crate::people::find(db.get_ref(), id)
                .await?
                .ok_or(CommunityError::NotFound("person"))?;
            authz::require(db.get_ref(), user, MANAGE_PEOPLE, person.org_id).await?;
            id
        }
    };
    let report =
        engagement::file_report(db.get_ref(), person_id, community.id, user.person_id).await?;
    Ok(web::Json(
        engagement::report_view(db.get_ref(), report).await?,
    ))
}

/// My reports to communities.
#[utoipa::path(get, path = "/api/v1/me/community-reports", tag = "community", security(("bearer" = [])),
    responses((status = 200, body = [Report])))]
pub async fn my_reports(
    user: AuthUser,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Vec<Report>>, CommunityError> {
    Ok(web::Json(
        engagement::reports_of(db.get_ref(), user.person_id).await?,
    ))
}

#[derive(Deserialize, IntoParams)]
pub struct StatusQuery {
    /// pending, accepted, declined, withdrawn
    pub status: Option<String>,
}

/// Reports to a community (its admins).
#[utoipa::path(get, path = "/api/v1/communities/{id}/reports", tag = "community", security(("bearer" = [])),
    params(("id" = i64, Path), StatusQuery), responses(
    (status = 200, body = [Report]),
    (status = 400, description = "community.invalid_input", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody)))]
pub async fn list_reports(
    user: AuthUser,
    path: web::Path<i64>,
    query: web::Query<StatusQuery>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Vec<Report>>, CommunityError> {
    let community = community(&db, path.into_inner()).await?;
    require_runner(&db, user, community.id).await?;
    Ok(web::Json(
        engagement::reports_to(db.get_ref(), community.id, query.status.as_deref()).await?,
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct ReportDecision {
    pub accept: bool,
}

/// Accept or decline a report (the community's admins).
#[utoipa::path(post, path = "/api/v1/community-reports/{id}/decision", tag = "community", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = ReportDecision, responses(
    (status = 200, body = Report),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 409, description = "community.wrong_state", body = ErrorBody)))]
pub async fn decide_report(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<ReportDecision>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Report>, CommunityError> {
    let report = engagement::find_report(db.get_ref(), path.into_inner()).await?;
    require_runner(&db, user, report.community_id).await?;
    let decided =
        engagement::decide_report(db.get_ref(), report, user.person_id, body.accept).await?;
    Ok(web::Json(
        engagement::report_view(db.get_ref(), decided).await?,
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct SuggestionRequest {
    pub title: String,
    pub content: String,
}

/// Make a suggestion (可行性建议) to a community.
#[utoipa::path(post, path = "/api/v1/communities/{id}/suggestions", tag = "community", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = SuggestionRequest, responses(
    (status = 200, body = Suggestion),
    (status = 400, description = "community.invalid_input", body = ErrorBody)))]
pub async fn make_suggestion(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<SuggestionRequest>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Suggestion>, CommunityError> {
    let community = community(&db, path.into_inner()).await?;
    Ok(web::Json(
        engagement::make_suggestion(
            db.get_ref(),
            community.id,
            user.person_id,
            &body.title,
            &body.content,
        )
        .await?,
    ))
}

/// My suggestions and their answers.
#[utoipa::path(get, path = "/api/v1/me/suggestions", tag = "community", security(("bearer" = [])),
    responses((status = 200, body = [Suggestion])))]
pub async fn my_suggestions(
    user: AuthUser,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Vec<Suggestion>>, CommunityError> {
    Ok(web::Json(
        engagement::suggestions(db.get_ref(), SuggestionsBy::Author(user.person_id)).await?,
    ))
}

/// Suggestions made to a community (its admins).
#[utoipa::path(get, path = "/api/v1/communities/{id}/suggestions", tag = "community", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, body = [Suggestion]),
    (status = 403, description = "auth.forbidden", body = ErrorBody)))]
pub async fn list_suggestions(
    user: AuthUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Vec<Suggestion>>, CommunityError> {
    let community = community(&db, path.into_inner()).await?;
    require_runner(&db, user, community.id).await?;
    Ok(web::Json(
        engagement::suggestions(db.get_ref(), SuggestionsBy::Community(community.id)).await?,
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct AnswerRequest {
    pub answer: String,
}

/// Answer a suggestion (the community's admins).
#[utoipa::path(post, path = "/api/v1/suggestions/{id}/answer", tag = "community", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = AnswerRequest, responses(
    (status = 200, body = Suggestion),
    (status = 403, description = "auth.forbidden", body = ErrorBody)))]
pub async fn answer_suggestion(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<AnswerRequest>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Suggestion>, CommunityError> {
    let row = engagement::find_suggestion(db.get_ref(), path.into_inner()).await?;
    require_runner(&db, user, row.community_id).await?;
    Ok(web::Json(
        engagement::answer_suggestion(db.get_ref(), row, user.person_id, &body.answer).await?,
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct HouseholdRequest {
    /// empty_nest, disabled, left_behind_child, hardship
    pub kind: String,
    pub name: String,
    pub address: String,
    pub phone: String,
    #[serde(default)]
    pub notes: String,
}

/// Register a household in need (the community's admins).
#[utoipa::path(post, path = "/api/v1/communities/{id}/households", tag = "community", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = HouseholdRequest, responses(
    (status = 200, body = Household),
    (status = 400, description = "community.invalid_input", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody)))]
pub async fn create_household(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<HouseholdRequest>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Household>, CommunityError> {
    let community = community(&db, path.into_inner()).await?;
    require_runner(&db, user, community.id).await?;
    let fields = HouseholdFields {
        kind: &body.kind,
        name: &body.name,
        address: &body.address,
        phone: &body.phone,
        notes: &body.notes,
    };
    Ok(web::Json(
        engagement::register_household(db.get_ref(), community.id, user.person_id, fields).await?,
    ))
}

/// Households of a community, with their details (the community's admins only).
#[utoipa::path(get, path = "/api/v1/communities/{id}/households", tag = "community", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, body = [Household]),
    (status = 403, description = "auth.forbidden", body = ErrorBody)))]
pub async fn list_households(
    user: AuthUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Vec<Household>>, CommunityError> {
    let community = community(&db, path.into_inner()).await?;
    require_runner(&db, user, community.id).await?;
    Ok(web::Json(
        engagement::households_of(db.get_ref(), community.id).await?,
    ))
}

/// One household (its paired member and the community's admins; 404 for anyone else).
#[utoipa::path(get, path = "/api/v1/households/{id}", tag = "community", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, body = Household),
    (status = 404, description = "community.not_found", body = ErrorBody)))]
pub async fn get_household(
    user: AuthUser,
    path: web::Path<i64>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Household>, CommunityError> {
    Ok(web::Json(
        engagement::visible_household(db.get_ref(), user.person_id, path.into_inner()).await?,
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct PairingRequest {
    pub person_id: i64,
}

/// Pair a member with a household (the community's admins).
#[utoipa::path(post, path = "/api/v1/households/{id}/pairings", tag = "community", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = PairingRequest, responses(
    (status = 200, body = Pairing),
    (status = 403, description = "auth.forbidden", body = ErrorBody)))]
pub async fn pair(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<PairingRequest>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Pairing>, CommunityError> {
    let household = engagement::find_household(db.get_ref(), path.into_inner()).await?;
    require_runner(&db, user, household.community_id).await?;
    Ok(web::Json(
        engagement::pair(db.get_ref(), &household, body.person_id).await?,
    ))
}

/// My pairings, with the households' details and my visit log.
#[utoipa::path(get, path = "/api/v1/me/pairings", tag = "community", security(("bearer" = [])),
    responses((status = 200, body = [Pairing])))]
pub async fn my_pairings(
    user: AuthUser,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Vec<Pairing>>, CommunityError> {
    Ok(web::Json(
        engagement::pairings_of(db.get_ref(), user.person_id).await?,
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct VisitRequest {
    /// YYYY-MM-DD
    pub visited_on: String,
    pub note: String,
}

/// Log a visit to my paired household.
#[utoipa::path(post, path = "/api/v1/pairings/{id}/visits", tag = "community", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = VisitRequest, responses(
    (status = 200, body = Visit),
    (status = 404, description = "community.not_found", body = ErrorBody)))]
pub async fn log_visit(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<VisitRequest>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Visit>, CommunityError> {
    Ok(web::Json(
        engagement::log_visit(
            db.get_ref(),
            user.person_id,
            path.into_inner(),
            &body.visited_on,
            &body.note,
        )
        .await?,
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct CommitmentRequest {
    /// organ, rural_community, enterprise, retired
    pub category: String,
    pub content: String,
}

/// Make or change my commitment for a year (承诺).
#[utoipa::path(put, path = "/api/v1/me/commitments/{year}", tag = "community", security(("bearer" = [])),
    params(("year" = i32, Path)), request_body = CommitmentRequest, responses(
    (status = 200, body = Commitment),
    (status = 400, description = "community.invalid_input", body = ErrorBody),
    (status = 409, description = "community.wrong_state (already completed)", body = ErrorBody)))]
pub async fn put_commitment(
    user: AuthUser,
    path: web::Path<i32>,
    body: web::Json<CommitmentRequest>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Commitment>, CommunityError> {
    Ok(web::Json(
        engagement::commit(
            db.get_ref(),
            user.person_id,
            path.into_inner(),
            &body.category,
            &body.content,
        )
        .await?,
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct NoteRequest {
    pub note: String,
}

/// Record progress on my commitment (践诺).
#[utoipa::path(post, path = "/api/v1/me/commitments/{year}/progress", tag = "community", security(("bearer" = [])),
    params(("year" = i32, Path)), request_body = NoteRequest, responses(
    (status = 200, body = Commitment),
    (status = 404, description = "community.not_found", body = ErrorBody)))]
pub async fn commitment_progress(
    user: AuthUser,
    path: web::Path<i32>,
    body: web::Json<NoteRequest>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Commitment>, CommunityError> {
    Ok(web::Json(
        engagement::note_progress(db.get_ref(), user.person_id, path.into_inner(), &body.note)
            .await?,
    ))
}

/// Mark my commitment completed (shown at the branch meeting).
#[utoipa::path(post, path = "/api/v1/me/commitments/{year}/complete", tag = "community", security(("bearer" = [])),
    params(("year" = i32, Path)), request_body = NoteRequest, responses(
    (status = 200, body = Commitment),
    (status = 404, description = "community.not_found", body = ErrorBody)))]
pub async fn complete_commitment(
    user: AuthUser,
    path: web::Path<i32>,
    body: web::Json<NoteRequest>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Commitment>, CommunityError> {
    Ok(web::Json(
        engagement::complete(db.get_ref(), user.person_id, path.into_inner(), &body.note).await?,
    ))
}

/// My commitments, newest year first.
#[utoipa::path(get, path = "/api/v1/me/commitments", tag = "community", security(("bearer" = [])),
    responses((status = 200, body = [Commitment])))]
pub async fn my_commitments(
    user: AuthUser,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Vec<Commitment>>, CommunityError> {
    Ok(web::Json(
        engagement::commitments_of(db.get_ref(), user.person_id).await?,
    ))
}

#[derive(Deserialize, IntoParams)]
pub struct YearFormatQuery {
    pub year: Option<i32>,
    /// json (default) or csv
    pub format: Option<String>,
    /// Only people behind the minimums (progress).
    pub behind: Option<bool>,
}

fn this_year() -> i32 {
    use chrono::Datelike;
    clock::now().with_timezone(&clock::shanghai()).year()
}

#[derive(Serialize, ToSchema)]
pub struct MissingCommitment {
    pub person_id: i64,
    pub name: String,
    pub org_id: i64,
}

/// Party members of an org's subtree with no commitment for the year: the document asks it
/// of 每名党员, so the secretary sees who still owes one (activists are not asked).
#[utoipa::path(get, path = "/api/v1/orgs/{id}/commitments/missing", tag = "community", security(("bearer" = [])),
    params(("id" = i64, Path), YearFormatQuery), responses(
    (status = 200, body = [MissingCommitment]),
    (status = 400, description = "community.invalid_input", body = ErrorBody),
    (status = 403, description = "auth.forbidden", body = ErrorBody),
    (status = 404, description = "community.not_found", body = ErrorBody)))]
pub async fn missing_commitments(
    user: AuthUser,
    path: web::Path<i64>,
    query: web::Query<YearFormatQuery>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Vec<MissingCommitment>>, CommunityError> {
    let year = query.year.unwrap_or_else(this_year);
    let list = engagement::of_org(db.get_ref(), user.person_id, path.into_inner(), year).await?;
    Ok(web::Json(
        list.missing
            .into_iter()
            .map(|p| MissingCommitment {
                person_id: p.id,
                name: p.name,
                org_id: p.org_id,
            })
            .collect(),
    ))
}

/// Commitments of an org's people for a year: the list shown at the branch meeting
/// (承诺事项完成情况在党支部会议上进行公示), as JSON or CSV.
#[utoipa::path(get, path = "/api/v1/orgs/{id}/commitments", tag = "community", security(("bearer" = [])),
    params(("id" = i64, Path), YearFormatQuery), responses(
    (status = 200, body = [Commitment]),
    (status = 403, description = "auth.forbidden", body = ErrorBody)))]
pub async fn org_commitments(
    user: AuthUser,
    path: web::Path<i64>,
    query: web::Query<YearFormatQuery>,
    db: web::Data<DatabaseConnection>,
) -> Result<HttpResponse, CommunityError> {
    let year = query.year.unwrap_or_else(this_year);
    let out = engagement::of_org(db.get_ref(), user.person_id, path.into_inner(), year)
        .await?
        .commitments;
    match query.format.as_deref().unwrap_or("json") {
        "json" => Ok(HttpResponse::Ok().json(out)),
        "csv" => {
            let bytes = crate::checkin::export::text_csv(
                [
                    "姓名",
                    "年度",
                    "类别重点",
                    "承诺内容",
                    "进展",
                    "状态",
                    "完成情况",
                ],
                out.iter().map(|c| {
                    let updates: Vec<&str> = c.updates.iter().map(|u| u.note.as_str()).collect();
                    [
                        c.person_name.clone(),
                        c.year.to_string(),
                        c.emphasis.clone(),
                        c.content.clone(),
                        updates.join("；"),
                        c.status.label().to_owned(),
                        c.completion_note.clone().unwrap_or_default(),
                    ]
                }),
            );
            Ok(HttpResponse::Ok()
                .content_type("text/csv; charset=utf-8")
                .insert_header((
                    "Content-Disposition",
                    format!("attachment; filename=\"commitments-{year}.csv\""),
                ))
                .body(bytes))
        }
        other => Err(invalid(format!("format `{other}` is not one of json, csv"))),
    }
}

/// My year against the minimums.
#[utoipa::path(get, path = "/api/v1/me/progress", tag = "community", security(("bearer" = [])),
    params(YearFormatQuery), responses((status = 200, body = Progress)))]
pub async fn my_progress(
    user: AuthUser,
    query: web::Query<YearFormatQuery>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Progress>, CommunityError> {
    let year = valid_year(query.year.unwrap_or_else(this_year))?;
    let me = me(&db, user).await?;
    let mut all = progress::for_people(db.get_ref(), std::slice::from_ref(&me), year).await?;
    Ok(web::Json(all.remove(0)))
}

/// Who is behind the minimums in an org (a branch's members; a community's members and the
/// people reported to it). `behind=true` lists only those behind.
#[utoipa::path(get, path = "/api/v1/orgs/{id}/progress", tag = "community", security(("bearer" = [])),
    params(("id" = i64, Path), YearFormatQuery), responses(
    (status = 200, body = [Progress]),
    (status = 403, description = "auth.forbidden", body = ErrorBody)))]
pub async fn org_progress(
    user: AuthUser,
    path: web::Path<i64>,
    query: web::Query<YearFormatQuery>,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<Vec<Progress>>, CommunityError> {
    let year = valid_year(query.year.unwrap_or_else(this_year))?;
    Ok(web::Json(
        progress::of_org(
            db.get_ref(),
            user.person_id,
            path.into_inner(),
            year,
            query.behind.unwrap_or(false),
        )
        .await?,
    ))
}
