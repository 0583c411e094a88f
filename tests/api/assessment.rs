//! The yearly assessment computed line by line from a seeded year, rankings within the parent
//! (JSON and XLSX), the rubric in versions, a year without data; the dashboards and the live
//! board rolled up from the live counters; phones masked in every list and export for those
//! who read an organisation without managing it.
use api_tests::{TestApp, World, error_code, on_both_stores};
use chrono::Datelike;
use huodongri::clock;
use serde_json::{Value, json};

use crate::checkin::{scan_now, venue};

async fn json_of(response: reqwest::Response, status: u16) -> Value {
    let got = response.status().as_u16();
    let body: Value = response.json().await.expect("json");
    assert_eq!(got, status, "{body}");
    body
}

/// Branch A's year: today's activity, everyone expected present, its preview published, and
/// one open rectification task from an inspection.
async fn seeded_year(app: &TestApp, w: &World) -> i64 {
    let others = [
        app.add_person("考核党员一", "13700000801", w.branch_a)
            .await,
        app.add_person("考核党员二", "13700000802", w.branch_a)
            .await,
    ];
    let plan = app.open_activity(w).await;
    app.publish_plan(w, plan).await;
    let (code, token) = venue(app, &w.secretary_a, plan).await;
    for who in [
        &w.secretary_a,
        &w.reviewer,
        &w.member_a,
        &others[0],
        &others[1],
    ] {
        assert_eq!(scan_now(app, who, &code, &token).await["result"], "ok");
    }
    let round = json_of(
        app.post_as(
            &w.supervisor,
            &format!("/api/v1/orgs/{}/inspection-rounds", w.city),
            &json!({
        "title": "定期督查", "mode": "scheduled", "method": "records_review",
        "planned_on": clock::today().to_string(), "org_ids": [w.branch_a]}),
        )
        .await,
        201,
    )
    .await;
    let deadline = (clock::today() + chrono::Duration::days(10)).to_string();
    json_of(
        app.post_as(
            &w.supervisor,
            &format!("/api/v1/inspection-rounds/{}/findings", round["id"]),
            &json!({
        "org_id": w.branch_a, "kind": "problem", "text": "台账不全",
        "rectification": {"requirement": "补齐纪要", "deadline": deadline}}),
        )
        .await,
        201,
    )
    .await;
    plan
}

fn line<'a>(score: &'a Value, key: &str) -> &'a Value {
    score["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .find(|l| l["key"] == key)
        .expect("a line")
}

