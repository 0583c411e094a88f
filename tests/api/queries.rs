//! List endpoints run a fixed number of statements, however many rows they answer with.
use std::sync::atomic::Ordering;

use api_tests::{Someone, TestApp, on_both_stores};
use huodongri::entities::{activity_plan, exemption};
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};

/// `count` branches under the committee, each with a drafted plan for `month`.
async fn branches_with_plans(app: &TestApp, from: usize, count: usize, month: &str) {
    let day = chrono::NaiveDate::parse_from_str(&format!("{month}-20"), "%Y-%m-%d").expect("a day");
    for n in from..from + count {
        let code = format!("TS-C1-Q{n:03}");
        let branch = huodongri::cli::create_org(
            &app.db,
            &code,
            &format!("测试支部{n}"),
            "branch",
            Some("TS-C1"),
        )
        .await
        .expect("a branch");
        let now = huodongri::clock::now();
        activity_plan::ActiveModel {
            org_id: Set(branch),
            month: Set(month.to_owned()),
            version: Set(1),
            status: Set(huodongri::domain::PlanStatus::Draft),
            theme: Set(format!("主题{n}")),
            category: Set(huodongri::domain::PlanCategory::PartyLecture),
            activity_date: Set(day),
            start_time: Set("09:00".into()),
            end_time: Set("10:00".into()),
            place: Set("会议室".into()),
            requirements: Set(String::new()),
            organiser: Set("书记".into()),
            checkin_opens_minutes_before: Set(30),
            checkin_closes_minutes_after: Set(60),
            created_by: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .expect("a plan");
    }
}

/// The fewest statements one request took over a few tries (the push worker's idle poll may
/// land inside one of them).
async fn statements_for(app: &TestApp, who: &Someone, path: &str) -> (u64, usize) {
    let mut fewest = u64::MAX;
    let mut rows = 0;
    for _ in 0..4 {
        let before = app.statements.load(Ordering::SeqCst);
        let response = app.get_as(who, path).await;
        assert_eq!(response.status().as_u16(), 200, "{path}");
        let body: serde_json::Value = response.json().await.expect("json");
        // Lists answer an array, or a page with its rows under `items`.
        rows = body
            .as_array()
            .or_else(|| body["items"].as_array())
            .map_or(0, Vec::len);
        fewest = fewest.min(app.statements.load(Ordering::SeqCst) - before);
    }
    (fewest, rows)
}

/// Reads `path` with 2 rows, lets `grow` add 50, then reads it again: 52 rows, and the same
/// number of statements as for 2.
async fn same_statements_for_52_rows_as_for_2(
    app: &TestApp,
    who: &Someone,
    path: &str,
    grow: impl std::future::Future<Output = ()>,
) {
    let (few, rows) = statements_for(app, who, path).await;
    assert_eq!(rows, 2, "{path}");
    assert!(few > 0, "statements are counted");
    grow.await;
    let (many, rows) = statements_for(app, who, path).await;
    assert_eq!(rows, 52, "{path}");
    assert_eq!(
        many, few,
        "{path}: statements for 52 rows ({many}) = for 2 ({few})"
    );
}

on_both_stores! {
    async fn listing_plans_takes_the_same_statements_for_2_rows_as_for_52(app) {
        let w = app.world().await;
        let month = api_tests::month_from_now(1);
        let path = format!("/api/v1/orgs/{}/plans?month={month}", w.committee);
        branches_with_plans(&app, 0, 2, &month).await;
        same_statements_for_52_rows_as_for_2(&app, &w.admin, &path, branches_with_plans(&app, 2, 50, &month)).await;
    }
}

/// `count` service items of a new community, each claimed by `who` (every fifth waitlisted).
async fn claims_on_items(app: &TestApp, who: &Someone, from: usize, count: usize) {
    use huodongri::domain::{ClaimStatus, ItemKind, ItemStatus};
    use huodongri::entities::{service_claim, service_item};
    let community = match huodongri::orgs::find_by_code(&app.db, "TS-COMM")
        .await
        .expect("read")
    {
        Some(c) => c.id,
        None => huodongri::cli::create_org(&app.db, "TS-COMM", "测试社区", "community", Some("TS"))
            .await
            .expect("a community"),
    };
    let now = huodongri::clock::now();
    for n in from..from + count {
        let item = service_item::ActiveModel {
            community_id: Set(community),
            kind: Set(ItemKind::Item),
            volunteer_kind: Set(None),
            title: Set(format!("服务项目{n}")),
            description: Set(String::new()),
            capacity: Set(1),
            taken: Set(1),
            starts_at: Set(now),
            ends_at: Set(now),
            place: Set("社区".into()),
            skills: Set(String::new()),
            signup_opens_at: Set(now),
            signup_closes_at: Set(now),
            status: Set(ItemStatus::Open),
            code: Set(None),
            window_seconds: Set(30),
            created_by: Set(who.id),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .expect("an item");
        service_claim::ActiveModel {
            item_id: Set(item.id),
            person_id: Set(who.id),
            status: Set(if n % 5 == 0 {
                ClaimStatus::Waitlisted
            } else {
                ClaimStatus::Claimed
            }),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .expect("a claim");
    }
}

on_both_stores! {
    async fn my_claims_take_the_same_statements_for_2_rows_as_for_52(app) {
        let w = app.world().await;
        claims_on_items(&app, &w.member_a, 0, 2).await;
        same_statements_for_52_rows_as_for_2(&app, &w.member_a, "/api/v1/me/service-claims", claims_on_items(&app, &w.member_a, 2, 50)).await;
    }
}

/// `count` people in `org`, each exempted by `approver` from today.
async fn exempted_people(app: &TestApp, org: i64, approver: i64, from: usize, count: usize) {
    let today = huodongri::clock::now()
        .with_timezone(&huodongri::clock::shanghai())
        .date_naive();
    for n in from..from + count {
        let person = app
            .add_person(&format!("免参党员{n}"), &format!("136{n:08}"), org)
            .await;
        exemption::ActiveModel {
            person_id: Set(person.id),
            reason: Set(format!("长期病休{n}")),
            valid_from: Set(today),
            valid_until: Set(None),
            approved_by: Set(approver),
            approved_at: Set(huodongri::clock::now()),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .expect("an exemption");
    }
}

on_both_stores! {
    async fn listing_exemptions_takes_the_same_statements_for_2_rows_as_for_52(app) {
        let w = app.world().await;
        let path = format!("/api/v1/orgs/{}/exemptions", w.committee);
        exempted_people(&app, w.branch_a, w.reviewer.id, 0, 2).await;
        same_statements_for_52_rows_as_for_2(&app, &w.reviewer, &path, exempted_people(&app, w.branch_b, w.reviewer.id, 2, 50)).await;

        let listed: serde_json::Value = app.get_as(&w.reviewer, &path).await.json().await.expect("json");
        assert_eq!(listed[0]["person_name"], "免参党员51", "newest first");
        assert_eq!(listed[51]["person_name"], "免参党员0");
        assert!(listed[0]["approved_by_name"].as_str().is_some_and(|name| !name.is_empty()),
            "the approver is named: {}", listed[0]);
    }
}

on_both_stores! {
    async fn listing_service_items_takes_the_same_statements_for_2_rows_as_for_52(app) {
        let w = app.world().await;
        claims_on_items(&app, &w.member_a, 0, 2).await;
        let community = huodongri::orgs::find_by_code(&app.db, "TS-COMM").await.expect("read").expect("the community");
        let path = format!("/api/v1/communities/{}/service-items?per_page=100", community.id);
        same_statements_for_52_rows_as_for_2(&app, &w.member_a, &path, claims_on_items(&app, &w.member_a, 2, 50)).await;

        let page: serde_json::Value = app.get_as(&w.member_a, &path).await.json().await.expect("json");
        let waiting = page["items"].as_array().expect("items").iter()
            .filter(|item| item["my_claim"]["waitlist_position"] == 1).count();
        assert_eq!(waiting, 11, "every fifth claim waits first in its queue: {}", page["items"][0]);
        assert_eq!(page["items"][0]["community_name"], "测试社区");
        assert_eq!(page["total"], 52);
    }
}

/// `count` people in `org`, each with a commitment for `year` and one progress note.
async fn committed_people(app: &TestApp, org: i64, year: i32, from: usize, count: usize) {
    use huodongri::entities::{commitment, commitment_update};
    let now = huodongri::clock::now();
    for n in from..from + count {
        let person = app
            .add_person(&format!("承诺党员{n:02}"), &format!("135{n:08}"), org)
            .await;
        let made = commitment::ActiveModel {
            person_id: Set(person.id),
            year: Set(year),
            category: Set(huodongri::domain::CommitmentCategory::Organ),
            content: Set(format!("承诺{n}")),
            status: Set(huodongri::domain::CommitmentStatus::InProgress),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .expect("a commitment");
        commitment_update::ActiveModel {
            commitment_id: Set(made.id),
            note: Set(format!("进展{n}")),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .expect("a note");
    }
}

on_both_stores! {
    async fn an_orgs_commitments_take_the_same_statements_for_2_rows_as_for_52(app) {
        let w = app.world().await;
        let year = 2026;
        let path = format!("/api/v1/orgs/{}/commitments?year={year}", w.committee);
        committed_people(&app, w.branch_a, year, 0, 2).await;
        same_statements_for_52_rows_as_for_2(&app, &w.reviewer, &path, committed_people(&app, w.branch_b, year, 2, 50)).await;

        let listed: serde_json::Value = app.get_as(&w.reviewer, &path).await.json().await.expect("json");
        assert_eq!(listed[0]["person_name"], "承诺党员00", "by name");
        assert_eq!(listed[51]["updates"][0]["note"], "进展51", "each with its own notes");
    }
}

/// The community `TS-COMM` with an admin (made on first use), and `count` new people who
/// each reported to it and made a suggestion.
async fn reports_and_suggestions(
    app: &TestApp,
    org: i64,
    from: usize,
    count: usize,
) -> (i64, Someone) {
    use huodongri::entities::{community_report, suggestion};
    let community = match huodongri::orgs::find_by_code(&app.db, "TS-COMM")
        .await
        .expect("read")
    {
        Some(c) => c.id,
        None => huodongri::cli::create_org(&app.db, "TS-COMM", "测试社区", "community", Some("TS"))
            .await
            .expect("a community"),
    };
    let admin = app
        .add_person("社区管理员", &format!("137{from:08}"), community)
        .await;
    app.grant(&admin, huodongri::domain::Role::CommunityAdmin, community)
        .await;
    let now = huodongri::clock::now();
    for n in from..from + count {
        let person = app
            .add_person(&format!("报到党员{n:02}"), &format!("134{n:08}"), org)
            .await;
        community_report::ActiveModel {
            person_id: Set(person.id),
            community_id: Set(community),
            status: Set(huodongri::domain::ReportStatus::Pending),
            requested_by: Set(person.id),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .expect("a report");
        suggestion::ActiveModel {
            community_id: Set(community),
            person_id: Set(person.id),
            title: Set(format!("建议{n}")),
            content: Set("增加路灯".into()),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .expect("a suggestion");
    }
    (community, admin)
}

on_both_stores! {
    async fn a_communitys_reports_and_suggestions_take_the_same_statements_for_2_rows_as_for_52(app) {
        let w = app.world().await;
        let (community, admin) = reports_and_suggestions(&app, w.branch_a, 0, 2).await;
        let reports = format!("/api/v1/communities/{community}/reports");
        let suggestions = format!("/api/v1/communities/{community}/suggestions");
        let (few_reports, _) = statements_for(&app, &admin, &reports).await;
        same_statements_for_52_rows_as_for_2(&app, &admin, &suggestions, async {
            reports_and_suggestions(&app, w.branch_b, 2, 50).await;
        }).await;
        let (many_reports, rows) = statements_for(&app, &admin, &reports).await;
        assert_eq!((rows, many_reports), (52, few_reports), "reports: 52 rows in as many statements as 2");

        let listed: serde_json::Value = app.get_as(&admin, &reports).await.json().await.expect("json");
        assert!(listed.as_array().expect("rows").iter().any(|r| r["person_name"] == "报到党员51"),
            "each report names its member: {}", listed[0]);
    }
}

/// `count` households of `TS-COMM` paired with `who`, each visited once.
async fn paired_households(app: &TestApp, who: &Someone, from: usize, count: usize) {
    use huodongri::entities::{household, pairing, pairing_visit};
    let (community, admin) = reports_and_suggestions(app, 0, 1000 + from, 0).await;
    let now = huodongri::clock::now();
    for n in from..from + count {
        let home = household::ActiveModel {
            community_id: Set(community),
            kind: Set(huodongri::domain::HouseholdKind::EmptyNest),
            name: Set(format!("住户{n}")),
            address: Set(format!("{n}号楼")),
            phone: Set(format!("133{n:08}")),
            notes: Set(String::new()),
            created_by: Set(admin.id),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .expect("a household");
        let paired = pairing::ActiveModel {
            household_id: Set(home.id),
            person_id: Set(who.id),
            started_at: Set(now),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .expect("a pairing");
        pairing_visit::ActiveModel {
            pairing_id: Set(paired.id),
            visited_on: Set(now.date_naive()),
            note: Set(format!("走访{n}")),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .expect("a visit");
    }
}

on_both_stores! {
    async fn my_pairings_take_the_same_statements_for_2_rows_as_for_52(app) {
        let w = app.world().await;
        paired_households(&app, &w.member_a, 0, 2).await;
        same_statements_for_52_rows_as_for_2(&app, &w.member_a, "/api/v1/me/pairings", paired_households(&app, &w.member_a, 2, 50)).await;

        let listed: serde_json::Value = app.get_as(&w.member_a, "/api/v1/me/pairings").await.json().await.expect("json");
        let visits: Vec<&serde_json::Value> = listed.as_array().expect("rows").iter()
            .map(|p| &p["visits"][0]["note"]).collect();
        assert!(visits.contains(&&serde_json::json!("走访51")), "each pairing keeps its own visit: {}", listed[0]);
    }
}

/// `count` new branches under the committee, each with a county-level leader who is also its
/// secretary: a contact point, a research entry and a talk with one member.
async fn leaders_with_duties(app: &TestApp, from: usize, count: usize) {
    use huodongri::{
        domain::{LeaderLevel, PartyPost},
        duties::DutyKind,
        entities::{contact_point, duty_entry, talk},
    };
    use sea_orm::IntoActiveModel;
    let now = huodongri::clock::now();
    let today = now
        .with_timezone(&huodongri::clock::shanghai())
        .date_naive();
    for n in from..from + count {
        let branch = huodongri::cli::create_org(
            &app.db,
            &format!("TS-C1-L{n:03}"),
            &format!("履职支部{n}"),
            "branch",
            Some("TS-C1"),
        )
        .await
        .expect("a branch");
        let leader = app
            .add_person(&format!("领导{n}"), &format!("1360000{n:04}"), branch)
            .await;
        let member = app
            .add_person(&format!("党员{n}"), &format!("1350000{n:04}"), branch)
            .await;
        let mut row = huodongri::people::find(&app.db, leader.id)
            .await
            .expect("read")
            .expect("leader")
            .into_active_model();
        row.leader_level = Set(Some(LeaderLevel::CountyOrAbove));
        row.party_post = Set(Some(PartyPost::Secretary));
        row.update(&app.db).await.expect("on the roster");
        contact_point::ActiveModel {
            person_id: Set(leader.id),
            org_id: Set(branch),
            valid_from: Set(today),
            valid_until: Set(None),
            assigned_by: Set(leader.id),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .expect("a contact point");
        duty_entry::ActiveModel {
            person_id: Set(leader.id),
            kind: Set(DutyKind::Research),
            starts_on: Set(today),
            ends_on: Set(today),
            org_id: Set(Some(branch)),
            place: Set(String::new()),
            topic: Set(format!("调研{n}")),
            summary: Set(String::new()),
            corrects_id: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .expect("an entry");
        talk::ActiveModel {
            leader_id: Set(leader.id),
            with_person_id: Set(Some(member.id)),
            with_name: Set(format!("党员{n}")),
            talked_on: Set(today),
            notes: Set(String::new()),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .expect("a talk");
    }
}

on_both_stores! {
    async fn the_org_departments_duty_list_takes_the_same_statements_for_2_rows_as_for_52(app) {
        let w = app.world().await;
        let path = format!("/api/v1/orgs/{}/duties?per_page=100", w.committee);
        leaders_with_duties(&app, 0, 2).await;
        same_statements_for_52_rows_as_for_2(&app, &w.admin, &path, leaders_with_duties(&app, 2, 50)).await;
    }
}

/// `count` cases a deputy raised and forwarded to branch A (each with its timeline).
async fn forwarded_cases(app: &TestApp, deputy: &Someone, branch: i64, from: usize, count: usize) {
    for n in from..from + count {
        let case = app
            .post_as(
                deputy,
                "/api/v1/cases",
                &serde_json::json!({"category": "livelihood", "title": format!("问题{n}"), "body": "x", "raiser_name": "群众"}),
            )
            .await;
        assert_eq!(case.status().as_u16(), 201);
        let id = case.json::<serde_json::Value>().await.expect("json")["id"].clone();
        let forwarded = app
            .post_as(
                deputy,
                &format!("/api/v1/matters/{id}/steps"),
                &serde_json::json!({"step": "forward", "org_id": branch}),
            )
            .await;
        assert_eq!(forwarded.status().as_u16(), 200);
    }
}

on_both_stores! {
    async fn an_organisations_inbox_of_matters_takes_the_same_statements_for_2_rows_as_for_52(app) {
        let w = app.world().await;
        let deputy = app.add_person("王代表", "13700000071", w.branch_a).await;
        let mut row = huodongri::entities::person::Entity::find_by_id(deputy.id)
            .one(&app.db)
            .await
            .expect("read")
            .expect("person")
            .into_active_model();
        row.deputy_level = Set(Some(huodongri::domain::DeputyLevel::City));
        row.update(&app.db).await.expect("a deputy");
        let path = format!("/api/v1/orgs/{}/matters?per_page=100", w.branch_a);
        forwarded_cases(&app, &deputy, w.branch_a, 0, 2).await;
        same_statements_for_52_rows_as_for_2(&app, &w.secretary_a, &path, forwarded_cases(&app, &deputy, w.branch_a, 2, 50)).await;
    }
}

/// `count` findings at branch A in one round, each with a rectification task.
async fn rectification_tasks(app: &TestApp, round: i64, inspector: i64, branch: i64, count: usize) {
    use huodongri::entities::{inspection_finding, rectification};
    use huodongri::supervision::{FindingKind, RectificationStatus};
    let now = huodongri::clock::now();
    for n in 0..count {
        let finding = inspection_finding::ActiveModel {
            round_id: Set(round),
            org_id: Set(branch),
            inspector_id: Set(inspector),
            kind: Set(FindingKind::Problem),
            text: Set(format!("问题{n}")),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .expect("a finding");
        rectification::ActiveModel {
            finding_id: Set(finding.id),
            round_id: Set(round),
            org_id: Set(branch),
            requirement: Set("整改".into()),
            deadline: Set(huodongri::clock::today() + chrono::Duration::days(30)),
            status: Set(RectificationStatus::Open),
            created_by: Set(inspector),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .expect("a task");
    }
}

on_both_stores! {
    async fn a_subtrees_rectification_tasks_take_the_same_statements_for_2_rows_as_for_52(app) {
        let w = app.world().await;
        let round: serde_json::Value = app.post_as(&w.supervisor, &format!("/api/v1/orgs/{}/inspection-rounds", w.city), &serde_json::json!({
            "title": "督查", "mode": "scheduled", "method": "site_visit",
            "planned_on": huodongri::clock::today().to_string(), "org_ids": [w.branch_a]})).await.json().await.expect("json");
        let round = round["id"].as_i64().expect("id");
        rectification_tasks(&app, round, w.supervisor.id, w.branch_a, 2).await;
        let path = format!("/api/v1/orgs/{}/rectifications?per_page=100", w.committee);
        same_statements_for_52_rows_as_for_2(&app, &w.reviewer, &path, rectification_tasks(&app, round, w.supervisor.id, w.branch_a, 50)).await;
    }
}
