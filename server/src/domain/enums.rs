//! Closed vocabularies, stored and sent as English slugs; parse also accepts the Chinese
//! labels people write in rosters.

/// `slug_enum!(Name { Variant = ("slug", "中文"), ... })`: as_str, label, parse, serde, and
/// a sea-orm active enum stored as its slug, so an entity field can be the type itself.
macro_rules! slug_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = ($slug:literal, $label:literal)),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
            utoipa::ToSchema, sea_orm::EnumIter, sea_orm::DeriveActiveEnum,
        )]
        #[serde(rename_all = "snake_case")]
        #[sea_orm(rs_type = "String", db_type = "Text")]
        pub enum $name { $(#[sea_orm(string_value = $slug)] $variant),+ }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $slug),+ }
            }

            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            pub fn parse(raw: &str) -> Result<Self, String> {
                let raw = raw.trim();
                match raw {
                    $($slug | $label => Ok($name::$variant),)+
                    _ => Err(format!(
                        "`{raw}` is not one of: {}",
                        [$(concat!($slug, " (", $label, ")")),+].join(", ")
                    )),
                }
            }
        }
    };
}
pub(crate) use slug_enum;

slug_enum!(
    /// Levels of the organisation tree, plus communities (社区) that publish service items.
    OrgKind {
        City = ("city", "市"),
        District = ("district", "县区"),
        Committee = ("committee", "党委"),
        Branch = ("branch", "党支部"),
        Community = ("community", "社区"),
    }
);

impl OrgKind {
    /// Which kinds may sit directly under this one.
    pub fn allows_child(self, child: OrgKind) -> bool {
        use OrgKind::*;
        matches!(
            (self, child),
            (City, District | Committee | Community)
                | (District, Committee | Community | District)
                | (Committee, Committee | Branch | Community)
        )
    }
}

slug_enum!(
    /// Standing in the Party; activists are not members but may be invited.
    MemberStatus {
        Full = ("full", "正式党员"),
        Probationary = ("probationary", "预备党员"),
        Activist = ("activist", "入党积极分子"),
    }
);

slug_enum!(
    PartyPost {
        Secretary = ("secretary", "书记"),
        DeputySecretary = ("deputy_secretary", "副书记"),
        CommitteeMember = ("committee_member", "委员"),
        GroupLeader = ("group_leader", "党小组长"),
    }
);

slug_enum!(
    /// The level of a Party-congress deputy (党代表).
    DeputyLevel {
        City = ("city", "市"),
        County = ("county", "县"),
        Township = ("township", "乡"),
    }
);

slug_enum!(
    /// The rank of a Party leading cadre (党员领导干部) of a city, county or township organ:
    /// 县处级以上 leaders owe talks with the departments they oversee (§二.3).
    LeaderLevel {
        CountyOrAbove = ("county_or_above", "县处级以上"),
        Township = ("township", "乡科级"),
    }
);

slug_enum!(
    /// What a person may do, always within an organisation subtree (see `authz`).
    Role {
        Secretary = ("secretary", "支部书记"),
        Reviewer = ("reviewer", "审核人"),
        OrgAdmin = ("org_admin", "组织部门管理员"),
        Supervisor = ("supervisor", "督查"),
        CommunityAdmin = ("community_admin", "社区管理员"),
        VolunteerLead = ("volunteer_lead", "志愿服务负责人"),
    }
);

slug_enum!(
    /// What a monthly activity is, in the document's own terms (扬组发〔2014〕29号 §2).
    PlanCategory {
        BranchGeneralMeeting = ("branch_general_meeting", "支部党员大会"),
        BranchCommittee = ("branch_committee", "支委会"),
        GroupMeeting = ("group_meeting", "党小组会"),
        PartyLecture = ("party_lecture", "党课"),
        PoliticalBirthday = ("political_birthday", "政治生日"),
        AffairsDisclosure = ("affairs_disclosure", "党务公开"),
        DemocraticReview = ("democratic_review", "民主评议"),
        ContactService = ("contact_service", "联系服务群众"),
        CoBuilding = ("co_building", "共建"),
        CommunityService = ("community_service", "社区报到服务"),
        Commitment = ("commitment", "践行承诺"),
        Volunteer = ("volunteer", "志愿服务"),
        Deliberation = ("deliberation", "民主议政议事"),
        Research = ("research", "调查研究"),
        ThreeDown = ("three_down", "三下三联三交"),
        HeartToHeart = ("heart_to_heart", "谈心谈话"),
        DeputyReception = ("deputy_reception", "党代表接待"),
        DeputyInspection = ("deputy_inspection", "调研视察"),
        DeputyProposal = ("deputy_proposal", "提案"),
        ThemeActivity = ("theme_activity", "市/县主题活动"),
    }
);

slug_enum!(
    /// Where a monthly plan is in review (审核预告制度). Approval files it (备案) at once.
    PlanStatus {
        Draft = ("draft", "草稿"),
        Submitted = ("submitted", "待审核"),
        Returned = ("returned", "已退回"),
        Filed = ("filed", "已审核备案"),
    }
);