on_both_stores! {
    async fn a_seeded_year_is_scored_line_by_line_and_ranked_within_its_parent(app) {
        let w = app.world().await;
        let plan = seeded_year(&app, &w).await;
        let year = clock::today().year();
        let score = json_of(app.post_as(&w.supervisor, &format!("/api/v1/orgs/{}/assessment/compute?year={year}", w.branch_a), &json!({})).await, 200).await;
        assert_eq!(score["rubric_version"], 1);
        // Previews: every month whose 10th has passed had none published (this month's is not due).
        let previews = line(&score, "previews_on_time");
        let due = previews["records"].as_array().map(Vec::len).expect("records");
        assert_eq!(due, (clock::today().month() as usize) - usize::from(clock::today().day() <= 10));
        if due > 0 {
            assert_eq!((previews["value"].as_f64(), previews["points"].as_f64()), (Some(0.0), Some(0.0)));
        }
        let participation = line(&score, "participation");
        assert_eq!((participation["value"].as_f64(), participation["points"].as_f64()), (Some(1.0), Some(25.0)), "{participation}");
        assert!(participation["records"][0].as_str().expect("a month").contains("实到 5/应到 5"), "{participation}");
        let ledger = line(&score, "ledger_complete");
        assert_eq!((ledger["value"].as_f64(), ledger["points"].as_f64()), (Some(0.0), Some(0.0)), "no minutes, no photos");
        assert!(ledger["records"][0].as_str().expect("an activity").contains(&format!("#{plan}")));
        assert_eq!(line(&score, "themed_activities")["points"].as_f64(), Some(0.0));
        // Every member owes two volunteer activities a year (§二.2): none done yet.
        let service = line(&score, "service_minimums");
        assert_eq!((service["value"].as_f64(), service["points"].as_f64()), (Some(0.0), Some(0.0)), "{service}");
        assert!(service["detail"].as_str().expect("detail").starts_with("0/5"));
        for (key, weight) in [("leaders_quotas", 10.0), ("feedback_average", 5.0)] {
            let l = line(&score, key);
            assert_eq!((l["value"].is_null(), l["points"].as_f64()), (true, Some(weight)), "nothing to measure: {l}");
        }
        let rect = line(&score, "rectifications_closed");
        assert_eq!((rect["value"].as_f64(), rect["points"].as_f64()), (Some(0.0), Some(0.0)));
        let expected_total = if due > 0 { 40.0 } else { 55.0 };
        assert_eq!(score["total"].as_f64(), Some(expected_total));

        // The branch checks its own score; a branch with no records has none to show.
        let own = json_of(app.get_as(&w.secretary_a, &format!("/api/v1/orgs/{}/assessment?year={year}", w.branch_a)).await, 200).await;
        assert_eq!(own["total"], score["total"]);
        assert_eq!(error_code(app.get_as(&w.supervisor, &format!("/api/v1/orgs/{}/assessment?year={year}", w.branch_b)).await).await, "assessment.no_data");
        assert_eq!(error_code(app.get_as(&w.supervisor, &format!("/api/v1/orgs/{}/assessment?year=2001", w.branch_a)).await).await, "assessment.invalid_input");
        assert_eq!(error_code(app.get_as(&w.member_a, &format!("/api/v1/orgs/{}/assessment", w.branch_a)).await).await, "auth.forbidden");
        assert_eq!(error_code(app.post_as(&w.secretary_a, &format!("/api/v1/orgs/{}/assessment/compute", w.branch_a), &json!({})).await).await, "auth.forbidden");

        // Rankings under the committee, computed for the whole subtree on demand.
        let ranked = json_of(app.get_as(&w.reviewer, &format!("/api/v1/orgs/{}/assessment/rankings?year={year}", w.committee)).await, 200).await;
        let items = ranked["items"].as_array().expect("items");
        assert_eq!(items.len(), 2);
        assert_eq!((items[0]["org_id"].as_i64(), items[0]["rank"].as_u64(), items[0]["total"].as_f64()), (Some(w.branch_a), Some(1), Some(expected_total)));
        assert_eq!((items[1]["org_id"].as_i64(), items[1]["rank"].is_null()), (Some(w.branch_b), true), "no data, no rank");
        let city = json_of(app.get_as(&w.supervisor, &format!("/api/v1/orgs/{}/assessment/rankings?year={year}", w.city)).await, 200).await;
        let committee = city["items"].as_array().expect("items").iter().find(|i| i["org_id"] == w.committee).expect("the committee");
        assert_eq!(committee["total"].as_f64(), Some(expected_total), "the mean of its branches with data");
        let xlsx = app.get_as(&w.reviewer, &format!("/api/v1/orgs/{}/assessment/rankings?year={year}&format=xlsx", w.committee)).await;
        assert_eq!(xlsx.status().as_u16(), 200);
        let bytes = xlsx.bytes().await.expect("bytes").to_vec();
        use calamine::Reader;
        let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes)).expect("a workbook");
        let sheet = book.worksheet_range(&format!("{year}年考核排名")).expect("the sheet");
        let first: Vec<String> = sheet.rows().nth(1).expect("a row").iter().map(ToString::to_string).collect();
        assert_eq!((first[0].as_str(), first[1].as_str()), ("1", "甲支部"));
        assert_eq!(error_code(app.get_as(&w.reviewer, &format!("/api/v1/orgs/{}/assessment/rankings?format=pdf", w.committee)).await).await, "assessment.invalid_input");

        // A new rubric is a new version; bad rubrics are refused whole.
        let rubric = json_of(app.get_as(&w.member_a, "/api/v1/assessment/rubric").await, 200).await;
        let mut lines: Vec<Value> = rubric["lines"].as_array().expect("lines").iter()
            .map(|l| json!({"key": l["key"], "weight": l["weight"], "threshold": l["threshold"]})).collect();
        lines[0]["weight"] = json!(14);
        assert_eq!(error_code(app.post_as(&w.admin, "/api/v1/assessment/rubric", &json!({"note": "少一分", "lines": lines})).await).await, "assessment.invalid_input");
        lines[0]["weight"] = json!(5);
        lines[1]["weight"] = json!(35);
        assert_eq!(error_code(app.post_as(&w.supervisor, "/api/v1/assessment/rubric", &json!({"note": "参加率更重", "lines": lines})).await).await, "auth.forbidden");
        let v2 = json_of(app.post_as(&w.admin, "/api/v1/assessment/rubric", &json!({"note": "参加率更重", "lines": lines})).await, 201).await;
        assert_eq!(v2["version"], 2);
        assert_eq!(json_of(app.get_as(&w.member_a, "/api/v1/assessment/rubric?version=1").await, 200).await["lines"][0]["weight"], 15, "the old version is kept");
        let rescored = json_of(app.post_as(&w.admin, &format!("/api/v1/orgs/{}/assessment/compute?year={year}", w.branch_a), &json!({})).await, 200).await;
        assert_eq!((rescored["rubric_version"].as_i64(), line(&rescored, "participation")["points"].as_f64()), (Some(2), Some(35.0)));
    }
}

