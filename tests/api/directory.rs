use api_tests::{error_code, on_both_stores};
use serde_json::json;

fn person(name: &str, phone: &str) -> serde_json::Value {
    json!({"name": name, "phone": phone, "status": "正式党员"})
}

on_both_stores! {
    async fn a_secretary_manages_their_own_branch_only(app) {
        let w = app.world().await;
        let mine = app.get_as(&w.secretary_a, &format!("/api/v1/orgs/{}/people", w.branch_a)).await;
        assert_eq!(mine.status().as_u16(), 200);
        let page: serde_json::Value = mine.json().await.expect("json");
        assert!(page["total"].as_u64().expect("total") >= 3);

        for path in [
            format!("/api/v1/orgs/{}/people", w.branch_b),
            format!("/api/v1/orgs/{}/roster", w.branch_b),
            format!("/api/v1/orgs/{}/audit", w.branch_b),
            format!("/api/v1/people/{}", w.member_b.id),
        ] {
            let refused = app.get_as(&w.secretary_a, &path).await;
            assert_eq!(refused.status().as_u16(), 403, "{path}");
            assert_eq!(error_code(refused).await, "auth.forbidden");
        }
        let create_b = app.post_as(&w.secretary_a, &format!("/api/v1/orgs/{}/people", w.branch_b), &person("新人", "13800000100")).await;
        assert_eq!(error_code(create_b).await, "auth.forbidden");
        let edit_b = app.put_as(&w.secretary_a, &format!("/api/v1/people/{}", w.member_b.id), &person("改名", &w.member_b.phone)).await;
        assert_eq!(error_code(edit_b).await, "auth.forbidden");
        let invite_b = app.post_as(&w.secretary_a, &format!("/api/v1/people/{}/invite", w.member_b.id), &json!({})).await;
        assert_eq!(error_code(invite_b).await, "auth.forbidden");
        // Moving someone of A into B is also a write on B.
        let mut moved = person("甲党员", &w.member_a.phone);
        moved["org_id"] = json!(w.branch_b);
        let move_to_b = app.put_as(&w.secretary_a, &format!("/api/v1/people/{}", w.member_a.id), &moved).await;
        assert_eq!(error_code(move_to_b).await, "auth.forbidden");

        let created = app.post_as(&w.secretary_a, &format!("/api/v1/orgs/{}/people", w.branch_a), &person("新人", "13800000100")).await;
        assert_eq!(created.status().as_u16(), 201);
        let duplicate = app.post_as(&w.secretary_a, &format!("/api/v1/orgs/{}/people", w.branch_a), &person("另一人", "138-0000-0100")).await;
        assert_eq!(duplicate.status().as_u16(), 409);
        assert_eq!(error_code(duplicate).await, "person.phone_taken");
    }

    async fn a_reviewer_reads_only_inside_the_committee_and_a_supervisor_cannot_write(app) {
        let w = app.world().await;
        assert_eq!(app.get_as(&w.reviewer, &format!("/api/v1/orgs/{}/people", w.committee)).await.status().as_u16(), 200);
        assert_eq!(app.get_as(&w.reviewer, &format!("/api/v1/orgs/{}/people", w.branch_b)).await.status().as_u16(), 200);
        let outside = app.get_as(&w.reviewer, &format!("/api/v1/orgs/{}/people", w.branch_c)).await;
        assert_eq!(error_code(outside).await, "auth.forbidden");
        let write = app.post_as(&w.reviewer, &format!("/api/v1/orgs/{}/people", w.branch_a), &person("新人", "13800000200")).await;
        assert_eq!(error_code(write).await, "auth.forbidden");

        assert_eq!(app.get_as(&w.supervisor, &format!("/api/v1/orgs/{}/people", w.branch_c)).await.status().as_u16(), 200);
        assert_eq!(app.get_as(&w.supervisor, &format!("/api/v1/orgs/{}/audit", w.city)).await.status().as_u16(), 200);
        let write = app.put_as(&w.supervisor, &format!("/api/v1/people/{}", w.member_c.id), &person("改名", &w.member_c.phone)).await;
        assert_eq!(error_code(write).await, "auth.forbidden");
        let org = app.post_as(&w.supervisor, "/api/v1/orgs", &json!({"parent_id": w.city, "code": "TS-X", "name": "新党委", "kind": "committee"})).await;
        assert_eq!(error_code(org).await, "auth.forbidden");
        // A plain member reads only themselves.
        assert_eq!(app.get_as(&w.member_a, &format!("/api/v1/people/{}", w.member_a.id)).await.status().as_u16(), 200);
        let other = app.get_as(&w.member_a, &format!("/api/v1/people/{}", w.secretary_a.id)).await;
        assert_eq!(error_code(other).await, "auth.forbidden");
    }

    async fn an_admin_builds_the_tree_and_grants_roles_with_an_audit_trail(app) {
        let w = app.world().await;
        let created = app.post_as(&w.admin, "/api/v1/orgs", &json!({"parent_id": w.committee, "code": "TS-C1-D", "name": "丁支部", "kind": "branch"})).await;
        assert_eq!(created.status().as_u16(), 201);
        let branch_d: serde_json::Value = created.json().await.expect("json");
        let taken = app.post_as(&w.admin, "/api/v1/orgs", &json!({"parent_id": w.committee, "code": "TS-C1-D", "name": "重复", "kind": "branch"})).await;
        assert_eq!(error_code(taken).await, "org.code_taken");
        let wrong = app.post_as(&w.admin, "/api/v1/orgs", &json!({"parent_id": w.city, "code": "TS-Z", "name": "直属支部", "kind": "branch"})).await;
        assert_eq!(error_code(wrong).await, "org.wrong_parent_kind");

        let granted = app.post_as(&w.admin, &format!("/api/v1/orgs/{}/roles", branch_d["id"]), &json!({"person_id": w.member_b.id, "role": "secretary"})).await;
        assert_eq!(granted.status().as_u16(), 201);
        let again = app.post_as(&w.admin, &format!("/api/v1/orgs/{}/roles", branch_d["id"]), &json!({"person_id": w.member_b.id, "role": "secretary"})).await;
        assert_eq!(error_code(again).await, "role.already_granted");

        let audit: serde_json::Value = app.get_as(&w.admin, &format!("/api/v1/orgs/{}/audit", w.city)).await.json().await.expect("json");
        let actions: Vec<&str> = audit["items"].as_array().expect("items").iter().map(|e| e["action"].as_str().expect("action")).collect();
        assert!(actions.contains(&"org.create"), "{actions:?}");
        assert!(actions.contains(&"role.grant"), "{actions:?}");
        let grant = audit["items"].as_array().expect("items").iter().find(|e| e["action"] == "role.grant").expect("grant entry");
        assert_eq!(grant["actor"], format!("person:{}", w.admin.id));
        assert!(grant["request_id"].is_string());
    }

    async fn a_roster_with_one_bad_row_imports_nothing_and_reimport_updates_without_duplicates(app) {
        let w = app.world().await;
        let path = format!("/api/v1/orgs/{}/roster", w.branch_a);
        let bad = "姓名,手机号,党员状态\n赵一,13811110001,正式党员\n钱二,1381111000,预备党员\n孙三,13811110003,入党积极分子\n";
        let refused = app.upload_as(&w.secretary_a, &path, "text/csv", bad.as_bytes().to_vec()).await;
        assert_eq!(refused.status().as_u16(), 422);
        let report: serde_json::Value = refused.json().await.expect("json");
        assert_eq!(report["code"], "roster.invalid");
        assert_eq!(report["problems"][0]["row"], 3);
        assert_eq!(report["problems"][0]["column"], "手机号");
        let list: serde_json::Value = app.get_as(&w.secretary_a, &format!("/api/v1/orgs/{}/people?q=赵一", w.branch_a)).await.json().await.expect("json");
        assert_eq!(list["total"], 0, "nothing was imported");

        let good = "姓名,手机号,党员状态\n赵一,13811110001,正式党员\n钱二,13811110002,预备党员\n孙三,13811110003,入党积极分子\n";
        let imported = app.upload_as(&w.secretary_a, &path, "text/csv", good.as_bytes().to_vec()).await;
        assert_eq!(imported.status().as_u16(), 200);
        let counts: serde_json::Value = imported.json().await.expect("json");
        assert_eq!(counts["created"], 3);

        let changed = "姓名,手机号,党员状态\n赵一,13811110001,正式党员\n钱二,13811110002,正式党员\n孙三,13811110003,入党积极分子\n";
        let counts: serde_json::Value = app.upload_as(&w.secretary_a, &path, "text/csv", changed.as_bytes().to_vec()).await.json().await.expect("json");
        assert_eq!((counts["created"].as_u64(), counts["updated"].as_u64(), counts["unchanged"].as_u64()), (Some(0), Some(1), Some(2)));

        // Export in both formats re-imports unchanged.
        for format in ["csv", "xlsx"] {
            let exported = app.get_as(&w.secretary_a, &format!("{path}?format={format}")).await;
            assert_eq!(exported.status().as_u16(), 200);
            let content_type = exported.headers()["content-type"].to_str().expect("ascii").to_owned();
            let bytes = exported.bytes().await.expect("body").to_vec();
            let counts: serde_json::Value = app.upload_as(&w.secretary_a, &path, &content_type, bytes).await.json().await.expect("json");
            assert_eq!(counts["created"], 0, "{format}: {counts}");
            assert_eq!(counts["updated"], 0, "{format}: {counts}");
        }

        let other_branch = app.upload_as(&w.secretary_a, &format!("/api/v1/orgs/{}/roster", w.branch_b), "text/csv", good.as_bytes().to_vec()).await;
        assert_eq!(error_code(other_branch).await, "auth.forbidden");
        let pdf = app.upload_as(&w.secretary_a, &path, "application/pdf", b"%PDF".to_vec()).await;
        assert_eq!(pdf.status().as_u16(), 415);
        assert_eq!(error_code(pdf).await, "roster.unsupported_format");
    }
}
