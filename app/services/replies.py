"""Canned replies to the customer: chosen by category and language, placeholders filled
from the complaint ({customer}, {number}, {waybill_no}, {due}, {agent})."""

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.models import Complaint, ReplyTemplate
from app.services.mail import render
from app.services.privacy.masking import mask_name
from app.timeutil import to_office

# (title, category or None, language, body): the office edits them after the first start.
DEFAULTS = [
    ("确认收到", None, "zh", "{customer}您好，您的投诉（投诉单号 {number}）已收到，我们将在"
     " {due} 前给您处理结果。如有新的情况，请回复本消息。"),
    ("Acknowledge", None, "en", "Dear {customer}, we have received your complaint {number} and "
     "will come back to you with a resolution by {due}."),
    ("延误：正在联系网点核实", "delay", "zh", "{customer}您好，关于运单 {waybill_no}，"
     "我们已联系派送网点核实，今天内给您答复。给您带来不便，深表歉意。"),
    ("Delay: checking with the depot", "delay", "en", "Dear {customer}, we are checking waybill "
     "{waybill_no} with the delivery outlet and will update you today. We apologise for the "
     "delay."),
    ("破损：请提供照片", "damage", "zh", "{customer}您好，为尽快为您办理理赔，请回复快件"
     "外包装和物品受损部位的照片。"),
    ("Damage: photos please", "damage", "en", "Dear {customer}, to settle your claim quickly, "
     "please reply with photos of the packaging and the damaged item."),
    ("丢失：已启动查找", "loss", "zh", "{customer}您好，我们已对运单 {waybill_no} 启动查找，"
     "将在 {due} 前告知结果；如确认丢失，将按保价规定赔偿。"),
    ("Loss: search started", "loss", "en", "Dear {customer}, we have started a search for "
     "waybill {waybill_no} and will tell you the outcome by {due}; if it is lost, we "
     "compensate as the declared value provides."),
    ("服务态度致歉", "staff_attitude", "zh", "{customer}您好，对快递员的服务态度"
     "给您带来的不愉快，我们深表歉意，已对相关人员进行批评教育。"),
    ("Apology for staff attitude", "staff_attitude", "en", "Dear {customer}, we are sorry for "
     "how our courier treated you; we have spoken with the person concerned."),
]


def ensure_default_reply_templates(session: Session) -> None:
    """The defaults, once: an office that deleted or changed them keeps its own."""
    if session.execute(select(ReplyTemplate.id).limit(1)).first() is None:
        session.add_all(ReplyTemplate(title=t, category=c, language=lang, body=b)
                        for t, c, lang, b in DEFAULTS)
        session.commit()


def replies_for(session: Session, complaint: Complaint, language: str, agent: str) -> list[dict]:
    """Active templates for the complaint's category (and general ones), in the user's
    language first, each with its placeholders filled."""
    rows = session.execute(select(ReplyTemplate).where(
        ReplyTemplate.active, or_(ReplyTemplate.category.is_(None),
                                  ReplyTemplate.category == complaint.category))
        .order_by(ReplyTemplate.category.is_(None), ReplyTemplate.title)).scalars()
    due = to_office(complaint.resolution_due_at)
    # staff read these drafts: the customer's name as every staff page shows it, masked
    values = {"customer": mask_name(complaint.customer.name, complaint.customer.kind)
              if complaint.customer else "",
              "number": complaint.number, "waybill_no": complaint.waybill_no or "",
              "due": due.strftime("%Y-%m-%d %H:%M") if due else "", "agent": agent}
    out = [{"id": r.id, "title": r.title, "language": r.language,
            "text": render(r.body, values)} for r in rows]
    return sorted(out, key=lambda r: r["language"] != language)