on_both_stores! {
    async fn dashboards_roll_up_the_subtree_and_the_live_board_counts_from_the_live_counters(app) {
        let w = app.world().await;
        seeded_year(&app, &w).await;
        let board = json_of(app.get_as(&w.supervisor, &format!("/api/v1/orgs/{}/dashboard", w.committee)).await, 200).await;
        assert_eq!((board["branches"].as_u64(), board["activities_held"].as_u64()), (Some(2), Some(1)));
        assert_eq!((board["open_rectifications"].as_u64(), board["overdue_rectifications"].as_u64()), (Some(1), Some(0)));
        assert_eq!(board["participation"][3]["organisations"], 1, "branch A at 90 % and over");
        assert_eq!(board["under_threshold"], json!([]));
        let year = json_of(app.get_as(&w.supervisor, &format!("/api/v1/orgs/{}/dashboard?year={}", w.city, clock::today().year())).await, 200).await;
        assert_eq!(year["branches"], 3);
        for bad in ["?month=2026-13", "?month=26-01", "?year=1999", "?year=2026&month=2026-01"] {
            assert_eq!(error_code(app.get_as(&w.supervisor, &format!("/api/v1/orgs/{}/dashboard{bad}", w.city)).await).await, "assessment.invalid_input", "{bad}");
        }
        assert_eq!(error_code(app.get_as(&w.member_a, &format!("/api/v1/orgs/{}/dashboard", w.committee)).await).await, "auth.forbidden");

        let live = json_of(app.get_as(&w.supervisor, &format!("/api/v1/orgs/{}/live-board", w.city)).await, 200).await;
        assert_eq!((live["total"]["present"].as_u64(), live["total"]["expected"].as_u64()), (Some(5), Some(5)));
        let committee = live["rows"].as_array().expect("rows").iter().find(|r| r["org_id"] == w.committee).expect("the committee");
        assert_eq!((committee["activities"].as_u64(), committee["present"].as_u64(), committee["below_threshold"].as_bool()), (Some(1), Some(5), Some(false)));
        let other = live["rows"].as_array().expect("rows").iter().find(|r| r["org_id"] == w.other_committee).expect("the other committee");
        assert_eq!((other["activities"].as_u64(), other["rate"].is_null()), (Some(0), true));
        // The stream answers with a snapshot at once.
        let mut events = app.get_as(&w.supervisor, &format!("/api/v1/orgs/{}/live-board/events", w.city)).await;
        assert_eq!(events.headers()["content-type"], "text/event-stream");
        let chunk = events.chunk().await.expect("a chunk").expect("data");
        let text = String::from_utf8_lossy(&chunk);
        assert!(text.starts_with("data: ") && text.contains("\"present\":5"), "{text}");
        assert_eq!(error_code(app.get_as(&w.secretary_a, &format!("/api/v1/orgs/{}/live-board", w.city)).await).await, "auth.forbidden");
    }
}

