//! Party congress deputies (扬组发〔2014〕29号 §二.4): between congresses deputies staff their
//! studios (党代表工作室) in turn and receive members and the public of their constituency
//! (`studios`, `rota`, `receptions`); they pass the problems they hear to the Party
//! organisation and see them answered (cases), put proposals (提案) to the committee at their
//! level and questions (质询) that "由相应党组织予以答复或办理" — members may ask questions too
//! (§二.2). Cases, questions and proposals are one kind of record with one state machine
//! (`matters`): an owner, a deadline, an answer, the raiser's verdict, a timeline.
pub mod demo;
pub mod error;
pub mod inspections;
pub mod matters;
pub mod receptions;
pub mod rota;
pub mod studios;
pub mod year;

pub use error::DeputyError;

use crate::domain::enums::slug_enum;

slug_enum!(
    /// Where a request to swap a duty slot stands.
    SwapStatus {
        Asked = ("asked", "待对方确认"),
        Accepted = ("accepted", "已同意"),
        Declined = ("declined", "已拒绝"),
    }
);

slug_enum!(
    /// How a reception came about.
    ReceptionKind {
        Booking = ("booking", "预约接待"),
        Appointment = ("appointment", "约谈"),
        Invitation = ("invitation", "邀约"),
    }
);

slug_enum!(
    /// Where a reception stands.
    ReceptionStatus {
        Requested = ("requested", "待代表确认"),
        Booked = ("booked", "已预约"),
        Declined = ("declined", "已婉拒"),
        Cancelled = ("cancelled", "已取消"),
        Attended = ("attended", "已接待"),
        NoShow = ("no_show", "未到"),
    }
);

impl ReceptionStatus {
    /// A reception still expected to happen.
    pub fn is_live(self) -> bool {
        matches!(self, Self::Requested | Self::Booked)
    }
}

slug_enum!(
    /// What kind of matter an organisation must answer.
    MatterKind {
        Case = ("case", "反映问题"),
        Question = ("question", "质询"),
        Proposal = ("proposal", "提案"),
    }
);

slug_enum!(
    /// Where a case, question or proposal stands.
    MatterStatus {
        Draft = ("draft", "待联名确认"),
        Open = ("open", "待转交"),
        Submitted = ("submitted", "待立案"),
        Forwarded = ("forwarded", "办理中"),
        Returned = ("returned", "已退回"),
        NotAccepted = ("not_accepted", "不予立案"),
        Answered = ("answered", "已答复"),
        Closed = ("closed", "已办结"),
    }
);

slug_enum!(
    /// One step of a matter's timeline.
    MatterAction {
        Raise = ("raise", "提出"),
        Cosign = ("cosign", "联名确认"),
        Submit = ("submit", "提交"),
        Accept = ("accept", "立案交办"),
        Reject = ("reject", "不予立案"),
        Forward = ("forward", "转交办理"),
        Return = ("return", "退回"),
        Answer = ("answer", "答复"),
        Rate = ("rate", "评价"),
        Reopen = ("reopen", "不满意，重新办理"),
        Close = ("close", "办结"),
        Escalate = ("escalate", "逾期，报上级组织"),
        MakePrivate = ("make_private", "设为不公开"),
    }
);

slug_enum!(
    /// The raiser's verdict on an answer.
    Rating {
        Satisfied = ("satisfied", "满意"),
        Basic = ("basic", "基本满意"),
        Unsatisfied = ("unsatisfied", "不满意"),
    }
);

slug_enum!(
    /// What a matter is about, for the organisations' dashboards.
    Category {
        Livelihood = ("livelihood", "民生保障"),
        PartyBuilding = ("party_building", "基层党建"),
        Economy = ("economy", "经济发展"),
        Governance = ("governance", "社会治理"),
        Environment = ("environment", "生态环境"),
        Other = ("other", "其他"),
    }
);

/// An organisation as lists show it.
#[derive(serde::Serialize, utoipa::ToSchema, Debug, Clone)]
pub struct OrgRef {
    pub id: i64,
    pub name: String,
}