slug_enum!(
    /// What happened to a monthly plan, one row of its history.
    PlanAction {
        Created = ("created", "创建"),
        Edited = ("edited", "修改"),
        Submitted = ("submitted", "提交审核"),
        Returned = ("returned", "退回"),
        Approved = ("approved", "审核通过"),
        Filed = ("filed", "备案"),
        Published = ("published", "发布预告"),
        ParticipantsRefreshed = ("participants_refreshed", "更新参加人员"),
    }
);

impl PlanAction {
    /// The audit log's name for the same act.
    pub fn audit_action(self) -> &'static str {
        match self {
            PlanAction::Created => "plan.create",
            PlanAction::Edited => "plan.edit",
            PlanAction::Submitted => "plan.submit",
            PlanAction::Returned => "plan.return",
            PlanAction::Approved => "plan.approve",
            PlanAction::Filed => "plan.file",
            PlanAction::Published => "plan.publish",
            PlanAction::ParticipantsRefreshed => "plan.participants_refresh",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_and_chinese_labels_both_parse() {
        assert_eq!(
            MemberStatus::parse("预备党员"),
            Ok(MemberStatus::Probationary)
        );
        assert_eq!(MemberStatus::parse(" full "), Ok(MemberStatus::Full));
        assert!(MemberStatus::parse("member").is_err());
        for kind in OrgKind::ALL {
            assert_eq!(OrgKind::parse(kind.as_str()), Ok(*kind));
        }
    }

    #[test]
    fn branches_sit_under_committees_not_under_the_city() {
        assert!(OrgKind::Committee.allows_child(OrgKind::Branch));
        assert!(!OrgKind::City.allows_child(OrgKind::Branch));
        assert!(!OrgKind::Branch.allows_child(OrgKind::Branch));
    }
}

slug_enum!(
    /// Where a leave request (请假) stands; the secretary decides before the activity starts.
    LeaveStatus {
        Pending = ("pending", "待审批"),
        Approved = ("approved", "已批准"),
        Declined = ("declined", "未批准"),
        Withdrawn = ("withdrawn", "已撤回"),
    }
);

slug_enum!(
    /// A person's hold on a service item, post or volunteer activity (认领), from the claim
    /// or the waitlist to the organiser's confirmation.
    ClaimStatus {
        Claimed = ("claimed", "已认领"),
        Waitlisted = ("waitlisted", "候补中"),
        Offered = ("offered", "候补转正待确认"),
        Expired = ("expired", "确认超时"),
        Declined = ("declined", "已放弃"),
        Cancelled = ("cancelled", "已取消"),
        WalkIn = ("walk_in", "现场加入"),
        Attended = ("attended", "已参加"),
        NoShow = ("no_show", "未到场"),
    }
);

slug_enum!(
    /// Where one queued WeChat notification stands (the outbox row's status).
    DeliveryStatus {
        Pending = ("pending", "待发送"),
        Sending = ("sending", "发送中"),
        Sent = ("sent", "已送达"),
        NoConsent = ("no_consent", "未订阅"),
        NotFollowing = ("not_following", "未关注公众号"),
        NoWechat = ("no_wechat", "未绑定微信"),
        Failed = ("failed", "发送失败"),
        Unknown = ("unknown", "状态未知"),
        ToldInPerson = ("told_in_person", "已当面告知"),
    }
);

impl DeliveryStatus {
    /// The person has the message: WeChat accepted it, or the secretary told them.
    pub fn reached(self) -> bool {
        matches!(self, Self::Sent | Self::ToldInPerson)
    }