on_both_stores! {
    async fn phones_are_whole_only_for_those_who_manage_the_person_in_every_list_and_export(app) {
        let w = app.world().await;
        let whole = "13700000005";
        let masked = "137****0005";
        // The branch's secretary manages member A; the committee's reviewer and the city's
        // supervisor only read.
        let people = format!("/api/v1/orgs/{}/people?q=甲党员", w.branch_a);
        let of = |list: &Value| list["items"][0]["phone"].as_str().map(str::to_owned);
        assert_eq!(of(&json_of(app.get_as(&w.secretary_a, &people).await, 200).await).as_deref(), Some(whole));
        assert_eq!(of(&json_of(app.get_as(&w.reviewer, &people).await, 200).await).as_deref(), Some(masked));
        assert_eq!(of(&json_of(app.get_as(&w.admin, &people).await, 200).await).as_deref(), Some(whole));
        let one = format!("/api/v1/people/{}", w.member_a.id);
        assert_eq!(json_of(app.get_as(&w.supervisor, &one).await, 200).await["phone"], masked);
        assert_eq!(json_of(app.get_as(&w.secretary_a, &one).await, 200).await["phone"], whole);
        assert_eq!(json_of(app.get_as(&w.member_a, &one).await, 200).await["phone"], whole, "one's own");
        // Searching by digits would unmask: only those who manage may.
        let by_digits = format!("/api/v1/orgs/{}/people?q=0005", w.branch_a);
        assert_eq!(json_of(app.get_as(&w.reviewer, &by_digits).await, 200).await["total"], 0);
        assert_eq!(json_of(app.get_as(&w.secretary_a, &by_digits).await, 200).await["total"], 1);

        // The roster, as CSV and as XLSX.
        let reviewer_csv = app.get_as(&w.reviewer, &format!("/api/v1/orgs/{}/roster?format=csv", w.committee)).await.text().await.expect("csv");
        assert!(reviewer_csv.contains(masked) && !reviewer_csv.contains(whole), "{reviewer_csv}");
        let secretary_csv = app.get_as(&w.secretary_a, &format!("/api/v1/orgs/{}/roster?format=csv", w.branch_a)).await.text().await.expect("csv");
        assert!(secretary_csv.contains(whole), "{secretary_csv}");
        let xlsx = app.get_as(&w.supervisor, &format!("/api/v1/orgs/{}/roster?format=xlsx", w.city)).await.bytes().await.expect("bytes").to_vec();
        use calamine::Reader;
        let mut book = calamine::Xlsx::new(std::io::Cursor::new(xlsx)).expect("a workbook");
        let name = book.sheet_names()[0].clone();
        let cells: Vec<String> = book.worksheet_range(&name).expect("a sheet").rows().flat_map(|r| r.iter().map(ToString::to_string)).collect();
        assert!(cells.iter().any(|c| c == masked) && !cells.iter().any(|c| c == whole), "{cells:?}");
        let admin_xlsx = app.get_as(&w.admin, &format!("/api/v1/orgs/{}/roster?format=xlsx", w.city)).await.bytes().await.expect("bytes").to_vec();
        let mut book = calamine::Xlsx::new(std::io::Cursor::new(admin_xlsx)).expect("a workbook");
        let cells: Vec<String> = book.worksheet_range(&name).expect("a sheet").rows().flat_map(|r| r.iter().map(ToString::to_string)).collect();
        assert!(cells.iter().any(|c| c == whole), "the city's admin manages everyone");

        // The audit log, readable by everyone who reads the organisation, holds masked phones.
        let created = app.post_as(&w.secretary_a, &format!("/api/v1/orgs/{}/people", w.branch_a),
            &json!({"name": "新党员", "phone": "13900001234", "status": "full"})).await;
        assert_eq!(created.status().as_u16(), 201);
        let audit = app.get_as(&w.reviewer, &format!("/api/v1/orgs/{}/audit", w.branch_a)).await.text().await.expect("audit");
        assert!(audit.contains("139****1234") && !audit.contains("13900001234"), "{audit}");
    }
}
