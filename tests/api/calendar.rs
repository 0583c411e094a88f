use api_tests::{error_code, on_both_stores};
use huodongri::calendar::{Calendar, Policy};
use serde_json::json;

on_both_stores! {
    async fn the_calendar_moves_the_20th_by_the_official_holidays(app) {
        let body: serde_json::Value = app.get("/api/v1/calendar/2021").await.json().await.expect("json");
        assert_eq!(body["policy"], "next_working_day");
        assert_eq!(body["months"][1]["activity_day"], "2021-02-20", "a make-up Saturday is a working day");
        assert_eq!(body["months"][8]["activity_day"], "2021-09-22");
        assert!(body["months"][8]["moved_because"].is_string());
        assert_eq!(body["months"][8]["preview_deadline"], "2021-09-10");
        let body: serde_json::Value = app.get("/api/v1/calendar/2015?policy=statutory_only").await.json().await.expect("json");
        assert_eq!(body["months"][1]["activity_day"], "2015-02-25");
        let missing = app.get("/api/v1/calendar/2027").await;
        assert_eq!(missing.status().as_u16(), 404);
        assert_eq!(error_code(missing).await, "calendar.year_missing");
        let bad = app.get("/api/v1/calendar/2021?policy=sometimes").await;
        assert_eq!(error_code(bad).await, "calendar.invalid_input");
    }

    async fn the_missing_next_year_warning_appears_after_1_november_and_goes_once_loaded(app) {
        use chrono::Datelike;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        let w = app.world().await;
        let today = huodongri::clock::now().with_timezone(&huodongri::clock::shanghai()).date_naive();
        let next = today.year() + 1;
        // Whatever the seed holds, next year is missing for this test.
        huodongri::entities::calendar_day::Entity::delete_many()
            .filter(huodongri::entities::calendar_day::Column::Day.gte(chrono::NaiveDate::from_ymd_opt(next, 1, 1).expect("a date")))
            .filter(huodongri::entities::calendar_day::Column::Day.lte(chrono::NaiveDate::from_ymd_opt(next, 12, 31).expect("a date")))
            .exec(&app.db)
            .await
            .expect("cleared");
        let warnings = |ready: serde_json::Value| -> Vec<String> {
            ready["warnings"].as_array().expect("a list").iter().map(|w| w.as_str().expect("text").to_owned()).collect()
        };
        let before = warnings(app.get("/readyz").await.json().await.expect("json"));
        if today.month() >= 11 {
            assert_eq!(before.len(), 1, "{before:?}");
            assert!(before[0].contains(&format!("no official holiday data for {next}")), "{before:?}");
        } else {
            assert!(before.is_empty(), "no warning before 1 November: {before:?}");
        }
        app.ensure_calendar_year(&w.admin, &next.to_string()).await;
        let after = warnings(app.get("/readyz").await.json().await.expect("json"));
        assert!(after.is_empty(), "loaded: {after:?}");
    }

    async fn the_seeded_calendar_gives_every_month_as_the_official_data_does(app) {
        // The database copy (seeded by a migration) against the reference file, both policies.
        let reference = Calendar::bundled();
        for year in [2015, 2021, 2026] {
            for policy in [Policy::NextWorkingDay, Policy::StatutoryOnly] {
                let body: serde_json::Value = app
                    .get(&format!("/api/v1/calendar/{year}?policy={}", policy.as_str()))
                    .await
                    .json()
                    .await
                    .expect("json");
                let expected = reference.year_plan(year, policy).expect("reference");
                for (month, day) in expected.iter().enumerate() {
                    assert_eq!(
                        body["months"][month]["activity_day"],
                        day.activity_day.format("%Y-%m-%d").to_string(),
                        "{year}-{:02} {policy:?}", month + 1
                    );
                }
            }
        }
    }

    async fn an_admin_loads_next_years_arrangement_and_the_warning_goes(app) {
        let w = app.world().await;
        let year = json!({
            "holidays": [["2027-01-01", "元旦"], ["2027-01-02", "元旦"], ["2027-01-03", "元旦"],
                         ["2027-09-20", "虚构假日"], ["2027-09-21", "虚构假日"]],
            "workdays": [["2027-09-25", "虚构假日"]]
        });
        let refused = app.put_as(&w.secretary_a, "/api/v1/calendar/2027", &year).await;
        assert_eq!(error_code(refused).await, "auth.forbidden");
        let invalid = app.put_as(&w.admin, "/api/v1/calendar/2027", &json!({"holidays": [["2027-02-30", "x"]], "workdays": []})).await;
        assert_eq!(invalid.status().as_u16(), 400);
        assert_eq!(error_code(invalid).await, "calendar.invalid_input");

        let loaded = app.put_as(&w.admin, "/api/v1/calendar/2027", &year).await;
        assert_eq!(loaded.status().as_u16(), 200);
        let body: serde_json::Value = app.get("/api/v1/calendar/2027").await.json().await.expect("json");
        assert_eq!(body["months"][8]["activity_day"], "2027-09-22");
        // Loading again replaces the year rather than adding to it.
        let smaller = json!({"holidays": [["2027-01-01", "元旦"]], "workdays": []});
        assert_eq!(app.put_as(&w.admin, "/api/v1/calendar/2027", &smaller).await.status().as_u16(), 200);
        let body: serde_json::Value = app.get("/api/v1/calendar/2027").await.json().await.expect("json");
        assert_eq!(body["months"][8]["activity_day"], "2027-09-20");
    }
}

on_both_stores! {
    async fn an_organisations_policy_decides_its_activity_days(app) {
        let w = app.world().await;
        let path = format!("/api/v1/orgs/{}/settings", w.branch_a);
        let refused = app.put_as(&w.secretary_a, &path, &json!({"activity_day_policy": "statutory_only"})).await;
        assert_eq!(error_code(refused).await, "auth.forbidden");
        let bad = app.put_as(&w.admin, &path, &json!({"activity_day_policy": "whenever"})).await;
        assert_eq!(error_code(bad).await, "directory.invalid_input");

        let before: serde_json::Value = app.get(&format!("/api/v1/calendar/2021?org={}", w.branch_a)).await.json().await.expect("json");
        assert_eq!(before["months"][2]["activity_day"], "2021-03-22", "a plain Saturday moves by default");
        let changed = app.put_as(&w.admin, &path, &json!({"activity_day_policy": "statutory_only"})).await;
        assert_eq!(changed.status().as_u16(), 200);
        let after: serde_json::Value = app.get(&format!("/api/v1/calendar/2021?org={}", w.branch_a)).await.json().await.expect("json");
        assert_eq!(after["policy"], "statutory_only");
        assert_eq!(after["months"][2]["activity_day"], "2021-03-20", "only statutory holidays move it now");
        assert_eq!(after["months"][8]["activity_day"], "2021-09-22", "Mid-Autumn still moves it");
        let unknown = app.get("/api/v1/calendar/2021?org=987654").await;
        assert_eq!(error_code(unknown).await, "org.not_found");
    }
}
