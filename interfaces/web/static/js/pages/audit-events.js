// Event types of the log, with what each means in Chinese, for the audit trail's filter.

export const EVENT_TYPES = [
  ["TopicProposed", "提出事项"],
  ["TopicVerified", "核实事项"],
  ["TopicExcluded", "不纳入协商"],
  ["TopicExclusionReversed", "撤销不纳入决定"],
  ["TopicSubmitted", "报专委会"],
  ["TopicApproved", "确定议题"],
  ["TopicReturned", "退回议题"],
  ["TopicResearchRecorded", "记录调研"],
  ["TopicMergedInto", "并入共性议题"],
  ["ConsultationScheduled", "安排协商"],
  ["ParticipantsIdentified", "明确参加人员"],
  ["ParticipantsNotified", "通知参加人员"],
  ["ConsultationHeld", "开展协商"],
  ["OnlineOpinionPosted", "网络协商意见"],
  ["ConsultationReported", "情况报送"],
  ["ConsultationCancelled", "取消协商"],
  ["SupervisionItemOpened", "建立督办事项"],
  ["ItemAssigned", "交办"],
  ["ProgressReported", "填报进展"],
  ["ItemResolved", "办结"],
  ["ItemReopened", "重新办理"],
  ["PlatformResponsiblePersonChanged", "更换平台负责人"],
  ["PersonalDataErased", "删除个人信息"],
];

export const RECORD_PAGES = {
  Topic: "topic",
  Consultation: "consultation",
  SupervisionItem: "item",
};