    /// Still queued or in flight.
    pub fn under_way(self) -> bool {
        matches!(self, Self::Pending | Self::Sending)
    }
}

slug_enum!(
    /// How a notification reached a member: the mini-program's subscribe message (needs the
    /// member's consent), the official account's template message (needs them to follow
    /// it), or the secretary in person when neither could.
    Channel {
        Subscribe = ("subscribe", "小程序订阅消息"),
        OfficialAccount = ("official_account", "公众号模板消息"),
        InPerson = ("in_person", "当面告知"),
    }
);

slug_enum!(
    /// What a queued WeChat notification is for (the outbox row's kind).
    PushKind {
        Preview = ("preview", "活动预告"),
        RemindSubmit = ("remind_submit", "提交计划提醒"),
        RemindApprove = ("remind_approve", "审核计划提醒"),
        RemindMembers = ("remind_members", "活动前一天提醒"),
        ServiceOffer = ("service_offer", "服务名额递补"),
        BindingRevoked = ("binding_revoked", "微信解绑通知"),
        DutyReminder = ("duty_reminder", "履职进度提醒"),
        RotaReminder = ("rota_reminder", "党代表值班提醒"),
        ReceptionReminder = ("reception_reminder", "党代表接待预约提醒"),
        MatterAnswered = ("matter_answered", "反映事项答复通知"),
        PoliticalBirthday = ("political_birthday", "政治生日祝福"),
    }
);

slug_enum!(
    /// A day of the official holiday arrangement: a day off, or a weekend day worked (调休).
    DayKind {
        Holiday = ("holiday", "休息日"),
        Workday = ("workday", "调休上班日"),
    }
);

slug_enum!(
    /// Where a member's report to a community (到社区报到) stands.
    ReportStatus {
        Pending = ("pending", "待确认"),
        Accepted = ("accepted", "已接收"),
        Declined = ("declined", "未接收"),
        Withdrawn = ("withdrawn", "已撤回"),
    }
);

slug_enum!(
    /// What a community publishes (认领服务项目和岗位, 志愿服务).
    ItemKind {
        Item = ("item", "服务项目"),
        Post = ("post", "服务岗位"),
        Volunteer = ("volunteer", "志愿服务"),
    }
);

slug_enum!(
    /// Whether a service item still takes claims.
    ItemStatus {
        Open = ("open", "开放"),
        Cancelled = ("cancelled", "已取消"),
    }
);

slug_enum!(
    /// A yearly commitment (承诺) in progress or kept.
    CommitmentStatus {
        InProgress = ("in_progress", "进行中"),
        Completed = ("completed", "已完成"),
    }
);

impl ClaimStatus {
    /// Holds (or held) one of the item's places, so it counts against the capacity.
    pub fn holds_place(self) -> bool {
        matches!(
            self,
            Self::Claimed | Self::Offered | Self::Attended | Self::NoShow
        )
    }

    /// Still in: a second claim on the same item answers `already_claimed`.
    pub fn is_active(self) -> bool {
        matches!(
            self,
            Self::Claimed | Self::Waitlisted | Self::Offered | Self::Attended | Self::WalkIn
        )
    }

    /// Whether the person may step back: a claim or a place on the waitlist may be
    /// cancelled, an offer declined; what happened on the day stays.
    pub fn may_withdraw(self, declining: bool) -> bool {
        if declining {
            self == Self::Offered
        } else {
            matches!(self, Self::Claimed | Self::Waitlisted | Self::Offered)
        }
    }
}

#[cfg(test)]
mod claim_status_tests {
    use super::*;

    #[test]
    fn every_slug_parses_back_and_chinese_labels_are_accepted() {
        for status in ClaimStatus::ALL {
            assert_eq!(ClaimStatus::parse(status.as_str()), Ok(*status));
            assert_eq!(ClaimStatus::parse(status.label()), Ok(*status));
        }
        assert!(PlanStatus::parse("someday").is_err());
    }

    #[test]
    fn claims_hold_places_until_cancelled_and_only_offers_are_declined() {
        use ClaimStatus::*;
        let holding: Vec<_> = ClaimStatus::ALL
            .iter()
            .filter(|s| s.holds_place())
            .collect();
        assert_eq!(holding, [&Claimed, &Offered, &Attended, &NoShow]);
        assert!(Waitlisted.is_active() && WalkIn.is_active());
        assert!(!Cancelled.is_active() && !Declined.is_active() && !Expired.is_active());
        assert!(Offered.may_withdraw(true) && !Claimed.may_withdraw(true));
        assert!(Claimed.may_withdraw(false) && Waitlisted.may_withdraw(false));
        assert!(!Attended.may_withdraw(false) && !NoShow.may_withdraw(false));
    }
}

slug_enum!(
    /// Households a community pairs members with (结对帮扶对象).
    HouseholdKind {
        EmptyNest = ("empty_nest", "空巢老人"),
        Disabled = ("disabled", "残疾人"),
        LeftBehindChild = ("left_behind_child", "留守儿童"),
        Hardship = ("hardship", "困难群众"),
    }
);

slug_enum!(
    /// Which kind of member makes a yearly commitment; each has its own emphasis (承诺践诺).
    CommitmentCategory {
        Organ = ("organ", "机关事业单位党员"),
        RuralCommunity = ("rural_community", "农村和社区党员"),
        Enterprise = ("enterprise", "企业和社会组织党员"),
        Retired = ("retired", "离退休党员"),
    }
);

impl CommitmentCategory {
    /// What the document asks this category to commit to (承诺践诺的重点).
    pub fn emphasis(self) -> &'static str {
        match self {
            CommitmentCategory::Organ => "机关事业单位党员：改进工作作风、联系服务基层",
            CommitmentCategory::RuralCommunity => {
                "农村和社区党员：反映社情民意、为群众办实事解难事"
            }
            CommitmentCategory::Enterprise => "企业和社会组织党员：关爱职工会员、提供优质服务",
            CommitmentCategory::Retired => "离退休党员：关心下一代、促进社会公益",
        }
    }
}

slug_enum!(
    /// What a volunteer activity does (党员志愿服务的四类).
    VolunteerKind {
        Visit = ("visit", "走访慰问"),
        Labour = ("labour", "义务劳动"),
        Practical = ("practical", "为民办实事"),
        CommunityService = ("community_service", "社区志愿服务"),
    }
);
