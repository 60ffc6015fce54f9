"""Demo knowledge-base articles and reply templates (written for the demo; editable)."""

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import KnowledgeArticle, ReplyTemplate

# (categories, tags, title and body in Chinese, title and body in English)
ARTICLES = [
    (["damage"], "破损, 理赔, 照片, 保价, broken, claim, photos",
     "破损件理赔流程",
     "1. 请客户提供外包装、内件和面单的照片。\n2. 核对保价金额：保价件按实际损失赔付，"
     "未保价件按运费的三倍以内赔付。\n3. 需要组长审批的赔偿金额见赔偿上限设置。",
     "Damaged parcels: the claim step by step",
     "1. Ask for photos of the outer box, the contents and the waybill label before the "
     "packaging is thrown away.\n2. Check the declared value: insured parcels are paid for "
     "the actual loss, uninsured ones up to three times the postage.\n3. Amounts above the "
     "compensation limit need the team lead's approval."),
    (["loss", "wrong_delivery"], "丢失, 签收, 监控, 驿站, lost, signed for, locker",
     "丢件与虚假签收的核查",
     "先查签收记录和签收照片，再联系派件员与驿站调取监控；48 小时内找不到即按丢失处理。",
     "Lost parcels and doubtful signatures",
     "Check the signed-for record and its photo first, then ask the courier and the station "
     "for their camera footage; a parcel not found within 48 hours is handled as lost."),
    (["delay", "tracking"], "延误, 时效, 中转, late, transit, promise",
     "时效承诺与延误处理",
     "标准件：同城 1-2 天，省内 2-3 天，跨省 3-5 天；特快件：1、2、3 天。查看最后一次扫描，"
     "联系网点，并告诉客户新的送达时间。",
     "Late parcels: promised times",
     "Standard: same city 1-2 days, province 2-3, between provinces 3-5. Express: 1, 2 and 3 "
     "days. Check the last scan, call the outlet, and give the customer a new date."),
    (["privacy"], "隐私, 泄露, 电话, 面单, privacy, leak, phone number",
     "个人信息泄露应急处置",
     "立即上报法务合规组，记录泄露范围，通知客户防范诈骗电话，并对相关网点整改。",
     "Personal data leaks: what to do at once",
     "Report to the legal and compliance team at once, record what leaked, warn the customer "
     "about scam calls, and have the outlet involved put it right."),
    (["fee_dispute"], "运费, 附加费, 退款, surcharge, refund, invoice",
     "运费争议与附加费",
     "核对报价、揽收时的称重和各项附加费；附加费未提前告知客户的，退还差额。",
     "Fee disputes and surcharges",
     "Compare the quote, the weight scanned at pickup and the surcharges; refund the "
     "difference when the customer was not told of a surcharge in advance."),
    (["pickup"], "揽收, 上门取件, 预约, pickup, collection, booking",
     "上门揽收未履约",
     "查看预约记录和派给的快递员；当天安排专人上门揽收，并告诉客户具体时间段。",
     "Missed pickups",
     "Look up the booking and the courier it went to; send someone the same day and give "
     "the customer a time slot."),
    (["staff_attitude"], "态度, 快递员, 道歉, rude, courier, apology",
     "服务态度投诉的处理",
     "先向客户道歉并记录经过，联系网点核实；属实的由组长当天回电致歉，并对人员进行处理。",
     "Complaints about staff behaviour",
     "Apologise and write down what happened, then check with the outlet; when it is "
     "confirmed the team lead calls the customer the same day and the staff member is dealt with."),
]
TEMPLATES = [
    ("delay", "zh", "延误致歉", "您好，非常抱歉您的快件未能按时送达。我们已联系网点优先派送，"
     "预计{date}前送达，如有变化会第一时间通知您。"),
    ("delay", "en", "Delay apology", "We are sorry your parcel is late. We have asked the "
     "outlet to deliver it first and expect it by {date}; we will tell you if anything changes."),
    ("damage", "zh", "破损理赔说明", "您好，对于物品破损我们深表歉意。请提供外包装和物品的照片，"
     "我们将在收到照片后 24 小时内给出赔偿方案。"),
    ("damage", "en", "Damage: photos for the claim", "We are sorry your parcel arrived "
     "damaged. Please send photos of the box and the goods; we will propose compensation "
     "within 24 hours of receiving them."),
    ("loss", "zh", "丢件处理", "您好，我们正在全力查找您的快件，48 小时内仍未找到将按丢失"
     "为您办理赔偿。"),
    ("staff_attitude", "zh", "服务态度致歉", "您好，对于快递员的不当言行我们郑重道歉，"
     "已对相关人员进行批评教育，组长会在今天内与您电话联系。"),
    ("fee_dispute", "en", "Fee check", "Thank you for pointing this out. We are checking "
     "the charges against your quote and will refund any difference within 3 working days."),
    ("privacy", "zh", "信息泄露告知", "您好，我们已收到您关于个人信息的反馈，已上报合规部门"
     "处理。请勿向陌生来电透露验证码或银行信息。"),
]


def ensure_demo_knowledge(session: Session) -> int:
    """Add the demo articles and templates to an empty knowledge base."""
    if session.execute(select(func.count()).select_from(KnowledgeArticle)).scalar():
        return 0
    session.add_all(KnowledgeArticle(categories=cats, tags=tags, title_zh=tz, body_zh=bz,
                                     title_en=te, body_en=be)
                    for cats, tags, tz, bz, te, be in ARTICLES)
    session.add_all(ReplyTemplate(category=c, language=lang, title=t, body=b)
                    for c, lang, t, b in TEMPLATES)
    session.commit()
    return len(ARTICLES)
